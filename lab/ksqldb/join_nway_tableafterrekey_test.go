package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose stream-stream join rekeys S1 on an expression, followed by
// a join of a table keyed in JSON on a column of the join's equivalence
// set. The stream-table join's key format is its left input's, the first
// join's (KAFKA, S2's: JoinNode.resolveKeyFormats takes the right side's
// where only the left is rekeyed), which is not the table's, so
// PreJoinRepartitionNode forces the table's rekey by its own key into KAFKA
// through RightSourceKeyed-SelectKey-repartition, materialized in
// RightSourceKeyed-Materialize, after S1's L_Join-left-repartition: the
// historical plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format
// rekeys its table after its two rekeyed streams alike. Store numbers:
// explain_tableafterrekey_test.go.
const tableAfterRekeyChain = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, t3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON ABS(s1.k) = s2.id JOIN t3 ON s2.id = t3.id;`

func TestAChainThatRekeysAStreamRekeysATableKeyedInAnotherFormatAfterIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tableAfterRekeyChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t3", 0, []byte("5"), []byte(`{"V0":9}`)})
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5}`
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, kafkaInt(0), []byte(`{"K":-5,"V0":1}`)},
		joinRec{"s2", 2, kafkaInt(5), []byte(`{"K":6,"V0":2}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000005 {"S1_V0":1,"S2_V0":2,"T3_V0":9} @2`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	s1 := "{" + keyedRow("S1", -5, 1, 1, 0, 0) + `,"S1_KSQL_COL_0":5}`
	k := kafkaInt(5)
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
		{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
		{"-L_Join-left-repartition", []string{logLine(string(k), s1, 1)}},
		{"-KSTREAM-JOINTHIS-0000000024-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), s1, 1)}},
		{"-KSTREAM-JOINOTHER-0000000025-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+keyedRow("S2", 6, 2, 2, 0, 5)+"}", 2)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", "-Join-repartition", "-L_Join-right-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// A chain whose stream-stream join rekeys nothing, then a join of a table
// keyed in JSON, then a second stream-stream join: the table is rekeyed
// into the chain's KAFKA as after the first join alone
// (join_nway_tablekeyformat_test.go), through L_RightSourceKeyed-SelectKey-repartition
// named by its join's context, before the second stream-stream join, whose
// left window store holds the joined row (S1's, S2's, then T3's
// PrependAlias values). Store numbers: explain_tableafterrekey_test.go.
const tableBeforeStreamJoinChain = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;`

func TestAChainRekeysATableKeyedInAnotherFormatBeforeALaterStreamStreamJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tableBeforeStreamJoinChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"t3", 0, []byte("0"), []byte(`{"V0":9}`)})
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0}`
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, k, []byte(`{"K":5,"V0":1}`)},
		joinRec{"s2", 2, k, []byte(`{"K":6,"V0":2}`)},
		joinRec{"s3", 3, k, []byte(`{"K":7,"V0":3}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000000 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3} @3`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 0)
	joined := "{" + s1 + "," + s2 + `,"T3_V0":9,"T3_ROWTIME":0,"T3_ROWPARTITION":0,"T3_ROWOFFSET":0,"T3_ID":0}`
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
		{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
		{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
		{"-KSTREAM-JOINTHIS-0000000029-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), joined, 2)}},
		{"-KSTREAM-JOINOTHER-0000000030-store-changelog", []string{logLine(windowStoreKey(k, 3, 1), "{"+keyedRow("S3", 7, 3, 3, 0, 0)+"}", 3)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	if _, ok := topicExists(t, st, queryTopic(id, "-KafkaTopic_L_Right-Reduce-changelog")); ok {
		t.Errorf("the query keeps the table as it is keyed, which ksqlDB's rekeys")
	}
}
