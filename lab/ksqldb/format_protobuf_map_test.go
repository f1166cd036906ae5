package ksqldb

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"
)

// A MAP<STRING, V> column in PROTOBUF is what ProtobufData.fromConnectSchema
// makes of a Connect map (confluentinc/schema-registry v7.9.0
// protobuf-converter/.../ProtobufData.java, mapDefinitionFromConnectSchema):
// a repeated field of a nested message named by the next ConnectDefault
// index plus "Entry" (ProtobufSchema.toMapEntry), whose fields are key = 1
// and value = 2; it is no map_entry message, so the registry prints it as
// a message. Each map entry is one element, and a null map, written as no
// element, reads back as an empty map, as ProtobufData.toConnectData reads
// a repeated field (query-validation-tests protobuf.json 'serialize nested
// map - value', 'protobuf containers').
func TestProtobufMapColumnIsARepeatedConnectDefaultEntryMessage(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM fares (zone VARCHAR, prices MAP<STRING, DOUBLE>) WITH (KAFKA_TOPIC='fares', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "INSERT INTO fares (zone, prices) VALUES ('a', MAP('adult' := 2.5));", nil)
	mustKSQL(t, url, "INSERT INTO fares (zone) VALUES ('b');", nil)
	recs := st.consumeRecords("fares", 2)

	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(recs[0].Value[1:5]))
	want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  string ZONE = 1;\n  repeated ConnectDefault2Entry PRICES = 2;\n\n  message ConnectDefault2Entry {\n    string key = 1;\n    double value = 2;\n  }\n}\n"
	if text != want {
		t.Errorf("schema\n got %q\nwant %q", text, want)
	}
	// index 0; ZONE "a" (0a 01 61); PRICES one entry (12 1a): key "adult"
	// (0a 05 ...), value 2.5 (11, little-endian 0x4004000000000000)
	wantBytes := "00" + "0a0161" + "1210" + "0a05" + hex.EncodeToString([]byte("adult")) + "11" + "0000000000000440"
	if got := hex.EncodeToString(recs[0].Value[5:]); got != wantBytes {
		t.Errorf("value %s, want %s", got, wantBytes)
	}

	_, rows := pushRows(t, url, "SELECT zone, prices FROM fares EMIT CHANGES LIMIT 2;", 2)
	if got := strings.Join(rows, " "); got != `["a",{"adult":2.5}] ["b",{}]` {
		t.Errorf("rows %s", got)
	}
}

// The entry message takes its ConnectDefault index before the map's value
// does, so a STRUCT value is the next one, nested in the entry message;
// with a nullable representation the entry's key and value get it too, as
// every optional Connect field does (ProtobufData.getLabel,
// dataTypeFromConnectSchema). The registry indents the blank line before a
// doubly nested message as well (ProtobufSchemaUtils.appendIndented).
func TestProtobufMapEntryNumbersItsStructValueAfterItself(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM stops (lines MAP<STRING, STRUCT<color STRING>>, n INT) WITH (KAFKA_TOPIC='stops', PARTITIONS=1, VALUE_FORMAT='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='OPTIONAL');", nil)
	mustKSQL(t, url, "INSERT INTO stops (lines, n) VALUES (MAP('red' := STRUCT(color := 'RED')), 1);", nil)
	r := st.consumeRecords("stops", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	want := "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n  repeated ConnectDefault2Entry LINES = 1;\n  optional int32 N = 2;\n\n  message ConnectDefault2Entry {\n    optional string key = 1;\n    optional ConnectDefault3 value = 2;\n  \n    message ConnectDefault3 {\n      optional string COLOR = 1;\n    }\n  }\n}\n"
	if text != want {
		t.Errorf("schema\n got %q\nwant %q", text, want)
	}
	_, rows := pushRows(t, url, "SELECT lines, n FROM stops EMIT CHANGES LIMIT 1;", 1)
	if rows[0] != `[{"red":{"COLOR":"RED"}},1]` {
		t.Errorf("row %s", rows[0])
	}
}

// PROTOBUF_NOSR writes a MAP column the same way, with no registry: a
// query reads and writes it (query-validation-tests collect-list.json
// 'collect_list bool map - PROTOBUF_NOSR').
func TestProtobufNoSRMapColumnRoundTripsThroughAQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM flags (id BIGINT KEY, f MAP<STRING, BOOLEAN>) WITH (KAFKA_TOPIC='flags', PARTITIONS=1, VALUE_FORMAT='PROTOBUF_NOSR');", nil)
	mustKSQL(t, url, "CREATE STREAM flags_out AS SELECT id, f FROM flags;", earliest())
	mustKSQL(t, url, "INSERT INTO flags (id, f) VALUES (1, MAP('late' := true));", nil)
	r := st.consumeRecords("FLAGS_OUT", 1)[0]
	// no magic byte or schema id: one entry (0a 08), key "late", value true (10 01)
	want := "0a08" + "0a04" + hex.EncodeToString([]byte("late")) + "1001"
	if got := hex.EncodeToString(r.Value); got != want {
		t.Errorf("value %s, want %s", got, want)
	}
}

// HISTOGRAM keeps a MAP<STRING, BIGINT> as its state, which PROTOBUF can
// hold, so an aggregation over a PROTOBUF source is no longer refused for
// its intermediate type (query-validation-tests histogram.json
// 'histogram string - PROTOBUF').
func TestProtobufAggregationKeepsHistogramState(t *testing.T) {
	st := newStack(t)
	_, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM rides (id BIGINT KEY, line STRING) WITH (KAFKA_TOPIC='rides', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE TABLE per_id AS SELECT id, HISTOGRAM(line) AS counts FROM rides GROUP BY id;", earliest())
	mustKSQL(t, url, "INSERT INTO rides (id, line) VALUES (1, 'red');", nil)
	mustKSQL(t, url, "INSERT INTO rides (id, line) VALUES (1, 'red');", nil)
	_, rows := pushRows(t, url, "SELECT id, counts FROM per_id EMIT CHANGES LIMIT 2;", 2)
	if got := strings.Join(rows, " "); got != `[1,{"red":1}] [1,{"red":2}]` {
		t.Errorf("rows %s", got)
	}
}

// A stream over a schema another client registered infers a proto3 map
// field as MAP<STRING, V> (ProtobufData.toConnectSchema: a repeated
// message named ...Entry with fields key and value is a Connect map) and
// reads its entries.
func TestProtobufInfersAndReadsAnotherClientsMapField(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchemaType(t, regURL, "tallies-value", "PROTOBUF", "syntax = \"proto3\";\nmessage Tally {\n  map<string, int64> counts = 1;\n}\n")
	st.createTopic("tallies", 1)
	// counts {"x": 3}: field 1 entry (0a 05), key "x" (0a 01 78), value 3 (10 03)
	st.produceWire("tallies", id, []byte{0x0a, 0x05, 0x0a, 0x01, 'x', 0x10, 0x03})
	mustKSQL(t, url, "CREATE STREAM tallies WITH (KAFKA_TOPIC='tallies', VALUE_FORMAT='PROTOBUF');", nil)
	schema, rows := pushRows(t, url, "SELECT * FROM tallies EMIT CHANGES LIMIT 1;", 1)
	if schema != "`COUNTS` MAP<STRING, BIGINT>" || rows[0] != `[{"x":3}]` {
		t.Errorf("schema %s row %s", schema, rows[0])
	}
}

// With the WRAPPER nullable representation the entry's key and value are
// wrapper messages (ProtobufData.dataTypeFromConnectSchema wraps every
// optional primitive, the map's optional STRING key too) and read back
// through them.
func TestProtobufMapEntryOfWrappersReadsBack(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM seats (free MAP<STRING, INT>) WITH (KAFKA_TOPIC='seats', PARTITIONS=1, VALUE_FORMAT='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='WRAPPER');", nil)
	mustKSQL(t, url, "INSERT INTO seats (free) VALUES (MAP('car1' := 12));", nil)
	r := st.consumeRecords("seats", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	want := "syntax = \"proto3\";\n\nimport \"google/protobuf/wrappers.proto\";\n\nmessage ConnectDefault1 {\n  repeated ConnectDefault2Entry FREE = 1;\n\n  message ConnectDefault2Entry {\n    google.protobuf.StringValue key = 1;\n    google.protobuf.Int32Value value = 2;\n  }\n}\n"
	if text != want {
		t.Errorf("schema\n got %q\nwant %q", text, want)
	}
	_, rows := pushRows(t, url, "SELECT free FROM seats EMIT CHANGES LIMIT 1;", 1)
	if rows[0] != `[{"car1":12}]` {
		t.Errorf("row %s", rows[0])
	}
}
