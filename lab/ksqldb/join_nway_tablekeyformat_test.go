package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose stream-stream join is on both streams' keys (KAFKA), so
// that it rekeys nothing, followed by a join of a table keyed in JSON: the
// later join's key format is its left input's, the first join's KAFKA
// (JoinNode.getPreferredKeyFormat: the left side needs no repartition),
// which is not the table's, so PreJoinRepartitionNode forces the table's
// rekey by its own key into KAFKA through
// RightSourceKeyed-SelectKey-repartition, materialized in
// RightSourceKeyed-Materialize (its values not aliased), where a table
// keyed as the chain would be KafkaTopic_Right-Reduce. The table's part is
// built as in the historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format (its indexes
// 0-11), the streams' as in multi-joins_-_stream-stream-table_-_inner-inner
// after it, six indexes later: stores KSTREAM-JOINTHIS/-JOINOTHER 20/21.
const tableKeyFormatChain = `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s1', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s2', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='t3', key_format='JSON', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, T3.V0 FROM S1 JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;`

func TestAChainThatRekeysNoStreamRekeysATableKeyedInAnotherFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"s1", "s2", "t3"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, tableKeyFormatChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"t3", 0, []byte("0"), []byte(`{"V0":3}`)})
	t3 := `{"V0":3,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0}`
	sameLog(t, "table repartition", st.records(queryTopic(id, "-RightSourceKeyed-SelectKey-repartition"), 1), []string{logLine(string(k), t3, 0)})
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, k, []byte(`{"V0":1}`)},
		joinRec{"s2", 2, k, []byte(`{"V0":2}`)})

	var got []string
	for _, r := range st.records("OUTPUT", 1) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if want := []string{`00000000 {"S1_V0":1,"S2_V0":2,"T3_V0":3} @2`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
	}
	for _, c := range []struct {
		suffix string
		want   []string
	}{
		{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
		{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+aliasedRow("S1", 1, 1, 0)+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+aliasedRow("S2", 2, 2, 0)+"}", 2)}},
	} {
		topic := queryTopic(id, c.suffix)
		sameLog(t, topic, st.records(topic, len(c.want)), c.want)
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-KafkaTopic_Right-Reduce-changelog")); ok {
		t.Errorf("the query keeps the table as it is keyed, which ksqlDB's rekeys")
	}
	noPrivateJoinLog(t, st, id)
}
