package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A stream-stream join on keys followed by a join of a table keyed in a
// format that infers schemas: the join's key format is the first stream's
// (AVRO), which forces every source's repartition (PreJoinRepartitionNode,
// ksql issue 6332), so both streams go through L_Join-left- and
// L_Join-right-repartition, and the table, keyed in JSON_SR, is rekeyed by
// its own key into AVRO through RightSourceKeyed-SelectKey-repartition and
// materialized in RightSourceKeyed-Materialize (its values not aliased:
// schema RightSourceKeyed.Materialize), where a table joined as it is would
// be KafkaTopic_Right-Reduce; the stream-stream step logs its window
// stores KSTREAM-JOINTHIS-0000000028 and KSTREAM-JOINOTHER-0000000029, all
// keyed by AVRO ints. Historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format (topology,
// topics, schemas L_Join.Left, L_Join.Right, RightSourceKeyed.Materialize)
// and its query-validation test's records.
func TestAStreamStreamJoinOnRegistryKeysRekeysTheTableAfterIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"left", "right", "right2"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', key_format='AVRO', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', key_format='JSON_SR', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='JSON_SR', value_format='JSON');`, nil)
	jsonKey := func(subject string) []byte {
		id := registerSchemaType(t, st.reg.URL(), subject, "JSON", `{"type":"integer","connect.type":"int32"}`)
		return append(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), '0')
	}
	k1, k2, k3 := avroIntKey(t, st, "left-key", 0), jsonKey("right-key"), jsonKey("right2-key")
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"right2", 10, k3, []byte(`{"V0":3}`)},
		joinRec{"right", 11, k2, []byte(`{"V0":2}`)},
		joinRec{"left", 12, k1, []byte(`{"V0":1}`)},
		joinRec{"right", 13, k2, []byte(`{"V0":4}`)},
		joinRec{"left", 100000, k1, []byte(`{"V0":5}`)},
		joinRec{"right", 100001, k2, []byte(`{"V0":6}`)})

	same := func(topic string, got, want []string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
		}
	}
	same("OUTPUT", showAvroKeyed(st.records("OUTPUT", 3), 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"T3_V0":3} @12`,
		`0 {"S1_V0":1,"S2_V0":4,"T3_V0":3} @13`,
		`0 {"S1_V0":5,"S2_V0":6,"T3_V0":3} @100001`,
	})
	s1 := func(v, ts, off int) string {
		return fmt.Sprintf(`{"S1_V0":%d,"S1_ROWTIME":%d,"S1_ROWPARTITION":0,"S1_ROWOFFSET":%d,"S1_ID":0}`, v, ts, off)
	}
	s2 := func(v, ts, off int) string {
		return fmt.Sprintf(`{"S2_V0":%d,"S2_ROWTIME":%d,"S2_ROWPARTITION":0,"S2_ROWOFFSET":%d,"S2_ID":0}`, v, ts, off)
	}
	t3 := `0 {"V0":3,"ROWTIME":10,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @10`
	for _, c := range []struct {
		suffix string
		store  bool // a window store's changelog: the key ends in the time and a sequence number
		want   []string
	}{
		{"-RightSourceKeyed-SelectKey-repartition", false, []string{t3}},
		{"-RightSourceKeyed-Materialize-changelog", false, []string{t3}},
		{"-L_Join-left-repartition", false, []string{"0 " + s1(1, 12, 0) + " @12", "0 " + s1(5, 100000, 1) + " @100000"}},
		{"-L_Join-right-repartition", false, []string{"0 " + s2(2, 11, 0) + " @11", "0 " + s2(4, 13, 1) + " @13", "0 " + s2(6, 100001, 2) + " @100001"}},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", true, []string{"0@12#1 " + s1(1, 12, 0) + " @12", "0@100000#2 " + s1(5, 100000, 1) + " @100000"}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", true, []string{
			"0@11#1 " + s2(2, 11, 0) + " @11", "0@13#2 " + s2(4, 13, 1) + " @13", "0@100001#3 " + s2(6, 100001, 2) + " @100001"}},
	} {
		topic := queryTopic(id, c.suffix)
		trailer := 0
		if c.store {
			trailer = 12
		}
		same(topic, showAvroKeyed(st.records(topic, len(c.want)), trailer), c.want)
	}
	for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", "-Join-this-join-store-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the query keeps %s, which ksqlDB's does not", suffix)
		}
	}
}

// showAvroKeyed renders records keyed by an Avro int (the magic byte, a
// schema id, the zig-zag varint) as "key value @time"; a window store
// changelog's key (trailer 12) ends in the record's time and a sequence
// number, rendered "key@time#seq".
func showAvroKeyed(recs []*kgo.Record, trailer int) []string {
	var out []string
	for _, r := range recs {
		key := fmt.Sprintf("not an Avro key: % x", r.Key)
		if n := len(r.Key) - trailer; n > 5 && r.Key[0] == 0 {
			if k, size := binary.Varint(r.Key[5:n]); size == n-5 {
				key = fmt.Sprint(k)
				if trailer == 12 {
					key += fmt.Sprintf("@%d#%d", binary.BigEndian.Uint64(r.Key[n:]), binary.BigEndian.Uint32(r.Key[n+8:]))
				}
			}
		}
		out = append(out, fmt.Sprintf("%s %s @%d", key, r.Value, r.Timestamp.UnixMilli()))
	}
	return out
}
