package types

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
	"cmp"
	"encoding/base64"
	"fmt"
	"strings"
	"time"
)

// A TIMESTAMP is milliseconds since the epoch, a DATE days since the
// epoch, a TIME milliseconds since midnight; a BYTES value is []byte.
type (
	TimestampVal int64
	DateVal      int32
	TimeVal      int32
)

const MsPerDay = 24 * 60 * 60 * 1000

// Temporal reports the time types (SqlBaseType.isTime).
func (t Type) Temporal() bool {
	k := t.Kind()
	return k == KindTimestamp || k == KindDate || k == KindTime
}

// formatTimestamp is SqlTimeTypes.formatTimestamp: yyyy-MM-dd'T'HH:mm:ss.SSS in UTC.
func formatTimestamp(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000")
}

// formatDate is LocalDate.ofEpochDay(days).toString().
func formatDate(days int32) string { return formatDay(int64(days)) }

// formatDay is formatDate of any epoch day a TIMESTAMP's date reaches.
func formatDay(days int64) string {
	t := time.Unix(days*86400, 0).UTC()
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

// TemporalText renders a time or BYTES value as CAST(x AS STRING) and the
// REST API do; ok is false for other values.
func TemporalText(v any) (string, bool) {
	switch x := v.(type) {
	case TimestampVal:
		return formatTimestamp(int64(x)), true
	case DateVal:
		return formatDate(int32(x)), true
	case TimeVal:
		return formatTime(int32(x)), true
	case []byte:
		return base64.StdEncoding.EncodeToString(x), true
	}
	return "", false
}

// CastTemporal is CAST for the time and BYTES types; handled is false
// when neither side is one of them.
func CastTemporal(v any, from, to Type) (out any, handled bool) {
	if !from.Temporal() && !to.Temporal() && from.Kind() != KindBytes && to.Kind() != KindBytes {
		return nil, false
	}
	if s, ok := v.(string); ok && (to.Temporal() || to.Kind() == KindBytes) {
		out, err := ParseTemporalText(strings.TrimSpace(s), to)
		if err != nil {
			return nil, true
		}
		return out, true
	}
	switch x := v.(type) {
	case TimestampVal:
		switch to.Kind() {
		case KindString:
			return formatTimestamp(int64(x)), true
		case KindDate:
			// a date past this server's DATE is NULL here, refused in
			// the log where the cast logs (DateOfDay)
			d, thrown := DateOfDay(FloorDiv(int64(x), MsPerDay))
			if thrown != nil {
				return nil, true
			}
			return d, true
		case KindTime:
			return TimeVal(FloorMod(int64(x), MsPerDay)), true
		}
	case DateVal:
		switch to.Kind() {
		case KindString:
			return formatDate(int32(x)), true
		case KindTimestamp:
			return TimestampVal(int64(x) * MsPerDay), true
		}
	case TimeVal:
		if to.Kind() == KindString {
			return formatTime(int32(x)), true
		}
	}
	return nil, true
}

func FloorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func FloorMod(a, b int64) int64 { return a - FloorDiv(a, b)*b }

// CastTemporalPairs are CastEvaluator.SUPPORTED's pairs for these types.
var CastTemporalPairs = map[[2]Kind]bool{
	{KindString, KindTimestamp}: true, {KindString, KindTime}: true, {KindString, KindDate}: true, {KindString, KindBytes}: true,
	{KindTimestamp, KindString}: true, {KindTimestamp, KindTime}: true, {KindTimestamp, KindDate}: true,
	{KindDate, KindTimestamp}: true, {KindTime, KindString}: true, {KindDate, KindString}: true,
}

// TemporalComparable is ComparisonUtil for the time and BYTES types;
// handled is false when neither side is one of them.
func TemporalComparable(a, b Type) (ok, handled bool) {
	isTime := func(t Type) bool { return t.Temporal() }
	switch {
	case a.Kind() == KindBytes || b.Kind() == KindBytes:
		return a.Kind() == b.Kind(), true
	case a.Kind() == KindTime:
		return b.Kind() == KindTime || b == String, true
	case a.Kind() == KindDate || a.Kind() == KindTimestamp:
		return b.Kind() == KindDate || b.Kind() == KindTimestamp || b == String, true
	case a == String && isTime(b):
		return true, true
	}
	return false, false
}

// CompareTemporal orders two values of one time type, or two BYTES.
func CompareTemporal(a, b any) (int, bool) {
	var x, y int64
	switch p := a.(type) {
	case TimestampVal:
		q, _ := b.(TimestampVal)
		x, y = int64(p), int64(q)
	case DateVal:
		q, _ := b.(DateVal)
		x, y = int64(p), int64(q)
	case TimeVal:
		q, _ := b.(TimeVal)
		x, y = int64(p), int64(q)
	case []byte:
		q, _ := b.([]byte)
		return compareBytes(p, q), true
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

// CoerceStringToTemporal is DefaultSqlValueCoercer.STRICT's STRING to
// TIMESTAMP, TIME, DATE and BYTES (INSERT VALUES).
func CoerceStringToTemporal(v any, to Type) (any, bool, error) {
	s, ok := v.(string)
	if !ok || (!to.Temporal() && to.Kind() != KindBytes) {
		return nil, false, nil
	}
	var err error
	switch to.Kind() {
	case KindTimestamp:
		var ms int64
		if ms, err = ParseTimestampText(s); err == nil {
			return TimestampVal(ms), true, nil
		}
	case KindDate:
		var d int32
		if d, err = parseDateText(s); err == nil {
			return DateVal(d), true, nil
		}
	case KindTime:
		var t int32
		if t, err = parseTimeText(s); err == nil {
			return TimeVal(t), true, nil
		}
	case KindBytes:
		var b []byte
		if b, err = base64.StdEncoding.DecodeString(s); err == nil {
			return b, true, nil
		}
	}
	return nil, true, err
}

// HasTemporal reports a time value in v, at any depth.
func HasTemporal(v any) bool {
	switch x := v.(type) {
	case TimestampVal, DateVal, TimeVal, Decimal:
		return true
	case []any:
		for _, e := range x {
			if HasTemporal(e) {
				return true
			}
		}
	case *KeyedMap:
		for _, e := range x.Vals {
			if HasTemporal(e) {
				return true
			}
		}
	case *StructVal:
		for _, e := range x.Vals {
			if HasTemporal(e) {
				return true
			}
		}
	}
	return false
}

// HasTemporalType reports a time or BYTES type in t, at any depth.
func HasTemporalType(t Type) bool {
	switch t.Kind() {
	case KindTimestamp, KindDate, KindTime, KindBytes:
		return true
	case KindArray:
		return HasTemporalType(t.Elem)
	case KindMap:
		return HasTemporalType(t.Key) || HasTemporalType(t.Elem)
	case KindStruct:
		for _, f := range t.Fields {
			if HasTemporalType(f.Type) {
				return true
			}
		}
	}
	return false
}

// compareBytes is java.nio.ByteBuffer.compareTo: the first differing byte
// decides, compared as signed values, else the shorter is less.
func compareBytes(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return cmp.Compare(int8(a[i]), int8(b[i]))
		}
	}
	return cmp.Compare(len(a), len(b))
}
