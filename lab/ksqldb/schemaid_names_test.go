package ksqldb

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"testing"
)

// A JSON_SR source made from VALUE_SCHEMA_ID keeps the schema's field names
// as its column names (`c1`), where a source that infers its columns from
// the latest schema upper-cases them (C1). Upstream: confluentinc/ksql
// v7.9.0 query-validation-tests/elements.json, "validate schema id without
// value elements OK - JSON_SR SCHEMA" (schema ROWKEY INT KEY, `c1` BIGINT;
// output value {"c1":4}) and "validate without value elements OK - JSON_SR
// SCHEMA" (ROWKEY INT KEY, `C1` BIGINT).
func TestJSONSRValueSchemaIDKeepsTheSchemasFieldNames(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	id := registerTyped(t, regURL, "input-value", "JSON", `{"type":"object","properties":{"c1":{"type":"integer"}}}`)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM INPUT (rowkey int key) WITH (kafka_topic='input', value_format='JSON_SR', value_schema_id=%d);", id), nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM input;", earliest())
	st.produce("input", kv{key: intKey(42), value: wireJSON(id, `{"c1":4}`)})
	// OUTPUT inherits JSON_SR: the schema registry's 5-byte header, then
	// the JSON.
	recs := st.consumeRecords("OUTPUT", 1)
	if v := recs[0].Value; len(v) < 5 || v[0] != 0 || string(v[5:]) != `{"c1":4}` {
		t.Errorf("OUTPUT value %q, want a JSON_SR {\"c1\":4}", v)
	}
	if got, _ := describeSchema(t, url, "OUTPUT"); got != "ROWKEY INTEGER KEY, c1 BIGINT" {
		t.Errorf("OUTPUT fields %q, want ROWKEY INTEGER KEY, c1 BIGINT", got)
	}

	// Inferred from the latest schema, the same field is upper-cased.
	st.createTopic("inferred", 1)
	registerTyped(t, regURL, "inferred-value", "JSON", `{"type":"object","properties":{"c1":{"type":"integer"}}}`)
	mustKSQL(t, url, "CREATE STREAM INFERRED (rowkey int key) WITH (kafka_topic='inferred', value_format='JSON_SR');", nil)
	if got, _ := describeSchema(t, url, "INFERRED"); got != "ROWKEY INTEGER KEY, C1 BIGINT" {
		t.Errorf("INFERRED fields %q, want ROWKEY INTEGER KEY, C1 BIGINT", got)
	}
}

// The same holds for PROTOBUF. Upstream: elements.json, "validate schema id
// without value elements OK - PROTOBUF" (message ConnectDefault1 { int32 c1
// = 1; }; OUTPUT ROWKEY INT KEY, `c1` INT; value {c1: 4}).
func TestProtobufValueSchemaIDKeepsTheSchemasFieldNames(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	st.createTopic("input", 1)
	id := registerTyped(t, regURL, "input-value", "PROTOBUF", `syntax = "proto3"; message ConnectDefault1 { int32 c1 = 1; }`)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM INPUT (rowkey int key) WITH (kafka_topic='input', value_format='PROTOBUF', value_schema_id=%d);", id), nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM input;", earliest())
	// The SR header, message index [0], then field 1 varint 4.
	st.produce("input", kv{key: intKey(42), value: append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), 0x00, 0x08, 0x04)})
	recs := st.consumeRecords("OUTPUT", 1)
	if v := recs[0].Value; len(v) < 6 || hex.EncodeToString(v[5:]) != "000804" {
		t.Errorf("OUTPUT value %x, want the message {c1: 4} (00 08 04 after the header)", v)
	}
	if got, _ := describeSchema(t, url, "OUTPUT"); got != "ROWKEY INTEGER KEY, c1 INTEGER" {
		t.Errorf("OUTPUT fields %q, want ROWKEY INTEGER KEY, c1 INTEGER", got)
	}
}
