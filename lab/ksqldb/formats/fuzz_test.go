package formats

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// fuzzType is a column type written as in a CREATE statement.
func fuzzType(tb testing.TB, text string) types.Type {
	tb.Helper()
	t, err := types.FromSQL(sql.Type{Text: text})
	if err != nil {
		tb.Fatalf("type %s: %v", text, err)
	}
	return t
}

// conforms reports whether v is a value of SQL type t as the engine holds
// it: INT int32, BIGINT int64, DOUBLE float64, STRING string, BOOLEAN
// bool, ARRAY []any, MAP *types.KeyedMap with keys of its key type,
// STRUCT *structVal; NULL anywhere.
func conforms(v any, t types.Type) bool {
	if v == nil {
		return true
	}
	switch t.Kind() {
	case types.KindBoolean:
		_, ok := v.(bool)
		return ok
	case types.KindInteger:
		_, ok := v.(int32)
		return ok
	case types.KindBigint:
		_, ok := v.(int64)
		return ok
	case types.KindDouble:
		_, ok := v.(float64)
		return ok
	case types.KindString:
		_, ok := v.(string)
		return ok
	case types.KindTimestamp:
		_, ok := v.(types.TimestampVal)
		return ok
	case types.KindDate:
		_, ok := v.(types.DateVal)
		return ok
	case types.KindTime:
		x, ok := v.(types.TimeVal)
		return ok && x >= 0 && x < types.MsPerDay
	case types.KindDecimal:
		d, ok := v.(types.Decimal)
		return ok && int(d.Scale) == t.Scale && d.FitsDigits(t.Precision, t.Scale) == nil
	case types.KindBytes:
		_, ok := v.([]byte)
		return ok
	case types.KindArray:
		arr, ok := v.([]any)
		for _, e := range arr {
			ok = ok && conforms(e, t.Elem)
		}
		return ok
	case types.KindMap:
		m, ok := v.(*types.KeyedMap)
		if !ok {
			return false
		}
		for i, k := range m.Keys {
			ok = ok && conforms(k, t.Key) && conforms(m.Vals[i], t.Elem)
		}
		return ok
	case types.KindStruct:
		s, ok := v.(*types.StructVal)
		if !ok || len(s.Vals) != len(t.Fields) {
			return false
		}
		for i, f := range t.Fields {
			if !conforms(s.Vals[i], f.Type) {
				return false
			}
		}
		return true
	}
	return false
}

// fuzzSerdes are the record formats ksqlDB reads from a topic, each over
// columns it supports in that format, with one sample row each.
func fuzzSerdes(tb testing.TB, reg *Registry) ([]*Serde, [][]any) {
	tb.Helper()
	col := func(name, typ string) types.Column { return types.Column{Name: name, Type: fuzzType(tb, typ)} }
	wide := []types.Column{
		col("ID", "INT"), col("BIG", "BIGINT"), col("RATIO", "DOUBLE"), col("NAME", "STRING"), col("OK", "BOOLEAN"),
		col("LIST", "ARRAY<INT>"), col("ATTRS", "MAP<STRING, DOUBLE>"), col("INNER", "STRUCT<A INT, B ARRAY<STRING>>"),
	}
	attrs := types.NewHashMap(1)
	attrs.Put("x", 1.5)
	wideRow := []any{int32(7), int64(1) << 40, 0.25, "Clark/Lake", true, []any{int32(1), nil},
		attrs.Map(), &types.StructVal{Type: wide[7].Type, Vals: []any{int32(3), []any{"a"}}}}
	flat := wide[:5]
	flatRow := wideRow[:5]
	var serdes []*Serde
	var rows [][]any
	add := func(s *Serde, row []any) {
		serdes = append(serdes, s)
		rows = append(rows, row)
	}
	add(NewSerde(JSON, wide, false, "fuzz-json", reg), wideRow)
	add(NewSerde(JSON, wide[5:6], false, "fuzz-json-unwrapped", reg).UnwrapSingle(true), []any{[]any{int32(2)}})
	add(NewSerde(JSON, wide[:1], true, "fuzz-json-key", reg), []any{int32(9)})
	add(NewSerde(Avro, flat, false, "fuzz-avro", reg), flatRow)
	add(NewSerde(Avro, wide[3:4], true, "fuzz-avro-key", reg), []any{"key"})
	add(NewSerde(Delimited, flat, false, "fuzz-delimited", reg), flatRow)
	for i, c := range flat[:4] {
		add(NewSerde(Kafka, []types.Column{c}, true, fmt.Sprintf("fuzz-kafka-%d", i), reg), flatRow[i:i+1])
	}
	// PROTOBUF does not write MAP columns here, and cannot write a null
	// array element (a repeated field has no nulls)
	noMap := append(slices.Clone(wide[:6]), wide[7])
	noMapRow := append(slices.Clone(wideRow[:6]), wideRow[7])
	add(NewSerde(JSONSR, wide, false, "fuzz-jsonsr", reg), wideRow)
	add(NewSerde(JSONSR, wide[3:4], true, "fuzz-jsonsr-key", reg), []any{"key"})
	protoRow := slices.Clone(noMapRow)
	protoRow[5] = []any{int32(1), int32(-2)}
	add(NewSerde(Protobuf, noMap, false, "fuzz-protobuf", reg), protoRow)
	add(NewSerde(Protobuf, wide[:1], true, "fuzz-protobuf-key", reg), []any{int32(9)})
	timeCols := []types.Column{col("AT", "TIMESTAMP"), col("DAY", "DATE"), col("TOD", "TIME"), col("RAW", "BYTES")}
	timeRow := []any{types.TimestampVal(1609590896789), types.DateVal(18629), types.TimeVal(45296789), []byte{0, 255}}
	add(NewSerde(JSON, timeCols, false, "fuzz-json-time", reg), timeRow)
	add(NewSerde(JSONSR, timeCols, false, "fuzz-jsonsr-time", reg), timeRow)
	add(NewSerde(Delimited, timeCols, false, "fuzz-delimited-time", reg), timeRow)
	add(NewSerde(Avro, timeCols, false, "fuzz-avro-time", reg), timeRow)
	add(NewSerde(Protobuf, []types.Column{timeCols[0], timeCols[3]}, false, "fuzz-protobuf-time", reg), []any{timeRow[0], timeRow[3]})
	decCols := []types.Column{col("AMOUNT", "DECIMAL(6,4)"), col("WIDE", "DECIMAL(21,19)")}
	decRow := []any{types.MustDecimal("-12.3400"), types.MustDecimal("10.1234512345123451234")}
	add(NewSerde(JSON, decCols, false, "fuzz-json-decimal", reg), decRow)
	add(NewSerde(Delimited, decCols, false, "fuzz-delimited-decimal", reg), decRow)
	add(NewSerde(Avro, decCols, false, "fuzz-avro-decimal", reg), decRow)
	add(NewSerde(JSONSR, decCols, false, "fuzz-jsonsr-decimal", reg), decRow)
	add(NewSerde(ProtobufNoSR, noMap, false, "fuzz-protobufnosr", reg), protoRow)
	add(NewSerde(ProtobufNoSR, timeCols, false, "fuzz-protobufnosr-time", reg), timeRow)
	ctx := context.Background()
	for _, s := range serdes {
		if err := s.PrepareSink(ctx); err != nil {
			tb.Fatalf("register %s schema: %v", s.Topic, err)
		}
	}
	// ksqlDB reads complex columns in AVRO (it does not write them here):
	// a source over a schema some producer registered.
	serdes = append(serdes, NewSerde(Avro, wide, false, "fuzz-avro-wide", reg))
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
func wideAvroRecord(tb testing.TB, reg *Registry) []byte {
	tb.Helper()
	id, err := reg.Register(context.Background(), "fuzz-avro-wide-value", wideAvroSchema)
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
	reg, err := NewRegistry(fake.URL(), nil)
	if err != nil {
		f.Fatal(err)
	}
	serdes, rows := fuzzSerdes(f, reg)
	wideRecord := wideAvroRecord(f, reg)
	if _, err := serdes[len(serdes)-1].Decode(context.Background(), wideRecord); err != nil {
		f.Fatalf("seed for the wide AVRO columns does not decode: %v", err)
	}
	f.Add(uint8(len(serdes)-1), wideRecord)
	for i, s := range serdes {
		if rows[i] == nil {
			continue
		}
		b, err := s.Encode(rows[i])
		if err != nil {
			f.Fatalf("encode sample for %s: %v", s.Topic, err)
		}
		if _, err := s.Decode(context.Background(), b); err != nil {
			f.Fatalf("seed for %s does not decode: %v", s.Topic, err)
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
		if s.Topic != "fuzz-json-decimal" && s.Topic != "fuzz-delimited-decimal" {
			continue
		}
		// exponents that would take a BigDecimal minutes to scale
		for _, raw := range []string{`{"AMOUNT":1e2000000000}`, `{"AMOUNT":"1e-2000000000","WIDE":0e99}`, `{"AMOUNT":-0.00001}`, "1e-999999,9e+999999", "12.34,"} {
			f.Add(uint8(i), []byte(raw))
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		s := serdes[int(which)%len(serdes)]
		out, err := s.Decode(context.Background(), b)
		if err != nil {
			return
		}
		if len(out) != len(s.Cols) {
			t.Fatalf("%s decoded %d values for %d columns", s.Topic, len(out), len(s.Cols))
		}
		for i, c := range s.Cols {
			if !conforms(out[i], c.Type) {
				t.Fatalf("%s: column %s (%s) decoded as %T %v", s.Topic, c.Name, c.Type, out[i], out[i])
			}
		}
	})
}
