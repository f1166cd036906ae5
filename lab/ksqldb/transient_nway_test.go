package ksqldb

import (
	"maps"
	"net/http"
	"slices"
	"testing"
)

// A push join of more than two sources builds the persistent chain's steps
// (QueryBuilder.buildTransientQuery, see transient_internal_test.go): a
// chain on keys that rekeys nothing materializes each table side in the
// store its step names, KafkaTopic_<L_ per level><Side>-Reduce, and a
// chain of tables its projection in Project-Last (see
// transient_tablejoin_test.go), logged under the transient application
// id. The historical plans multi-joins_-_stream-table-table_-_inner-inner
// and multi-joins_-_table-table-table_-_inner-inner (7.1.0) list the
// persistent queries' changelogs; their test cases' rows are the push
// queries'.

// twoTables declares the historical plans' tables T2 and T3 over
// single-partition topics; S1 or T1 comes before them.
const twoTables = `CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`

func TestATransientStreamTableTableJoinLogsEachTableStoreUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);\n"+twoTables, nil)
	st.produceJoin(joinRec{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, joinRec{"right", 11, intKey(0), []byte(`{"V0":2}`)},
		joinRec{"left", 12, intKey(0), []byte(`{"V0":1}`)}, joinRec{"left", 14, intKey(1), []byte(`{"V0":1}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[0,1,2,3]` {
		t.Errorf("push row %s, want [0,1,2,3]", got)
	}
	app, topics := transientTopics(t, st, qid)
	inner, outer := app+"-KafkaTopic_L_Right-Reduce-changelog", app+"-KafkaTopic_Right-Reduce-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{inner, outer}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	sameLog(t, inner, st.records(inner, 1), []string{logLine(string(intKey(0)), `{"V0":2,"ROWPARTITION":0,"ROWOFFSET":0}`, 11)})
	sameLog(t, outer, st.records(outer, 1), []string{logLine(string(intKey(0)), `{"V0":3,"ROWPARTITION":0,"ROWOFFSET":0}`, 10)})
	st.produceJoin(joinRec{"right", 15, intKey(1), []byte(`{"V0":5}`)}, joinRec{"right2", 16, intKey(1), []byte(`{"V0":6}`)},
		joinRec{"left", 17, intKey(1), []byte(`{"V0":4}`)})
	if got := readLine(t, rd); got != `[1,4,5,6]` {
		t.Errorf("push row %s, want [1,4,5,6]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

func TestATransientTableTableTableJoinLogsEachTableStoreAndItsProjectionUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);\n"+twoTables, nil)
	st.produceJoin(joinRec{"left", 0, intKey(0), []byte(`{"V0":1}`)}, joinRec{"right", 1, intKey(0), []byte(`{"V0":2}`)},
		joinRec{"right2", 2, intKey(0), []byte(`{"V0":3}`)}, joinRec{"left", 1000, intKey(0), []byte(`{"V0":4}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID EMIT CHANGES;")
	for _, want := range []string{`[0,1,2,3]`, `[0,4,2,3]`} {
		if got := readLine(t, rd); got != want {
			t.Errorf("push row %s, want %s", got, want)
		}
	}
	app, topics := transientTopics(t, st, qid)
	var want []string
	for _, store := range []string{"KafkaTopic_L_Left-Reduce", "KafkaTopic_L_Right-Reduce", "KafkaTopic_Right-Reduce", "Project-Last"} {
		want = append(want, app+"-"+store+"-changelog")
	}
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	sameLog(t, want[0], st.records(want[0], 2), []string{
		logLine(string(intKey(0)), `{"V0":1,"ROWPARTITION":0,"ROWOFFSET":0}`, 0),
		logLine(string(intKey(0)), `{"V0":4,"ROWPARTITION":0,"ROWOFFSET":1}`, 1000),
	})
	sameLog(t, want[3], st.records(want[3], 2), []string{
		logLine(string(intKey(0)), `{"T1_ID":0,"T1_V0":1,"T2_V0":2,"T3_V0":3}`, 2),
		logLine(string(intKey(0)), `{"T1_ID":0,"T1_V0":4,"T2_V0":2,"T3_V0":3}`, 1000),
	})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}
