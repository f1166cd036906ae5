package ksqldb

// The TIMESTAMP, DATE, TIME and BYTES column types of ksqlDB 0.29
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/data-types/):
// values, their text (SqlTimeTypes in confluentinc/ksql v0.29.0
// ksqldb-engine-common/.../schema/ksql/SqlTimeTypes.java and
// PartialStringToTimestampParser.java), CAST (ksqldb-execution/.../codegen/
// helpers/CastEvaluator.java), comparison (ComparisonUtil.java) and how the
// REST API prints them (ksqldb-rest-model/.../rest/ApiJsonMapper.java:
// java.util.Date through "yyyy-MM-dd'T'HH:mm:ss.SSS" in UTC, Time and Date
// through SqlTimeTypes, ByteBuffer as base64).

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A TIMESTAMP is milliseconds since the epoch, a DATE days since the
// epoch, a TIME milliseconds since midnight; a BYTES value is []byte.
type (
	sqlTimestamp int64
	sqlDate      int32
	sqlTime      int32
)

const msPerDay = 24 * 60 * 60 * 1000

// temporal reports the time types (SqlBaseType.isTime).
func (t sqlType) temporal() bool {
	k := t.kind()
	return k == kTimestamp || k == kDate || k == kTime
}

// formatTimestamp is SqlTimeTypes.formatTimestamp: yyyy-MM-dd'T'HH:mm:ss.SSS in UTC.
func formatTimestamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000")
}

// formatDate is LocalDate.ofEpochDay(days).toString().
func formatDate(days int32) string {
	t := time.Unix(int64(days)*86400, 0).UTC()
	if y := t.Year(); y > 9999 {
		return "+" + t.Format("2006-01-02")
	}
	return t.Format("2006-01-02")
}

// formatTime is LocalTime.ofSecondOfDay(ms / 1000).toString(): HH:mm,
// with :ss only when the seconds are not zero.
func formatTime(ms int32) string {
	s := int(ms / 1000)
	h, m, sec := s/3600, s/60%60, s%60
	if sec == 0 {
		return fmt.Sprintf("%02d:%02d", h, m)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// temporalText renders a time or BYTES value as CAST(x AS STRING) and the
// REST API do; ok is false for other values.
func temporalText(v any) (string, bool) {
	switch x := v.(type) {
	case sqlTimestamp:
		return formatTimestamp(int64(x)), true
	case sqlDate:
		return formatDate(int32(x)), true
	case sqlTime:
		return formatTime(int32(x)), true
	case []byte:
		return base64.StdEncoding.EncodeToString(x), true
	}
	return "", false
}

var ksqlTimestampPattern = mustJavaPattern("yyyy-MM-dd'T'HH:mm:ss.SSS")

func mustJavaPattern(p string) *javaPattern {
	jp, err := compileJavaPattern(p)
	if err != nil {
		panic(err)
	}
	return jp
}

// parseTimestampText is PartialStringToTimestampParser.parse: a date-time
// missing its trailing parts (2021, 2021-01, 2021-01-01T10:30) is
// completed with zeros; an offset (+0200, -05:00) or a trailing Z may
// follow the time.
func parseTimestampText(text string) (int64, error) {
	var date, tm, zone string
	if i := strings.IndexByte(text, 'T'); i >= 0 {
		date = text[:i]
		rest := text[i+1:]
		if j := strings.IndexByte(rest, '+'); j >= 0 {
			zone = rest[j:]
		} else if j := strings.IndexByte(rest, '-'); j >= 0 {
			zone = rest[j:]
		}
		tm = strings.TrimSuffix(rest[:len(rest)-len(zone)], "Z")
	} else {
		date = completeDate(text)
	}
	const timePattern = "HH:mm:ss.SSS"
	if len(tm) < len(timePattern) {
		tail := []byte(timePattern[len(tm):])
		for i, c := range tail {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
				tail[i] = '0'
			}
		}
		tm += string(tail)
	}
	loc := time.UTC
	if strings.TrimSpace(zone) != "" {
		l, err := javaZone(zone)
		if err != nil {
			return 0, fmt.Errorf("Failed to parse timezone '%s'", zone)
		}
		loc = l
	}
	t, err := ksqlTimestampPattern.parse(date+"T"+tm, loc)
	if err != nil {
		return 0, fmt.Errorf("Failed to parse timestamp '%s': %w", text, err)
	}
	return t.UnixMilli(), nil
}

// completeDate is PartialStringToTimestampParser.completeDate.
func completeDate(date string) string {
	switch strings.Count(date, "-") {
	case 0:
		return date + "-01-01"
	case 1:
		return date + "-01"
	}
	return date
}

// parseDateText is SqlTimeTypes.parseDate: LocalDate.parse of the
// completed date.
func parseDateText(text string) (int32, error) {
	t, err := time.Parse("2006-01-02", completeDate(text))
	if err != nil {
		return 0, fmt.Errorf("Failed to parse date '%s'", text)
	}
	return int32(t.Unix() / 86400), nil
}

// parseTimeText is SqlTimeTypes.parseTime: LocalTime.parse, HH:mm with
// optional :ss and fraction.
func parseTimeText(text string) (int32, error) {
	fail := fmt.Errorf("Failed to parse time '%s'", text)
	hm, rest, _ := strings.Cut(text, ":")
	if len(hm) != 2 || len(rest) < 2 {
		return 0, fail
	}
	h, err1 := strconv.Atoi(hm)
	m, err2 := strconv.Atoi(rest[:2])
	if err1 != nil || err2 != nil || h > 23 || m > 59 || hm[0] == '+' || rest[0] == '+' {
		return 0, fail
	}
	ms := (h*3600 + m*60) * 1000
	rest = rest[2:]
	if rest != "" {
		if rest[0] != ':' || len(rest) < 3 {
			return 0, fail
		}
		s, err := strconv.Atoi(rest[1:3])
		if err != nil || s > 59 || rest[1] == '+' {
			return 0, fail
		}
		ms += s * 1000
		rest = rest[3:]
		if rest != "" {
			if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
				return 0, fail
			}
			frac := rest[1:]
			for _, c := range frac {
				if c < '0' || c > '9' {
					return 0, fail
				}
			}
			frac = (frac + "000")[:3]
			f, _ := strconv.Atoi(frac)
			ms += f
		}
	}
	return int32(ms), nil
}

// castTemporal is CAST for the time and BYTES types; handled is false
// when neither side is one of them.
func castTemporal(v any, from, to sqlType) (out any, handled bool) {
	if !from.temporal() && !to.temporal() && from.kind() != kBytes && to.kind() != kBytes {
		return nil, false
	}
	if s, ok := v.(string); ok {
		s = strings.TrimSpace(s)
		switch to.kind() {
		case kTimestamp:
			ms, err := parseTimestampText(s)
			if err != nil {
				return nil, true
			}
			return sqlTimestamp(ms), true
		case kDate:
			d, err := parseDateText(s)
			if err != nil {
				return nil, true
			}
			return sqlDate(d), true
		case kTime:
			t, err := parseTimeText(s)
			if err != nil {
				return nil, true
			}
			return sqlTime(t), true
		case kBytes:
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, true
			}
			return b, true
		}
	}
	switch x := v.(type) {
	case sqlTimestamp:
		switch to.kind() {
		case kString:
			return formatTimestamp(int64(x)), true
		case kDate:
			return sqlDate(floorDiv(int64(x), msPerDay)), true
		case kTime:
			return sqlTime(floorMod(int64(x), msPerDay)), true
		}
	case sqlDate:
		switch to.kind() {
		case kString:
			return formatDate(int32(x)), true
		case kTimestamp:
			return sqlTimestamp(int64(x) * msPerDay), true
		}
	case sqlTime:
		if to.kind() == kString {
			return formatTime(int32(x)), true
		}
	}
	return nil, true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// castTemporalPairs are CastEvaluator.SUPPORTED's pairs for these types.
var castTemporalPairs = map[[2]baseKind]bool{
	{kString, kTimestamp}: true, {kString, kTime}: true, {kString, kDate}: true, {kString, kBytes}: true,
	{kTimestamp, kString}: true, {kTimestamp, kTime}: true, {kTimestamp, kDate}: true,
	{kDate, kTimestamp}: true, {kTime, kString}: true, {kDate, kString}: true,
}

// temporalComparable is ComparisonUtil for the time and BYTES types;
// handled is false when neither side is one of them.
func temporalComparable(a, b sqlType) (ok, handled bool) {
	isTime := func(t sqlType) bool { return t.temporal() }
	switch {
	case a.kind() == kBytes || b.kind() == kBytes:
		return a.kind() == b.kind(), true
	case a.kind() == kTime:
		return b.kind() == kTime || b == tString, true
	case a.kind() == kDate || a.kind() == kTimestamp:
		return b.kind() == kDate || b.kind() == kTimestamp || b == tString, true
	case a == tString && isTime(b):
		return true, true
	}
	return false, false
}

// temporalOperands makes both sides of a comparison involving a time type
// comparable values: a STRING side is parsed as the other side's type
// (SqlToJavaVisitor), a DATE compared with a TIMESTAMP is its midnight.
func temporalOperands(l, r compiled) (compiled, compiled) {
	lt, rt := l.t, r.t
	if !lt.temporal() && !rt.temporal() {
		return l, r
	}
	conv := func(c compiled, to sqlType) compiled {
		from := c.t
		return compiled{t: to, eval: func(row []any) any {
			v := c.eval(row)
			if v == nil {
				return nil
			}
			out, _ := castTemporal(v, from, to)
			return out
		}}
	}
	switch {
	case lt == tString:
		l = conv(l, rt)
	case rt == tString:
		r = conv(r, lt)
	case lt.kind() == kDate && rt.kind() == kTimestamp:
		l = conv(l, rt)
	case lt.kind() == kTimestamp && rt.kind() == kDate:
		r = conv(r, lt)
	}
	return l, r
}

// compareTemporal orders two values of one time type, or two BYTES.
func compareTemporal(a, b any) (int, bool) {
	var x, y int64
	switch p := a.(type) {
	case sqlTimestamp:
		q, _ := b.(sqlTimestamp)
		x, y = int64(p), int64(q)
	case sqlDate:
		q, _ := b.(sqlDate)
		x, y = int64(p), int64(q)
	case sqlTime:
		q, _ := b.(sqlTime)
		x, y = int64(p), int64(q)
	case []byte:
		q, _ := b.([]byte)
		return bytes.Compare(p, q), true
	default:
		return 0, false
	}
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// coerceStringToTemporal is DefaultSqlValueCoercer.STRICT's STRING to
// TIMESTAMP, TIME, DATE and BYTES (INSERT VALUES).
func coerceStringToTemporal(v any, to sqlType) (any, bool, error) {
	s, ok := v.(string)
	if !ok || (!to.temporal() && to.kind() != kBytes) {
		return nil, false, nil
	}
	var err error
	switch to.kind() {
	case kTimestamp:
		var ms int64
		if ms, err = parseTimestampText(s); err == nil {
			return sqlTimestamp(ms), true, nil
		}
	case kDate:
		var d int32
		if d, err = parseDateText(s); err == nil {
			return sqlDate(d), true, nil
		}
	case kTime:
		var t int32
		if t, err = parseTimeText(s); err == nil {
			return sqlTime(t), true, nil
		}
	case kBytes:
		var b []byte
		if b, err = base64.StdEncoding.DecodeString(s); err == nil {
			return b, true, nil
		}
	}
	return nil, true, err
}

// parseTemporalJSON reads a time or BYTES column from a JSON number or
// string as KsqlJsonDeserializer does (JsonSerdeUtils.toTimestamp, toDate,
// toTime: a number, or a string holding one; BYTES: base64 text).
func parseTemporalJSON(text string, isString bool, t sqlType) (any, error) {
	if t.kind() == kBytes {
		if !isString {
			return nil, fmt.Errorf("Can't convert type. sourceType: NumericNode, requiredType: BYTES")
		}
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("Value is not a valid Base64 encoded string: %s", text)
		}
		return b, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(text, 64); ferr == nil && !isString {
			n = int64(f) // JsonNode.asLong truncates
		} else {
			return nil, fmt.Errorf("Cannot coerce string to type %s", strings.ToUpper(t.String()))
		}
	}
	switch t.kind() {
	case kTimestamp:
		return sqlTimestamp(n), nil
	case kDate:
		return sqlDate(int32(n)), nil
	case kTime:
		if n < 0 || n >= msPerDay {
			return nil, fmt.Errorf("Time values must use number of milliseconds greater than 0 and less than 86400000.")
		}
		return sqlTime(int32(n)), nil
	}
	return nil, fmt.Errorf("Can't convert type. requiredType: %s", t)
}

// jsonWireValue is v as ksqlDB's JSON serializer (JsonConverter) writes
// it: a TIMESTAMP as epoch milliseconds, a DATE as epoch days, a TIME as
// milliseconds of the day; BYTES, like the REST API, as base64 text.
func jsonWireValue(v any) any {
	if !hasTemporal(v) {
		return v
	}
	switch x := v.(type) {
	case sqlTimestamp:
		return int64(x)
	case sqlDate:
		return int32(x)
	case sqlTime:
		return int32(x)
	case sqlDecimal:
		return jsonDecimal(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonWireValue(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonWireValue(e)
		}
		return out
	case *structVal:
		vals := make([]any, len(x.vals))
		for i, e := range x.vals {
			vals[i] = jsonWireValue(e)
		}
		return &structVal{t: x.t, vals: vals}
	}
	return v
}

// hasTemporal reports a time value in v, at any depth.
func hasTemporal(v any) bool {
	switch x := v.(type) {
	case sqlTimestamp, sqlDate, sqlTime, sqlDecimal:
		return true
	case []any:
		for _, e := range x {
			if hasTemporal(e) {
				return true
			}
		}
	case map[string]any:
		for _, e := range x {
			if hasTemporal(e) {
				return true
			}
		}
	case *structVal:
		for _, e := range x.vals {
			if hasTemporal(e) {
				return true
			}
		}
	}
	return false
}

// checkTemporalFormat refuses time and BYTES columns in a format: KAFKA
// has no serde for the time types (KafkaSerdeFactory.SERDE: Integer, Long,
// Double, String, ByteBuffer). PROTOBUF and PROTOBUF_NOSR write DATE and
// TIME as google.type.Date and TimeOfDay (format_protobufnosr.go).
func checkTemporalFormat(f string, cols []column, key, sink bool) error {
	for _, c := range cols {
		if !hasTemporalType(c.Type) {
			continue
		}
		switch f {
		case fmtJSON, fmtJSONSR, fmtDelimited:
		case fmtProtobuf, fmtProtobufNoSR:
		case fmtAvro:
		case fmtKafka:
			if c.Type.temporal() {
				return badStatement("The 'KAFKA' format does not support type '%s'", c.Type)
			}
		case fmtNone:
		default:
			return unsupported("column type " + c.Type.String() + " in the '" + f + "' format")
		}
	}
	return nil
}

// hasTemporalType reports a time or BYTES type in t, at any depth.
func hasTemporalType(t sqlType) bool {
	switch t.kind() {
	case kTimestamp, kDate, kTime, kBytes:
		return true
	case kArray:
		return hasTemporalType(t.elem)
	case kMap:
		return hasTemporalType(t.key) || hasTemporalType(t.elem)
	case kStruct:
		for _, f := range t.fields {
			if hasTemporalType(f.Type) {
				return true
			}
		}
	}
	return false
}

// avroTemporal reads an Avro value into a time or BYTES column as
// AvroData.toConnectData and ConnectDataTranslator do: goavro gives
// timestamp-millis and date as time.Time, time-millis as time.Duration;
// a plain long or int reads as the epoch value it holds.
func avroTemporal(v any, t sqlType) (any, error) {
	switch t.kind() {
	case kTimestamp:
		switch x := v.(type) {
		case time.Time:
			return sqlTimestamp(x.UnixMilli()), nil
		case int64:
			return sqlTimestamp(x), nil
		case int32:
			return sqlTimestamp(x), nil
		}
	case kDate:
		switch x := v.(type) {
		case time.Time:
			return sqlDate(floorDiv(x.Unix(), 86400)), nil
		case int32:
			return sqlDate(x), nil
		}
	case kTime:
		switch x := v.(type) {
		case time.Duration:
			return sqlTime(x.Milliseconds()), nil
		case int32:
			return sqlTime(x), nil
		}
	case kBytes:
		if x, ok := v.([]byte); ok {
			return bytes.Clone(x), nil
		}
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// avroLogicalColumnType is the column type AvroData.toConnectSchema and
// ConnectKsqlSchemaTranslator give an Avro logical type.
func avroLogicalColumnType(logical, base any) (sqlType, error) {
	switch {
	case logical == "timestamp-millis" && base == "long":
		return tTimestamp, nil
	case logical == "date" && base == "int":
		return tDate, nil
	case logical == "time-millis" && base == "int":
		return tTime, nil
	}
	return tNull, unsupported(fmt.Sprintf("inferring a column from Avro logical type %v", logical))
}

// avroColumnSchema is the Avro schema AvroData.fromConnectSchema (with
// connect.meta.data, as KsqlAvroSerdeFactory sets it) writes for a
// primitive or time column: the time types carry their Connect version and
// name, then the logical type (confluentinc/schema-registry v7.9.9
// avro-data/.../AvroData.java).
func avroColumnSchema(t sqlType) any {
	switch t.kind() {
	case kTimestamp:
		return json.RawMessage(`{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}`)
	case kDate:
		return json.RawMessage(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}`)
	case kTime:
		return json.RawMessage(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}`)
	case kDecimal:
		// fromConnectSchema: scale and precision, then the Connect
		// version, parameters (DecimalUtil.builder: scale and
		// connect.decimal.precision) and name, then the logical type
		return json.RawMessage(fmt.Sprintf(`{"type":"bytes","scale":%[2]d,"precision":%[1]d,"connect.version":1,`+
			`"connect.parameters":{"scale":"%[2]d","connect.decimal.precision":"%[1]d"},`+
			`"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`, t.prec, t.scale))
	}
	return avroUnionBranch(t)
}

// avroUnionBranch is goavro's name for the union branch of a column type.
func avroUnionBranch(t sqlType) string {
	switch t.kind() {
	case kTimestamp:
		return "long.timestamp-millis"
	case kDate:
		return "int.date"
	case kTime:
		return "int.time-millis"
	case kBytes:
		return "bytes"
	case kDecimal:
		return "bytes.decimal"
	}
	return avroPrimitive[t]
}

// avroNative is a column value as goavro takes it.
func avroNative(v any) any {
	switch x := v.(type) {
	case sqlTimestamp:
		return time.UnixMilli(int64(x)).UTC()
	case sqlDate:
		return time.Unix(int64(x)*86400, 0).UTC()
	case sqlTime:
		return time.Duration(x) * time.Millisecond
	case sqlDecimal:
		return x.rat()
	}
	return v
}
