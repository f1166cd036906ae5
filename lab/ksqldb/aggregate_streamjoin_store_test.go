package ksqldb

import (
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// An aggregation of a stream-stream join keeps the join's stores and the
// aggregate's apart, as ksqlDB's topology does: the join's window stores
// are those of the join alone (its nodes come first, so they are numbered
// as the plain join's: KSTREAM-JOINTHIS-0000000008-store and
// KSTREAM-JOINOTHER-0000000009-store in the historical plan of QTT
// joins.json "stream stream inner join", confluentinc/ksql v7.9.0), each
// logged as join_store_test.go describes, and the aggregation reads the
// Aggregate-GroupBy-repartition topic into Aggregate-Aggregate-Materialize,
// laid out as an aggregation of one source's (AggregateParamsFactory: the
// Prepare step's required columns, C_PAGE and V_SECS, then
// KSQL_AGG_VARIABLE_0, SUM's INTEGER). No QTT case aggregates a
// stream-stream join in one query; the layout is what
// StreamStreamJoinBuilder and StreamAggregateBuilder build for it.

// pageViews aggregates the views joined with the clicks on their pages.
const pageViews = `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', partitions=1, value_format='JSON');
CREATE STREAM views (id STRING KEY, secs INT) WITH (kafka_topic='views', partitions=1, value_format='JSON');
CREATE TABLE per_page AS SELECT c.page, SUM(v.secs) AS secs FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id GROUP BY c.page;`

// startPageViews runs pageViews over a click at 1000 and two views of its
// page at 3000 and 5000.
func startPageViews(t *testing.T) (*stack, string) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pageViews, earliest())
	st.produceAt("clicks", []byte("u1"), []byte(`{"PAGE":"home"}`), 1000)
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":4}`), 3000)
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":2}`), 5000)
	return st, url
}

func TestStreamStreamJoinAggregationLogsTheJoinsWindowStores(t *testing.T) {
	st, url := startPageViews(t)
	id := queryWriting(t, url, "PER_PAGE")
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{
		logLine(windowStoreKey([]byte("u1"), 1000, 1), `{"C_PAGE":"home","C_ROWTIME":1000,"C_ROWPARTITION":0,"C_ROWOFFSET":0,"C_ID":"u1"}`, 1000),
	})
	other := queryTopic(id, "-KSTREAM-JOINOTHER-0000000009-store-changelog")
	sameLog(t, other, st.records(other, 2), []string{
		logLine(windowStoreKey([]byte("u1"), 3000, 1), `{"V_SECS":4,"V_ROWTIME":3000,"V_ROWPARTITION":0,"V_ROWOFFSET":0,"V_ID":"u1"}`, 3000),
		logLine(windowStoreKey([]byte("u1"), 5000, 2), `{"V_SECS":2,"V_ROWTIME":5000,"V_ROWPARTITION":0,"V_ROWOFFSET":1,"V_ID":"u1"}`, 5000),
	})
}

func TestStreamStreamJoinAggregationStoreIsLaidOutAsOneSourcesAggregation(t *testing.T) {
	st, url := startPageViews(t)
	st.waitStore(storeTopic(t, url, "PER_PAGE"), map[string]storeEntry{
		"home": {`{"C_PAGE":"home","V_SECS":2,"KSQL_AGG_VARIABLE_0":6}`, 5000},
	})
	// the query's internal topics are the join's stores', the
	// repartition topic and the aggregate store's, no other
	want := []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition",
		"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINTHIS-0000000008-store-changelog"}
	if got := internalTopics(t, st, queryWriting(t, url, "PER_PAGE")); !slices.Equal(got, want) {
		t.Errorf("internal topics:\n got %q\nwant %q", got, want)
	}
}

// A restart reads the join's window stores and the aggregate back from
// their changelogs alone: a view after it joins the click before it, and
// a click after it joins both views, the earlier first (the window store
// is read in time order), as one run gives: SECS 4, 6, 10, 12.
func TestStreamStreamJoinAggregationResumesFromItsStores(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv, url := st.serve()
	mustKSQL(t, url, pageViews, earliest())
	st.produceAt("clicks", []byte("u1"), []byte(`{"PAGE":"home"}`), 1000)
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":4}`), 3000)
	st.records("PER_PAGE", 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":2}`), 5000)
	st.produceAt("clicks", []byte("u1"), []byte(`{"PAGE":"home"}`), 6000)
	st.serve()
	var got []string
	for _, r := range st.records("PER_PAGE", 4) {
		got = append(got, string(r.Value))
	}
	if want := []string{`{"SECS":4}`, `{"SECS":6}`, `{"SECS":10}`, `{"SECS":12}`}; !slices.Equal(got, want) {
		t.Errorf("PER_PAGE across the restart: got %q, want %q", got, want)
	}
}

// An aggregation of a chain of stream-stream joins logs each step's
// window stores as the chain alone does (KSTREAM-JOINTHIS-0000000008,
// -JOINOTHER-0000000009, -JOINTHIS-0000000016 and -JOINOTHER-0000000017,
// historical plan multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows)
// and its aggregate apart, and restarts from them: after the restart a
// record of the third stream joins the first two's result from before
// it, and the sum goes on from the stored 30: 30 + 31.
func TestAStreamStreamChainsAggregationResumesFromItsStores(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE TABLE sums AS SELECT s1.id, SUM(s3.v0) AS total FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id GROUP BY s1.id;", earliest())
	st.produceJoin(joinRec{"s1", 1000, kafkaInt(1), []byte(`{"V0":10}`)},
		joinRec{"s2", 2000, kafkaInt(1), []byte(`{"V0":20}`)},
		joinRec{"s3", 3000, kafkaInt(1), []byte(`{"V0":30}`)})
	st.records("SUMS", 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	st.produceJoin(joinRec{"s3", 4000, kafkaInt(1), []byte(`{"V0":31}`)})
	var got []string
	for _, r := range st.records("SUMS", 2) {
		got = append(got, string(r.Value))
	}
	if want := []string{`{"TOTAL":30}`, `{"TOTAL":61}`}; !slices.Equal(got, want) {
		t.Errorf("SUMS across the restart: got %q, want %q", got, want)
	}
	st.waitStore(storeTopic(t, url, "SUMS"), map[string]storeEntry{
		string(kafkaInt(1)): {`{"S1_ID":1,"S3_V0":31,"KSQL_AGG_VARIABLE_0":61}`, 4000},
	})
	want := []string{"Aggregate-Aggregate-Materialize-changelog", "KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINOTHER-0000000017-store-changelog",
		"KSTREAM-JOINTHIS-0000000008-store-changelog", "KSTREAM-JOINTHIS-0000000016-store-changelog"}
	if got := internalTopics(t, st, queryWriting(t, url, "SUMS")); !slices.Equal(got, want) {
		t.Errorf("internal topics:\n got %q\nwant %q", got, want)
	}
}
