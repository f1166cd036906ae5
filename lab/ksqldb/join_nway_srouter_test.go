package ksqldb

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a FULL OUTER join on keys: both streams go through
// L_Join-left- and L_Join-right-repartition in the first stream's JSON_SR
// (PreJoinRepartitionNode forces a repartition for a format with schema
// inference, ksql issue 6332), as in the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format. The FULL
// OUTER result is keyed by the synthetic ROWKEY, which no join expression
// equals (JoinTree.joinEquivalenceSet is empty for an OUTER join), so the
// next join rekeys it by S1.ID through Join-left-repartition, its values
// the two streams' PrependAlias columns and the null ROWKEY (schema
// Join.Left of multi-joins_-_stream-stream-stream_-_outer-outer). That
// join's key format is the third stream's, AVRO: its left side must be
// rekeyed and its right need not, so JoinNode.getPreferredKeyFormat takes
// the right's (PreJoinRepartitionNode.getPreferredKeyFormat), which
// infers schemas and so forces S3 through Join-right-repartition. The
// stores are numbered as the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// numbers its two steps (16/17, 32/33), the first step's as a FULL OUTER
// join names them (KSTREAM-OUTERTHIS/-OUTEROTHER).
const registryOuterStreams = `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s1', key_format='JSON_SR', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s2', key_format='AVRO', value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s3', key_format='AVRO', value_format='JSON');`

const registryOuterChain = "CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

// startRegistryChain creates the three streams of registryOuterStreams
// and the chain, and returns the stack, the server, the query id and a
// JSON_SR key maker for S1.
func startRegistryChain(t *testing.T, chain string) (*stack, *Server, string, func(n string) []byte) {
	t.Helper()
	st := newStack(t)
	srv, url := st.serve()
	for _, tp := range []string{"s1", "s2", "s3"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, registryOuterStreams, nil)
	id := registerSchemaType(t, st.reg.URL(), "s1-key", "JSON", `{"type":"integer","connect.type":"int32"}`)
	jsonKey := func(n string) []byte {
		return append(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n...)
	}
	mustKSQL(t, url, chain, earliest())
	return st, srv, queryWriting(t, url, "OUTPUT"), jsonKey
}

// keyedLog is the records a registry-keyed chain writes to one internal
// topic, as showKeyed shows them.
type keyedLog struct {
	suffix  string              // the topic's name after the query's application ID
	key     func([]byte) string // how a key shows; nil for the chain's JSON_SR
	trailer int                 // a window store's changelog: the key ends in the time and a sequence number
	want    []string
}

// checkKeyedLogs reads each log's topic of query id and compares it.
func checkKeyedLogs(t *testing.T, st *stack, id string, logs []keyedLog) {
	t.Helper()
	for _, lg := range logs {
		key := lg.key
		if key == nil {
			key = jsonSRText
		}
		topic := queryTopic(id, lg.suffix)
		sameShown(t, topic, showKeyed(st.records(topic, len(lg.want)), key, lg.trailer), lg.want)
	}
}

// sameShown compares the records of topic, as shown, with want.
func sameShown(t *testing.T, topic string, got, want []string) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
	}
}

// sameShownPerKey compares the lines of each key (the text before a
// line's first space) in order, and not the order between keys: records of
// different keys that reach a join through different repartition topics
// are interleaved as those topics are fetched, in Kafka Streams too.
func sameShownPerKey(t *testing.T, topic string, got, want []string) {
	t.Helper()
	byKey := func(lines []string) map[string][]string {
		m := map[string][]string{}
		for _, l := range lines {
			k, _, _ := strings.Cut(l, " ")
			m[k] = append(m[k], l)
		}
		return m
	}
	if g, w := byKey(got), byKey(want); fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("%s, by key:\n got %q\nwant %q", topic, g, w)
	}
}

// sameShownInAnyOrder compares the lines as a multiset: the results of a
// join whose sides reach it through different repartition topics come in
// the order those topics are fetched, in Kafka Streams too (its task
// processes whatever each partition has buffered, max.task.idle.ms 0).
func sameShownInAnyOrder(t *testing.T, topic string, got, want []string) {
	t.Helper()
	g, w := slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))
	if fmt.Sprint(g) != fmt.Sprint(w) {
		t.Errorf("%s, in any order:\n got %q\nwant %q", topic, g, w)
	}
}

// avroIntOrNull shows an AVRO INT key, or <null> for none.
func avroIntOrNull(b []byte) string {
	if b == nil {
		return "<null>"
	}
	return avroIntText(b)
}

func TestAFullOuterStepOfARegistryKeyedChainIsRekeyedThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 1), []byte(`{"V0":9}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})

	// without a grace period the FULL OUTER step emits S1's record alone at
	// once and again with S2's; S3 joins both; S2's record of key 1, with
	// no S1 partner, has a null S1.ID: the rekey writes it with a null key
	// (StreamSelectKeyBuilder filters nothing, and Kafka Streams 3.9's
	// repartition -filter passes every record: KStreamImpl.createRepartitionedSource),
	// and the join skips it (KStreamKStreamJoin drops a null key)
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @3`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s2k1 := `{"S2_V0":9,"S2_ROWTIME":2,"S2_ROWPARTITION":0,"S2_ROWOFFSET":1,"S2_ID":1}`
	s3 := "{" + aliasedRow("S3", 3, 3, 0) + "}"
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 1, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", jsonSRText, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", jsonSRText, 0, []string{"0 " + s2 + " @1", "1 " + s2k1 + " @2"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", jsonSRText, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", jsonSRText, 12, []string{"0@1#1 " + s2 + " @1", "1@2#2 " + s2k1 + " @2"}},
		{"-Join-left-repartition", avroIntOrNull, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
			"<null> {" + noRow("S1") + "," + s2k1[1:len(s2k1)-1] + `,"ROWKEY":null} @2`,
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s3 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@3#1 " + s3 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}

// What the second step's left store logged is what a restarted server
// restores: S3's record after the restart joins the FULL OUTER step's
// results from before it.
func TestAFullOuterStepOfARegistryKeyedChainRestoresFromItsStores(t *testing.T) {
	st, srv, id, jsonKey := startRegistryChain(t, registryOuterChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000032-store-changelog"), 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})
	want := []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @3`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
	}
	if got := showKeyed(st.records("OUTPUT", 2), jsonSRText, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}
