package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first stream-table join rekeys its stream, then a
// stream-stream join on the key, then a table keyed in another format.
// ksqlDB rekeys S1 by K for the stream-table join through
// L_L_Join-repartition, in T's KAFKA (JoinNode.resolveKeyFormats: the
// left side is rekeyed, the table is not); S2 is joined on S1.K, the
// result's key, in KAFKA, so neither side of the stream-stream join is
// rekeyed; T3 is joined on S1.K in the result's equivalence set, so that
// join's key format is the result's KAFKA, which is not T3's JSON, and
// PreJoinRepartitionNode forces T3's rekey by its own key into KAFKA
// through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// second table so). Store numbers: explain_tableafterstreamtable_test.go.
const tableAfterStreamTableChain = mixedSources + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0, t3.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN t3 ON s1.k = t3.id;`

func TestAChainThatRekeysAStreamTableJoinsStreamRekeysATableKeyedInAnotherFormatAfterIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tableAfterStreamTableChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, kafkaInt(6), []byte(`{"V0":7}`)}, joinRec{"t3", 0, []byte("6"), []byte(`{"V0":9}`)})
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":6}`
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.records(queryTopic(id, "-KafkaTopic_L_L_Right-Reduce-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
		joinRec{"s2", 2, kafkaInt(6), []byte(`{"K":0,"V0":2}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000006 {"S1_V0":1,"T_V0":7,"S2_V0":2,"T3_V0":9} @2`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	s1 := keyedRow("S1", 6, 1, 1, 0, 5)
	k := kafkaInt(6)
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
		{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
		{"-L_L_Join-repartition", []string{logLine(string(k), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINTHIS-0000000031-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+","+tRow(7, 0, 0, 6)+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+keyedRow("S2", 0, 2, 2, 0, 6)+"}", 2)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", "-L_L_RightSourceKeyed-SelectKey-repartition",
		"-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// The same chain with S2 joined on its column K: S2 goes through
// L_Join-right-repartition keyed by K in the chain's KAFKA (historical
// plan multi-joins_-_only_viable_in_projection rekeys a later stream so),
// which leaves the result keyed by S1.K, and T3 is rekeyed into KAFKA as
// above, now through RightSourceKeyed-SelectKey-repartition after both
// streams' rekeys (as multi-joins_-_stream-stream-table_-_SR-enabled_key_format
// rekeys its table after repartitioned streams). Store numbers:
// explain_tableafterstreamtable_test.go.
const tableAfterStreamTableRekeyedStreamQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0, t3.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.k JOIN t3 ON s1.k = t3.id;`

func TestAChainThatRekeysAStreamTableJoinsStreamAndALaterStreamRekeysATableKeyedInAnotherFormatAfterThem(t *testing.T) {
	k6 := kafkaInt(6)
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 6, 2, 2, 0, 0)
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":6}`
	runChainCases(t, []chainCase{{
		name:    "S1 on S1.K with T, S2 on S2.K, T3 keyed in JSON on S1.K",
		sources: streamTableBeforeStreamJoinSources,
		stmt:    tableAfterStreamTableRekeyedStreamQuery,
		tables:  []joinRec{{"t", 0, k6, []byte(`{"V0":7}`)}, {"t3", 0, []byte("6"), []byte(`{"V0":9}`)}},
		settled: []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
			{"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)}},
		out: `00000006 {"S1_V0":1,"T_V0":7,"S2_V0":2,"T3_V0":9} @2`,
		logs: []chainLog{
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), t3, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), t3, 0)}},
			{"-L_L_Join-repartition", []string{logLine(string(k6), "{"+s1+"}", 1)}},
			{"-L_Join-right-repartition", []string{logLine(string(k6), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000035-store-changelog", []string{logLine(windowStoreKey(k6, 1, 1), "{"+s1+","+tRow(7, 0, 0, 6)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000036-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s2+"}", 2)}},
		},
		absent: []string{"-KafkaTopic_Right-Reduce-changelog", "-L_L_RightSourceKeyed-SelectKey-repartition", "-L_Join-left-repartition", "-Join-repartition"},
	}})
}

// The chain with S2 joined on S1.K and a stream-stream join of S3 on S2.K
// before T3, joined on S2.K: S1 goes through L_L_L_Join-repartition as
// above, the result is rekeyed by S2.K through L_Join-left-repartition in
// S3's KAFKA (JoinNode.resolveKeyFormats: only the left side is rekeyed),
// as multi-joins_-_stream-stream-stream_-_outer-outer rekeys a result for
// its second join, and T3, joined on S2.K in the result's equivalence set,
// is rekeyed into KAFKA through RightSourceKeyed-SelectKey-repartition
// after the result's rekey (PreJoinRepartitionNode forces it as after any
// other rekey; as multi-joins_-_stream-stream-table_-_SR-enabled_key_format
// rekeys its table after repartitioned streams). Store numbers:
// explain_tableafterstreamtable_test.go.
const tableAfterStreamTableRekeyedResultQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, t.v0, s2.v0, s3.v0, t3.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN t3 ON s2.k = t3.id;`

func TestAChainThatRekeysAStreamTableJoinsStreamAndTheResultRekeysATableKeyedInAnotherFormatAfterThem(t *testing.T) {
	k6, k8 := kafkaInt(6), kafkaInt(8)
	s1, s2, s3 := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 8, 2, 2, 0, 6), keyedRow("S3", 0, 3, 3, 0, 8)
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":8}`
	joined := "{" + s1 + "," + tRow(7, 0, 0, 6) + "," + s2 + "}"
	runChainCases(t, []chainCase{{
		name:    "S1 on S1.K with T, S2 on S1.K, the result on S2.K with S3, T3 keyed in JSON on S2.K",
		sources: streamTableBeforeStreamJoinSources,
		stmt:    tableAfterStreamTableRekeyedResultQuery,
		tables:  []joinRec{{"t", 0, k6, []byte(`{"V0":7}`)}, {"t3", 0, []byte("8"), []byte(`{"V0":9}`)}},
		settled: []string{"-KafkaTopic_L_L_L_Right-Reduce-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
			{"s2", 2, k6, []byte(`{"K":8,"V0":2}`)}, {"s3", 3, k8, []byte(`{"K":0,"V0":3}`)}},
		out: `00000008 {"S1_V0":1,"T_V0":7,"S2_V0":2,"S3_V0":3,"T3_V0":9} @3`,
		logs: []chainLog{
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k8), t3, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k8), t3, 0)}},
			{"-L_L_L_Join-repartition", []string{logLine(string(k6), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINTHIS-0000000031-store-changelog", []string{logLine(windowStoreKey(k6, 1, 1), "{"+s1+","+tRow(7, 0, 0, 6)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000032-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s2+"}", 2)}},
			{"-L_Join-left-repartition", []string{logLine(string(k8), joined, 2)}},
			{"-KSTREAM-JOINTHIS-0000000043-store-changelog", []string{logLine(windowStoreKey(k8, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000044-store-changelog", []string{logLine(windowStoreKey(k8, 3, 1), "{"+s3+"}", 3)}},
		},
		absent: []string{"-KafkaTopic_Right-Reduce-changelog", "-L_L_L_RightSourceKeyed-SelectKey-repartition",
			"-L_Join-right-repartition", "-L_L_Join-left-repartition", "-Join-repartition"},
	}})
}
