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
	same("OUTPUT", showKeyed(st.records("OUTPUT", 3), avroIntText, 0), []string{
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
		same(topic, showKeyed(st.records(topic, len(c.want)), avroIntText, trailer), c.want)
	}
	for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", "-Join-this-join-store-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the query keeps %s, which ksqlDB's does not", suffix)
		}
	}
}

// A stream-stream join on AVRO keys whose result a table join reads by a
// value column (S1.V0): the result is rekeyed by it through
// Join-repartition (schema Join.Left: keyed S1_V0, the values both
// streams' PrependAlias columns) in the table's key format, JSON_SR, as
// the join's key format is the table's where its left side must be
// rekeyed and the table need not (JoinNode.resolveKeyFormats); that format
// infers schemas, so the table is rekeyed by its own key too, through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize,
// keyed in JSON_SR, while the streams go through L_Join-left- and
// L_Join-right-repartition in the first join's AVRO. Historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats
// (topology, topics, schemas Join.Left, L_Join.Left, L_Join.Right,
// RightSourceKeyed.Materialize) and its query-validation test's records.
func TestAStreamStreamJoinsResultRekeyedForARegistryKeyedTableTakesTheTablesKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"left", "right", "right2"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 INT) WITH (kafka_topic='left', key_format='AVRO', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 INT) WITH (kafka_topic='right', key_format='JSON_SR', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='JSON_SR', value_format='JSON');`, nil)
	jsonKey := func(subject, n string) []byte {
		id := registerSchemaType(t, st.reg.URL(), subject, "JSON", `{"type":"integer","connect.type":"int32"}`)
		return append(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n...)
	}
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.V0 = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"right2", 10, jsonKey("right2-key", "1"), []byte(`{"V0":3}`)},
		joinRec{"right", 11, jsonKey("right-key", "0"), []byte(`{"V0":2}`)},
		joinRec{"left", 12, avroIntKey(t, st, "left-key", 0), []byte(`{"V0":1}`)})

	same := func(topic string, got, want []string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
		}
	}
	same("OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0), []string{`1 {"S2_ID":0,"S2_V0":2,"T3_V0":3} @12`})
	s1 := `"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":0`
	s2 := `"S2_V0":2,"S2_ROWTIME":11,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":0`
	t3 := `1 {"V0":3,"ROWTIME":10,"ROWPARTITION":0,"ROWOFFSET":0,"ID":1} @10`
	for _, c := range []struct {
		suffix  string
		key     func([]byte) string
		trailer int // a window store's changelog: the key ends in the time and a sequence number
		want    string
	}{
		{"-RightSourceKeyed-SelectKey-repartition", jsonSRText, 0, t3},
		{"-RightSourceKeyed-Materialize-changelog", jsonSRText, 0, t3},
		{"-L_Join-left-repartition", avroIntText, 0, "0 {" + s1 + "} @12"},
		{"-L_Join-right-repartition", avroIntText, 0, "0 {" + s2 + "} @11"},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", avroIntText, 12, "0@12#1 {" + s1 + "} @12"},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", avroIntText, 12, "0@11#1 {" + s2 + "} @11"},
		{"-Join-repartition", jsonSRText, 0, "1 {" + s1 + "," + s2 + "} @12"},
	} {
		topic := queryTopic(id, c.suffix)
		same(topic, showKeyed(st.records(topic, 1), c.key, c.trailer), []string{c.want})
	}
	for _, suffix := range []string{"-KafkaTopic_Right-Reduce-changelog", "-Join-this-join-store-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the query keeps %s, which ksqlDB's does not", suffix)
		}
	}
}

// showKeyed renders records as "key value @time", each key decoded by
// key; a window store changelog's key (trailer 12) ends in the record's
// time and a sequence number, rendered "key@time#seq".
func showKeyed(recs []*kgo.Record, key func([]byte) string, trailer int) []string {
	var out []string
	for _, r := range recs {
		k := fmt.Sprintf("short key % x", r.Key)
		if n := len(r.Key) - trailer; n >= 0 {
			k = key(r.Key[:n])
			if trailer == 12 {
				k += fmt.Sprintf("@%d#%d", binary.BigEndian.Uint64(r.Key[n:]), binary.BigEndian.Uint32(r.Key[n+8:]))
			}
		}
		out = append(out, fmt.Sprintf("%s %s @%d", k, r.Value, r.Timestamp.UnixMilli()))
	}
	return out
}

// avroIntText is an Avro int key (the magic byte, a schema id, the
// zig-zag varint) as its number.
func avroIntText(b []byte) string {
	if len(b) > 5 && b[0] == 0 {
		if k, size := binary.Varint(b[5:]); size == len(b)-5 {
			return fmt.Sprint(k)
		}
	}
	return fmt.Sprintf("not an Avro int key: % x", b)
}

// jsonSRText is a JSON_SR key (the magic byte, a schema id, the JSON text)
// as its JSON text.
func jsonSRText(b []byte) string {
	if len(b) < 5 || b[0] != 0 {
		return fmt.Sprintf("not a JSON_SR key: % x", b)
	}
	return string(b[5:])
}
