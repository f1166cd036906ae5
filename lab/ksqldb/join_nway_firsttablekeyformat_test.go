package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first join, stream-table, is on the keys of a KAFKA-keyed
// stream and a JSON-keyed table, followed by a stream-stream join on the
// stream's key. The first join's key format is the stream's (its left side
// needs no repartition: JoinNode.resolveKeyFormats), which is not the
// table's, so PreJoinRepartitionNode forces the table's rekey by its own
// key into KAFKA through L_RightSourceKeyed-SelectKey-repartition,
// materialized in L_RightSourceKeyed-Materialize (its values not aliased),
// as the historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch
// rekeys its inner join's table; the stream-stream join after it finds the
// result keyed by S1.ID and its stream keyed alike, and its left window
// store holds the joined row (S1's PrependAlias values, then T3's). Store
// numbers: explain_firsttablekeyformat_test.go.
const firstTableKeyFormatChain = keyedStreams + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM output AS SELECT s1.id, s1.v0, t3.v0, s2.v0 FROM s1 JOIN t3 ON s1.id = t3.id JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id;`

func TestAChainWhoseFirstStreamTableJoinRekeysItsTableIntoTheStreamsKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, firstTableKeyFormatChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"t3", 0, []byte("0"), []byte(`{"V0":9}`)})
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0}`
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, k, []byte(`{"K":5,"V0":1}`)},
		joinRec{"s2", 2, k, []byte(`{"K":6,"V0":2}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000000 {"S1_V0":1,"T3_V0":9,"S2_V0":2} @2`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	joined := "{" + keyedRow("S1", 5, 1, 1, 0, 0) + `,"T3_V0":9,"T3_ROWTIME":0,"T3_ROWPARTITION":0,"T3_ROWOFFSET":0,"T3_ID":0}`
	for _, lg := range []struct {
		suffix string
		want   []string
	}{
		{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
		{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
		{"-KSTREAM-JOINTHIS-0000000021-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), joined, 1)}},
		{"-KSTREAM-JOINOTHER-0000000022-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+keyedRow("S2", 6, 2, 2, 0, 0)+"}", 2)}},
	} {
		topic := queryTopic(id, lg.suffix)
		sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
	}
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_L_Right-Reduce-changelog", "-L_Join-repartition", "-Join-left-repartition", "-Join-right-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// A new server on the same topics restores the stream-stream join's left
// store, and the table's rekeyed store: a record of S2 after the restart
// joins the S1 record (joined with T3) from before it, and a record of S1
// after it joins T3's row from before it.
func TestAChainWhoseFirstStreamTableJoinRekeysItsTableRestoresItsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, firstTableKeyFormatChain, earliest())
	id := queryWriting(t, url, "OUTPUT")
	k := kafkaInt(0)
	st.produceJoin(joinRec{"t3", 0, []byte("0"), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, k, []byte(`{"K":5,"V0":1}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000021-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s2", 2, k, []byte(`{"K":6,"V0":2}`)})
	st.produceJoin(joinRec{"s1", 3, k, []byte(`{"K":7,"V0":4}`)})
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{`00000000 {"S1_V0":1,"T3_V0":9,"S2_V0":2} @2`, `00000000 {"S1_V0":4,"T3_V0":9,"S2_V0":2} @3`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}
