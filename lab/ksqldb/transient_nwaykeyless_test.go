package ksqldb

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
)

// A push chain with stream-stream steps that starts from a stream with no
// key column rekeys it by its join column, as it rekeys a keyed stream
// joined on a value column, and keeps the persistent chain's internal
// topics under its transient application id (QueryBuilder.
// buildTransientQuery): the stream through L_Join-left-repartition, each
// stream-stream step's window stores and each table's store.
//
// ksqlDB builds a keyless stream's rekey with the same nodes as a keyed
// one's (KSTREAM-SOURCE, KSTREAM-TRANSFORMVALUES, LeftSourceKeyed-SelectKey,
// PrependAliasLeft, the repartition's filter and sink: historical plans
// joins_-_streams_with_no_key_columns_(stream-_stream) and
// joins_-_stream-stream_value-to-value_-_keyless against
// joins_-_stream-stream_value-to-value_-_rekey), so the stores are
// numbered as in the historical plan
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left (7.1.0:
// KSTREAM-JOINTHIS-0000000018, KSTREAM-JOINOTHER-0000000019,
// KafkaTopic_Right-Reduce, L_Join-left-repartition), whose test case's
// records and rows these are, the left stream's records without a key.
// With a stream for the table, the first step's stores come six indexes
// before (the table's source nodes: multi-joins_-_stream-stream-table_-_inner-inner
// numbers them 14/15, multi-joins_-_stream-stream-stream_-_left-left 8/9),
// and the second step's four after its own non-rekeyed numbering (the
// rekey's SelectKey and the repartition's filter, sink and source:
// 16/17 in _-_left-left), 12/13 and 20/21.
func TestATransientChainWithStreamStreamStepsFromAKeylessStreamKeepsThePersistentChainsTopicsUntilItIsClosed(t *testing.T) {
	runTransientChainCases(t, []transientChainCase{{
		plan: "multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left, keyless",
		ddl: `CREATE STREAM S1 (k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S1.K, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN T3 ON S1.K = T3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, {"right", 11, intKey(0), []byte(`{"V0":2}`)},
			{"left", 12, nil, []byte(`{"k":0,"V0":1}`)}, {"right", 13, intKey(0), []byte(`{"V0":4}`)},
			{"left", 100000, nil, []byte(`{"k":0,"V0":5}`)}, {"right", 100001, intKey(0), []byte(`{"V0":6}`)}},
		rows: []string{`[0,1,2,3]`, `[0,1,4,3]`, `[0,5,6,3]`},
		topics: []string{"KSTREAM-JOINOTHER-0000000019-store-changelog", "KSTREAM-JOINTHIS-0000000018-store-changelog",
			"KafkaTopic_Right-Reduce-changelog", "L_Join-left-repartition"},
		anyOrder: true,
	}, {
		plan: "three streams, the first keyless",
		ddl: `CREATE STREAM S1 (k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT S1.K, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN S3 WITHIN 10 seconds ON S1.K = S3.ID EMIT CHANGES;",
		inputs: []joinRec{{"right", 11, intKey(0), []byte(`{"V0":2}`)}, {"right2", 12, intKey(0), []byte(`{"V0":3}`)},
			{"left", 13, nil, []byte(`{"k":0,"V0":1}`)}},
		rows: []string{`[0,1,2,3]`},
		topics: []string{"KSTREAM-JOINOTHER-0000000013-store-changelog", "KSTREAM-JOINOTHER-0000000021-store-changelog",
			"KSTREAM-JOINTHIS-0000000012-store-changelog", "KSTREAM-JOINTHIS-0000000020-store-changelog", "L_Join-left-repartition"},
	}})
}

// EXPLAIN of the persistent chain is the historical plan's topology
// (multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left, 7.1.0):
// a keyless stream's rekey has the nodes of a keyed one's.
func TestExplainOfAChainWithStreamStreamStepsFromAKeylessStreamIsTheKeyedRekeysTopology(t *testing.T) {
	checkExplainCase(t, explainCase{
		name:   "a keyless stream rekeyed before its stream-stream join, then a table",
		topics: []string{"left", "right", "right2"},
		stmts: `CREATE STREAM S1 (k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');
CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN T3 ON S1.K = T3.ID;`,
		sink: "OUTPUT", topology: "multi-joins-stream-stream-table-inner-inner-rekey-left.topology",
	})
}

// The push chain's repartition of the keyless stream holds its rekeyed
// PrependAlias row, keyed by its join column in the stream's key format,
// its values the stream's columns and pseudo columns (historical plan
// joins_-_streams_with_no_key_columns_(stream-_stream), schema Join.Left:
// L_A INTEGER KEY, L_A, L_B, L_C, L_ROWTIME, L_ROWPARTITION, L_ROWOFFSET),
// and the first step's left window store logs that row under the join key
// (as TestATransientStreamStreamJoinLogsItsWindowStoresUntilItIsClosed);
// every internal topic has the sources' partition count.
func TestATransientChainFromAKeylessStreamWritesItsRekeyedRowsToItsRepartitionAndWindowStore(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=2);
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=2);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=2);`, nil)
	st.produceJoin(joinRec{"right2", 10, intKey(0), []byte(`{"V0":3}`)}, joinRec{"right", 11, intKey(0), []byte(`{"V0":2}`)},
		joinRec{"left", 12, nil, []byte(`{"k":0,"V0":1}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT S1.K, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN T3 ON S1.K = T3.ID EMIT CHANGES;")
	if got := readLine(t, rd); got != `[0,1,2,3]` {
		t.Errorf("push row %s, want [0,1,2,3]", got)
	}
	app, topics := transientTopics(t, st, qid)
	repartition, this := app+"-L_Join-left-repartition", app+"-KSTREAM-JOINTHIS-0000000018-store-changelog"
	want := []string{app + "-KSTREAM-JOINOTHER-0000000019-store-changelog", this, app + "-KafkaTopic_Right-Reduce-changelog", repartition}
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 2 {
			t.Errorf("%s has %d partitions, want the sources' 2", topic, n)
		}
	}
	src := st.records("left", 1)[0]
	row := fmt.Sprintf(`{"S1_K":0,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d}`, src.Partition, src.Offset)
	sameLog(t, repartition, st.records(repartition, 1), []string{logLine(string(intKey(0)), row, 12)})
	sameLog(t, this, st.records(this, 1), []string{logLine(windowStoreKey(intKey(0), 12, 1), row, 12)})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}
