package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first stream-table join is on a value column of the
// stream and the key of a table keyed in AVRO, followed by a stream-stream
// join on the same column. The stream must be rekeyed and the table need
// not, so the join's key format is the table's AVRO
// (JoinNode.resolveKeyFormats), which infers schemas and so forces the
// table's repartition too (PreJoinRepartitionNode, ksql issue 6332): S1
// through L_Join-repartition keyed by K in AVRO, T by its own key through
// L_RightSourceKeyed-SelectKey-repartition into
// L_RightSourceKeyed-Materialize (historical plan
// joins_-_stream-table_key-to-key_-_SR-enabled_key_format rekeys both
// sides so). The stream-stream join finds the result keyed by K, in AVRO,
// which forces S2 through Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format); its left
// window store holds S1's and T's PrependAlias values. Store numbers:
// explain_firsttablebothrekeyed_test.go.
const firstTableBothRekeyedChain = `CREATE STREAM s1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON');
CREATE TABLE t (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');
CREATE STREAM s2 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s2', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON');`

const firstTableBothRekeyedQuery = "CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0 FROM s1 JOIN t ON s1.k = t.id " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id;"

func TestAChainWhoseFirstStreamTableJoinRekeysBothSidesRepartitionsThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"s1", "t", "s2"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, firstTableBothRekeyedChain, nil)
	mustKSQL(t, url, firstTableBothRekeyedQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 5), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, kafkaInt(7), []byte(`{"K":5,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 5), []byte(`{"K":8,"V0":2}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%s @%d", out.Value, out.Timestamp.UnixMilli()), `{"S1_V0":1,"T_V0":9,"S2_V0":2} @2`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	tv := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 8, 2, 2, 0, 5)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{"5 " + tv + " @0"}},
		{"-L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{"5 " + tv + " @0"}},
		{"-L_Join-repartition", avroIntText, 0, []string{"5 {" + s1 + "} @1"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"5 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000029-store-changelog", avroIntText, 12, []string{"5@1#1 {" + s1 + "," + tRow(9, 0, 0, 5) + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000030-store-changelog", avroIntText, 12, []string{"5@2#1 {" + s2 + "} @2"}},
	})
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_L_Right-Reduce-changelog", "-Join-left-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}
