package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// fuzzType is a column type written as in a CREATE statement.
func fuzzType(tb testing.TB, text string) sqlType {
	tb.Helper()
	t, err := typeOf(sql.Type{Text: text})
	if err != nil {
		tb.Fatalf("type %s: %v", text, err)
	}
	return t
}

// conforms reports whether v is a value of SQL type t as the engine holds
// it: INT int32, BIGINT int64, DOUBLE float64, STRING string, BOOLEAN
// bool, ARRAY []any, MAP map[string]any, STRUCT *structVal; NULL anywhere.
func conforms(v any, t sqlType) bool {
	if v == nil {
		return true
	}
	switch t.kind() {
	case kBoolean:
		_, ok := v.(bool)
		return ok
	case kInteger:
		_, ok := v.(int32)
		return ok
	case kBigint:
		_, ok := v.(int64)
		return ok
	case kDouble:
		_, ok := v.(float64)
		return ok
	case kString:
		_, ok := v.(string)
		return ok
	case kTimestamp:
		_, ok := v.(sqlTimestamp)
		return ok
	case kDate:
		_, ok := v.(sqlDate)
		return ok
	case kTime:
		x, ok := v.(sqlTime)
		return ok && x >= 0 && x < msPerDay
	case kDecimal:
		d, ok := v.(sqlDecimal)
		return ok && int(d.scale) == t.scale && d.fitsDigits(t.prec, t.scale) == nil
	case kBytes:
		_, ok := v.([]byte)
		return ok
	case kArray:
		arr, ok := v.([]any)
		for _, e := range arr {
			ok = ok && conforms(e, t.elem)
		}
		return ok
	case kMap:
		m, ok := v.(map[string]any)
		for _, e := range m {
			ok = ok && conforms(e, t.elem)
		}
		return ok
	case kStruct:
		s, ok := v.(*structVal)
		if !ok || len(s.vals) != len(t.fields) {
			return false
		}
		for i, f := range t.fields {
			if !conforms(s.vals[i], f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// fuzzSerdes are the record formats ksqlDB reads from a topic, each over
// columns it supports in that format, with one sample row each.
func fuzzSerdes(tb testing.TB, reg *registry) ([]*serde, [][]any) {
	tb.Helper()
	col := func(name, typ string) column { return column{Name: name, Type: fuzzType(tb, typ)} }
	wide := []column{
		col("ID", "INT"), col("BIG", "BIGINT"), col("RATIO", "DOUBLE"), col("NAME", "STRING"), col("OK", "BOOLEAN"),
		col("LIST", "ARRAY<INT>"), col("ATTRS", "MAP<STRING, DOUBLE>"), col("INNER", "STRUCT<A INT, B ARRAY<STRING>>"),
	}
	wideRow := []any{int32(7), int64(1) << 40, 0.25, "Clark/Lake", true, []any{int32(1), nil},
		map[string]any{"x": 1.5}, &structVal{t: wide[7].Type, vals: []any{int32(3), []any{"a"}}}}
	flat := wide[:5]
	flatRow := wideRow[:5]
	var serdes []*serde
	var rows [][]any
	add := func(s *serde, row []any) {
		serdes = append(serdes, s)
		rows = append(rows, row)
	}
	add(newSerde(fmtJSON, wide, false, "fuzz-json", reg), wideRow)
	add(newSerde(fmtJSON, wide[5:6], false, "fuzz-json-unwrapped", reg).unwrapSingle(true), []any{[]any{int32(2)}})
	add(newSerde(fmtJSON, wide[:1], true, "fuzz-json-key", reg), []any{int32(9)})
	add(newSerde(fmtAvro, flat, false, "fuzz-avro", reg), flatRow)
	add(newSerde(fmtAvro, wide[3:4], true, "fuzz-avro-key", reg), []any{"key"})
	add(newSerde(fmtDelimited, flat, false, "fuzz-delimited", reg), flatRow)
	for i, c := range flat[:4] {
		add(newSerde(fmtKafka, []column{c}, true, fmt.Sprintf("fuzz-kafka-%d", i), reg), flatRow[i:i+1])
	}
	// JSON_SR and PROTOBUF do not write MAP columns here; PROTOBUF cannot
	// write a null array element (a repeated field has no nulls)
	noMap := append(slices.Clone(wide[:6]), wide[7])
	noMapRow := append(slices.Clone(wideRow[:6]), wideRow[7])
	add(newSerde(fmtJSONSR, noMap, false, "fuzz-jsonsr", reg), noMapRow)
	add(newSerde(fmtJSONSR, wide[3:4], true, "fuzz-jsonsr-key", reg), []any{"key"})
	protoRow := slices.Clone(noMapRow)
	protoRow[5] = []any{int32(1), int32(-2)}
	add(newSerde(fmtProtobuf, noMap, false, "fuzz-protobuf", reg), protoRow)
	add(newSerde(fmtProtobuf, wide[:1], true, "fuzz-protobuf-key", reg), []any{int32(9)})
	timeCols := []column{col("AT", "TIMESTAMP"), col("DAY", "DATE"), col("TOD", "TIME"), col("RAW", "BYTES")}
	timeRow := []any{sqlTimestamp(1609590896789), sqlDate(18629), sqlTime(45296789), []byte{0, 255}}
	add(newSerde(fmtJSON, timeCols, false, "fuzz-json-time", reg), timeRow)
	add(newSerde(fmtJSONSR, timeCols, false, "fuzz-jsonsr-time", reg), timeRow)
	add(newSerde(fmtDelimited, timeCols, false, "fuzz-delimited-time", reg), timeRow)
	add(newSerde(fmtAvro, timeCols, false, "fuzz-avro-time", reg), timeRow)
	add(newSerde(fmtProtobuf, []column{timeCols[0], timeCols[3]}, false, "fuzz-protobuf-time", reg), []any{timeRow[0], timeRow[3]})
	decCols := []column{col("AMOUNT", "DECIMAL(6,4)"), col("WIDE", "DECIMAL(21,19)")}
	decRow := []any{mustDecimal("-12.3400"), mustDecimal("10.1234512345123451234")}
	add(newSerde(fmtJSON, decCols, false, "fuzz-json-decimal", reg), decRow)
	add(newSerde(fmtDelimited, decCols, false, "fuzz-delimited-decimal", reg), decRow)
	add(newSerde(fmtAvro, decCols, false, "fuzz-avro-decimal", reg), decRow)
	add(newSerde(fmtJSONSR, decCols, false, "fuzz-jsonsr-decimal", reg), decRow)
	add(newSerde(fmtProtobufNoSR, noMap, false, "fuzz-protobufnosr", reg), protoRow)
	add(newSerde(fmtProtobufNoSR, timeCols, false, "fuzz-protobufnosr-time", reg), timeRow)
	ctx := context.Background()
	for _, s := range serdes {
		if err := s.prepareSink(ctx); err != nil {
			tb.Fatalf("register %s schema: %v", s.topic, err)
		}
	}
	// ksqlDB reads complex columns in AVRO (it does not write them here):
	// a source over a schema some producer registered.
	serdes = append(serdes, newSerde(fmtAvro, wide, false, "fuzz-avro-wide", reg))
	rows = append(rows, nil)
	return serdes, rows
}

// wideAvroSchema is a producer's schema for the wide columns, every field
// optional as Confluent's Avro converter writes them.
const wideAvroSchema = `{"type":"record","name":"Wide","fields":[
 {"name":"ID","type":["null","int"],"default":null},
 {"name":"BIG","type":["null","long"],"default":null},
 {"name":"RATIO","type":["null","double"],"default":null},
 {"name":"name","type":["null","string"],"default":null},
 {"name":"OK","type":["null","boolean"],"default":null},
 {"name":"LIST","type":["null",{"type":"array","items":["null","int"]}],"default":null},
 {"name":"ATTRS","type":["null",{"type":"map","values":["null","double"]}],"default":null},
 {"name":"INNER","type":["null",{"type":"record","name":"Inner","fields":[
   {"name":"A","type":["null","int"],"default":null},
   {"name":"B","type":["null",{"type":"array","items":"string"}],"default":null}]}],"default":null}]}`

// wideAvroRecord registers wideAvroSchema and returns one record in the
// Confluent wire format: magic 0, the schema id (4 bytes), Avro binary.
func wideAvroRecord(tb testing.TB, reg *registry) []byte {
	tb.Helper()
	id, err := reg.register(context.Background(), "fuzz-avro-wide-value", wideAvroSchema)
	if err != nil {
		tb.Fatalf("register wide schema: %v", err)
	}
	codec, err := goavro.NewCodec(wideAvroSchema)
	if err != nil {
		tb.Fatal(err)
	}
	native := map[string]any{
		"ID": goavro.Union("int", int32(4)), "name": goavro.Union("string", "Howard"),
		"LIST":  goavro.Union("array", []any{goavro.Union("int", int32(1)), nil}),
		"ATTRS": goavro.Union("map", map[string]any{"k": goavro.Union("double", 2.5)}),
		"INNER": goavro.Union("Inner", map[string]any{"A": goavro.Union("int", int32(8)), "B": goavro.Union("array", []any{"x"})}),
	}
	b, err := codec.BinaryFromNative([]byte{0, byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)}, native)
	if err != nil {
		tb.Fatalf("encode wide record: %v", err)
	}
	return b
}

// FuzzSerdeDecode feeds arbitrary record keys and values to ksqlDB's
// deserialisers (JSON, AVRO, JSON_SR and PROTOBUF in the Confluent wire
// format, KAFKA, DELIMITED): a record a client wrote must never take the engine down,
// and what decodes must hold one value of its column's type per column.
func FuzzSerdeDecode(f *testing.F) {
	fake := srfake.New()
	f.Cleanup(fake.Close)
	reg, err := newRegistry(fake.URL(), nil)
	if err != nil {
		f.Fatal(err)
	}
	serdes, rows := fuzzSerdes(f, reg)
	wideRecord := wideAvroRecord(f, reg)
	if _, err := serdes[len(serdes)-1].decode(context.Background(), wideRecord); err != nil {
		f.Fatalf("seed for the wide AVRO columns does not decode: %v", err)
	}
	f.Add(uint8(len(serdes)-1), wideRecord)
	for i, s := range serdes {
		if rows[i] == nil {
			continue
		}
		b, err := s.encode(rows[i])
		if err != nil {
			f.Fatalf("encode sample for %s: %v", s.topic, err)
		}
		if _, err := s.decode(context.Background(), b); err != nil {
			f.Fatalf("seed for %s does not decode: %v", s.topic, err)
		}
		f.Add(uint8(i), b)
		f.Add(uint8(i), []byte{})
	}
	for _, raw := range []string{"null", `{"ID":"12","list":[1,"2",null]}`, `[[[[[[[[[]]]]]]]]]`, "\x00\x00\x00\x00\x01\x02", "a,\"b\nc\",,", "1e999", `{"AMOUNT":1e2000000000}`, `{"AMOUNT":"1e-2000000000","WIDE":0e99}`} {
		f.Add(uint8(0), []byte(raw))
		f.Add(uint8(3), []byte(raw))
		f.Add(uint8(5), []byte(raw))
	}
	for i, s := range serdes {
		if s.topic != "fuzz-json-decimal" && s.topic != "fuzz-delimited-decimal" {
			continue
		}
		// exponents that would take a BigDecimal minutes to scale
		for _, raw := range []string{`{"AMOUNT":1e2000000000}`, `{"AMOUNT":"1e-2000000000","WIDE":0e99}`, `{"AMOUNT":-0.00001}`, "1e-999999,9e+999999", "12.34,"} {
			f.Add(uint8(i), []byte(raw))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		s := serdes[int(which)%len(serdes)]
		out, err := s.decode(context.Background(), b)
		if err != nil {
			return
		}
		if len(out) != len(s.cols) {
			t.Fatalf("%s decoded %d values for %d columns", s.topic, len(out), len(s.cols))
		}
		for i, c := range s.cols {
			if !conforms(out[i], c.Type) {
				t.Fatalf("%s: column %s (%s) decoded as %T %v", s.topic, c.Name, c.Type, out[i], out[i])
			}
		}
	})
}
