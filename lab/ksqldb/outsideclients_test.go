package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/testtools"
)

// runOutsideTool runs a client program the project did not write and
// returns what it printed; a failure shows what it wrote to stderr.
func runOutsideTool(t *testing.T, env []string, name string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr)
	}
	return out
}

// pythonAvroConsumer is Debian's python3 with confluent-kafka-python's
// AvroConsumer importable; a missing module is an install step left out.
func pythonAvroConsumer(t *testing.T) string {
	t.Helper()
	return testtools.Python(t, "confluent_kafka.avro")
}

// avroRecord is one record as testdata/python/avroconsume.py decoded it.
type avroRecord struct {
	Key         any            `json:"key"`
	Value       map[string]any `json:"value"`
	KeySchema   any            `json:"key_schema"` // a record's schema is a map, a primitive's its type's name
	ValueSchema map[string]any `json:"value_schema"`
}

// consumeAvroWithPython reads n records of topic with python's AvroConsumer.
func (st *stack) consumeAvroWithPython(regURL, topic string, n int) []avroRecord {
	st.t.Helper()
	t := st.t.(*testing.T)
	python := pythonAvroConsumer(t)
	out := runOutsideTool(t, nil, python, "testdata/python/avroconsume.py", st.brokers[0], regURL, topic, strconv.Itoa(n))
	var got struct {
		Records []avroRecord `json:"records"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("avroconsume.py printed %q: %v", out, err)
	}
	return got.Records
}

// avroField is the named field of an Avro record schema.
func avroField(schema map[string]any, name string) map[string]any {
	fields, _ := schema["fields"].([]any)
	for _, f := range fields {
		if m, _ := f.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}

// avroNonNull is the non-null branch of an optional field's ["null", T].
func avroNonNull(field map[string]any) map[string]any {
	union, _ := field["type"].([]any)
	for _, b := range union {
		if m, ok := b.(map[string]any); ok {
			return m
		}
	}
	return nil
}

// confluent-kafka-python's AvroConsumer reads a CSAS sink whose AVRO value
// holds ARRAY, MAP and STRUCT columns and whose AVRO key is a STRUCT, and
// gets what ksqlDB writes: the struct column as a record named
// KsqlDataSourceSchema_<COLUMN>, the map as an array of Connect MapEntry
// records {key, value}, and the key as the unwrapped struct.
// Values: query-validation-tests avro.json "serialize nested array - value",
// "serialize nested map - value", "serialize nested struct - value" and
// "STRUCT - key - no inference"; schemas: historical_plans
// avro_-_serialize_nested_map_-_value (KsqlDataSourceSchema_FOO, items with
// connect.internal.type MapEntry) and avro_-_STRUCT_-_key_-_no_inference
// (key record fields [F1 optional string]), confluentinc/ksql v7.9.0.
func TestPythonAvroConsumerReadsComplexColumnsAndStructKeyOfACSASSink(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM input (K STRUCT<F1 VARCHAR> KEY, A ARRAY<BIGINT>, M MAP<STRING, DOUBLE>, S STRUCT<F0 INT>) WITH (KAFKA_TOPIC='input_topic', PARTITIONS=1, FORMAT='AVRO');", nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	mustKSQL(t, url, "INSERT INTO input (K, A, M, S) VALUES (STRUCT(F1 := 'foo'), ARRAY[CAST(12 AS BIGINT), CAST(34 AS BIGINT), CAST(999 AS BIGINT)], MAP('a' := CAST(1.1 AS DOUBLE), 'b' := CAST(2.2 AS DOUBLE), 'c' := CAST(3.456 AS DOUBLE)), STRUCT(F0 := 10));", nil)
	mustKSQL(t, url, "INSERT INTO input (K, A, M, S) VALUES (STRUCT(F1 := CAST(NULL AS VARCHAR)), ARRAY[CAST(12 AS BIGINT), CAST(34 AS BIGINT), CAST(NULL AS BIGINT)], MAP('a' := CAST(1.1 AS DOUBLE), 'b' := CAST(2.2 AS DOUBLE), 'c' := CAST(NULL AS DOUBLE)), CAST(NULL AS STRUCT<F0 INT>));", nil)

	recs := st.consumeAvroWithPython(regURL, "OUTPUT", 2)
	entries := func(kv ...any) []any {
		var out []any
		for i := 0; i < len(kv); i += 2 {
			out = append(out, map[string]any{"key": kv[i], "value": kv[i+1]})
		}
		return out
	}
	want := []avroRecord{
		{
			Key: map[string]any{"F1": "foo"},
			Value: map[string]any{
				"A": []any{12.0, 34.0, 999.0},
				"M": entries("a", 1.1, "b", 2.2, "c", 3.456),
				"S": map[string]any{"F0": 10.0},
			},
		},
		{
			Key: map[string]any{"F1": nil},
			Value: map[string]any{
				"A": []any{12.0, 34.0, nil},
				"M": entries("a", 1.1, "b", 2.2, "c", nil),
				"S": nil,
			},
		},
	}
	if len(recs) != len(want) {
		t.Fatalf("python read %d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		if m, ok := r.Value["M"].([]any); ok {
			sort.Slice(m, func(a, b int) bool {
				return m[a].(map[string]any)["key"].(string) < m[b].(map[string]any)["key"].(string)
			})
		}
		if !reflect.DeepEqual(r.Key, want[i].Key) || !reflect.DeepEqual(r.Value, want[i].Value) {
			t.Errorf("record %d: python read key %v value %v\nwant key %v value %v", i, r.Key, r.Value, want[i].Key, want[i].Value)
		}
	}

	vs := recs[0].ValueSchema
	if vs["name"] != "KsqlDataSourceSchema" || vs["namespace"] != "io.confluent.ksql.avro_schemas" {
		t.Errorf("value schema is named %v in %v, want KsqlDataSourceSchema in io.confluent.ksql.avro_schemas", vs["name"], vs["namespace"])
	}
	if s := avroNonNull(avroField(vs, "S")); s["type"] != "record" || s["name"] != "KsqlDataSourceSchema_S" {
		t.Errorf("column S has schema %v, want the record KsqlDataSourceSchema_S", s)
	}
	m := avroNonNull(avroField(vs, "M"))
	items, _ := m["items"].(map[string]any)
	if m["type"] != "array" || items["name"] != "KsqlDataSourceSchema_M" || items["connect.internal.type"] != "MapEntry" {
		t.Errorf("column M has schema %v, want an array of MapEntry records KsqlDataSourceSchema_M", m)
	}
	ks, _ := recs[0].KeySchema.(map[string]any)
	f1 := avroField(ks, "F1")
	if ks["type"] != "record" || f1 == nil || !reflect.DeepEqual(f1["type"], []any{"null", "string"}) {
		t.Errorf("key schema %v, want a record with the optional string F1", ks)
	}
}

// kcatRecord is one record as kcat printed it with kcatFormat.
type kcatRecord struct {
	key, value []byte // nil when kcat printed a length of -1
	ts         int64
}

func (r kcatRecord) String() string {
	if r.value == nil {
		return fmt.Sprintf("%x=<tombstone>/ts%d", r.key, r.ts)
	}
	return fmt.Sprintf("%x=%q/ts%d", r.key, r.value, r.ts)
}

// kcatFormat makes kcat print each record's key and value lengths and
// timestamp, then the raw key and value bytes: binary keys survive.
const kcatFormat = "%K,%S,%T;%k%s"

// parseKcat splits kcat's kcatFormat output into records.
func parseKcat(t *testing.T, out []byte) []kcatRecord {
	t.Helper()
	var recs []kcatRecord
	field := func(sep byte) int64 {
		i := bytes.IndexByte(out, sep)
		if i < 0 {
			t.Fatalf("kcat output %q lacks %q", out, sep)
		}
		n, err := strconv.ParseInt(string(out[:i]), 10, 64)
		if err != nil {
			t.Fatalf("kcat output %q: %v", out, err)
		}
		out = out[i+1:]
		return n
	}
	take := func(n int64) []byte {
		if n < 0 {
			return nil
		}
		if int64(len(out)) < n {
			t.Fatalf("kcat output %q is shorter than %d", out, n)
		}
		b := out[:n:n]
		out = out[n:]
		return b
	}
	for len(out) > 0 {
		kl, vl, ts := field(','), field(','), field(';')
		recs = append(recs, kcatRecord{key: take(kl), value: take(vl), ts: ts})
	}
	return recs
}

// kcatReads consumes every record of topic with kcat (read committed).
func (st *stack) kcatReads(topic string) []kcatRecord {
	st.t.Helper()
	t := st.t.(*testing.T)
	kcat := testtools.Kcat(t)
	out := runOutsideTool(t, nil, kcat, "-b", st.brokers[0], "-C", "-t", topic, "-o", "beginning", "-e", "-q",
		"-X", "isolation.level=read_committed", "-f", kcatFormat)
	return parseKcat(t, out)
}

// be64 is n as 8 big-endian bytes, as Kafka's LongSerializer writes it.
func be64(n int64) []byte { return binary.BigEndian.AppendUint64(nil, uint64(n)) }

// kcat reads a TUMBLING aggregation's sink and finds each key as Kafka
// Streams' TimeWindowedSerializer writes it: the KAFKA-format BIGINT key,
// then the window start as 8 big-endian bytes (WindowKeySchema.toBinary
// without a sequence number); one row per input record.
// Inputs and outputs: query-validation-tests tumbling-windows.json
// "min tumbling", confluentinc/ksql v7.9.0.
func TestKcatReadsTumblingWindowedKeysAsTimeWindowedSerializerWritesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (ID BIGINT KEY, NAME VARCHAR, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "CREATE TABLE s2 AS SELECT ID, MIN(VALUE) FROM test WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY ID;", earliest())
	st.produceTimed("test_topic",
		timed{be64(0), "zero,0", 0},
		timed{be64(0), "100,5", 10_000},
		timed{be64(100), "100,100", 30_000},
		timed{be64(100), "100,6", 45_000},
		timed{be64(100), "100,300", 50_000},
	)
	st.consume("S2", 5)
	got := st.kcatReads("S2")
	key := func(id, start int64) []byte { return append(be64(id), be64(start)...) }
	want := []kcatRecord{
		{key(0, 0), []byte("0"), 0},
		{key(0, 0), []byte("0"), 10_000},
		{key(100, 30_000), []byte("100"), 30_000},
		{key(100, 30_000), []byte("6"), 45_000},
		{key(100, 30_000), []byte("6"), 50_000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kcat read S2\n got %v\nwant %v", got, want)
	}
}

// kcat reads a SESSION aggregation's sink and finds each key as Kafka
// Streams' SessionWindowedSerializer writes it: the KAFKA-format BIGINT
// key, then the session end, then its start, 8 big-endian bytes each
// (SessionKeySchema.toBinary); a merged session's old key is tombstoned.
// Inputs and outputs: query-validation-tests session-windows.json
// "out of order - no grace period", confluentinc/ksql v7.9.0; byte order:
// apache/kafka streams SessionKeySchema.toBinary (end before start).
func TestKcatReadsSessionWindowedKeysAsSessionWindowedSerializerWritesThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (ID BIGINT KEY, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='DELIMITED');", nil)
	mustKSQL(t, url, "CREATE TABLE s2 AS SELECT ID, MAX(VALUE) FROM test WINDOW SESSION (30 SECONDS) GROUP BY ID;", earliest())
	st.produceTimed("test_topic",
		timed{be64(0), "0", 0},
		timed{be64(0), "1", 70_010},
		timed{be64(0), "5", 10_009},
		timed{be64(0), "6", 10_010},
		timed{be64(1), "100", 10_009},
		timed{be64(1), "101", 10_010},
		timed{be64(1), "200", 86_412_022},
		timed{be64(1), "200", 60_000},
	)
	st.consume("S2", 11)
	got := st.kcatReads("S2")
	key := func(id, start, end int64) []byte { return append(append(be64(id), be64(end)...), be64(start)...) }
	want := []kcatRecord{
		{key(0, 0, 0), []byte("0"), 0},
		{key(0, 70_010, 70_010), []byte("1"), 70_010},
		{key(0, 0, 0), nil, 0},
		{key(0, 0, 10_009), []byte("5"), 10_009},
		{key(0, 0, 10_009), nil, 10_009},
		{key(0, 0, 10_010), []byte("6"), 10_010},
		{key(1, 10_009, 10_009), []byte("100"), 10_009},
		{key(1, 10_009, 10_009), nil, 10_009},
		{key(1, 10_009, 10_010), []byte("101"), 10_010},
		{key(1, 86_412_022, 86_412_022), []byte("200"), 86_412_022},
		{key(1, 60_000, 60_000), []byte("200"), 60_000},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kcat read S2\n got %v\nwant %v", got, want)
	}
}

// kafkajsRecord is one record as testdata/node/consume.js printed it.
type kafkajsRecord struct {
	Key       *string `json:"key"` // hex
	Value     *string `json:"value"`
	Timestamp int64   `json:"timestamp"`
}

func (r kafkajsRecord) String() string {
	k, v := "<null>", "<tombstone>"
	if r.Key != nil {
		k = *r.Key
	}
	if r.Value != nil {
		v = *r.Value
	}
	return fmt.Sprintf("%s=%s/ts%d", k, v, r.Timestamp)
}

// kafkajsReads consumes the first n records of topic with kafkajs.
func (st *stack) kafkajsReads(topic string, n int) []kafkajsRecord {
	st.t.Helper()
	t := st.t.(*testing.T)
	node, modules := testtools.Kafkajs(t)
	out := runOutsideTool(t, []string{"NODE_PATH=" + modules}, node, "testdata/node/consume.js", st.brokers[0], topic, strconv.Itoa(n))
	var got struct {
		Records []kafkajsRecord `json:"records"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("consume.js printed %q: %v", out, err)
	}
	return got.Records
}

// kjs is a record as kafkajs reports it: the key's bytes as hex, the value
// as text.
func kjs(keyHex, value string, ts int64) kafkajsRecord {
	return kafkajsRecord{Key: &keyHex, Value: &value, Timestamp: ts}
}

// kafkajs reads a stream-table LEFT JOIN's sink: JSON values with the
// stream's and the table's columns, null where the table has no row, the
// BIGINT key in the KAFKA format and each row timestamped as its stream
// record.
// Inputs and outputs: query-validation-tests joins.json "stream table left
// join" (format JSON), confluentinc/ksql v7.9.0.
func TestKafkajsReadsAStreamTableLeftJoinSink(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM test (ID BIGINT KEY, NAME VARCHAR, VALUE BIGINT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE test_table (ID BIGINT PRIMARY KEY, F1 VARCHAR, F2 BIGINT) WITH (KAFKA_TOPIC='test_table', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	ents := mustKSQL(t, url, "CREATE STREAM left_join AS SELECT t.id, name, value, f1, f2 FROM test t LEFT JOIN test_table tt ON t.id = tt.id;", earliest())
	group := st.stableGroup(ents)
	st.produceInOrder(group,
		joinRec{"test_table", 0, be64(0), []byte(`{"F1":"zero","F2":0}`)},
		joinRec{"test_table", 10_000, be64(10), []byte(`{"F1":"100","F2":5}`)},
		joinRec{"test_topic", 10_000, be64(0), []byte(`{"NAME":"blah","VALUE":50}`)},
		joinRec{"test_topic", 10_000, be64(0), []byte(`{"NAME":"foo","VALUE":100}`)},
		joinRec{"test_table", 15_000, be64(0), []byte(`{"F1":"a","F2":10}`)},
		joinRec{"test_topic", 15_000, be64(0), []byte(`{"NAME":"bar","VALUE":99}`)},
		joinRec{"test_topic", 15_000, be64(90), []byte(`{"NAME":"ninety","VALUE":90}`)},
	)
	got := st.kafkajsReads("LEFT_JOIN", 4)
	want := []kafkajsRecord{
		kjs("0000000000000000", `{"NAME":"blah","VALUE":50,"F1":"zero","F2":0}`, 10_000),
		kjs("0000000000000000", `{"NAME":"foo","VALUE":100,"F1":"zero","F2":0}`, 10_000),
		kjs("0000000000000000", `{"NAME":"bar","VALUE":99,"F1":"a","F2":10}`, 15_000),
		kjs("000000000000005a", `{"NAME":"ninety","VALUE":90,"F1":null,"F2":null}`, 15_000),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kafkajs read LEFT_JOIN\n got %v\nwant %v", got, want)
	}
}

// kafkajs reads a CTAS sink over a table that ALTER TABLE ... ADD COLUMN
// widened before the CTAS: a row inserted after the ALTER reaches the sink
// with the added column in its JSON value.
// sql-tests/query-upgrades/alter.sql "add columns to DDL table",
// confluentinc/ksql v7.9.0.
func TestKafkajsReadsATableSinkWithAColumnAddedByAlter(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TABLE a (id INT PRIMARY KEY, col1 INT) WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "ALTER TABLE a ADD COLUMN col2 INT;", nil)
	mustKSQL(t, url, "CREATE TABLE b AS SELECT * FROM a;", earliest())
	mustKSQL(t, url, "INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);", nil)
	got := st.kafkajsReads("B", 1)
	if len(got) != 1 || got[0].Key == nil || *got[0].Key != "00000001" || got[0].Value == nil || *got[0].Value != `{"COL1":1,"COL2":1}` {
		t.Errorf("kafkajs read B %v, want key 00000001 and value {\"COL1\":1,\"COL2\":1}", got)
	}
}
