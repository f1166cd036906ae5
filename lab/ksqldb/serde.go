package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/linkedin/goavro/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ctalab/ctalab/lab/javanum"
)

// Formats.
const (
	fmtNone      = "NONE"
	fmtKafka     = "KAFKA"
	fmtJSON      = "JSON"
	fmtAvro      = "AVRO"
	fmtDelimited = "DELIMITED"
)

// checkFormat validates a format name for key or value use against cols.
func checkFormat(f string, cols []column, key, sink bool) error {
	if err := checkTemporalFormat(f, cols, key, sink); err != nil {
		return err
	}
	for _, c := range cols {
		if !c.Type.complex() {
			continue
		}
		base := map[baseKind]string{kArray: "ARRAY", kMap: "MAP", kStruct: "STRUCT"}[c.Type.kind()]
		if f == fmtKafka || f == fmtDelimited {
			return badStatement("The '%s' format does not support type '%s'", f, base)
		}
	}
	switch f {
	case fmtKafka:
		for _, c := range cols {
			if c.Type.kind() == kDecimal {
				return badStatement("The 'KAFKA' format does not support type 'DECIMAL'")
			}
		}
		if len(cols) > 1 {
			return badStatement("The 'KAFKA' format only supports a single field. Got: [%s]", schema{Cols: cols})
		}
		for _, c := range cols {
			if c.Type == tBoolean {
				return badStatement("The 'KAFKA' format does not support type 'BOOLEAN'")
			}
		}
	case fmtJSON, fmtDelimited:
	case fmtAvro:
	case fmtJSONSR:
		return checkJSONSRColumns(cols)
	case fmtProtobuf:
		return checkProtobufColumns(cols)
	case fmtNone:
		if len(cols) > 0 {
			return badStatement("The 'NONE' format can only be used when no columns are defined. Got: [%s]", schema{Cols: cols})
		}
	case fmtProtobufNoSR:
		if err := checkProtobufNoSRKey(cols, key); err != nil {
			return err
		}
		return checkProtobufColumns(cols)
	default:
		return badStatement("Unknown format: %s", f)
	}
	return nil
}

// serde (de)serialises the key or value columns of a source in one format.
type serde struct {
	format string
	cols   []column
	key    bool
	unwrap bool
	topic  string
	reg    *registry

	avroID    int
	avroCodec *goavro.Codec
	jsonSRID  int // the registered JSON_SR schema's id, 0 before prepareSink

	protoID     int
	protoMsg    protoreflect.MessageDescriptor // the registered PROTOBUF message, nil before prepareSink
	protoFields []int                          // with a schema id: the message field index of each column

	schemaID int // VALUE_SCHEMA_ID: write under this schema, 0 to register the columns' own

	avroName string // the full name of the Avro schema it registers
	avroSR   any    // with a schema id: the registered Avro schema, parsed

	delimiter rune // DELIMITED: the column separator, 0 for ','

	lowerNames []string // column names in lower case, the usual Avro spelling
	jsonNames  [][]byte // column names as JSON strings, for the JSON format
}

func newSerde(format string, cols []column, key bool, topic string, reg *registry) *serde {
	lower := make([]string, len(cols))
	names := make([][]byte, len(cols))
	for i, c := range cols {
		lower[i] = strings.ToLower(c.Name)
		names[i], _ = json.Marshal(c.Name)
	}
	s := &serde{format: format, cols: cols, key: key, topic: topic, reg: reg, avroName: avroValueFullName, lowerNames: lower, jsonNames: names}
	if format == fmtProtobufNoSR && len(cols) > 0 {
		// compiled now, so decoding never writes the serde; a failure
		// is reported again by the first encode or decode
		_ = s.prepareProtobufNoSR()
	}
	return s
}

// avroFullName names the AVRO record a value is written as (VALUE_AVRO_
// SCHEMA_FULL_NAME); "" keeps the default.
func (s *serde) avroFullName(name string) *serde {
	if name != "" {
		s.avroName = name
	}
	return s
}

// delimited sets the DELIMITED separator (0 keeps ',').
func (s *serde) delimited(r rune) *serde {
	s.delimiter = r
	return s
}

// field is column i's value in a decoded record, its name matched
// case-insensitively: exact, then lower case, then through *upper (the
// record's fields by upper-case name, built on first need).
func (s *serde) field(rec map[string]any, i int, upper *map[string]any) any {
	if raw, ok := rec[s.cols[i].Name]; ok {
		return raw
	}
	if raw, ok := rec[s.lowerNames[i]]; ok {
		return raw
	}
	if *upper == nil {
		*upper = make(map[string]any, len(rec))
		for k, x := range rec {
			(*upper)[strings.ToUpper(k)] = x
		}
	}
	return (*upper)[strings.ToUpper(s.cols[i].Name)]
}

var avroPrimitive = map[sqlType]string{tBoolean: "boolean", tInteger: "int", tBigint: "long", tDouble: "double", tString: "string"}

// unwrapped reports a single column written without an enclosing record:
// ksqlDB writes a single key column unwrapped (SerdeFeature UNWRAP_SINGLES
// is always set for keys, as wrapped keys are not supported).
// A value column is unwrapped when its source says WRAP_SINGLE_VALUE=false.
// PROTOBUF has no UNWRAP_SINGLES: its keys and values are always messages.
func (s *serde) unwrapped() bool {
	return (s.key || s.unwrap) && len(s.cols) == 1 && s.format != fmtProtobuf && s.format != fmtProtobufNoSR
}

// nullIsNullRecord reports a serde that writes a null as a null record:
// an unwrapped AVRO column, whose root schema is not optional
// (AvroSchemas), so ksqlDB's serializer gives null bytes.
func (s *serde) nullIsNullRecord() bool { return s.format == fmtAvro && s.unwrapped() }

// unwrapSingle marks a value serde as WRAP_SINGLE_VALUE=false.
func (s *serde) unwrapSingle(unwrap bool) *serde {
	s.unwrap = unwrap
	return s
}

// avroSchemaFor is the schema ksqlDB registers for the columns
// (avro_write.go).
func (s *serde) avroSchemaFor() string {
	return avroWriterSchema(s.cols, s.unwrapped(), s.avroName)
}

// avroKeyFor names a key serde's Avro schema after its source, as
// CreateSourceProperties and CreateSourceAsProperties do for KEY_FORMAT
// 'AVRO' (AvroFormat.getKeySchemaName).
func (s *serde) avroKeyFor(source string) *serde {
	if s.key {
		s.avroName = avroKeySchemaName(source)
	}
	return s
}

// prepareSink registers the Avro schema of a sink's key or value, under
// <topic>-key or <topic>-value.
func (s *serde) prepareSink(ctx context.Context) error {
	if s.format == fmtJSONSR && len(s.cols) > 0 {
		if s.schemaID != 0 {
			return s.prepareJSONSRByID(ctx)
		}
		return s.prepareJSONSRSink(ctx)
	}
	if s.format == fmtProtobufNoSR && len(s.cols) > 0 {
		return s.prepareProtobufNoSR()
	}
	if s.format == fmtProtobuf && len(s.cols) > 0 {
		if s.schemaID != 0 {
			return s.prepareProtobufByID(ctx)
		}
		return s.prepareProtobufSink(ctx)
	}
	if s.format != fmtAvro || len(s.cols) == 0 {
		return nil
	}
	if s.schemaID != 0 {
		return s.prepareAvroByID(ctx)
	}
	sch := s.avroSchemaFor()
	codec, err := goavro.NewCodec(sch)
	if err != nil {
		return fmt.Errorf("build avro schema: %w", err)
	}
	suffix := "-value"
	if s.key {
		suffix = "-key"
	}
	id, err := s.reg.register(ctx, s.topic+suffix, sch)
	if err != nil {
		return err
	}
	s.avroID, s.avroCodec = id, codec
	return nil
}

// decode turns bytes into one value per column.
func (s *serde) decode(ctx context.Context, b []byte) ([]any, error) {
	out := make([]any, len(s.cols))
	if s.format == fmtNone || len(s.cols) == 0 {
		return out, nil
	}
	if b == nil {
		return out, nil
	}
	switch s.format {
	case fmtKafka:
		c := s.cols[0]
		switch c.Type {
		case tInteger:
			if len(b) != 4 {
				return nil, fmt.Errorf("size of data received by IntegerDeserializer is not 4")
			}
			out[0] = int32(binary.BigEndian.Uint32(b))
		case tBigint:
			if len(b) != 8 {
				return nil, fmt.Errorf("size of data received by LongDeserializer is not 8")
			}
			out[0] = int64(binary.BigEndian.Uint64(b))
		case tDouble:
			if len(b) != 8 {
				return nil, fmt.Errorf("size of data received by DoubleDeserializer is not 8")
			}
			out[0] = math.Float64frombits(binary.BigEndian.Uint64(b))
		case tString:
			out[0] = string(b)
		case tBytes:
			out[0] = bytes.Clone(b)
		}
		return out, nil
	case fmtJSON:
		return s.decodeJSON(b, out)
	case fmtDelimited:
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		if s.delimiter != 0 {
			r.Comma = s.delimiter
		}
		rec, err := r.Read()
		if err != nil {
			return nil, fmt.Errorf("parse delimited: %w", err)
		}
		if len(rec) != len(s.cols) {
			return nil, fmt.Errorf("Column count mismatch on deserialization. topic: %s, expected: %d, got: %d", s.topic, len(s.cols), len(rec))
		}
		for i, c := range s.cols {
			if rec[i] == "" {
				continue
			}
			if c.Type.temporal() || c.Type.kind() == kBytes {
				// KsqlDelimitedDeserializer: epoch numbers, base64 BYTES
				v, err := parseTemporalJSON(rec[i], true, c.Type)
				if err != nil {
					return nil, err
				}
				out[i] = v
				continue
			}
			v, err := parseText(rec[i], c.Type)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case fmtAvro:
		return s.decodeAvro(ctx, b, out)
	case fmtJSONSR:
		return s.decodeJSONSR(ctx, b, out)
	case fmtProtobuf:
		return s.decodeProtobuf(ctx, b, out)
	case fmtProtobufNoSR:
		return s.decodeProtobufNoSR(b, out)
	}
	return nil, fmt.Errorf("format %s cannot be deserialised", s.format)
}

func parseText(t string, typ sqlType) (any, error) {
	if typ.complex() { // complex values are kept as JSON text
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("cannot convert %q to %s: %w", t, typ, err)
		}
		return jsonValue(v, typ)
	}
	switch typ {
	case tString:
		return t, nil
	case tBoolean:
		switch strings.ToLower(t) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	case tInteger:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 32)
		if err == nil {
			return int32(n), nil
		}
	case tBigint:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		if err == nil {
			return n, nil
		}
	case tDouble:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err == nil {
			return f, nil
		}
	}
	if typ.kind() == kDecimal {
		// KsqlDelimitedDeserializer.decimalParser and KsqlJsonDeserializer
		// (a number or text): DecimalUtil.ensureFit(new BigDecimal(v))
		return decimalOf(t, typ)
	}
	return nil, fmt.Errorf("cannot convert %q to %s", t, typ)
}

func (s *serde) decodeJSON(b []byte, out []any) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("failed to deserialize JSON: %w", err)
	}
	if s.unwrapped() {
		x, err := jsonValue(v, s.cols[0].Type)
		if err != nil {
			return nil, err
		}
		out[0] = x
		return out, nil
	}
	if v == nil {
		return out, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("Can't convert type. sourceType: %T, requiredType: STRUCT", v)
	}
	var upper map[string]any
	for i, c := range s.cols {
		raw := s.field(obj, i, &upper)
		x, err := jsonValue(raw, c.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", c.Name, err)
		}
		out[i] = x
	}
	return out, nil
}

func jsonValue(v any, t sqlType) (any, error) {
	if v != nil && t.complex() {
		return jsonComplex(v, t)
	}
	if v != nil && (t.temporal() || t.kind() == kBytes) {
		switch x := v.(type) {
		case json.Number:
			return parseTemporalJSON(x.String(), false, t)
		case string:
			return parseTemporalJSON(x, true, t)
		}
		return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: %s", jsonTypeName(v), t)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case json.Number:
		if t == tString {
			return x.String(), nil
		}
		if t == tBoolean {
			break
		}
		return parseText(x.String(), t)
	case string:
		return parseText(x, t)
	case bool:
		switch t {
		case tBoolean:
			return x, nil
		case tString:
			return strconv.FormatBool(x), nil
		}
	}
	return nil, fmt.Errorf("Can't convert type. sourceType: %T, requiredType: %s", v, t)
}

func (s *serde) decodeAvro(ctx context.Context, b []byte, out []any) ([]any, error) {
	if len(b) < 5 || b[0] != 0 {
		return nil, fmt.Errorf("unknown magic byte")
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	codec, err := s.reg.codec(ctx, id)
	if err != nil {
		return nil, err
	}
	native, rest, err := codec.NativeFromBinary(b[5:])
	if err != nil {
		return nil, fmt.Errorf("decode avro (schema %d): %w", id, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("decode avro (schema %d): %d trailing bytes", id, len(rest))
	}
	native = unwrapUnion(native)
	rec, ok := native.(map[string]any)
	if s.unwrapped() && s.cols[0].Type.kind() == kStruct {
		ok = false // the record is the column itself
	}
	if !ok {
		if len(s.cols) == 1 {
			x, err := avroValue(native, s.cols[0].Type)
			if err != nil {
				return nil, err
			}
			out[0] = x
			return out, nil
		}
		return nil, fmt.Errorf("avro value is not a record")
	}
	var upper map[string]any
	for i, c := range s.cols {
		raw := s.field(rec, i, &upper)
		x, err := avroValue(unwrapUnion(raw), c.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", c.Name, err)
		}
		out[i] = x
	}
	return out, nil
}

func unwrapUnion(v any) any {
	if m, ok := v.(map[string]any); ok && len(m) == 1 {
		for k, x := range m {
			switch k {
			case "int", "long", "float", "double", "string", "boolean", "bytes", "null",
				"long.timestamp-millis", "int.date", "int.time-millis", "bytes.decimal":
				return x
			}
			if _, isRec := x.(map[string]any); isRec && strings.Contains(k, ".") {
				return x
			}
		}
	}
	return v
}

// avroValue applies Avro schema-resolution promotions into the column type.
func avroValue(v any, t sqlType) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.complex() {
		return avroComplex(v, t)
	}
	if t == tString {
		v = avroBranch(v, t)
	}
	if t.temporal() || t.kind() == kBytes {
		return avroTemporal(v, t)
	}
	if t.kind() == kDecimal {
		// AvroData gives the writer's BigDecimal; ksqlDB fits it to the column (ensureFit)
		r, ok := v.(*big.Rat)
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
		}
		d, ok := exactQuotient(sqlDecimal{u: r.Num()}, sqlDecimal{u: r.Denom()})
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro decimal %s into %s", r.RatString(), t)
		}
		return ensureFit(d, t)
	}
	switch t {
	case tInteger:
		if x, ok := v.(int32); ok {
			return x, nil
		}
	case tBigint:
		switch x := v.(type) {
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		}
	case tDouble:
		switch x := v.(type) {
		case int32:
			return float64(x), nil
		case int64:
			return float64(x), nil
		case float32:
			return float64(x), nil
		case float64:
			return x, nil
		}
	case tString:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		}
	case tBoolean:
		if x, ok := v.(bool); ok {
			return x, nil
		}
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// encode serialises one value per column.
func (s *serde) encode(vals []any) ([]byte, error) {
	switch s.format {
	case fmtNone:
		return nil, nil
	case fmtKafka:
		if len(s.cols) == 0 {
			return nil, nil
		}
		v := vals[0]
		if v == nil {
			return nil, nil
		}
		switch x := v.(type) {
		case int32:
			return binary.BigEndian.AppendUint32(nil, uint32(x)), nil
		case int64:
			return binary.BigEndian.AppendUint64(nil, uint64(x)), nil
		case float64:
			return binary.BigEndian.AppendUint64(nil, math.Float64bits(x)), nil
		case string:
			return []byte(x), nil
		case []byte:
			return bytes.Clone(x), nil
		}
		return nil, fmt.Errorf("KAFKA format cannot serialise %T", v)
	case fmtJSON, fmtJSONSR:
		var b []byte
		if s.format == fmtJSONSR {
			if s.jsonSRID == 0 {
				return nil, fmt.Errorf("JSON_SR schema for %s is not registered", s.topic)
			}
			b = binary.BigEndian.AppendUint32([]byte{0}, uint32(s.jsonSRID))
		}
		if s.unwrapped() {
			return appendJSONValue(b, jsonWireValue(vals[0])), nil
		}
		size := len(b) + 2
		for _, n := range s.jsonNames {
			size += len(n) + 24
		}
		b = slices.Grow(b, size)
		b = append(b, '{')
		for i, n := range s.jsonNames {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, n...)
			b = append(b, ':')
			b = appendJSONValue(b, jsonWireValue(vals[i]))
		}
		return append(b, '}'), nil
	case fmtProtobuf:
		if len(s.cols) == 0 {
			return nil, nil
		}
		return s.encodeProtobuf(vals)
	case fmtProtobufNoSR:
		if len(s.cols) == 0 {
			return nil, nil
		}
		return s.encodeProtobufNoSR(vals)
	case fmtDelimited:
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if s.delimiter != 0 {
			w.Comma = s.delimiter
		}
		rec := make([]string, len(vals))
		for i, v := range vals {
			// KsqlDelimitedSerializer: time types as epoch numbers, BYTES in
			// base64, DECIMAL through toPlainString
			if d, ok := v.(sqlDecimal); ok {
				rec[i] = d.plain()
				continue
			}
			rec[i] = formatValue(jsonWireValue(v))
		}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
		w.Flush()
		return bytes.TrimRight(b.Bytes(), "\n"), nil
	case fmtAvro:
		if s.avroCodec == nil {
			return nil, fmt.Errorf("avro schema for %s is not registered", s.topic)
		}
		buf := []byte{0, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(buf[1:], uint32(s.avroID))
		if s.avroSR != nil {
			return s.encodeAvroByID(buf, vals)
		}
		if s.unwrapped() {
			if vals[0] == nil {
				return nil, nil // the root schema is not optional: a null is null bytes
			}
			return s.avroCodec.BinaryFromNative(buf, avroWriteNative(vals[0], s.cols[0].Type, s.avroName))
		}
		rec := make(map[string]any, len(s.cols))
		for i, c := range s.cols {
			rec[strings.ReplaceAll(c.Name, ".", "_")] = avroWriteOptional(vals[i], c.Type, s.avroName+"_"+c.Name)
		}
		return s.avroCodec.BinaryFromNative(buf, rec)
	}
	return nil, fmt.Errorf("format %s cannot be serialised", s.format)
}

// writeJSONValue writes v as JSON the way ksqlDB (Jackson) does.
func writeJSONValue(b *bytes.Buffer, v any) {
	b.Write(appendJSONValue(b.AvailableBuffer(), v))
}

// appendJSONValue appends v as JSON the way ksqlDB (Jackson) does.
func appendJSONValue(b []byte, v any) []byte {
	if out, ok := appendJSONComplex(b, v); ok {
		return out
	}
	if s, ok := temporalText(v); ok {
		return appendJSONString(b, s)
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			// Jackson's QUOTE_NON_NUMERIC_NUMBERS (on by default) quotes
			// "NaN", "Infinity" and "-Infinity"; upstream's math.json
			// expects them so in a JSON sink.
			return appendJSONString(b, javanum.FormatDouble(x))
		}
		return append(b, javanum.FormatDouble(x)...)
	case string:
		return appendJSONString(b, x)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case sqlDecimal:
		// the REST API: ApiJsonMapper writes BigDecimal as plain text
		return append(b, x.plain()...)
	case jsonDecimal:
		// the JSON formats: JsonConverter (decimal.format NUMERIC) writes BigDecimal.toString
		return append(b, x.String()...)
	}
	return append(b, formatValue(v)...)
}
