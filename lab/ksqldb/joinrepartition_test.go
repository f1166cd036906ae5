package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A stream joined on anything but its key is rekeyed by the join
// expression and repartitioned before the join (confluentinc/ksql v7.9.0
// ksqldb-engine/.../planner/plan/PreJoinRepartitionNode.java,
// SchemaKStream.selectKey; Kafka Streams repartitions a stream whose key
// changed before it joins). The historical plans of
// ksqldb-functional-tests pin the topics: a stream-table join writes
// <application id>-Join-repartition
// (joins_-_stream-table_value-to-key_-_key_format_mismatch), a
// stream-stream join Join-left-repartition and Join-right-repartition
// (joins_-_stream_stream_left_join_-_rekey_-_JSON); their values are the
// PrependAlias step's columns (the schema CSAS_OUTPUT_0.Join.Left: `S_FOO`
// INTEGER KEY, `S_FOO` INTEGER, `S_ROWTIME` BIGINT, `S_ROWPARTITION`
// INTEGER, `S_ROWOFFSET` BIGINT, `S_ID` INTEGER), the key in the join's
// internal key format (KAFKA there, the table's, though the stream's is
// DELIMITED: JoinNode.resolveKeyFormats).

// valueToKey is the statements of
// joins_-_stream-table_value-to-key_-_key_format_mismatch.
const valueToKey = `CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON', PARTITIONS=4);
CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='DELIMITED', value_format='JSON', PARTITIONS=4);
CREATE STREAM OUTPUT AS SELECT S.FOO, VAL FROM S LEFT JOIN T ON S.FOO = T.ID;`

func queryTopic(queryID, suffix string) string {
	return "_confluent-ksql-default_query_" + queryID + suffix
}

func kafkaInt(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func TestAStreamJoinedToATableOnAValueColumnIsRepartitionedThroughJoinRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey, earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), "-Join-repartition")
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, []byte("22"), []byte(`{"FOO":10}`)})
	// the historical plan's output
	out := st.records("OUTPUT", 1)[0]
	if string(out.Key) != "10" || string(out.Value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT record %q %s, want \"10\" {\"VAL\":\"hello\"}", out.Key, out.Value)
	}
	src := st.records("s", 1)[0]
	rec := st.records(topic, 1)[0]
	if !slices.Equal(rec.Key, kafkaInt(10)) {
		t.Errorf("%s key %x, want FOO (10) as a KAFKA INT, the table's key format", topic, rec.Key)
	}
	want := fmt.Sprintf(`{"S_FOO":10,"S_ROWTIME":2000,"S_ROWPARTITION":%d,"S_ROWOFFSET":%d,"S_ID":22}`, src.Partition, src.Offset)
	if string(rec.Value) != want {
		t.Errorf("%s value %s, want %s", topic, rec.Value, want)
	}
	if rec.Timestamp.UnixMilli() != 2000 {
		t.Errorf("%s record at %d, want the stream record's 2000", topic, rec.Timestamp.UnixMilli())
	}
	// Kafka Streams sizes the repartition topic as the table it is
	// co-partitioned with, and its producer partitions by murmur2
	if parts, _ := topicExists(t, st, topic); parts != 4 {
		t.Errorf("%s has %d partitions, want the table's 4", topic, parts)
	}
	if p := kgo.StickyKeyPartitioner(nil).ForTopic(topic).Partition(rec, 4); int32(p) != rec.Partition {
		t.Errorf("%s record in partition %d, murmur2 of its key gives %d", topic, rec.Partition, p)
	}
	got := topicConfigs(t, st.adm, topic, "cleanup.policy", "segment.bytes", "retention.ms", "message.timestamp.type")
	for k, v := range map[string]string{"cleanup.policy": "delete", "segment.bytes": "52428800", "retention.ms": "-1", "message.timestamp.type": "CreateTime"} {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", topic, k, got[k], v)
		}
	}
}

func TestTheJoinReadsItsStreamSideFromTheRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey, earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), "-Join-repartition")
	st.produceJoin(joinRec{"t", 1000, kafkaInt(7), []byte(`{"VAL":"seven"}`)})
	waitFor(t, func() bool { _, ok := topicExists(t, st, topic); return ok }, topic)
	// a record another program writes to the repartition topic is joined,
	// though the stream never held it
	st.produceJoin(joinRec{topic, 3000, kafkaInt(7), []byte(`{"S_FOO":7,"S_ROWTIME":3000,"S_ROWPARTITION":0,"S_ROWOFFSET":0,"S_ID":1}`)})
	out := st.records("OUTPUT", 1)[0]
	if string(out.Key) != "7" || string(out.Value) != `{"VAL":"seven"}` {
		t.Errorf("OUTPUT record %q %s, want \"7\" {\"VAL\":\"seven\"}", out.Key, out.Value)
	}
}

func TestTerminatingAJoinDeletesItsRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey, earliest())
	id := queryWriting(t, url, "OUTPUT")
	topic := queryTopic(id, "-Join-repartition")
	waitFor(t, func() bool { _, ok := topicExists(t, st, topic); return ok }, topic)
	mustKSQL(t, url, "TERMINATE "+id+";", nil)
	waitFor(t, func() bool { _, ok := topicExists(t, st, topic); return !ok }, topic+" deleted")
}

// joins_-_stream_stream_left_join_-_rekey_-_JSON: both streams are joined
// on a value column, each goes through its own repartition topic, and the
// join's results are the test case's.
func TestAStreamStreamJoinOnValueColumnsRepartitionsBothSides(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, rekeyStreams, nil)
	st.produceJoin(rekeyInputs...)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	long := func(n uint64) string { return string(binary.BigEndian.AppendUint64(nil, n)) }
	want := []string{
		fmt.Sprintf("0 %q {\"NAME\":\"zero\",\"VALUE\":0,\"F1\":null,\"F2\":null}", long(0)),
		fmt.Sprintf("10000 %q {\"NAME\":\"zero\",\"VALUE\":0,\"F1\":\"blah\",\"F2\":50}", long(0)),
		fmt.Sprintf("11000 %q {\"NAME\":\"100\",\"VALUE\":5,\"F1\":null,\"F2\":null}", long(10)),
		fmt.Sprintf("13000 %q {\"NAME\":\"foo\",\"VALUE\":100,\"F1\":\"blah\",\"F2\":50}", long(0)),
		fmt.Sprintf("15000 %q {\"NAME\":\"foo\",\"VALUE\":100,\"F1\":\"a\",\"F2\":10}", long(0)),
		fmt.Sprintf("17000 %q {\"NAME\":\"ninety\",\"VALUE\":90,\"F1\":null,\"F2\":null}", long(90)),
		fmt.Sprintf("30000 %q {\"NAME\":\"bar\",\"VALUE\":99,\"F1\":null,\"F2\":null}", long(0)),
	}
	var got []string
	for _, r := range st.records("OUTPUT", len(want)) {
		got = append(got, fmt.Sprintf("%d %q %s", r.Timestamp.UnixMilli(), r.Key, r.Value))
	}
	slices.SortFunc(got, func(a, b string) int { return cmpLeadingInt(a, b) })
	if !slices.Equal(got, want) {
		t.Errorf("OUTPUT\n got %q\nwant %q", got, want)
	}
	for side, first := range map[string]string{
		"-Join-left-repartition":  `{"T_ID":0,"T_NAME":"zero","T_VALUE":0,"T_ROWTIME":0,"T_ROWPARTITION":%d,"T_ROWOFFSET":%d,"T_K":null}`,
		"-Join-right-repartition": `{"TT_ID":0,"TT_F1":"blah","TT_F2":50,"TT_ROWTIME":10000,"TT_ROWPARTITION":%d,"TT_ROWOFFSET":%d,"TT_K":null}`,
	} {
		topic := queryTopic(id, side)
		if parts, _ := topicExists(t, st, topic); parts != 4 {
			t.Errorf("%s has %d partitions, want 4", topic, parts)
		}
		srcTopic, ts := "left_topic", int64(0)
		if side == "-Join-right-repartition" {
			srcTopic, ts = "right_topic", 10000
		}
		src := recordAt(t, st.records(srcTopic, 3), ts)
		rec := recordAt(t, st.records(topic, 3), ts)
		if want := fmt.Sprintf(first, src.Partition, src.Offset); string(rec.Value) != want {
			t.Errorf("%s value %s, want %s", topic, rec.Value, want)
		}
		if want := long(0); string(rec.Key) != want {
			t.Errorf("%s key %x, want ID 0 as a KAFKA BIGINT", topic, rec.Key)
		}
	}
}

// recordAt is the record of recs at ts.
func recordAt(t *testing.T, recs []*kgo.Record, ts int64) *kgo.Record {
	t.Helper()
	for _, r := range recs {
		if r.Timestamp.UnixMilli() == ts {
			return r
		}
	}
	t.Fatalf("no record at %d", ts)
	return nil
}

// cmpLeadingInt orders "<n> ..." strings by n.
func cmpLeadingInt(a, b string) int {
	var x, y int64
	fmt.Sscan(a, &x)
	fmt.Sscan(b, &y)
	return int(x - y)
}

// joins_-_stream_stream_left_join_-_rekey_-_AVRO: an AVRO stream's
// repartition records are Avro, under the repartition topic's -value
// subject, whose schema is the historical plan's valueSchema of
// Join-left-repartition.
func TestAnAvroStreamsJoinRepartitionSchemaIsKsqlDBs(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='AVRO', PARTITIONS=1);
CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='AVRO', PARTITIONS=1);
CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;`, earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), "-Join-left-repartition")
	const want = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"T_ID","type":["null","long"],"default":null},{"name":"T_NAME","type":["null","string"],"default":null},` +
		`{"name":"T_VALUE","type":["null","long"],"default":null},{"name":"T_ROWTIME","type":["null","long"],"default":null},` +
		`{"name":"T_ROWPARTITION","type":["null","int"],"default":null},{"name":"T_ROWOFFSET","type":["null","long"],"default":null},` +
		`{"name":"T_K","type":["null","string"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	var sv struct {
		ID     int
		Schema string
	}
	waitFor(t, func() bool {
		resp, err := http.Get(st.reg.URL() + "/subjects/" + topic + "-value/versions/latest")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(&sv) == nil
	}, "the subject "+topic+"-value")
	if !sameJSON(t, sv.Schema, want) {
		t.Errorf("%s-value schema\n got %s\nwant %s", topic, sv.Schema, want)
	}
	// a record of the left stream goes through the topic, Avro under that id
	codec, err := goavro.NewCodec(sv.Schema)
	if err != nil {
		t.Fatal(err)
	}
	leftCodec, err := goavro.NewCodec(`{"type":"record","name":"L","fields":[{"name":"ID","type":["null","long"]},{"name":"NAME","type":["null","string"]},{"name":"VALUE","type":["null","long"]}]}`)
	if err != nil {
		t.Fatal(err)
	}
	id := registerSchema(t, st.reg.URL(), "left_topic-value", leftCodec.Schema())
	body, err := leftCodec.BinaryFromNative(nil, map[string]any{"ID": map[string]any{"long": int64(3)}, "NAME": map[string]any{"string": "three"}, "VALUE": map[string]any{"long": int64(30)}})
	if err != nil {
		t.Fatal(err)
	}
	value := append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...)
	st.produceJoin(joinRec{"left_topic", 5000, nil, append(value, body...)})
	rec := st.records(topic, 1)[0]
	if len(rec.Value) < 5 || int(binary.BigEndian.Uint32(rec.Value[1:5])) != sv.ID {
		t.Fatalf("%s value % x does not name schema %d", topic, rec.Value, sv.ID)
	}
	native, _, err := codec.NativeFromBinary(rec.Value[5:])
	if err != nil {
		t.Fatalf("decode with the registered schema: %v", err)
	}
	if got, want := fmt.Sprint(native), "map[T_ID:map[long:3] T_K:<nil> T_NAME:map[string:three] T_ROWOFFSET:map[long:0] T_ROWPARTITION:map[int:0] T_ROWTIME:map[long:5000] T_VALUE:map[long:30]]"; got != want {
		t.Errorf("%s value %s, want %s", topic, got, want)
	}
}

// multi-joins_-_stream-table-table_-_inner-inner_-_rekey: a chain of
// stream-table joins all on the stream's column K rekeys the stream once,
// through L_Join-repartition (the innermost join's, one level below the
// outermost), and joins both tables on it.
func TestAChainOfJoinsOnOneStreamColumnRepartitionsTheStreamOnce(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=4);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=4);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=4);`, nil)
	st.produceJoin(joinRec{"right2", 10, kafkaInt(1), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(1), []byte(`{"V0":2}`)},
		joinRec{"left", 12, kafkaInt(0), []byte(`{"k":1,"V0":1}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K = T2.ID JOIN T3 ON S1.K = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	out := st.records("OUTPUT", 1)[0]
	if !slices.Equal(out.Key, kafkaInt(1)) || string(out.Value) != `{"S1_V0":1,"T2_V0":2,"T3_V0":3}` || out.Timestamp.UnixMilli() != 12 {
		t.Errorf("OUTPUT record %x %s at %d, want 00000001 {\"S1_V0\":1,\"T2_V0\":2,\"T3_V0\":3} at 12", out.Key, out.Value, out.Timestamp.UnixMilli())
	}
	src := st.records("left", 1)[0]
	topic := queryTopic(id, "-L_Join-repartition")
	rec := st.records(topic, 1)[0]
	if want := fmt.Sprintf(`{"S1_K":1,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d,"S1_ID":0}`, src.Partition, src.Offset); string(rec.Value) != want || !slices.Equal(rec.Key, kafkaInt(1)) {
		t.Errorf("%s record %x %s, want 00000001 %s", topic, rec.Key, rec.Value, want)
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-repartition")); ok {
		t.Errorf("the outer join has a repartition topic too; ksqlDB's joins it on the stream as keyed already")
	}
}

// Terminating a query deletes every internal topic named after its
// application id and the schemas registered for them (confluentinc/ksql
// v7.9.0 KafkaTopicClientImpl.deleteInternalTopics,
// SchemaRegistryUtil.cleanupInternalTopicSchemas).
func TestTerminatingAJoinDeletesItsRepartitionSchemas(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar) WITH (kafka_topic='left_topic', value_format='AVRO', PARTITIONS=1);
CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar) WITH (kafka_topic='right_topic', value_format='AVRO', PARTITIONS=1);
CREATE STREAM OUTPUT as SELECT t.id, name, f1 FROM test t join TEST_STREAM tt WITHIN 11 seconds ON t.id = tt.id;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	subject := func(side string) string { return queryTopic(id, side) + "-value" }
	status := func(subj string) int {
		resp, err := http.Get(st.reg.URL() + "/subjects/" + subj + "/versions/latest")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, side := range []string{"-Join-left-repartition", "-Join-right-repartition"} {
		if c := status(subject(side)); c != 200 {
			t.Fatalf("subject %s: %d before TERMINATE", subject(side), c)
		}
	}
	mustKSQL(t, url, "TERMINATE "+id+";", nil)
	for _, side := range []string{"-Join-left-repartition", "-Join-right-repartition"} {
		waitFor(t, func() bool { return status(subject(side)) == 404 }, subject(side)+" deleted")
		waitFor(t, func() bool { _, ok := topicExists(t, st, queryTopic(id, side)); return !ok }, queryTopic(id, side)+" deleted")
	}
}

// joins_-_stream_stream_right_join_-_rekey_-_JSON: ksqlDB runs a RIGHT
// join as the right stream's LEFT join of the left one, and Kafka Streams
// names the repartitions by its sides, so the left stream TEST goes
// through Join-right-repartition (the historical plan's topology and its
// schema CSAS_OUTPUT_0.Join.Right: `T_ID` BIGINT KEY, `T_ID` BIGINT, ...).
func TestARightJoinsLeftStreamGoesThroughJoinRightRepartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, rekeyStreams, nil)
	st.produceJoin(rekeyInputs...)
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t RIGHT JOIN test_stream tt WITHIN 11 seconds ON t.id = tt.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	long := func(n uint64) string { return string(binary.BigEndian.AppendUint64(nil, n)) }
	want := []string{
		fmt.Sprintf("10000 %q {\"NAME\":\"zero\",\"VALUE\":0,\"F1\":\"blah\",\"F2\":50}", long(0)),
		fmt.Sprintf("13000 %q {\"NAME\":\"foo\",\"VALUE\":100,\"F1\":\"blah\",\"F2\":50}", long(0)),
		fmt.Sprintf("15000 %q {\"NAME\":\"foo\",\"VALUE\":100,\"F1\":\"a\",\"F2\":10}", long(0)),
		fmt.Sprintf("16000 %q {\"NAME\":null,\"VALUE\":null,\"F1\":\"newblah\",\"F2\":150}", long(100)),
	}
	var got []string
	for _, r := range st.records("OUTPUT", len(want)) {
		got = append(got, fmt.Sprintf("%d %q %s", r.Timestamp.UnixMilli(), r.Key, r.Value))
	}
	slices.SortFunc(got, cmpLeadingInt)
	if !slices.Equal(got, want) {
		t.Errorf("OUTPUT\n got %q\nwant %q", got, want)
	}
	src := recordAt(t, st.records("left_topic", 5), 0)
	rec := recordAt(t, st.records(queryTopic(id, "-Join-right-repartition"), 5), 0)
	if want := fmt.Sprintf(`{"T_ID":0,"T_NAME":"zero","T_VALUE":0,"T_ROWTIME":0,"T_ROWPARTITION":%d,"T_ROWOFFSET":%d,"T_K":null}`, src.Partition, src.Offset); string(rec.Value) != want {
		t.Errorf("Join-right-repartition value %s, want %s", rec.Value, want)
	}
}

// joins_-_stream-stream_key-to-key_-_SR-enabled_key_format: streams whose
// key format infers its schema from the registry are repartitioned though
// joined on their keys (PreJoinRepartitionNode forces it, ksql issue 6332):
// both go through their repartition topics, keyed in the left's AVRO key
// format, and the join's results are the test case's.
func TestStreamsWithAvroKeysAreRepartitionedThoughJoinedOnTheirKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("s1", 4)
	st.createTopic("s2", 4)
	avroKey := func(subject string, n int64) []byte { return avroIntKey(t, st, subject, n) }
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, FOO INT) WITH (kafka_topic='s1', key_format='AVRO', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, VAL STRING) WITH (kafka_topic='s2', key_format='AVRO', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"s1", 1000, avroKey("s1-key", 10), []byte(`{"foo":22}`)},
		joinRec{"s2", 2000, avroKey("s2-key", 10), []byte(`{"VAL":"hello"}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT S1.ID, S2.VAL FROM S1 LEFT OUTER JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		k, _ := binary.Varint(r.Key[5:])
		got = append(got, fmt.Sprintf("%d %d %s", r.Timestamp.UnixMilli(), k, r.Value))
	}
	slices.SortFunc(got, cmpLeadingInt)
	if want := []string{`1000 10 {"VAL":null}`, `2000 10 {"VAL":"hello"}`}; !slices.Equal(got, want) {
		t.Errorf("OUTPUT %q, want %q", got, want)
	}
	for side, value := range map[string]string{"-Join-left-repartition": `{"S1_FOO":22,"S1_ROWTIME":1000,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":0,"S1_ID":10}`,
		"-Join-right-repartition": `{"S2_VAL":"hello","S2_ROWTIME":2000,"S2_ROWPARTITION":%d,"S2_ROWOFFSET":0,"S2_ID":10}`} {
		topic := queryTopic(id, side)
		rec := st.records(topic, 1)[0]
		src := st.records(map[string]string{"-Join-left-repartition": "s1", "-Join-right-repartition": "s2"}[side], 1)[0]
		if want := fmt.Sprintf(value, src.Partition); string(rec.Value) != want {
			t.Errorf("%s value %s, want %s", topic, rec.Value, want)
		}
		if k, _ := binary.Varint(rec.Key[5:]); len(rec.Key) < 6 || rec.Key[0] != 0 || k != 10 {
			t.Errorf("%s key % x, want 10 as an Avro int", topic, rec.Key)
		}
	}
}

// joins_-_stream-table_key-to-key_-_SR-enabled_key_format: a table keyed
// in a format that infers its schema is rekeyed by its own key into the
// join's key format, deletes included, through
// RightSourceKeyed-SelectKey-repartition (its values the SelectKey step's
// columns, not aliased: the schema RightSourceKeyed.Materialize, `ID`
// INTEGER KEY, `VAL` STRING, `ROWTIME` BIGINT, `ROWPARTITION` INTEGER,
// `ROWOFFSET` BIGINT, `ID` INTEGER) and materialized in
// RightSourceKeyed-Materialize, whose changelog replaces
// KafkaTopic_Right-Reduce-changelog; the stream goes through
// Join-repartition though joined on its key.
func TestATableWithAnAvroKeyIsRepartitionedByItsKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("t", 4)
	st.createTopic("s", 4)
	avroKey := func(subject string, n int64) []byte { return avroIntKey(t, st, subject, n) }
	mustKSQL(t, url, `CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='AVRO', value_format='JSON');
CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='AVRO', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"t", 1000, avroKey("t-key", 10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, avroKey("s-key", 10), []byte(`{"foo":22}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	out := st.records("OUTPUT", 1)[0]
	if k, _ := binary.Varint(out.Key[5:]); k != 10 || string(out.Value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT record % x %s, want key 10 {\"VAL\":\"hello\"}", out.Key, out.Value)
	}
	src := st.records("t", 1)[0]
	topic := queryTopic(id, "-RightSourceKeyed-SelectKey-repartition")
	rec := st.records(topic, 1)[0]
	if want := fmt.Sprintf(`{"VAL":"hello","ROWTIME":1000,"ROWPARTITION":%d,"ROWOFFSET":0,"ID":10}`, src.Partition); string(rec.Value) != want {
		t.Errorf("%s value %s, want %s", topic, rec.Value, want)
	}
	if k, _ := binary.Varint(rec.Key[5:]); k != 10 {
		t.Errorf("%s key % x, want 10 as an Avro int", topic, rec.Key)
	}
	for _, suffix := range []string{"-Join-repartition", "-RightSourceKeyed-Materialize-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); !ok {
			t.Errorf("no %s topic", suffix)
		}
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-KafkaTopic_Right-Reduce-changelog")); ok {
		t.Errorf("the table is materialized in KafkaTopic_Right-Reduce too; ksqlDB's is RightSourceKeyed-Materialize")
	}
	// a delete goes through the repartition topic and the join forgets the
	// row; key 11's row is in the repartition topic before the stream
	// record that joins it is written (a stream record that comes first
	// finds no row, in Kafka Streams too: the repartition topic has no lag
	// to wait for yet)
	st.produceJoin(joinRec{"t", 3000, avroKey("t-key", 10), nil}, joinRec{"s", 4000, avroKey("s-key", 10), []byte(`{"foo":23}`)},
		joinRec{"t", 4500, avroKey("t-key", 11), []byte(`{"VAL":"eleven"}`)})
	repartitioned := st.records(topic, 3)
	st.produceJoin(joinRec{"s", 5000, avroKey("s-key", 11), []byte(`{"foo":24}`)})
	if del := recordAt(t, repartitioned, 3000); del.Value != nil {
		t.Errorf("%s record of the delete: value %s, want none", topic, del.Value)
	}
	if got := recordAt(t, st.records("OUTPUT", 2), 5000); string(got.Value) != `{"VAL":"eleven"}` {
		t.Errorf("OUTPUT after the delete: %s, want only key 11's {\"VAL\":\"eleven\"}", got.Value)
	}
}

// The rows of a table the join rekeys are restored from the
// RightSourceKeyed-Materialize store's changelog after a restart, as Kafka
// Streams restores a store: its repartition records may have been purged
// by then (here after every commit).
func TestARekeyedTableIsRestoredFromItsStoresChangelog(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	st.createTopic("t", 1)
	st.createTopic("s", 1)
	avroKey := func(subject string, n int64) []byte { return avroIntKey(t, st, subject, n) }
	props := earliest()
	props["ksql.streams.repartition.purge.interval.ms"] = 0
	mustKSQL(t, url, `CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='AVRO', value_format='JSON');
CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='AVRO', value_format='JSON');
CREATE STREAM OUTPUT AS SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID;`, props)
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 1000, avroKey("t-key", 10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, avroKey("s-key", 10), []byte(`{"foo":22}`)})
	st.records("OUTPUT", 1)
	topic := queryTopic(id, "-RightSourceKeyed-SelectKey-repartition")
	waitFor(t, func() bool {
		starts, err := st.adm.ListStartOffsets(context.Background(), topic)
		o, _ := starts.Lookup(topic, 0)
		return err == nil && o.Offset > 0
	}, topic+" purged")
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s", 3000, avroKey("s-key", 10), []byte(`{"foo":23}`)})
	if got := recordAt(t, st.records("OUTPUT", 2), 3000); string(got.Value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT after the restart: %s, want the restored row's {\"VAL\":\"hello\"}", got.Value)
	}
}

// rekeyStreams and rekeyInputs are the streams and input records of the
// historical plans joins_-_stream_stream_{left,right}_join_-_rekey_-_JSON.
const rekeyStreams = `CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=4);
CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=4);`

var rekeyInputs = []joinRec{
	{"left_topic", 0, nil, []byte(`{"ID":0,"NAME":"zero","VALUE":0}`)},
	{"right_topic", 10000, nil, []byte(`{"ID":0,"F1":"blah","F2":50}`)},
	{"left_topic", 11000, nil, []byte(`{"ID":10,"NAME":"100","VALUE":5}`)},
	{"left_topic", 13000, nil, []byte(`{"ID":0,"NAME":"foo","VALUE":100}`)},
	{"right_topic", 15000, nil, []byte(`{"ID":0,"F1":"a","F2":10}`)},
	{"right_topic", 16000, nil, []byte(`{"ID":100,"F1":"newblah","F2":150}`)},
	{"left_topic", 17000, nil, []byte(`{"ID":90,"NAME":"ninety","VALUE":90}`)},
	{"left_topic", 30000, nil, []byte(`{"ID":0,"NAME":"bar","VALUE":99}`)},
}

// avroIntKey is n as a producer with the Avro serializer writes a key:
// the magic byte, the id of "int" under subject, the zig-zag varint.
func avroIntKey(t *testing.T, st *stack, subject string, n int64) []byte {
	t.Helper()
	id := registerSchema(t, st.reg.URL(), subject, `"int"`)
	return binary.AppendVarint(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n)
}

// Kafka Streams logs a stream-stream join's two window stores to
// changelogs of their own, named as the topology names the stores: the
// historical plans' topic lists have KSTREAM-JOINTHIS-0000000016-store-changelog
// and KSTREAM-OUTEROTHER-0000000017-store-changelog for the LEFT and the
// RIGHT rekey test cases, "this" being the left stream in a LEFT join and
// the right one in a RIGHT join (StreamStreamJoinBuilder). Each store
// holds its side's records, one entry per record (the distinct keys).
func TestAStreamStreamJoinLogsEachWindowStoreToItsOwnChangelog(t *testing.T) {
	for _, c := range []struct {
		join          string
		thisN, otherN int
	}{{"LEFT", 5, 3}, {"RIGHT", 3, 5}} {
		t.Run(c.join, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, rekeyStreams, nil)
			st.produceJoin(rekeyInputs...)
			mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t "+c.join+" JOIN test_stream tt WITHIN 11 seconds ON t.id = tt.id;", earliest())
			id := queryWriting(t, url, "OUTPUT")
			for store, n := range map[string]int{"-KSTREAM-JOINTHIS-0000000016-store-changelog": c.thisN, "-KSTREAM-OUTEROTHER-0000000017-store-changelog": c.otherN} {
				topic := queryTopic(id, store)
				waitFor(t, func() bool { return distinctKeys(t, st, topic) == n }, fmt.Sprintf("%d entries in %s", n, topic))
			}
			noPrivateJoinLog(t, st, id)
		})
	}
}

// distinctKeys counts the distinct keys of what topic holds now (read
// committed).
func distinctKeys(t *testing.T, st *stack, topic string) int {
	t.Helper()
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	if total == 0 {
		return 0
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	keys := map[string]bool{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return len(keys)
		}
		fs.EachRecord(func(r *kgo.Record) { keys[string(r.Key)] = true })
	}
}

// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left_and_right
// (7.1.0 plan): a stream-stream join on value columns inside a chain
// rekeys both streams through L_Join-left-repartition and
// L_Join-right-repartition (the inner join's, one level below the
// outermost), and the stream-table join after it, on the same column,
// finds the stream keyed already.
func TestAStreamStreamJoinInsideAChainRepartitionsBothSidesOnce(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=4);
CREATE STREAM S2 (ID INT KEY, k int, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=4);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=4);`, nil)
	st.produceJoin(joinRec{"right2", 10, kafkaInt(0), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(2), []byte(`{"k":0,"V0":2}`)},
		joinRec{"left", 12, kafkaInt(1), []byte(`{"k":0,"V0":1}`)},
		joinRec{"right", 13, kafkaInt(2), []byte(`{"k":0,"V0":4}`)},
		joinRec{"left", 100000, kafkaInt(1), []byte(`{"k":0,"V0":5}`)},
		joinRec{"right", 100001, kafkaInt(2), []byte(`{"k":0,"V0":6}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S1.K = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	want := []string{
		`12 00000000 {"S1_V0":1,"S2_V0":2,"T3_V0":3}`,
		`13 00000000 {"S1_V0":1,"S2_V0":4,"T3_V0":3}`,
		`100001 00000000 {"S1_V0":5,"S2_V0":6,"T3_V0":3}`,
	}
	var got []string
	for _, r := range st.records("OUTPUT", len(want)) {
		got = append(got, fmt.Sprintf("%d %x %s", r.Timestamp.UnixMilli(), r.Key, r.Value))
	}
	slices.SortFunc(got, func(a, b string) int { return cmpLeadingInt(a, b) })
	if !slices.Equal(got, want) {
		t.Errorf("OUTPUT\n got %q\nwant %q", got, want)
	}
	for _, side := range []struct {
		suffix, source, value string
		ts                    int64
	}{
		{"-L_Join-left-repartition", "left", `{"S1_K":0,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d,"S1_ID":1}`, 12},
		{"-L_Join-right-repartition", "right", `{"S2_K":0,"S2_V0":2,"S2_ROWTIME":11,"S2_ROWPARTITION":%d,"S2_ROWOFFSET":%d,"S2_ID":2}`, 11},
	} {
		topic := queryTopic(id, side.suffix)
		if parts, _ := topicExists(t, st, topic); parts != 4 {
			t.Errorf("%s has %d partitions, want 4", topic, parts)
			continue
		}
		src := recordAt(t, st.records(side.source, 2), side.ts)
		rec := recordAt(t, st.records(topic, 2), side.ts)
		if want := fmt.Sprintf(side.value, src.Partition, src.Offset); string(rec.Value) != want || !slices.Equal(rec.Key, kafkaInt(0)) {
			t.Errorf("%s record %x %s, want 00000000 %s", topic, rec.Key, rec.Value, want)
		}
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-repartition")); ok {
		t.Errorf("the outer join has a repartition topic too; ksqlDB's joins it on the stream as keyed already")
	}
}

// joins_-_stream-stream_key-to-key_-_key_format_mismatch (7.1.0 plan):
// streams joined on their keys, keyed in different formats, meet in the
// join's internal key format, the left's (DELIMITED): the right stream is
// rekeyed into it through Join-right-repartition (PreJoinRepartitionNode
// repartitions a side whose key format is not the join's; KLIP-33).
func TestAStreamJoinedOnKeysOfAnotherFormatIsRepartitionedIntoTheJoinsFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("s1", 4)
	st.createTopic("s2", 4)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, FOO INT) WITH (kafka_topic='s1', key_format='DELIMITED', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, VAL STRING) WITH (kafka_topic='s2', key_format='KAFKA', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"s2", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s1", 2000, []byte("10"), []byte(`{"foo":22}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT S1.ID, S2.VAL FROM S1 JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	if out := st.records("OUTPUT", 1)[0]; string(out.Key) != "10" || string(out.Value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT record %q %s, want \"10\" {\"VAL\":\"hello\"}", out.Key, out.Value)
	}
	src := st.records("s2", 1)[0]
	topic := queryTopic(id, "-Join-right-repartition")
	if parts, _ := topicExists(t, st, topic); parts != 4 {
		t.Fatalf("%s has %d partitions, want 4", topic, parts)
	}
	rec := st.records(topic, 1)[0]
	if want := fmt.Sprintf(`{"S2_VAL":"hello","S2_ROWTIME":1000,"S2_ROWPARTITION":%d,"S2_ROWOFFSET":%d,"S2_ID":10}`, src.Partition, src.Offset); string(rec.Key) != "10" || string(rec.Value) != want {
		t.Errorf("%s record %q %s, want \"10\" (DELIMITED) %s", topic, rec.Key, rec.Value, want)
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-left-repartition")); ok {
		t.Errorf("the left stream, in the join's format already, is repartitioned too")
	}
}

// joins_-_stream-table_key-to-key_-_key_format_mismatch (7.1.0 plan): a
// table keyed in another format than the stream it is joined to on keys
// is rekeyed into the stream's (DELIMITED) through
// RightSourceKeyed-SelectKey-repartition and materialized in
// RightSourceKeyed-Materialize.
func TestATableJoinedOnKeysOfAnotherFormatIsRepartitionedIntoTheStreamsFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("t", 4)
	st.createTopic("s", 4)
	mustKSQL(t, url, `CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON');
CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='DELIMITED', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, []byte("10"), []byte(`{"foo":22}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	if out := st.records("OUTPUT", 1)[0]; string(out.Key) != "10" || string(out.Value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT record %q %s, want \"10\" {\"VAL\":\"hello\"}", out.Key, out.Value)
	}
	src := st.records("t", 1)[0]
	topic := queryTopic(id, "-RightSourceKeyed-SelectKey-repartition")
	if parts, _ := topicExists(t, st, topic); parts != 4 {
		t.Fatalf("%s has %d partitions, want 4", topic, parts)
	}
	rec := st.records(topic, 1)[0]
	if want := fmt.Sprintf(`{"VAL":"hello","ROWTIME":1000,"ROWPARTITION":%d,"ROWOFFSET":%d,"ID":10}`, src.Partition, src.Offset); string(rec.Key) != "10" || string(rec.Value) != want {
		t.Errorf("%s record %q %s, want \"10\" (DELIMITED) %s", topic, rec.Key, rec.Value, want)
	}
	if _, ok := topicExists(t, st, queryTopic(id, "-RightSourceKeyed-Materialize-changelog")); !ok {
		t.Errorf("no RightSourceKeyed-Materialize-changelog topic")
	}
}

// A table-table join whose key format infers schemas from the registry
// repartitions both tables by their own keys before it joins them
// (ksql issue 6332: such a join's key schema must be the join's own), and
// materializes each in a store of its own: historical plan
// joins_-_table-table_-_SR-enabled_key_format (7.1.0) has the topics
// LeftSourceKeyed-SelectKey-repartition, RightSourceKeyed-SelectKey-repartition,
// LeftSourceKeyed-Materialize-changelog, RightSourceKeyed-Materialize-changelog
// and Project-Last-changelog, both repartitions keyed by T1's key schema,
// and its test case's outputs are the two below. The repartition records'
// values are TableSelectKeyBuilder's: the table's columns, its pseudo
// columns and a copy of the key (the plan's schema
// CTAS_OUTPUT_0.RightSourceKeyed.Materialize).
func TestTablesWithAvroKeysAreBothRepartitionedByTheirKeysBeforeATableTableJoin(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	st.createTopic("t1", 4)
	st.createTopic("t2", 4)
	longKey := func(subject string, n int64) []byte {
		id := registerSchema(t, st.reg.URL(), subject, `"long"`)
		return binary.AppendVarint(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n)
	}
	mustKSQL(t, url, `CREATE TABLE T1 (ID BIGINT PRIMARY KEY, NAME varchar) WITH (kafka_topic='t1', key_format='AVRO', value_format='JSON');
CREATE TABLE T2 (ID BIGINT PRIMARY KEY, F1 varchar) WITH (kafka_topic='t2', key_format='AVRO', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"t1", 1000, longKey("t1-key", 0), []byte(`{"NAME":"zero"}`)},
		joinRec{"t2", 2000, longKey("t2-key", 0), []byte(`{"F1":"blah"}`)})
	mustKSQL(t, url, "CREATE TABLE OUTPUT as SELECT T1.id, name, f1 FROM T1 left join T2 on T1.id = T2.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	var got []string
	for _, r := range st.records("OUTPUT", 2) {
		k, _ := binary.Varint(r.Key[5:])
		got = append(got, fmt.Sprintf("%d %s", k, r.Value))
	}
	if want := []string{`0 {"NAME":"zero","F1":null}`, `0 {"NAME":"zero","F1":"blah"}`}; !slices.Equal(got, want) {
		t.Errorf("OUTPUT %q, want %q", got, want)
	}
	src := st.records("t1", 1)[0]
	left := queryTopic(id, "-LeftSourceKeyed-SelectKey-repartition")
	rec := st.records(left, 1)[0]
	if want := fmt.Sprintf(`{"NAME":"zero","ROWTIME":1000,"ROWPARTITION":%d,"ROWOFFSET":0,"ID":0}`, src.Partition); string(rec.Value) != want {
		t.Errorf("%s value %s, want %s", left, rec.Value, want)
	}
	for _, suffix := range []string{"-RightSourceKeyed-SelectKey-repartition", "-LeftSourceKeyed-Materialize-changelog",
		"-RightSourceKeyed-Materialize-changelog", "-Project-Last-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); !ok {
			t.Errorf("no %s topic", suffix)
		}
	}
	for _, suffix := range []string{"-KafkaTopic_Left-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("a %s topic: the tables are materialized in the *SourceKeyed-Materialize stores instead", suffix)
		}
	}
	// the tables come back from their stores' changelogs after a restart,
	// and a delete of the left row goes through its repartition topic
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"t2", 3000, longKey("t2-key", 0), []byte(`{"F1":"again"}`)}, joinRec{"t1", 4000, longKey("t1-key", 0), nil})
	recs := st.records("OUTPUT", 4)
	if r := recordAt(t, recs, 3000); string(r.Value) != `{"NAME":"zero","F1":"again"}` {
		t.Errorf("OUTPUT after the restart: %s, want the restored left row joined: {\"NAME\":\"zero\",\"F1\":\"again\"}", r.Value)
	}
	if r := recordAt(t, recs, 4000); r.Value != nil {
		t.Errorf("OUTPUT after the left row's delete: %s, want a tombstone", r.Value)
	}
}

// internalTopics are the topics of query id's application, by their names
// after the application id.
func internalTopics(t *testing.T, st *stack, id string) []string {
	t.Helper()
	ts, err := st.adm.ListTopics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	prefix := queryTopic(id, "-")
	var out []string
	for _, name := range ts.Names() {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			out = append(out, rest)
		}
	}
	slices.Sort(out)
	return out
}

// Every table-table join materializes its projection in the store
// Project-Last, which Kafka Streams logs to Project-Last-changelog: an
// entry per result, in the join's key format and the left source's value
// format. The historical plans joins_-_table_table_inner_join_-_JSON and
// joins_-_table-table_key-to-key_-_key_format_mismatch (7.1.0) list each
// query's topics (their post.topics, here after the application id) and
// their test cases' outputs, which the changelog repeats.
func TestATableTableJoinLogsItsProjectionToProjectLastChangelog(t *testing.T) {
	for _, c := range []struct {
		plan, ddl, query, sink string
		inputs                 []joinRec
		want                   []string // sink records: key (an INT or BIGINT), value, timestamp
		topics                 []string
	}{{
		plan: "joins_-_table_table_inner_join_-_JSON",
		ddl: `CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`,
		query: "CREATE TABLE INNER_JOIN as SELECT t.id, name, value, f1, f2 FROM test t join TEST_TABLE tt on t.id = tt.id;",
		sink:  "INNER_JOIN",
		inputs: []joinRec{{"left_topic", 0, longKey(0), []byte(`{"NAME":"zero","VALUE":0}`)}, {"right_topic", 10000, longKey(0), []byte(`{"F1":"blah","F2":50}`)},
			{"left_topic", 11000, longKey(10), []byte(`{"NAME":"100","VALUE":5}`)}, {"left_topic", 13000, longKey(0), []byte(`{"NAME":"foo","VALUE":100}`)},
			{"right_topic", 15000, longKey(0), []byte(`{"F1":"a","F2":10}`)}, {"right_topic", 15500, longKey(15), []byte(`{"F1":"c","F2":20}`)},
			{"left_topic", 16000, longKey(0), []byte(`{"NAME":"bar","VALUE":99}`)}, {"left_topic", 17000, longKey(90), []byte(`{"NAME":"ninety","VALUE":90}`)}},
		want: []string{`0 {"NAME":"zero","VALUE":0,"F1":"blah","F2":50} 10000`, `0 {"NAME":"foo","VALUE":100,"F1":"blah","F2":50} 13000`,
			`0 {"NAME":"foo","VALUE":100,"F1":"a","F2":10} 15000`, `0 {"NAME":"bar","VALUE":99,"F1":"a","F2":10} 16000`},
		topics: []string{"KafkaTopic_Left-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "Project-Last-changelog"},
	}, {
		plan: "joins_-_table-table_key-to-key_-_key_format_mismatch",
		ddl: `CREATE TABLE T1 (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t1', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, FOO INT) WITH (kafka_topic='t2', key_format='DELIMITED', value_format='JSON', PARTITIONS=1);`,
		query:  "CREATE TABLE OUTPUT AS SELECT * FROM T1 JOIN T2 ON T1.ID = T2.ID;",
		sink:   "OUTPUT",
		inputs: []joinRec{{"t1", 1000, intKey(10), []byte(`{"VAL":"hello"}`)}, {"t2", 2000, []byte("10"), []byte(`{"FOO":1}`)}},
		want:   []string{`10 {"T1_VAL":"hello","T2_ID":10,"T2_FOO":1} 2000`},
		topics: []string{"KafkaTopic_Left-Reduce-changelog", "Project-Last-changelog", "RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"},
	}} {
		t.Run(c.plan, func(t *testing.T) {
			st, url := runJoinQuery(t, c.ddl, c.inputs, c.query)
			id := queryWriting(t, url, c.sink)
			show := func(recs []*kgo.Record) []string {
				var out []string
				for _, r := range recs {
					var k int64
					if len(r.Key) == 8 {
						k = int64(binary.BigEndian.Uint64(r.Key))
					} else {
						k = int64(int32(binary.BigEndian.Uint32(r.Key)))
					}
					out = append(out, fmt.Sprintf("%d %s %d", k, r.Value, r.Timestamp.UnixMilli()))
				}
				return out
			}
			if got := show(st.records(c.sink, len(c.want))); !slices.Equal(got, c.want) {
				t.Errorf("%s %q, want %q", c.sink, got, c.want)
			}
			changelog := queryTopic(id, "-Project-Last-changelog")
			if got := show(st.records(changelog, len(c.want))); !slices.Equal(got, c.want) {
				t.Errorf("%s %q, want the results %q", changelog, got, c.want)
			}
			if got := internalTopics(t, st, id); !slices.Equal(got, c.topics) {
				t.Errorf("internal topics %q, want %q", got, c.topics)
			}
		})
	}
}

// longKey is n as Kafka's LongSerializer writes it.
func longKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// A chain of stream-table joins whose later join reads a column the result
// so far is not keyed by repartitions that result (LogicalPlanner.prepareSourceForJoin:
// no repartition only where the join expression is in the inner join's
// equivalence set, JoinTree.joinEquivalenceSet): the historical plans
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression
// (the stream rekeyed by V0 through L_Join-repartition, the result of the
// first join by K through Join-repartition) lists these topics (so does
// multi-joins_-_stream-table-table_-_qualified_select__, whose case in
// TestStreamTableTableJoinsAsKsqlDBsTestCases checks them: the first join
// on the stream's key, the result rekeyed by F1), and its schema CSAS_OUTPUT_0.Join.Left
// is the value of Join-repartition: the first join's columns, both
// sources' aliased, each with its pseudo columns and a copy of its key.
func TestAChainOfJoinsOnDifferentColumnsRepartitionsBeforeEachJoinThatRekeys(t *testing.T) {
	t.Run("rekey on different expression", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, K INT, V0 int) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=4);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=4);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=4);`, nil)
		st.produceJoin(joinRec{"right2", 10, kafkaInt(2), []byte(`{"V0":3}`)},
			joinRec{"right", 11, kafkaInt(1), []byte(`{"V0":2}`)},
			joinRec{"left", 12, kafkaInt(0), []byte(`{"k":2,"V0":1}`)})
		mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.V0 = T2.ID JOIN T3 ON S1.K = T3.ID;", earliest())
		id := queryWriting(t, url, "OUTPUT")
		out := st.records("OUTPUT", 1)[0]
		if !slices.Equal(out.Key, kafkaInt(2)) || string(out.Value) != `{"S1_V0":1,"T2_V0":2,"T3_V0":3}` || out.Timestamp.UnixMilli() != 12 {
			t.Errorf("OUTPUT record %x %s at %d, want 00000002 {\"S1_V0\":1,\"T2_V0\":2,\"T3_V0\":3} at 12", out.Key, out.Value, out.Timestamp.UnixMilli())
		}
		src, tbl := st.records("left", 1)[0], st.records("right", 1)[0]
		topic := queryTopic(id, "-Join-repartition")
		rec := st.records(topic, 1)[0]
		want := fmt.Sprintf(`{"S1_K":2,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d,"S1_ID":0,"T2_V0":2,"T2_ROWTIME":11,"T2_ROWPARTITION":%d,"T2_ROWOFFSET":%d,"T2_ID":1}`,
			src.Partition, src.Offset, tbl.Partition, tbl.Offset)
		if string(rec.Value) != want || !slices.Equal(rec.Key, kafkaInt(2)) || rec.Timestamp.UnixMilli() != 12 {
			t.Errorf("%s record %x %s at %d, want 00000002 %s at 12", topic, rec.Key, rec.Value, rec.Timestamp.UnixMilli(), want)
		}
		if got, want := internalTopics(t, st, id), []string{"Join-repartition", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "L_Join-repartition"}; !slices.Equal(got, want) {
			t.Errorf("internal topics %q, want %q", got, want)
		}
	})
}

// A chain of stream-table joins on two expressions over the stream's
// column K repartitions as one on two columns does, through L_Join-repartition
// and Join-repartition, the key of each an expression's value
// (historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
// topics, and its schemas L_Join.Left, the stream keyed by S1_KSQL_COL_0 = K - 1
// with a copy of it last among its values, and Join.Left, the first join's
// result keyed by KSQL_COL_0 = S1_K + 1 with a copy of it after the joined
// columns; its test case's records).
func TestAChainOfJoinsOnExpressionsRepartitionsBeforeEachJoinThatRekeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=4);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=4);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=4);`, nil)
	st.produceJoin(joinRec{"right2", 10, kafkaInt(3), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(1), []byte(`{"V0":2}`)},
		joinRec{"left", 12, kafkaInt(0), []byte(`{"k":2,"V0":1}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K - 1 = T2.ID JOIN T3 ON S1.K + 1 = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	check := func(topic string, key uint32, want string) {
		t.Helper()
		rec := st.records(topic, 1)[0]
		if string(rec.Value) != want || !slices.Equal(rec.Key, kafkaInt(key)) || rec.Timestamp.UnixMilli() != 12 {
			t.Errorf("%s record %x %s at %d, want %x %s at 12", topic, rec.Key, rec.Value, rec.Timestamp.UnixMilli(), kafkaInt(key), want)
		}
	}
	check("OUTPUT", 3, `{"S1_V0":1,"T2_V0":2,"T3_V0":3}`)
	src, tbl := st.records("left", 1)[0], st.records("right", 1)[0]
	s1 := fmt.Sprintf(`"S1_K":2,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d,"S1_ID":0,"S1_KSQL_COL_0":1`, src.Partition, src.Offset)
	check(queryTopic(id, "-L_Join-repartition"), 1, "{"+s1+"}")
	check(queryTopic(id, "-Join-repartition"), 3, fmt.Sprintf(`{%s,"T2_V0":2,"T2_ROWTIME":11,"T2_ROWPARTITION":%d,"T2_ROWOFFSET":%d,"T2_ID":1,"KSQL_COL_0":3}`,
		s1, tbl.Partition, tbl.Offset))
	if got, want := internalTopics(t, st, id), []string{"Join-repartition", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "L_Join-repartition"}; !slices.Equal(got, want) {
		t.Errorf("internal topics %q, want %q", got, want)
	}
}

// A chain of table-table joins on AVRO keys rekeys every table by its key
// into the join's key format, each through its own repartition topic and
// store (historical plan multi-joins_-_table-table-table_-_SR-enabled_key_format:
// L_LeftSourceKeyed, L_RightSourceKeyed and RightSourceKeyed, with the
// Project-Last store; its test case's outputs below).
func TestAChainOfTablesWithAvroKeysRepartitionsEveryTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, tp := range []string{"left", "right", "right2"} {
		st.createTopic(tp, 1)
	}
	intAvro := func(subject string, n int64) []byte { return avroIntKey(t, st, subject, n) }
	mustKSQL(t, url, `CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', key_format='AVRO', value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='AVRO', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='AVRO', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left", 0, intAvro("left-key", 0), []byte(`{"V0":1}`)}, joinRec{"right2", 2, intAvro("right2-key", 0), []byte(`{"V0":3}`)},
		joinRec{"right", 3, intAvro("right-key", 0), []byte(`{"V0":2}`)}, joinRec{"left", 1000, intAvro("left-key", 0), []byte(`{"V0":4}`)})
	mustKSQL(t, url, "CREATE TABLE OUTPUT as SELECT ROWKEY AS ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID FULL JOIN T3 ON T1.ID = T3.ID;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	var got []string
	for _, r := range st.records("OUTPUT", 3) {
		k, _ := binary.Varint(r.Key[5:])
		got = append(got, fmt.Sprintf("%d %s %d", k, r.Value, r.Timestamp.UnixMilli()))
	}
	if want := []string{`0 {"T1_V0":null,"T2_V0":null,"T3_V0":3} 2`, `0 {"T1_V0":1,"T2_V0":2,"T3_V0":3} 3`, `0 {"T1_V0":4,"T2_V0":2,"T3_V0":3} 1000`}; !slices.Equal(got, want) {
		t.Errorf("OUTPUT %q, want %q", got, want)
	}
	want := []string{"L_LeftSourceKeyed-Materialize-changelog", "L_LeftSourceKeyed-SelectKey-repartition", "L_RightSourceKeyed-Materialize-changelog",
		"L_RightSourceKeyed-SelectKey-repartition", "Project-Last-changelog", "RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"}
	if got := internalTopics(t, st, id); !slices.Equal(got, want) {
		t.Errorf("internal topics %q, want %q", got, want)
	}
	// each store's changelog is keyed by the key schema its own -key
	// subject holds, "int" (the plan's post topics: keySchema of each
	// <Side>SourceKeyed-Materialize-changelog), as Kafka Streams' store
	// serde writes it for the changelog topic
	for _, store := range []string{"L_LeftSourceKeyed", "L_RightSourceKeyed", "RightSourceKeyed"} {
		topic := queryTopic(id, "-"+store+"-Materialize-changelog")
		rec := st.records(topic, 1)[0]
		regID, schema := latestSchema(t, st.reg.URL(), topic+"-key")
		if schema != `"int"` || len(rec.Key) < 5 || int(binary.BigEndian.Uint32(rec.Key[1:5])) != regID {
			t.Errorf("%s: key %x, subject %s-key holds %s as id %d, want \"int\" and the key written with its id", topic, rec.Key, topic, schema, regID)
		}
	}
}
