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
