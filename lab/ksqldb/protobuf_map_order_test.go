package ksqldb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"testing"
)

// The order of a proto3 map field's entries. protobuf-java's
// DynamicMessage keeps a map field as its list of entry messages, in the
// order parsed or added; ProtobufData.toConnectData reads them into a new
// HashMap<>() in that order, ConnectDataTranslator.toKsqlMap into another,
// and ProtobufData.fromConnectData adds one entry per map entry in the
// map's order (confluentinc/schema-registry v7.9.0 ProtobufData.java, case
// MAP). Under a VALUE_SCHEMA_ID ksqlDB first copies the map into a new
// HashMap<>() (confluentinc/ksql v7.9.0 ProtobufSRSchemaDataTranslator,
// ConnectSchemas.withCompatibleSchema). Buckets of the keys as in
// avro_map_order_test.go: cherry and apple share bucket 1 of sixteen, peach
// is in 8, grape in 11.

// protoMapSchema has one proto3 map field M.
const protoMapSchema = "syntax = \"proto3\";\n\nmessage Basket {\n  map<string, int32> M = 1;\n}\n"

// protoMapEntries is field 1's entries of the keys, in that order, each
// valued by vals (a zero value left out, as proto3 leaves out a default).
func protoMapEntries(keys []string, vals []byte) []byte {
	var b []byte
	for i, k := range keys {
		entry := append([]byte{0x0a, byte(len(k))}, k...)
		if vals[i] != 0 {
			entry = append(entry, 0x10, vals[i])
		}
		b = append(append(b, 0x0a, byte(len(entry))), entry...)
	}
	return b
}

// A proto3 map field is read in the order of the HashMaps its entries go
// into, in the order they were written: cherry and apple as written.
func TestProtobufMapFieldIsReadInTheOrderItsEntriesWereWritten(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchemaType(t, regURL, "baskets-value", "PROTOBUF", protoMapSchema)
	st.createTopic("baskets", 1)
	st.produceWire("baskets", id, protoMapEntries([]string{"cherry", "grape", "apple", "peach"}, []byte{1, 2, 3, 4}))
	st.produceWire("baskets", id, protoMapEntries([]string{"apple", "peach", "grape", "cherry"}, []byte{1, 2, 3, 4}))
	mustKSQL(t, url, "CREATE STREAM baskets WITH (kafka_topic='baskets', value_format='PROTOBUF');", nil)
	_, rows := pushRows(t, url, "SELECT MAP_KEYS(M) FROM baskets EMIT CHANGES LIMIT 2;", 2)
	sameLines(t, "MAP_KEYS", rows, []string{`[["cherry","apple","peach","grape"]]`, `[["apple","cherry","peach","grape"]]`})
}

// Under a VALUE_SCHEMA_ID with a proto3 map field the entries are written
// in the order of withCompatibleSchema's HashMap, the same bytes every
// time, and an entry's zero value is left out, as
// DynamicMessage.Builder.setField clears a field without presence set to
// its default.
func TestProtobufSchemaIDMapFieldIsWrittenInHashMapOrder(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchemaType(t, regURL, "baskets-value", "PROTOBUF", protoMapSchema)
	st.createTopic("baskets", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM baskets WITH (kafka_topic='baskets', value_format='PROTOBUF', VALUE_SCHEMA_ID=%d);", id), nil)
	for range 3 {
		mustKSQL(t, url, "INSERT INTO baskets (M) VALUES (MAP('grape' := 1, 'cherry' := 2, 'peach' := 3, 'apple' := 0));", nil)
	}
	want := binary.BigEndian.AppendUint32([]byte{0}, uint32(id))
	want = append(append(want, 0), protoMapEntries([]string{"cherry", "apple", "peach", "grape"}, []byte{2, 0, 3, 1})...)
	for i, r := range st.consumeRecords("baskets", 3) {
		if !bytes.Equal(r.Value, want) {
			t.Errorf("record %d: % x, want % x", i, r.Value, want)
		}
	}
}
