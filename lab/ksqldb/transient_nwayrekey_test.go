package ksqldb

import (
	"maps"
	"net/http"
	"slices"
	"testing"
)

// A push join chaining stream-table or table-table joins that rekeys its
// stream before the innermost join, or tables keyed in another format than
// the chain's, writes them through the persistent chain's repartition
// topics under its transient application id and reads them back from
// there (QueryBuilder.buildTransientQuery, see transient_rekey_test.go and
// transient_tablerekey_test.go): the stream through L_Join-repartition, a
// table through <L_...>RightSourceKeyed-SelectKey-repartition into its
// <L_...>RightSourceKeyed-Materialize store. The historical plans (7.1.0)
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey,
// multi-joins_-_stream-table-table_-_table_key_format_mismatch and
// multi-joins_-_table-table-table_-_key_format_mismatch list the
// persistent queries' internal topics; their test cases' rows are the
// push queries'.
func TestATransientChainThatRekeysBeforeItsFirstJoinWritesItsRepartitionTopicsUntilItIsClosed(t *testing.T) {
	runTransientChainCases(t, []transientChainCase{{
		plan: "multi-joins_-_stream-table-table_-_inner-inner_-_rekey",
		ddl: `CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K = T2.ID JOIN T3 ON S1.K = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, intKey(1), []byte(`{"V0":3}`)}, {"right", 11, intKey(1), []byte(`{"V0":2}`)},
			{"left", 12, intKey(0), []byte(`{"k":1,"V0":1}`)}},
		rows:   []string{`[1,1,2,3]`},
		topics: []string{"KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "L_Join-repartition"},
	}, {
		plan: "multi-joins_-_stream-table-table_-_table_key_format_mismatch",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', key_format='JSON', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='DELIMITED', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, []byte("0"), []byte(`{"V0":3}`)}, {"right", 11, intKey(0), []byte(`{"V0":2}`)},
			{"left", 12, []byte("0"), []byte(`{"V0":1}`)}, {"left", 14, []byte("1"), []byte(`{"V0":1}`)}},
		rows: []string{`[0,1,2,3]`},
		topics: []string{"L_RightSourceKeyed-Materialize-changelog", "L_RightSourceKeyed-SelectKey-repartition",
			"RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"},
	}, {
		plan: "multi-joins_-_table-table-table_-_key_format_mismatch",
		ddl: `CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='DELIMITED', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, []byte("0"), []byte(`{"V0":3}`)}, {"left", 1000, intKey(0), []byte(`{"V0":4}`)}},
		rows: []string{`[0,1,2,3]`, `[0,4,2,3]`},
		topics: []string{"KafkaTopic_L_Left-Reduce-changelog", "KafkaTopic_L_Right-Reduce-changelog", "Project-Last-changelog",
			"RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"},
	}})
}

// transientChainCase is a push join of a historical plan's statements: its
// DDL, the records produced, its rows and the internal topics it keeps
// while it runs (suffixes after the transient application id).
type transientChainCase struct {
	plan, ddl, query string
	inputs           []joinRec
	rows, topics     []string
	anyOrder         bool // rows may come in any order
	// logs, where given, are the records of internal topics (suffixes
	// after the application id) while the query runs
	logs []chainLog
}

// runTransientChainCases runs each case over /query-stream from the
// earliest offsets: its rows, exactly its internal topics while it runs,
// each with an entry, and none of them once /close-query ends it.
func runTransientChainCases(t *testing.T, cases []transientChainCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.plan, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.ddl, nil)
			st.produceJoin(c.inputs...)
			_, rd, qid := openQueryStream(t, h2c(), url, c.query)
			var got []string
			for range c.rows {
				got = append(got, readLine(t, rd))
			}
			wantRows := c.rows
			if c.anyOrder {
				got, wantRows = slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(c.rows))
			}
			if !slices.Equal(got, wantRows) {
				t.Errorf("push rows %q, want %q", got, c.rows)
			}
			app, topics := transientTopics(t, st, qid)
			var want []string
			for _, suffix := range c.topics {
				want = append(want, app+"-"+suffix)
			}
			if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
				t.Fatalf("the push query's internal topics %q, want %q", got, want)
			}
			for _, topic := range want {
				waitFor(t, func() bool { return distinctKeys(t, st, topic) >= 1 }, "an entry in "+topic)
			}
			for _, lg := range c.logs {
				topic := app + lg.suffix
				sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
			}
			if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
				t.Fatalf("close-query: %d %s", r.code, r.body)
			}
			waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
		})
	}
}
