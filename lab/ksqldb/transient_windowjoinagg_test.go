package ksqldb

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// A push query aggregating a join with stream-stream steps builds the
// persistent query's steps under its transient application id
// (QueryBuilder.buildTransientQuery, see transient_internal_test.go): the
// join's window stores, numbered as the join's alone as its nodes come
// first (KSTREAM-JOINTHIS-0000000008 and -JOINOTHER-0000000009 in the
// historical plan of joins.json "stream stream inner join", -0000000016
// and -0000000017 for a second step in
// multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows),
// then StreamAggregateBuilder's Aggregate-Aggregate-Materialize, fed
// through Aggregate-GroupBy-repartition where it groups by anything but
// the join's key (groupByKey otherwise: the historical plan
// group-by_-_windowed_join has no such topic), as the persistent
// aggregation's (aggregate_streamjoin_store_test.go,
// aggregate_join_repartition_test.go).

// clicksAndViews declares two streams keyed by STRING over topics of two
// partitions.
const clicksAndViews = `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', partitions=2, value_format='JSON');
CREATE STREAM views (id STRING KEY, secs INT) WITH (kafka_topic='views', partitions=2, value_format='JSON');`

// pageViewInputs are a click at 1000 and two views of its page at 3000 and
// 5000.
var pageViewInputs = []joinRec{{"clicks", 1000, []byte("u1"), []byte(`{"PAGE":"home"}`)},
	{"views", 3000, []byte("u1"), []byte(`{"SECS":4}`)}, {"views", 5000, []byte("u1"), []byte(`{"SECS":2}`)}}

func TestATransientStreamStreamJoinAggregationKeepsThePlansInternalTopicsUntilItIsClosed(t *testing.T) {
	runTransientChainCases(t, []transientChainCase{{
		plan:   "grouped by a column other than the key",
		ddl:    clicksAndViews,
		query:  "SELECT c.page, SUM(v.secs) AS secs FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id GROUP BY c.page EMIT CHANGES;",
		inputs: pageViewInputs,
		rows:   []string{`["home",4]`, `["home",6]`},
		topics: []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition",
			"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINTHIS-0000000008-store-changelog"},
	}, {
		plan:   "grouped by the join's key",
		ddl:    clicksAndViews,
		query:  "SELECT c.id, SUM(v.secs) AS secs FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id GROUP BY c.id EMIT CHANGES;",
		inputs: pageViewInputs,
		rows:   []string{`["u1",4]`, `["u1",6]`},
		topics: []string{"Aggregate-Aggregate-Materialize-changelog",
			"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINTHIS-0000000008-store-changelog"},
	}, {
		plan:  "a chain of two stream-stream joins",
		ddl:   threeStreams,
		query: "SELECT s1.id, SUM(s3.v0) AS total FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id GROUP BY s1.id EMIT CHANGES;",
		inputs: []joinRec{{"s1", 1000, kafkaInt(1), []byte(`{"V0":10}`)}, {"s2", 2000, kafkaInt(1), []byte(`{"V0":20}`)},
			{"s3", 3000, kafkaInt(1), []byte(`{"V0":30}`)}, {"s3", 4000, kafkaInt(1), []byte(`{"V0":31}`)}},
		rows: []string{`[1,30]`, `[1,61]`},
		topics: []string{"Aggregate-Aggregate-Materialize-changelog",
			"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINOTHER-0000000017-store-changelog",
			"KSTREAM-JOINTHIS-0000000008-store-changelog", "KSTREAM-JOINTHIS-0000000016-store-changelog"},
	}})
}

// The aggregation's topics are the persistent query's: each of the
// sources' partition count, the joined rows grouped by C_PAGE in the
// repartition topic, the aggregate laid out as one source's aggregation
// (the Prepare step's C_PAGE and V_SECS, then KSQL_AGG_VARIABLE_0), as
// the persistent query's specs pin them
// (TestStreamStreamJoinAggregationRepartitionsTheRowsWherePasses,
// TestStreamStreamJoinAggregationStoreIsLaidOutAsOneSourcesAggregation).
func TestATransientStreamStreamJoinAggregationWritesThePersistentQuerysRecords(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksAndViews, nil)
	st.produceJoin(pageViewInputs...)
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT c.page, SUM(v.secs) AS secs FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id GROUP BY c.page EMIT CHANGES;")
	readLine(t, rd)
	readLine(t, rd)
	app, topics := transientTopics(t, st, qid)
	for topic, n := range topics {
		if n != 2 {
			t.Errorf("%s has %d partitions, want the streams' 2", topic, n)
		}
	}
	repartition := app + "-Aggregate-GroupBy-repartition"
	var got []string
	for _, r := range st.records(repartition, 2) {
		got = append(got, fmt.Sprintf("%s %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if want := []string{`home {"C_PAGE":"home","V_SECS":4} @3000`, `home {"C_PAGE":"home","V_SECS":2} @5000`}; !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", repartition, got, want)
	}
	st.waitStore(app+"-Aggregate-Aggregate-Materialize-changelog", map[string]storeEntry{
		"home": {`{"C_PAGE":"home","V_SECS":2,"KSQL_AGG_VARIABLE_0":6}`, 5000},
	})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}
