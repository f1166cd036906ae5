package ksqldb

import (
	"testing"
)

// Columns inferred from a topic's latest PROTOBUF schema take upper-cased
// names at every depth: ConnectKsqlSchemaTranslator.toKsqlStructSchema
// upper-cases the fields of each struct it translates, nested ones
// included, unless a schema id asks for the original names (query-
// validation-tests protobuf.json 'should convert nested types to STRUCT',
// 'deserialize and serialize schema using internal references').
func TestProtobufInferenceUpperCasesNestedFieldNames(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchemaType(t, regURL, "legs-value", "PROTOBUF", "syntax = \"proto3\";\nmessage Leg {\n  message Stop {\n    int32 dist = 1;\n  }\n  Stop next = 1;\n  repeated Stop via = 2;\n}\n")
	st.createTopic("legs", 1)
	// next {dist 4} (0a 02 08 04), via [{dist 2}] (12 02 08 02)
	st.produceWire("legs", id, []byte{0x0a, 0x02, 0x08, 0x04, 0x12, 0x02, 0x08, 0x02})
	mustKSQL(t, url, "CREATE STREAM legs WITH (KAFKA_TOPIC='legs', VALUE_FORMAT='PROTOBUF');", nil)
	schema, rows := pushRows(t, url, "SELECT * FROM legs EMIT CHANGES LIMIT 1;", 1)
	if want := "`NEXT` STRUCT<`DIST` INTEGER>, `VIA` ARRAY<STRUCT<`DIST` INTEGER>>"; schema != want {
		t.Errorf("schema %s\nwant %s", schema, want)
	}
	if want := `[{"DIST":4},[{"DIST":2}]]`; rows[0] != want {
		t.Errorf("row %s, want %s", rows[0], want)
	}
}

// A map field with integer or boolean keys is inferred as MAP<STRING, V>
// (ConnectKsqlSchemaTranslator.toKsqlMapSchema accepts those key types and
// makes the key schema STRING), its keys read as their text.
func TestProtobufInfersIntegerKeyedMapsAsStringKeyedMaps(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchemaType(t, regURL, "bays-value", "PROTOBUF", "syntax = \"proto3\";\nmessage Bays {\n  map<int32, string> bay = 1;\n}\n")
	st.createTopic("bays", 1)
	// bay {7: "x"}: 0a 05, 08 07, 12 01 78
	st.produceWire("bays", id, []byte{0x0a, 0x05, 0x08, 0x07, 0x12, 0x01, 'x'})
	mustKSQL(t, url, "CREATE STREAM bays WITH (KAFKA_TOPIC='bays', VALUE_FORMAT='PROTOBUF');", nil)
	schema, rows := pushRows(t, url, "SELECT * FROM bays EMIT CHANGES LIMIT 1;", 1)
	if schema != "`BAY` MAP<STRING, STRING>" || rows[0] != `[{"7":"x"}]` {
		t.Errorf("schema %s row %s", schema, rows[0])
	}
}
