package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A chain of stream-stream joins on keys whose key formats infer schemas
// from the registry repartitions every source though joined on its key
// (PreJoinRepartitionNode forces it, ksql issue 6332): the first join's
// streams through L_Join-left-repartition and L_Join-right-repartition,
// the third stream through Join-right-repartition, each keyed in the
// join's key format (the left source's, JSON_SR), while the first join's
// result, keyed in that format already, reaches the second join as it is;
// each step logs its window stores (KSTREAM-JOINTHIS/-JOINOTHER
// 0000000016/17 and 0000000028/29). Historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (topics,
// schemas L_Join.Left/Right, Join.Left/Right, topology) and its
// query-validation test's records.
func TestAChainOfStreamStreamJoinsOnRegistryKeysRepartitionsEveryStream(t *testing.T) {
	st, _, id, jsonKey, k2, k3 := startRegistryKeyChain(t)
	st.produceJoin(joinRec{"s1", 0, jsonKey, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k2, []byte(`{"V0":2}`)},
		joinRec{"s3", 2, k3, []byte(`{"V0":3}`)},
		joinRec{"s1", 3, jsonKey, []byte(`{"V0":4}`)},
		joinRec{"s1", 4000, jsonKey, []byte(`{"V0":5}`)},
		joinRec{"s3", 6000, k3, []byte(`{"V0":6}`)},
		joinRec{"s1", 6001, jsonKey, []byte(`{"V0":7}`)},
		joinRec{"s3", 7000, k3, []byte(`{"V0":8}`)})

	// a JSON_SR key: the magic byte, a schema id, the JSON text
	srKey := func(b []byte) string {
		if len(b) < 5 || b[0] != 0 {
			return fmt.Sprintf("not a JSON_SR key: % x", b)
		}
		return string(b[5:])
	}
	// a window store changelog key: the join key, the time, the sequence number
	storeKey := func(b []byte) string {
		if len(b) < 12 {
			return fmt.Sprintf("short key % x", b)
		}
		n := len(b) - 12
		return fmt.Sprintf("%s@%d#%d", srKey(b[:n]), binary.BigEndian.Uint64(b[n:]), binary.BigEndian.Uint32(b[n+8:]))
	}
	show := func(recs []*kgo.Record, key func([]byte) string) []string {
		var out []string
		for _, r := range recs {
			out = append(out, fmt.Sprintf("%s %s @%d", key(r.Key), r.Value, r.Timestamp.UnixMilli()))
		}
		return out
	}
	// S3's records reach the second join through Join-right-repartition
	// and the first join's results come from S1's and S2's: how the two
	// interleave is not defined
	sameShownInAnyOrder(t, "OUTPUT", show(st.records("OUTPUT", 9), srKey), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`0 {"S1_V0":4,"S2_V0":2,"S3_V0":3} @3`,
		`0 {"S1_V0":5,"S2_V0":2,"S3_V0":3} @4000`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":6} @6000`,
		`0 {"S1_V0":4,"S2_V0":2,"S3_V0":6} @6000`,
		`0 {"S1_V0":5,"S2_V0":2,"S3_V0":6} @6000`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":8} @7000`,
		`0 {"S1_V0":4,"S2_V0":2,"S3_V0":8} @7000`,
		`0 {"S1_V0":5,"S2_V0":2,"S3_V0":8} @7000`,
	})

	s1 := func(v, ts, off int) string {
		return fmt.Sprintf(`"S1_V0":%d,"S1_ROWTIME":%d,"S1_ROWPARTITION":0,"S1_ROWOFFSET":%d,"S1_ID":0`, v, ts, off)
	}
	s2 := `"S2_V0":2,"S2_ROWTIME":1,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":0`
	s3 := func(v, ts, off int) string {
		return fmt.Sprintf(`{"S3_V0":%d,"S3_ROWTIME":%d,"S3_ROWPARTITION":0,"S3_ROWOFFSET":%d,"S3_ID":0}`, v, ts, off)
	}
	for _, c := range []struct {
		suffix string
		key    func([]byte) string
		want   []string
	}{
		{"-L_Join-left-repartition", srKey, []string{
			"0 {" + s1(1, 0, 0) + "} @0", "0 {" + s1(4, 3, 1) + "} @3", "0 {" + s1(5, 4000, 2) + "} @4000", "0 {" + s1(7, 6001, 3) + "} @6001"}},
		{"-L_Join-right-repartition", srKey, []string{"0 {" + s2 + "} @1"}},
		{"-Join-right-repartition", srKey, []string{"0 " + s3(3, 2, 0) + " @2", "0 " + s3(6, 6000, 1) + " @6000", "0 " + s3(8, 7000, 2) + " @7000"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", storeKey, []string{
			"0@0#1 {" + s1(1, 0, 0) + "} @0", "0@3#2 {" + s1(4, 3, 1) + "} @3", "0@4000#3 {" + s1(5, 4000, 2) + "} @4000", "0@6001#4 {" + s1(7, 6001, 3) + "} @6001"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", storeKey, []string{"0@1#1 {" + s2 + "} @1"}},
		// the first join's results, the second's left side (schema Join.Left)
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", storeKey, []string{
			"0@1#1 {" + s1(1, 0, 0) + "," + s2 + "} @1", "0@3#2 {" + s1(4, 3, 1) + "," + s2 + "} @3", "0@4000#3 {" + s1(5, 4000, 2) + "," + s2 + "} @4000"}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", storeKey, []string{
			"0@2#1 " + s3(3, 2, 0) + " @2", "0@6000#2 " + s3(6, 6000, 1) + " @6000", "0@7000#3 " + s3(8, 7000, 2) + " @7000"}},
	} {
		topic := queryTopic(id, c.suffix)
		sameShown(t, topic, show(st.records(topic, len(c.want)), c.key), c.want)
	}
	noPrivateJoinLog(t, st, id)
}

// startRegistryKeyChain runs the historical plan's statements: three
// streams keyed by INT in JSON_SR and AVRO, and the chain of their joins.
// It returns the stack, the server, the chain's query id and the key 0 in
// each stream's key format.
func startRegistryKeyChain(t *testing.T) (st *stack, srv *Server, id string, jsonKey, k2, k3 []byte) {
	t.Helper()
	st = newStack(t)
	srv, url := st.serve()
	for _, tp := range []string{"s1", "s2", "s3"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='s1', key_format='JSON_SR', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='s2', key_format='AVRO', value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='s3', key_format='AVRO', value_format='JSON');`, nil)
	jsonKey = append(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(registerSchemaType(t, st.reg.URL(), "s1-key", "JSON", `{"type":"integer","connect.type":"int32"}`)))...), '0')
	k2, k3 = avroIntKey(t, st, "s2-key", 0), avroIntKey(t, st, "s3-key", 0)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;", earliest())
	return st, srv, queryWriting(t, url, "OUTPUT"), jsonKey, k2, k3
}

// The second join's left store, logged under JSON_SR keys, is what a
// restarted server restores: a record of the third stream after the
// restart joins the first join's results from before it.
func TestAChainOfStreamStreamJoinsOnRegistryKeysRestoresFromItsChangelogs(t *testing.T) {
	st, srv, id, jsonKey, k2, k3 := startRegistryKeyChain(t)
	st.produceJoin(joinRec{"s1", 0, jsonKey, []byte(`{"V0":1}`)},
		joinRec{"s2", 1, k2, []byte(`{"V0":2}`)},
		joinRec{"s1", 3, jsonKey, []byte(`{"V0":4}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000028-store-changelog"), 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 5, k3, []byte(`{"V0":3}`)})
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		got = append(got, fmt.Sprintf("%s @%d", r.Value, r.Timestamp.UnixMilli()))
	}
	if want := []string{`{"S1_V0":1,"S2_V0":2,"S3_V0":3} @5`, `{"S1_V0":4,"S2_V0":2,"S3_V0":3} @5`}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

// A chain of stream-stream joins on keys whose key formats infer schemas,
// the second join on value columns (S1.V0 = S3.V0): the first join's
// streams go through L_Join-left- and L_Join-right-repartition as where
// every join is on keys, and the second join rekeys both its sides in the
// chain's key format (JSON_SR, the first's; JoinNode.resolveKeyFormats
// takes the first source's where both sides are rekeyed,
// getDefaultSourceKeyFormat): the first join's
// result through Join-left-repartition, keyed by S1_V0 (schema Join.Left:
// both streams' PrependAlias columns), the third stream through
// Join-right-repartition, keyed by S3_V0 (schema Join.Right); each step
// logs its window stores (KSTREAM-JOINTHIS/-JOINOTHER 0000000016/17 and
// 0000000032/33). Historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// (topology, topics, schemas) and its query-validation test's records.
func TestAChainOfStreamStreamJoinsOnRegistryKeysRekeysTheFirstJoinsResult(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"left", "right", "right2"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 INT) WITH (kafka_topic='left', key_format='JSON_SR', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 INT) WITH (kafka_topic='right', key_format='AVRO', value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 INT) WITH (kafka_topic='right2', key_format='AVRO', value_format='JSON');`, nil)
	jsonKey := append(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(registerSchemaType(t, st.reg.URL(), "left-key", "JSON", `{"type":"integer","connect.type":"int32"}`)))...), '0')
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID JOIN S3 WITHIN 10 seconds ON S1.V0 = S3.V0;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"left", 0, jsonKey, []byte(`{"V0":3}`)},
		joinRec{"right", 1, avroIntKey(t, st, "right-key", 0), []byte(`{"V0":2}`)},
		joinRec{"right2", 2, avroIntKey(t, st, "right2-key", 0), []byte(`{"V0":3}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), jsonSRText, 0), []string{`3 {"S2_ID":0,"S2_V0":2,"S3_V0":3} @2`})
	s1 := `"S1_V0":3,"S1_ROWTIME":0,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":0`
	s2 := `"S2_V0":2,"S2_ROWTIME":1,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":0`
	s3 := `"S3_V0":3,"S3_ROWTIME":2,"S3_ROWPARTITION":0,"S3_ROWOFFSET":0,"S3_ID":0`
	for _, c := range []struct {
		suffix  string
		trailer int // a window store's changelog: the key ends in the time and a sequence number
		want    string
	}{
		{"-L_Join-left-repartition", 0, "0 {" + s1 + "} @0"},
		{"-L_Join-right-repartition", 0, "0 {" + s2 + "} @1"},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", 12, "0@0#1 {" + s1 + "} @0"},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", 12, "0@1#1 {" + s2 + "} @1"},
		{"-Join-left-repartition", 0, "3 {" + s1 + "," + s2 + "} @1"},
		{"-Join-right-repartition", 0, "3 {" + s3 + "} @2"},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", 12, "3@1#1 {" + s1 + "," + s2 + "} @1"},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", 12, "3@2#1 {" + s3 + "} @2"},
	} {
		topic := queryTopic(id, c.suffix)
		sameShown(t, topic, showKeyed(st.records(topic, 1), jsonSRText, c.trailer), []string{c.want})
	}
	noPrivateJoinLog(t, st, id)
}
