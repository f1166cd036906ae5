package ksqldb

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
)

// CREATE STREAM ... WITH (VALUE_SCHEMA_ID=n) AS SELECT writes its sink with
// the registered schema n: query-validation-tests elements.json
// "validate same schema schema id in csas OK - AVRO", "validate extra
// optional field schema schema id in csas OK - AVRO" and "validate extra
// field with default value schema schema id in csas OK - AVRO"
// (confluentinc/ksql v7.9.0). The sink's records carry id n, a field
// without a column takes its default or null, the sink keeps the query's
// columns, and <topic>-value holds schema n (SchemaRegisterInjector
// registers the raw schema, not one built from the columns).
func TestSinkValueSchemaIDWritesWithTheRegisteredSchema(t *testing.T) {
	cases := []struct {
		name, schema string
		want         map[string]any
	}{
		{"same", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"}]}`, map[string]any{"c1": int32(4)}},
		{"optional", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"},{"name":"c2","type":["null","int"],"default":null}]}`, map[string]any{"c1": int32(4), "c2": nil}},
		{"default", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"},{"name":"c2","type":"int","default":100}]}`, map[string]any{"c1": int32(4), "c2": int32(100)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			regURL, url := st.serveLabRegistry()
			id := registerSchema(t, regURL, "OUTPUT-value", c.schema)
			mustKSQL(t, url, "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);", nil)
			mustKSQL(t, url, fmt.Sprintf("CREATE STREAM OUTPUT WITH(value_schema_id=%d, PARTITIONS = 4) as SELECT * FROM input;", id), earliest())
			mustKSQL(t, url, "INSERT INTO INPUT (`id`, `c1`) VALUES (42, 4);", nil)
			recs := st.consumeRecords("OUTPUT", 1)
			if got := wireID(t, recs[0].Value); got != id {
				t.Errorf("OUTPUT record written with schema id %d, want %d", got, id)
			}
			codec, err := goavro.NewCodec(c.schema)
			if err != nil {
				t.Fatal(err)
			}
			native, _, err := codec.NativeFromBinary(recs[0].Value[5:])
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprint(avroPlain(native)), fmt.Sprint(c.want); got != want {
				t.Errorf("OUTPUT value %s, want %s", got, want)
			}
			if schema, _ := rawDescribeSchema(t, url, "OUTPUT"); schema != "`id` INTEGER KEY, `c1` INTEGER" {
				t.Errorf("OUTPUT schema %s", schema)
			}
			if got := subjectLatestID(t, regURL, "OUTPUT-value"); got != id {
				t.Errorf("OUTPUT-value latest id %d, want %d", got, id)
			}
		})
	}
}

// avroPlain unwraps goavro's union maps ({"int": 4}) to their values.
func avroPlain(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if u, ok := x.(map[string]any); ok && len(u) == 1 {
			for _, y := range u {
				x = y
			}
		}
		out[k] = x
	}
	return out
}

// A query whose value columns are not, in order, the leading fields of the
// schema of VALUE_SCHEMA_ID is refused with DefaultSchemaInjector's
// message: elements.json "validate incompatible type schema id in csas
// FAILS - AVRO" and "validate reordered field schema id in csas FAILS -
// AVRO" (confluentinc/ksql v7.9.0).
func TestSinkValueSchemaIDRefusesChangedOrReorderedColumns(t *testing.T) {
	cases := []struct{ name, schema, want string }{
		{"incompatible type", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"string"},{"name":"c2","type":"double"}]}`,
			"The following value columns are changed, missing or reordered: [`c1` INTEGER]. Schema from schema registry is [`c1` STRING, `c2` DOUBLE]"},
		{"reordered", `{"name":"blah","type":"record","fields":[{"name":"c2","type":"double"},{"name":"c1","type":"int"}]}`,
			"The following value columns are changed, missing or reordered: [`c1` INTEGER]. Schema from schema registry is [`c2` DOUBLE, `c1` INTEGER]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			regURL, url := st.serveLabRegistry()
			id := registerSchema(t, regURL, "OUTPUT-value", c.schema)
			mustKSQL(t, url, "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);", nil)
			code, body := post(t, url, "/ksql", fmt.Sprintf("CREATE STREAM OUTPUT WITH(value_schema_id=%d, PARTITIONS = 4) as SELECT * FROM input;", id), nil)
			if code != 400 || !strings.Contains(string(body), c.want) {
				t.Errorf("got %d %s\nwant %s", code, body, c.want)
			}
		})
	}
}

// The docs' CREATE TABLE derived WITH (VALUE_SCHEMA_ID=1) AS SELECT a, b,
// d FROM source WHERE A is not null (create-table-as-select.md, ksqlDB
// 0.29; A is source's key, as docs_create_table_as_select_test.go reads
// the page) runs when schema 1 is a record of the value columns B and D,
// and the table's records carry schema id 1.
func TestDocsCreateTableAsSelectWithValueSchemaID(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "derived-schema", `{"name":"Derived","type":"record","fields":[{"name":"B","type":["null","string"],"default":null},{"name":"D","type":["null","int"],"default":null}]}`)
	if id != 1 {
		t.Fatalf("first schema got id %d", id)
	}
	mustKSQL(t, url, `CREATE TABLE source (a INT PRIMARY KEY, b VARCHAR, c VARCHAR, d INT)
  WITH (kafka_topic='source', partitions=1, value_format='AVRO');`, nil)
	mustKSQL(t, url, `-- Derive a new view from an existing table with value serialization 
-- schema defined by VALUE_SCHEMA_ID:
CREATE TABLE derived WITH (
    VALUE_SCHEMA_ID=1
  ) AS
  SELECT
    a,
    b,
    d
  FROM source
  WHERE A is not null
  EMIT CHANGES;`, earliest())
	mustKSQL(t, url, "INSERT INTO source (a, b, c, d) VALUES (1, 'one', 'x', 10);", nil)
	recs := st.consumeRecords("DERIVED", 1)
	if got := wireID(t, recs[0].Value); got != 1 {
		t.Errorf("DERIVED record written with schema id %d, want 1", got)
	}
	if schema, _ := rawDescribeSchema(t, url, "DERIVED"); schema != "`A` INTEGER KEY, `B` STRING, `D` INTEGER" {
		t.Errorf("DERIVED schema %s", schema)
	}
}

// KEY_SCHEMA_ID and VALUE_SCHEMA_ID in PROTOBUF on CREATE STREAM AS
// SELECT: elements.json "validate extra optional field with schema schema
// id in csas OK - PROTOBUF" (confluentinc/ksql v7.9.0). The key message's
// field id is the key column; the value message's c2, without a column,
// keeps proto3's default (left out of the wire).
func TestSinkProtobufSchemaIDsWriteKeyAndValueMessages(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "OUTPUT-key", "PROTOBUF", `syntax = "proto3"; message ConnectDefault1 { int32 id = 1; }`)
	vid := registerTyped(t, regURL, "OUTPUT-value", "PROTOBUF", `syntax = "proto3"; message ConnectDefault1 { int32 c1 = 1; string c2 = 2; }`)
	mustKSQL(t, url, "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);", nil)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM OUTPUT WITH(key_schema_id=%d, key_format='protobuf', value_format='protobuf', value_schema_id=%d, PARTITIONS = 4) as SELECT * FROM input;", kid, vid), earliest())
	mustKSQL(t, url, "INSERT INTO INPUT (`id`, `c1`) VALUES (42, 4);", nil)
	r := st.consumeRecords("OUTPUT", 1)[0]
	// 0, id, message index [0], then field 1 varint: id 42 (08 2a), c1 4 (08 04)
	if want := fmt.Sprintf("00%08x00082a", kid); hex.EncodeToString(r.Key) != want {
		t.Errorf("key %x, want %s", r.Key, want)
	}
	if want := fmt.Sprintf("00%08x000804", vid); hex.EncodeToString(r.Value) != want {
		t.Errorf("value %x, want %s", r.Value, want)
	}
	if schema, _ := rawDescribeSchema(t, url, "OUTPUT"); schema != "`id` INTEGER KEY, `c1` INTEGER" {
		t.Errorf("OUTPUT schema %s", schema)
	}
}

// KEY_SCHEMA_ID and VALUE_SCHEMA_ID in JSON_SR on CREATE STREAM AS
// SELECT: elements.json "validate extra optional field with schema schema
// id in csas OK - JSON_SR" (confluentinc/ksql v7.9.0). The STRUCT key is
// the key schema's object, the value has c1 and no c2.
func TestSinkJSONSRSchemaIDsWriteKeyAndValueObjects(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	kid := registerTyped(t, regURL, "OUTPUT-key", "JSON", `{"type":"object","properties":{"id":{"type":"integer"}}}`)
	vid := registerTyped(t, regURL, "OUTPUT-value", "JSON", `{"type":"object","properties":{"c1":{"type":"integer"},"c2":{"type":"string"}}}`)
	mustKSQL(t, url, "CREATE STREAM INPUT (`ROWKEY` struct<`id` BIGINT> KEY, `c1` BIGINT) WITH (key_format='avro', kafka_topic='input', value_format='avro', partitions=1);", nil)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM OUTPUT WITH(key_schema_id=%d, key_format='json_sr', value_format='json_sr', value_schema_id=%d, PARTITIONS = 4) as SELECT * FROM input;", kid, vid), earliest())
	mustKSQL(t, url, "INSERT INTO INPUT (`ROWKEY`, `c1`) VALUES (STRUCT(`id` := CAST(42 AS BIGINT)), CAST(4 AS BIGINT));", nil)
	r := st.consumeRecords("OUTPUT", 1)[0]
	if got := wireID(t, r.Key); got != kid || !sameJSON(t, string(r.Key[5:]), `{"id":42}`) {
		t.Errorf("key id %d %s, want id %d {\"id\":42}", got, r.Key[5:], kid)
	}
	if got := wireID(t, r.Value); got != vid || !sameJSON(t, string(r.Value[5:]), `{"c1":4}`) {
		t.Errorf("value id %d %s, want id %d {\"c1\":4}", got, r.Value[5:], vid)
	}
	if schema, _ := pushRows(t, url, "SELECT * FROM OUTPUT EMIT CHANGES LIMIT 1;", 1); schema != "`ROWKEY` STRUCT<`id` BIGINT>, `c1` BIGINT" {
		t.Errorf("OUTPUT schema %s", schema)
	}
}

// VALUE_SCHEMA_ID on a sink whose value format infers no schema is refused
// with DefaultSchemaInjector.shouldInferSchema's message (confluentinc/ksql
// v7.9.0 ksqldb-engine/.../schema/ksql/inference/DefaultSchemaInjector.java).
func TestSinkValueSchemaIDRefusesAFormatWithoutSchemaInference(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "OUTPUT-value", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"}]}`)
	mustKSQL(t, url, "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='json', partitions=1);", nil)
	code, body := post(t, url, "/ksql", fmt.Sprintf("CREATE STREAM OUTPUT WITH(value_schema_id=%d) as SELECT * FROM input;", id), nil)
	if want := "VALUE_FORMAT should support schema inference when VALUE_SCHEMA_ID is provided. Current format is JSON."; code != 400 || !strings.Contains(string(body), want) {
		t.Errorf("got %d %s\nwant %s", code, body, want)
	}
}

// A schema whose extra field has no default and is not optional fails each
// record at serialization, while the query runs: elements.json "validate
// extra required field schema schema id in csas FAILS - AVRO"
// (confluentinc/ksql v7.9.0, "Unable to serialize record"). The record is
// not written and the processing log holds a serialization error for the
// sink topic.
func TestSinkValueSchemaIDWithARequiredExtraFieldFailsEachRecord(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	regURL := st.reg.URL()
	id := registerSchema(t, regURL, "OUTPUT-value", `{"name":"blah","type":"record","fields":[{"name":"c1","type":"int"},{"name":"c2","type":"double"}]}`)
	mustKSQL(t, url, "CREATE STREAM INPUT (`id` INT KEY, `c1` INT) WITH (kafka_topic='input', value_format='avro', partitions=1);", nil)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM OUTPUT WITH(value_schema_id=%d, PARTITIONS = 4) as SELECT * FROM input;", id), earliest())
	mustKSQL(t, url, "INSERT INTO INPUT (`id`, `c1`) VALUES (42, 4);", nil)
	var entry struct {
		Message struct {
			Type int `json:"type"`
			Ser  *struct {
				Target string `json:"target"`
				Topic  string `json:"topic"`
			} `json:"serializationError"`
		} `json:"message"`
	}
	rec := st.consumeRecords("default_ksql_processing_log", 1)[0]
	if err := json.Unmarshal(rec.Value, &entry); err != nil || entry.Message.Type != 3 || entry.Message.Ser == nil || entry.Message.Ser.Topic != "OUTPUT" {
		t.Fatalf("processing log entry %s: want a serialization error (type 3) for OUTPUT", rec.Value)
	}
	if n := st.recordCount("OUTPUT"); n != 0 {
		t.Errorf("OUTPUT holds %d records, want none", n)
	}
}
