package ksqldb

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The order of a MAP's entries in AVRO. ksqlDB copies a map into a new
// java.util.HashMap<>() before AvroData writes it (confluentinc/ksql v7.9.0
// ConnectSchemas.withCompatibleSchema for its own schemas,
// AvroSRSchemaDataTranslator.copyMap under a VALUE_SCHEMA_ID;
// confluentinc/schema-registry v7.9.0 AvroData.fromConnectData copies a map
// with STRING keys once more), and reads an Avro map through Avro's
// GenericDatumReader.readMap (a new HashMap<>(size) of Utf8 keys, in the
// order written), AvroData.toConnectData's new HashMap<>(size) and
// ConnectDataTranslator.toKsqlMap's new HashMap<>().
//
// The keys below hash (String.hashCode, spread) into these buckets: in a
// table of eight peach 0, cherry 1, apple 1, grape 3; in one of sixteen
// cherry 1, apple 1, peach 8, grape 11. MAP('grape' := .., 'cherry' := ..,
// 'peach' := .., 'apple' := ..) is a new HashMap<>(4), which grows to eight
// buckets: peach, cherry, apple, grape. Copied into a new HashMap<>() of
// sixteen it is cherry, apple, peach, grape.
const avroMapLiteral = "MAP('grape' := 1, 'cherry' := 2, 'peach' := 3, 'apple' := 4)"

// avroMapEntrySchema is a record schema of one Avro map field M, and
// avroMapArraySchema one whose field M is an array of {key, value}
// records, which Avro encodes with the same bytes, entries in the array's
// order.
const (
	avroMapEntrySchema = `{"type":"record","name":"Basket","fields":[{"name":"M","type":{"type":"map","values":"int"}}]}`
	avroMapArraySchema = `{"type":"record","name":"Basket","fields":[{"name":"M","type":{"type":"array","items":{"type":"record","name":"E","fields":[{"name":"key","type":"string"},{"name":"value","type":"int"}]}}}]}`
)

// avroMapWire is a Basket record of schema id whose map M holds keys in
// that order, each valued by its position.
func avroMapWire(t *testing.T, id int, keys ...string) []byte {
	t.Helper()
	entries := make([]any, len(keys))
	for i, k := range keys {
		entries[i] = map[string]any{"key": k, "value": int32(i + 1)}
	}
	return avroWire(t, id, avroMapArraySchema, map[string]any{"M": entries})
}

// A sink in ksqlDB's own AVRO schema writes a MAP as Connect's MapEntry
// array in the order of the HashMap withCompatibleSchema copied it into,
// not the order the query holds it in.
func TestAvroSinkWritesMapEntriesInTheOrderOfItsHashMapCopy(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ticks (id STRING KEY, n INT) WITH (kafka_topic='ticks', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM baskets WITH (value_format='AVRO') AS SELECT id, "+avroMapLiteral+" AS m FROM ticks;", earliest())
	st.produce("ticks", kv{key: []byte(`"a"`), value: []byte(`{"N":1}`)})
	r := st.consumeRecords("BASKETS", 1)[0]
	_, schema := registeredSchema(t, st.reg.URL(), binary.BigEndian.Uint32(r.Value[1:5]))
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(r.Value[5:])
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, e := range native.(map[string]any)["M"].(map[string]any)["array"].([]any) {
		keys = append(keys, e.(map[string]any)["key"].(map[string]any)["string"].(string))
	}
	if got, want := strings.Join(keys, ","), "cherry,apple,peach,grape"; got != want {
		t.Errorf("MapEntry keys %s, want %s", got, want)
	}
	// read back, the map keeps the order it was written in
	_, rows := pushRows(t, url, "SELECT MAP_KEYS(m) FROM baskets EMIT CHANGES LIMIT 1;", 1)
	if want := `[["cherry","apple","peach","grape"]]`; rows[0] != want {
		t.Errorf("read back %s, want %s", rows[0], want)
	}
}

// Under a VALUE_SCHEMA_ID whose field is an Avro map, the entries are
// written in the order of AvroData's HashMap, the same bytes every time.
func TestAvroSchemaIDMapIsWrittenInHashMapOrder(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "baskets-value", avroMapEntrySchema)
	st.createTopic("baskets", 1)
	mustKSQL(t, url, fmt.Sprintf("CREATE STREAM baskets WITH (kafka_topic='baskets', value_format='AVRO', VALUE_SCHEMA_ID=%d);", id), nil)
	for range 3 {
		mustKSQL(t, url, "INSERT INTO baskets (M) VALUES ("+avroMapLiteral+");", nil)
	}
	want := avroWire(t, id, avroMapArraySchema, map[string]any{"M": []any{
		map[string]any{"key": "cherry", "value": int32(2)},
		map[string]any{"key": "apple", "value": int32(4)},
		map[string]any{"key": "peach", "value": int32(3)},
		map[string]any{"key": "grape", "value": int32(1)},
	}})
	for i, r := range st.consumeRecords("baskets", 3) {
		if !bytes.Equal(r.Value, want) {
			t.Errorf("record %d: % x, want % x", i, r.Value, want)
		}
	}
}

// An Avro map is read in the order of the HashMaps it passes through:
// keys in different buckets by bucket, keys that share one (cherry and
// apple) in the order they were written.
func TestAvroMapIsReadInTheOrderItsEntriesWereWritten(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "baskets-value", avroMapEntrySchema)
	st.createTopic("baskets", 1)
	produceRecords(t, st,
		&kgo.Record{Topic: "baskets", Value: avroMapWire(t, id, "cherry", "grape", "apple", "peach")},
		&kgo.Record{Topic: "baskets", Value: avroMapWire(t, id, "apple", "peach", "grape", "cherry")})
	mustKSQL(t, url, "CREATE STREAM baskets WITH (kafka_topic='baskets', value_format='AVRO');", nil)
	_, rows := pushRows(t, url, "SELECT MAP_KEYS(M) FROM baskets EMIT CHANGES LIMIT 2;", 2)
	sameLines(t, "MAP_KEYS", rows, []string{`[["cherry","apple","peach","grape"]]`, `[["apple","cherry","peach","grape"]]`})
}

// Avro reads a map's keys as Utf8s, whose hashCode folds their UTF-8 bytes
// as signed bytes: lime and über share bucket 7 of sixteen by
// String.hashCode, but in readMap's table of four Utf8 puts über in bucket
// 0 and lime in 3, so über comes first however they were written.
func TestAvroMapKeysAreHashedAsUtf8WhenRead(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	id := registerSchema(t, regURL, "baskets-value", avroMapEntrySchema)
	st.createTopic("baskets", 1)
	produceRecords(t, st, &kgo.Record{Topic: "baskets", Value: avroMapWire(t, id, "lime", "über")})
	mustKSQL(t, url, "CREATE STREAM baskets WITH (kafka_topic='baskets', value_format='AVRO');", nil)
	_, rows := pushRows(t, url, "SELECT MAP_KEYS(M) FROM baskets EMIT CHANGES LIMIT 1;", 1)
	if want := `[["über","lime"]]`; rows[0] != want {
		t.Errorf("MAP_KEYS %s, want %s", rows[0], want)
	}
}
