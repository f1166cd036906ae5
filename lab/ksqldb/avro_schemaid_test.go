package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// avroWire is native encoded under schema with the Confluent framing of id.
func avroWire(t *testing.T, id int, schema string, native any) []byte {
	t.Helper()
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	b, err := codec.BinaryFromNative(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), native)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wireID is the schema id of a Confluent-framed record.
func wireID(t *testing.T, b []byte) int {
	t.Helper()
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("not Confluent wire format: % x", b)
	}
	return int(binary.BigEndian.Uint32(b[1:5]))
}

// query-validation-tests table.json "AVRO schema and schema id"
// (confluentinc/ksql v7.9.0): with FORMAT='AVRO', KEY_SCHEMA_ID and
// VALUE_SCHEMA_ID, a primitive key schema is the single key column ROWKEY
// (SerdeUtils.wrapSingle) and the value record's fields are the value
// columns; both schemas are registered under the topic's subjects with the
// same ids.
func TestAvroSchemaIDsGiveRowkeyAndValueColumns(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	const keySchema = `{"name":"TestKeySchema","namespace":"com.test","type":"string"}`
	const valSchema = `{"name":"TestValueSchema","namespace":"com.test","type":"record","fields":[{"name":"ID","type":"long"},{"name":"NAME","type":"string"},{"name":"VALUE","type":"int"}]}`
	kid := registerSchema(t, regURL, "keys", keySchema)
	vid := registerSchema(t, regURL, "values", valSchema)
	st.createTopic("test_topic", 1)
	for i, v := range []struct {
		name  string
		value int32
	}{{"one", 100}, {"two", 200}, {"three", 300}} {
		produceRecords(t, st, &kgo.Record{Topic: "test_topic", Key: avroWire(t, kid, keySchema, "1"),
			Value: avroWire(t, vid, valSchema, map[string]any{"ID": int64(i + 1), "NAME": v.name, "VALUE": v.value})})
	}
	mustKSQL(t, url, fmt.Sprintf("CREATE TABLE TEST WITH (kafka_topic='test_topic', format='AVRO', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);", kid, vid), nil)
	if schema, _ := rawDescribeSchema(t, url, "TEST"); schema != "`ROWKEY` STRING KEY, `ID` BIGINT, `NAME` STRING, `VALUE` INTEGER" {
		t.Errorf("TEST schema %s", schema)
	}
	if got := subjectLatestID(t, regURL, "test_topic-key"); got != kid {
		t.Errorf("test_topic-key latest id %d, want %d", got, kid)
	}
	if got := subjectLatestID(t, regURL, "test_topic-value"); got != vid {
		t.Errorf("test_topic-value latest id %d, want %d", got, vid)
	}
	mustKSQL(t, url, "CREATE TABLE T1 as SELECT ROWKEY, NAME, VALUE FROM test;", earliest())
	recs := st.consumeRecords("T1", 3)
	for i, want := range []string{`{"NAME":"one","VALUE":100}`, `{"NAME":"two","VALUE":200}`, `{"NAME":"three","VALUE":300}`} {
		_, key := decodeAvroRecord(t, regURL, recs[i].Key)
		_, value := decodeAvroRecord(t, regURL, recs[i].Value)
		if key != `"1"` || value != want {
			t.Errorf("T1 record %d: %s %s, want \"1\" %s", i, key, value, want)
		}
	}
}

// query-validation-tests elements.json "validate schema id without key
// value elements OK - AVRO": schema ids keep the schema's field names
// (SchemaTranslationPolicy.ORIGINAL_FIELD_NAME), so the value column is
// `c1`, lower case.
func TestAvroSchemaIDsKeepTheSchemasFieldNames(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	const keySchema = `{"type":"int"}`
	const valSchema = `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"}]}`
	kid := registerSchema(t, regURL, "k", keySchema)
	vid := registerSchema(t, regURL, "v", valSchema)
	st.createTopic("input", 1)
	produceRecords(t, st, &kgo.Record{Topic: "input", Key: avroWire(t, kid, keySchema, int32(42)), Value: avroWire(t, vid, valSchema, map[string]any{"c1": int32(4)})})
	mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM INPUT WITH (kafka_topic='input', key_format='avro', value_format='AvRo', key_schema_id=%d, value_schema_id=%d);
CREATE STREAM OUTPUT AS SELECT * FROM input;`, kid, vid), earliest())
	if schema, _ := rawDescribeSchema(t, url, "OUTPUT"); schema != "`ROWKEY` INTEGER KEY, `c1` INTEGER" {
		t.Errorf("OUTPUT schema %s", schema)
	}
	r := st.consumeRecords("OUTPUT", 1)[0]
	_, key := decodeAvroRecord(t, regURL, r.Key)
	_, value := decodeAvroRecord(t, regURL, r.Value)
	if key != `42` || value != `{"c1":4}` {
		t.Errorf("OUTPUT record %s %s, want 42 {\"c1\":4}", key, value)
	}
}

// query-validation-tests partition-by.json "stream with AVRO schema and
// schema id" and historical_plans
// "partition-by_-_stream_with_AVRO_schema_and_schema_id": a stream over
// schema ids repartitioned by a STRUCT writes the key as the OutputKey
// record.
func TestAvroSchemaIDSourcePartitionedByAStruct(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	const keySchema = `{"type":"int"}`
	const valSchema = `{"name":"ignored","type":"record","fields":[{"name":"A","type":"int"},{"name":"B","type":"int"}]}`
	kid := registerSchema(t, regURL, "k", keySchema)
	vid := registerSchema(t, regURL, "v", valSchema)
	st.createTopic("test_topic", 1)
	for k, ab := range [][2]int32{{1, 1}, {2, 1}, {1, 1}} {
		produceRecords(t, st, &kgo.Record{Topic: "test_topic", Key: avroWire(t, kid, keySchema, int32(k)),
			Value: avroWire(t, vid, valSchema, map[string]any{"A": ab[0], "B": ab[1]})})
	}
	mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM TEST WITH (kafka_topic='test_topic', format='AVRO', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);
CREATE STREAM OUTPUT AS SELECT STRUCT(a:=A, b:=B), A FROM TEST PARTITION BY STRUCT(a:=A, b:=B);`, kid, vid), earliest())
	const outKey = `{"type":"record","name":"OutputKey","namespace":"io.confluent.ksql.avro_schemas","fields":[{"name":"A","type":["null","int"],"default":null},{"name":"B","type":["null","int"],"default":null}],"connect.name":"io.confluent.ksql.avro_schemas.OutputKey"}`
	recs := st.consumeRecords("OUTPUT", 3)
	for i, want := range [][2]string{{`{"A":1,"B":1}`, `{"A":1}`}, {`{"A":2,"B":1}`, `{"A":2}`}, {`{"A":1,"B":1}`, `{"A":1}`}} {
		ks, key := decodeAvroRecord(t, regURL, recs[i].Key)
		_, value := decodeAvroRecord(t, regURL, recs[i].Value)
		if key != want[0] || value != want[1] {
			t.Errorf("OUTPUT record %d: %s %s, want %s %s", i, key, value, want[0], want[1])
		}
		if !sameJSON(t, ks, outKey) {
			t.Errorf("OUTPUT-key schema %s\nwant %s", ks, outKey)
		}
	}
}

// INSERT INTO ... VALUES into a source over schema ids writes the key and
// the value under those ids and registers nothing (KsqlAvroSerdeFactory:
// auto.register.schemas false, use.schema.id), the value columns mapped onto
// the schema's fields by name (AvroSRSchemaDataTranslator).
func TestAvroSchemaIDSourceIsWrittenUnderItsIDs(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	const keySchema = `{"type":"record","name":"StopKey","namespace":"org.chicago.cta","fields":[{"name":"stop","type":"int"},{"name":"dir","type":["null","string"],"default":null}]}`
	const valSchema = `{"type":"record","name":"Arrival","namespace":"org.chicago.cta","fields":[{"name":"line","type":"string"},{"name":"cars","type":{"type":"array","items":"int"}},{"name":"delays","type":["null",{"type":"map","values":"long"}],"default":null}]}`
	kid := registerSchema(t, regURL, "k", keySchema)
	vid := registerSchema(t, regURL, "v", valSchema)
	st.createTopic("arrivals", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM arrivals WITH (kafka_topic='arrivals', format='AVRO', KEY_SCHEMA_ID=%d, VALUE_SCHEMA_ID=%d);", kid, vid), nil)
	if schema, _ := rawDescribeSchema(t, url, "ARRIVALS"); schema != "`ROWKEY` STRUCT KEY, `line` STRING, `cars` ARRAY, `delays` MAP" {
		t.Errorf("ARRIVALS schema %s", schema)
	}
	mustKSQL(t, url, "INSERT INTO arrivals (ROWKEY, `line`, `cars`, `delays`) VALUES (STRUCT(`stop` := 30173, `dir` := 'N'), 'Red', ARRAY[8, 1], MAP('Howard' := CAST(2 AS BIGINT)));", nil)
	r := st.consumeRecords("arrivals", 1)[0]
	if wireID(t, r.Key) != kid || wireID(t, r.Value) != vid {
		t.Errorf("written under ids %d and %d, want %d and %d", wireID(t, r.Key), wireID(t, r.Value), kid, vid)
	}
	_, key := decodeAvroRecord(t, regURL, r.Key)
	_, value := decodeAvroRecord(t, regURL, r.Value)
	if key != `{"dir":"N","stop":30173}` || value != `{"cars":[8,1],"delays":{"Howard":2},"line":"Red"}` {
		t.Errorf("arrivals record %s %s", key, value)
	}
	schema, rows := pushRows(t, url, "SELECT * FROM arrivals EMIT CHANGES LIMIT 1;", 1)
	if want := "`ROWKEY` STRUCT<`stop` INTEGER, `dir` STRING>, `line` STRING, `cars` ARRAY<INTEGER>, `delays` MAP<STRING, BIGINT>"; schema != want {
		t.Errorf("push query schema %s\nwant %s", schema, want)
	}
	// pushRows re-encodes objects with their keys sorted
	if want := `[{"dir":"N","stop":30173},"Red",[8,1],{"Howard":2}]`; rows[0] != want {
		t.Errorf("row read back %s, want %s", rows[0], want)
	}
	if got := subjectLatestID(t, regURL, "arrivals-key"); got != kid {
		t.Errorf("arrivals-key latest id %d, want %d", got, kid)
	}
	if got := subjectLatestID(t, regURL, "arrivals-value"); got != vid {
		t.Errorf("arrivals-value latest id %d, want %d", got, vid)
	}
}

// Logical types of a schema named by VALUE_SCHEMA_ID are TIMESTAMP and
// DECIMAL columns (AvroData.toConnectSchema), written back under that
// schema with their logical types.
func TestAvroSchemaIDLogicalTypesAreWrittenUnderTheSchema(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	const valSchema = `{"type":"record","name":"Fare","fields":[{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},` +
		`{"name":"amount","type":["null",{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}],"default":null}]}`
	vid := registerSchema(t, regURL, "v", valSchema)
	st.createTopic("fares", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM fares (id INT KEY) WITH (kafka_topic='fares', key_format='KAFKA', value_format='AVRO', VALUE_SCHEMA_ID=%d);", vid), nil)
	if schema, _ := rawDescribeSchema(t, url, "FARES"); schema != "`ID` INTEGER KEY, `at` TIMESTAMP, `amount` DECIMAL" {
		t.Errorf("FARES schema %s", schema)
	}
	mustKSQL(t, url, "INSERT INTO fares (id, `at`, `amount`) VALUES (1, '2021-01-02T12:34:56.789', 2.25);", nil)
	r := st.consumeRecords("fares", 1)[0]
	if wireID(t, r.Value) != vid {
		t.Fatalf("written under id %d, want %d", wireID(t, r.Value), vid)
	}
	codec, err := goavro.NewCodec(valSchema)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(r.Value[5:])
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(native); got != "map[amount:map[bytes.decimal:9/4] at:2021-01-02 12:34:56.789 +0000 UTC]" {
		t.Errorf("fares value %s", got)
	}
}
