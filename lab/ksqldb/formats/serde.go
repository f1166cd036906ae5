package formats

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/internal/avroguard"

	"github.com/linkedin/goavro/v2"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Formats.
const (
	None      = "NONE"
	Kafka     = "KAFKA"
	JSON      = "JSON"
	Avro      = "AVRO"
	Delimited = "DELIMITED"
)

// Serde (de)serialises the key or value columns of a source in one format.
type Serde struct {
	Format   string
	Cols     []types.Column
	key      bool
	Unwrap   bool
	Topic    string
	Registry *Registry

	avroID    int
	avroCodec *goavro.Codec
	// avroMapsOrdered: avroCodec takes maps as arrays of entries
	avroMapsOrdered bool
	jsonSRID        int // the registered JSON_SR schema's id, 0 before prepareSink
	// jsonSRMaps: the Connect schema of each column that holds a MAP, as
	// the JSON_SR schema it is written under gives it; nil for none
	jsonSRMaps []*connectNode

	protoID     int
	protoMsg    protoreflect.MessageDescriptor // the registered PROTOBUF message, nil before prepareSink
	protoFields []int                          // with a schema id: the message field index of each column

	schemaID int // VALUE_SCHEMA_ID: write under this schema, 0 to register the columns' own

	avroName string   // the full name of the Avro schema it registers
	avroSR   any      // with a schema id: the registered Avro schema, parsed
	avroFlat bool     // every column a primitive appendAvroFlat writes
	flatIDs  sync.Map // schema id -> whether readAvroFlat reads it (flatReadable)

	delimiter rune // DELIMITED: the column separator, 0 for ','

	protoNullable string // PROTOBUF, PROTOBUF_NOSR: "", NullableAsOptional or NullableAsWrapper
	protoName     string // PROTOBUF: the full name of the message it registers, "" for ConnectDefault1
	protoIndexes  []int  // PROTOBUF by schema id: the message's index path in its file; nil for [0]

	lowerNames []string // column names in lower case, the usual Avro spelling
	jsonNames  [][]byte // column names as JSON strings, for the JSON format
}

func NewSerde(format string, cols []types.Column, key bool, topic string, reg *Registry) *Serde {
	lower := make([]string, len(cols))
	names := make([][]byte, len(cols))
	for i, c := range cols {
		lower[i] = strings.ToLower(c.Name)
		names[i], _ = json.Marshal(c.Name)
	}
	s := &Serde{Format: format, Cols: cols, key: key, Topic: topic, Registry: reg, avroName: avroValueFullName, lowerNames: lower, jsonNames: names,
		avroFlat: format == Avro && avroFlat(cols)}
	if format == ProtobufNoSR && len(cols) > 0 {
		// compiled now, so decoding never writes the serde; a failure
		// is reported again by the first encode or decode
		_ = s.prepareProtobufNoSR()
	}
	return s
}

// WithAvroFullName names the AVRO record a value is written as (VALUE_AVRO_
// SCHEMA_FULL_NAME); "" keeps the default.
func (s *Serde) WithAvroFullName(name string) *Serde {
	if name != "" {
		s.avroName = name
	}
	return s
}

// WithSchemaFullName names the schema a key or value is written with
// (KEY_SCHEMA_FULL_NAME, VALUE_SCHEMA_FULL_NAME): an AVRO record (after
// AvroKeyFor, which names a key's by default), a PROTOBUF message; "" keeps
// the default.
func (s *Serde) WithSchemaFullName(name string) *Serde {
	switch {
	case name == "":
	case s.Format == Protobuf:
		s.protoName = ProtobufFullName(name)
	case s.Format == Avro:
		s.avroName = name
	}
	return s
}

// WithProtobufNullable sets how PROTOBUF and PROTOBUF_NOSR tell a null
// from a default value: "" (they do not), NullableAsOptional or
// NullableAsWrapper.
func (s *Serde) WithProtobufNullable(rep string) *Serde {
	if rep == s.protoNullable {
		return s
	}
	s.protoNullable = rep
	if s.Format == ProtobufNoSR && len(s.Cols) > 0 {
		s.protoMsg = nil // compiled again for the new schema, as NewSerde does
		_ = s.prepareProtobufNoSR()
	}
	return s
}

// WithDelimiter sets the DELIMITED separator (0 keeps ',').
func (s *Serde) WithDelimiter(r rune) *Serde {
	s.delimiter = r
	return s
}

// field is column i's value in a decoded record, its name matched
// case-insensitively: exact, then lower case, then through *upper (the
// record's fields by upper-case name, built on first need, a later
// spelling of a name winning as in KsqlJsonDeserializer.upperCaseKeys).
func (s *Serde) field(rec *JSONObject, i int, upper *map[string]any) any {
	if raw, ok := rec.Vals[s.Cols[i].Name]; ok {
		return raw
	}
	if raw, ok := rec.Vals[s.lowerNames[i]]; ok {
		return raw
	}
	if *upper == nil {
		*upper = make(map[string]any, len(rec.Keys))
		for _, k := range rec.Keys {
			(*upper)[strings.ToUpper(k)] = rec.Vals[k]
		}
	}
	return (*upper)[strings.ToUpper(s.Cols[i].Name)]
}

// fieldText is column i's value in the JSON record b as text
// (jsonNodeText), found as field does: by name, lower-case name, then
// upper-cased name, the last field of that spelling winning as in the
// upper-cased map KsqlJsonDeserializer builds. ordered caches b's parse.
func (s *Serde) fieldText(b []byte, i int, ordered **jsonObject) (string, error) {
	if *ordered == nil {
		var o jsonObject
		if err := json.Unmarshal(b, &o); err != nil {
			return "", err
		}
		*ordered = &o
	}
	o := *ordered
	raw, ok := o.vals[s.Cols[i].Name]
	if !ok {
		raw, ok = o.vals[s.lowerNames[i]]
	}
	if !ok {
		name := strings.ToUpper(s.Cols[i].Name)
		for _, k := range o.keys {
			if strings.ToUpper(k) == name {
				raw = o.vals[k]
			}
		}
	}
	return jsonNodeText(raw)
}

// isJSONContainer reports a decoded JSON object or array.
func isJSONContainer(v any) bool {
	switch v.(type) {
	case *JSONObject, []any:
		return true
	}
	return false
}

var avroPrimitive = map[types.Type]string{types.Boolean: "boolean", types.Integer: "int", types.Bigint: "long", types.Double: "double", types.String: "string"}

// unwrapped reports a single column written without an enclosing record:
// ksqlDB writes a single key column unwrapped (SerdeFeature UNWRAP_SINGLES
// is always set for keys, as wrapped keys are not supported).
// A value column is unwrapped when its source says WRAP_SINGLE_VALUE=false.
// PROTOBUF has no UNWRAP_SINGLES: its keys and values are always messages.
func (s *Serde) unwrapped() bool {
	return (s.key || s.Unwrap) && len(s.Cols) == 1 && s.Format != Protobuf && s.Format != ProtobufNoSR
}

// EncodesNull reports vals that a serde writes as null bytes: a single
// column written alone (a key, or a value under WRAP_SINGLE_VALUE=false)
// that is null, which ksqlDB's UnwrappedSerializer hands the format's
// serializer as a null, and KsqlConnectSerializer (JSON, JSON_SR, AVRO)
// returns null for (ksqldb-serde .../serde/unwrapped/UnwrappedSerializer.java,
// .../serde/connect/KsqlConnectSerializer.java); the KAFKA format's
// single column, whose Kafka serializer returns null for a null
// (KafkaSerdeFactory.RowSerializer); and the NONE format's every value.
func (s *Serde) EncodesNull(vals []any) bool {
	switch {
	case s.Format == None:
		return true
	case s.Format == Kafka:
		return len(s.Cols) == 0 || vals[0] == nil
	}
	return s.unwrapped() && vals[0] == nil
}

// UnwrapSingle marks a value serde as WRAP_SINGLE_VALUE=false.
func (s *Serde) UnwrapSingle(unwrap bool) *Serde {
	s.Unwrap = unwrap
	return s
}

// avroSchemaFor is the schema ksqlDB registers for the columns
// (avro_write.go).
func (s *Serde) avroSchemaFor() string {
	return avroWriterSchema(s.Cols, s.unwrapped(), s.avroName)
}

// AvroKeyFor names a key serde's Avro schema after its source, as
// CreateSourceProperties and CreateSourceAsProperties do for KEY_FORMAT
// 'AVRO' (AvroFormat.getKeySchemaName).
func (s *Serde) AvroKeyFor(source string) *Serde {
	if s.key {
		s.avroName = avroKeySchemaName(source)
	}
	return s
}

// PrepareEmptyKey registers the key schema of a CREATE ... AS SELECT sink
// without key columns whose key format is AVRO, as
// SchemaRegisterInjector.registerSchemas does for any key: the empty
// record, named as a key's record is. Its keys are null and no other
// schema is written.
func (s *Serde) PrepareEmptyKey(ctx context.Context) error {
	if !s.key || len(s.Cols) != 0 || s.Format != Avro || s.schemaID != 0 {
		return nil
	}
	_, err := s.Registry.Register(ctx, s.Topic+"-key", avroWriterSchema(nil, false, s.avroName))
	return err
}

// PrepareSink registers the Avro schema of a sink's key or value, under
// <topic>-key or <topic>-value.
func (s *Serde) PrepareSink(ctx context.Context) error {
	if s.Format == JSONSR && len(s.Cols) > 0 {
		if s.schemaID != 0 {
			return s.prepareJSONSRByID(ctx)
		}
		return s.prepareJSONSRSink(ctx)
	}
	if s.Format == ProtobufNoSR && len(s.Cols) > 0 {
		return s.prepareProtobufNoSR()
	}
	if s.Format == Protobuf && len(s.Cols) > 0 {
		if s.schemaID != 0 {
			return s.prepareProtobufByID(ctx)
		}
		return s.prepareProtobufSink(ctx)
	}
	if s.Format != Avro || len(s.Cols) == 0 {
		return nil
	}
	if s.schemaID != 0 {
		return s.prepareAvroByID(ctx)
	}
	if err := s.AvroCompatible(); err != nil {
		return err
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
	id, err := s.Registry.Register(ctx, s.Topic+suffix, sch)
	if err != nil {
		return err
	}
	s.avroID, s.avroCodec = id, codec
	return nil
}

// Decode turns bytes into one value per column.
func (s *Serde) Decode(ctx context.Context, b []byte) ([]any, error) {
	out := make([]any, len(s.Cols))
	if s.Format == None || len(s.Cols) == 0 {
		return out, nil
	}
	if b == nil {
		return out, nil
	}
	switch s.Format {
	case Kafka:
		// the messages of Kafka's IntegerDeserializer, LongDeserializer and
		// DoubleDeserializer, deserialize(String, byte[]) (apache/kafka 3.9
		// clients, org.apache.kafka.common.serialization)
		c := s.Cols[0]
		switch c.Type {
		case types.Integer:
			if len(b) != 4 {
				return nil, errors.New("Size of data received by IntegerDeserializer is not 4")
			}
			out[0] = int32(binary.BigEndian.Uint32(b))
		case types.Bigint:
			if len(b) != 8 {
				return nil, errors.New("Size of data received by LongDeserializer is not 8")
			}
			out[0] = int64(binary.BigEndian.Uint64(b))
		case types.Double:
			if len(b) != 8 {
				return nil, errors.New("Size of data received by Deserializer is not 8")
			}
			out[0] = math.Float64frombits(binary.BigEndian.Uint64(b))
		case types.String:
			out[0] = string(b)
		case types.Bytes:
			out[0] = bytes.Clone(b)
		}
		return out, nil
	case JSON:
		return s.decodeJSON(b, out)
	case Delimited:
		r := csv.NewReader(bytes.NewReader(b))
		r.FieldsPerRecord = -1
		if s.delimiter != 0 {
			r.Comma = s.delimiter
		}
		rec, err := r.Read()
		if err != nil {
			return nil, fmt.Errorf("parse delimited: %w", err)
		}
		if len(rec) != len(s.Cols) {
			return nil, fmt.Errorf("Column count mismatch on deserialization. topic: %s, expected: %d, got: %d", s.Topic, len(s.Cols), len(rec))
		}
		for i, c := range s.Cols {
			if rec[i] == "" {
				continue
			}
			if c.Type.Temporal() || c.Type.Kind() == types.KindBytes {
				// KsqlDelimitedDeserializer: epoch numbers, base64 BYTES
				v, err := parseTemporalJSON(rec[i], true, c.Type)
				if err != nil {
					return nil, err
				}
				out[i] = v
				continue
			}
			v, err := ParseText(rec[i], c.Type)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case Avro:
		return s.decodeAvro(ctx, b, out)
	case JSONSR:
		return s.decodeJSONSR(ctx, b, out)
	case Protobuf:
		return s.decodeProtobuf(ctx, b, out)
	case ProtobufNoSR:
		return s.decodeProtobufNoSR(b, out)
	}
	return nil, fmt.Errorf("format %s cannot be deserialised", s.Format)
}

func ParseText(t string, typ types.Type) (any, error) {
	if typ.Complex() { // complex values are kept as JSON text
		dec := json.NewDecoder(strings.NewReader(t))
		dec.UseNumber()
		v, err := ReadJSONTree(dec)
		if err != nil {
			return nil, fmt.Errorf("cannot convert %q to %s: %w", t, typ, err)
		}
		return jsonValue(v, typ)
	}
	switch typ {
	case types.String:
		return t, nil
	case types.Boolean:
		switch strings.ToLower(t) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
	case types.Integer:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 32)
		if err == nil {
			return int32(n), nil
		}
	case types.Bigint:
		n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
		if err == nil {
			return n, nil
		}
	case types.Double:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err == nil {
			return f, nil
		}
	}
	if typ.Kind() == types.KindDecimal {
		// KsqlDelimitedDeserializer.decimalParser and KsqlJsonDeserializer
		// (a number or text): DecimalUtil.ensureFit(new BigDecimal(v))
		return types.DecimalOf(t, typ)
	}
	return nil, fmt.Errorf("cannot convert %q to %s", t, typ)
}

func (s *Serde) decodeJSON(b []byte, out []any) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := ReadJSONTree(dec)
	if err != nil {
		return nil, fmt.Errorf("failed to deserialize JSON: %w", err)
	}
	if s.unwrapped() {
		if s.Cols[0].Type == types.String && isJSONContainer(v) {
			text, err := jsonNodeText(b)
			if err != nil {
				return nil, err
			}
			out[0] = text
			return out, nil
		}
		x, err := jsonValue(v, s.Cols[0].Type)
		if err != nil {
			return nil, err
		}
		out[0] = x
		return out, nil
	}
	if v == nil {
		return out, nil
	}
	obj, ok := v.(*JSONObject)
	if !ok {
		return nil, fmt.Errorf("Can't convert type. sourceType: %T, requiredType: STRUCT", v)
	}
	var upper map[string]any
	var ordered *jsonObject
	for i, c := range s.Cols {
		raw := s.field(obj, i, &upper)
		if c.Type == types.String && isJSONContainer(raw) {
			// an object or array read as a STRING is its text, which the
			// decoded map no longer orders: read it again from b
			text, err := s.fieldText(b, i, &ordered)
			if err != nil {
				return nil, fmt.Errorf("field %s: %w", c.Name, err)
			}
			out[i] = text
			continue
		}
		x, err := jsonValue(raw, c.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", c.Name, err)
		}
		out[i] = x
	}
	return out, nil
}

func jsonValue(v any, t types.Type) (any, error) {
	if v != nil && t.Complex() {
		return jsonComplex(v, t)
	}
	if v != nil && (t.Temporal() || t.Kind() == types.KindBytes) {
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
		switch t {
		case types.String:
			return x.String(), nil
		case types.Boolean:
			return nil, fmt.Errorf("Can't convert type. sourceType: %T, requiredType: %s", v, t)
		case types.Integer:
			n, err := jsonNumberLow64(x)
			return int32(n), err
		case types.Bigint:
			return jsonNumberLow64(x)
		}
		return ParseText(x.String(), t)
	case string:
		return ParseText(x, t)
	case bool:
		switch t {
		case types.Boolean:
			return x, nil
		case types.String:
			return strconv.FormatBool(x), nil
		}
	}
	return nil, fmt.Errorf("Can't convert type. sourceType: %T, requiredType: %s", v, t)
}

// jsonNumberLow64 is a JSON number as Jackson's intValue() and asLong()
// give it to KsqlJsonDeserializer (JsonSerdeUtils.toInteger, toLong): a
// number with a fraction or an exponent is a BigDecimal, truncated toward
// zero; the low 64 bits of the integer are kept (an INTEGER keeps the low
// 32 of those), as BigInteger.longValue and Java's narrowing casts do.
// The low bits are summed digit by digit in wrapping uint64 arithmetic,
// so a number of any length or exponent costs time linear in its text.
func jsonNumberLow64(x json.Number) (int64, error) {
	if n, err := x.Int64(); err == nil {
		return n, nil
	}
	s := x.String()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, _ := strings.Cut(mant, ".")
	digits := whole + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, fmt.Errorf("cannot convert %q to a number", x.String())
	}
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expText)
		switch {
		case err == nil:
			exp = e
		case strings.HasPrefix(expText, "-"):
			return 0, nil // far below 1: truncates to 0
		default:
			return 0, nil // a multiple of 10^64, so of 2^64: the low bits are 0
		}
	}
	// the integer part is the first len(whole)+exp digits, then zeros
	intLen := len(whole) + exp
	if intLen <= 0 {
		return 0, nil
	}
	var acc uint64
	for i := 0; i < intLen && i < len(digits); i++ {
		acc = acc*10 + uint64(digits[i]-'0')
	}
	for zeros := intLen - len(digits); zeros > 0 && acc != 0; zeros-- {
		acc *= 10
	}
	if neg {
		acc = -acc
	}
	return int64(acc), nil
}

func (s *Serde) decodeAvro(ctx context.Context, b []byte, out []any) ([]any, error) {
	if len(b) < 5 || b[0] != 0 {
		return nil, fmt.Errorf("unknown magic byte")
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	codec, err := s.Registry.Codec(ctx, id)
	if err != nil {
		return nil, err
	}
	if s.avroFlat && !s.unwrapped() {
		flat, seen := s.flatIDs.Load(id)
		if !seen {
			flat = flatReadable(codec.Schema(), s.Cols)
			s.flatIDs.Store(id, flat)
		}
		if flat.(bool) {
			if out, err = readAvroFlat(b[5:], s.Cols, out); err != nil {
				return nil, fmt.Errorf("%w (schema %d)", err, id)
			}
			return out, nil
		}
	}
	native, rest, err := avroguard.Decode(s.Registry.readCodec(id, codec), b[5:])
	if err != nil {
		return nil, fmt.Errorf("decode avro (schema %d): %w", id, err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("decode avro (schema %d): %d trailing bytes", id, len(rest))
	}
	if s.unwrapped() {
		// the whole value is the one column, whatever its type
		// (ConnectFormatSchemaTranslator wraps it as the single field)
		if strings.HasPrefix(codec.Schema(), "[") {
			native = unwrapUnion(native)
		}
		x, err := avroValue(native, s.Cols[0].Type)
		if err != nil {
			return nil, err
		}
		out[0] = x
		return out, nil
	}
	native = unwrapUnion(native)
	rec, ok := native.(map[string]any)
	if !ok {
		if len(s.Cols) == 1 {
			x, err := avroValue(native, s.Cols[0].Type)
			if err != nil {
				return nil, err
			}
			out[0] = x
			return out, nil
		}
		return nil, fmt.Errorf("avro value is not a record")
	}
	var upper map[string]any
	fields := &JSONObject{Keys: slices.Sorted(maps.Keys(rec)), Vals: rec}
	for i, c := range s.Cols {
		raw := s.field(fields, i, &upper)
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
func avroValue(v any, t types.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.Complex() {
		return avroComplex(v, t)
	}
	if t == types.String || t.Kind() == types.KindBytes {
		v = avroBranch(v, t)
	}
	if t.Temporal() || t.Kind() == types.KindBytes {
		return avroTemporal(v, t)
	}
	if t.Kind() == types.KindDecimal {
		// AvroData gives the writer's BigDecimal; ksqlDB fits it to the column (ensureFit)
		r, ok := v.(*big.Rat)
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
		}
		d, ok := types.ExactQuotient(types.Decimal{Unscaled: r.Num()}, types.Decimal{Unscaled: r.Denom()})
		if !ok {
			return nil, fmt.Errorf("cannot resolve avro decimal %s into %s", r.RatString(), t)
		}
		return types.EnsureFit(d, t)
	}
	switch t {
	case types.Integer:
		if x, ok := v.(int32); ok {
			return x, nil
		}
	case types.Bigint:
		switch x := v.(type) {
		case int32:
			return int64(x), nil
		case int64:
			return x, nil
		}
	case types.Double:
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
	case types.String:
		switch x := v.(type) {
		case string:
			return x, nil
		case []byte:
			return string(x), nil
		case int32, int64, bool:
			// ConnectDataTranslator: String.valueOf of a number or boolean
			return fmt.Sprint(x), nil
		case float64:
			return javanum.FormatDouble(x), nil
		}
	case types.Boolean:
		if x, ok := v.(bool); ok {
			return x, nil
		}
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// Encode serialises one value per column.
func (s *Serde) Encode(vals []any) ([]byte, error) {
	if s.key && len(s.Cols) == 0 {
		return nil, nil // a key without columns is null in every format
	}
	switch s.Format {
	case None:
		return nil, nil
	case Kafka:
		if len(s.Cols) == 0 {
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
	case JSON, JSONSR:
		if s.EncodesNull(vals) {
			return nil, nil
		}
		size := 2
		for _, n := range s.jsonNames {
			size += len(n) + 24
		}
		return s.appendJSON(make([]byte, 0, size), vals)
	case Protobuf:
		if len(s.Cols) == 0 {
			return nil, nil
		}
		return s.encodeProtobuf(vals)
	case ProtobufNoSR:
		if len(s.Cols) == 0 {
			return nil, nil
		}
		return s.encodeProtobufNoSR(vals)
	case Delimited:
		if s.unwrapped() && vals[0] == nil {
			// a key column, or WRAP_SINGLE_VALUE=false: the column's value
			// is serialized alone, and KsqlDelimitedSerializer writes a
			// null as null bytes
			return nil, nil
		}
		delim := s.delimiter
		if delim == 0 {
			delim = ','
		}
		rec := make([]*string, len(vals))
		for i, v := range vals {
			if v == nil {
				continue
			}
			// KsqlDelimitedSerializer: time types as epoch numbers, BYTES in
			// base64, DECIMAL through toPlainString
			var f string
			if d, ok := v.(types.Decimal); ok {
				f = d.Plain()
			} else {
				f = types.Format(jsonWireValue(v))
			}
			rec[i] = &f
		}
		// a row of one null column, or of none, is an empty line: empty
		// bytes, not null ones
		return appendDelimitedRecord([]byte{}, rec, delim), nil
	case Avro:
		if s.avroCodec == nil {
			return nil, fmt.Errorf("avro schema for %s is not registered", s.Topic)
		}
		buf := make([]byte, 5, 64)
		binary.BigEndian.PutUint32(buf[1:], uint32(s.avroID))
		if s.avroSR != nil {
			return s.encodeAvroByID(buf, vals)
		}
		if s.unwrapped() {
			if vals[0] == nil {
				return nil, nil // the root schema is not optional: a null is null bytes
			}
			return s.avroCodec.BinaryFromNative(buf, avroWriteNative(vals[0], s.Cols[0].Type, s.avroName))
		}
		if s.avroFlat {
			if b, ok := appendAvroFlat(buf, s.Cols, vals); ok {
				return b, nil
			}
		}
		rec := make(map[string]any, len(s.Cols))
		for i, c := range s.Cols {
			rec[strings.ReplaceAll(c.Name, ".", "_")] = avroWriteOptional(vals[i], c.Type, s.avroName+"_"+c.Name)
		}
		return s.avroCodec.BinaryFromNative(buf, rec)
	}
	return nil, fmt.Errorf("format %s cannot be serialised", s.Format)
}

// WriteJSONValue writes v as JSON the way ksqlDB (Jackson) does.
func WriteJSONValue(b *bytes.Buffer, v any) {
	b.Write(AppendJSONValue(b.AvailableBuffer(), v))
}

// AppendJSONValue appends v as JSON the way ksqlDB (Jackson) does.
func AppendJSONValue(b []byte, v any) []byte {
	if out, ok := AppendJSONComplex(b, v); ok {
		return out
	}
	if s, ok := types.TemporalText(v); ok {
		return jsonwire.AppendString(b, s)
	}
	switch x := v.(type) {
	case nil:
		return append(b, "null"...)
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			// Jackson's QUOTE_NON_NUMERIC_NUMBERS (on by default) quotes
			// "NaN", "Infinity" and "-Infinity"; upstream's math.json
			// expects them so in a JSON sink.
			return jsonwire.AppendString(b, javanum.FormatDouble(x))
		}
		return append(b, javanum.FormatDouble(x)...)
	case string:
		return jsonwire.AppendString(b, x)
	case int32:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case types.Decimal:
		// the REST API: ApiJsonMapper writes BigDecimal as plain text
		return append(b, x.Plain()...)
	case types.JSONDecimal:
		// the JSON formats: JsonConverter (decimal.format NUMERIC) writes BigDecimal.toString
		return append(b, x.String()...)
	}
	return append(b, types.Format(v)...)
}

// Appends reports a serde whose AppendEncode writes into the caller's
// buffer (JSON and JSON_SR, but for a key without columns, which is null);
// others allocate their bytes in Encode.
func (s *Serde) Appends() bool {
	return (s.Format == JSON || s.Format == JSONSR) && (!s.key || len(s.Cols) > 0)
}

// AppendEncode appends what Encode gives for vals to dst, for a serde that
// Appends and vals it does not encode as null (EncodesNull).
func (s *Serde) AppendEncode(dst []byte, vals []any) ([]byte, error) {
	if !s.Appends() {
		return dst, fmt.Errorf("%s cannot be appended to a buffer", s.Format)
	}
	return s.appendJSON(dst, vals)
}

// appendJSON appends the JSON (JSON_SR: with its schema id) of vals to b.
func (s *Serde) appendJSON(b []byte, vals []any) ([]byte, error) {
	if s.Format == JSONSR {
		if s.jsonSRID == 0 {
			return b, fmt.Errorf("JSON_SR schema for %s is not registered", s.Topic)
		}
		b = binary.BigEndian.AppendUint32(append(b, 0), uint32(s.jsonSRID))
	}
	if s.unwrapped() {
		return AppendJSONValue(b, s.jsonSRWireColumn(0, jsonWireValue(vals[0]))), nil
	}
	b = append(b, '{')
	for i, n := range s.jsonNames {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, n...)
		b = append(b, ':')
		b = AppendJSONValue(b, s.jsonSRWireColumn(i, jsonWireValue(vals[i])))
	}
	return append(b, '}'), nil
}
