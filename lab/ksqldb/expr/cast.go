package expr

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// castPairs are the casts between scalar types ksqlDB allows
// (CastEvaluator.SUPPORTED in confluentinc/ksql ksqldb-execution); a cast to
// the same type is always allowed.
var castPairs = map[[2]types.Type]bool{
	{types.Boolean, types.String}: true, {types.AnyDecimal, types.AnyDecimal}: true,
	{types.Integer, types.Bigint}: true, {types.Integer, types.AnyDecimal}: true, {types.Integer, types.Double}: true, {types.Integer, types.String}: true,
	{types.Bigint, types.Integer}: true, {types.Bigint, types.AnyDecimal}: true, {types.Bigint, types.Double}: true, {types.Bigint, types.String}: true,
	{types.AnyDecimal, types.Integer}: true, {types.AnyDecimal, types.Bigint}: true, {types.AnyDecimal, types.Double}: true, {types.AnyDecimal, types.String}: true,
	{types.Double, types.Integer}: true, {types.Double, types.Bigint}: true, {types.Double, types.AnyDecimal}: true, {types.Double, types.String}: true,
	{types.String, types.Boolean}: true, {types.String, types.Integer}: true, {types.String, types.Bigint}: true, {types.String, types.AnyDecimal}: true, {types.String, types.Double}: true,
}

// checkCast refuses a cast ksqlDB refuses, with UnsupportedCastException's message.
func checkCast(from, to types.Type) error {
	if from == types.Null || from == to || castPairs[[2]types.Type{types.AnyDecimalOf(from), types.AnyDecimalOf(to)}] || (from.Complex() && to == types.String) ||
		types.CastTemporalPairs[[2]types.Kind{from.Kind(), to.Kind()}] {
		return nil
	}
	if from.Kind() == to.Kind() && from.Complex() && checkComplexCast(from, to) == nil {
		return nil
	}
	return stmterr.Bad("Cast of %s to %s is not supported", from, to)
}

// checkComplexCast is CastEvaluator's ARRAY to ARRAY, MAP to MAP and
// STRUCT to STRUCT: the elements, keys and values, or the fields both
// structs name, must cast.
func checkComplexCast(from, to types.Type) error {
	switch from.Kind() {
	case types.KindArray:
		return checkCast(from.Elem, to.Elem)
	case types.KindMap:
		if err := checkCast(from.Key, to.Key); err != nil {
			return err
		}
		return checkCast(from.Elem, to.Elem)
	case types.KindStruct:
		for _, f := range from.Fields {
			if _, t, ok := to.Field(f.Name); ok {
				if err := checkCast(f.Type, t); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return stmterr.Bad("Cast of %s to %s is not supported", from, to)
}

// castComplex converts an ARRAY, MAP or STRUCT value element by element;
// a target STRUCT's fields the source lacks are NULL. An element whose
// cast fails makes the whole cast NULL (castComplexChecked).
func castComplex(v any, from, to types.Type) any {
	out, _ := castComplexChecked(v, from, to)
	return out
}

// castComplexChecked is CastEvaluator.castArray, castMap and castStruct:
// each element, key and value, or each field of the source the target
// names (in the source's order), cast by a mapper no catch wraps, so that
// the first one that throws makes the whole cast throw: NULL, and its
// messages (none where this server does not know them, as for an element
// that is NULL from a value that is not). A MAP's entries are cast key
// first and put into a new HashMap<>(size) in the source's order.
func castComplexChecked(v any, from, to types.Type) (any, []string) {
	failed := func(in, out any) bool { return out == nil && in != nil }
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			o, thrown := castChecked(e, from.Elem, to.Elem)
			if thrown != nil || failed(e, o) {
				return nil, thrown
			}
			out[i] = o
		}
		return out, nil
	case *types.KeyedMap:
		ks, vs := make([]any, len(x.Keys)), make([]any, len(x.Keys))
		for i, k := range x.Keys {
			var thrown []string
			if ks[i], thrown = castChecked(k, from.Key, to.Key); thrown != nil || failed(k, ks[i]) {
				return nil, thrown
			}
			if vs[i], thrown = castChecked(x.Vals[i], from.Elem, to.Elem); thrown != nil || failed(x.Vals[i], vs[i]) {
				return nil, thrown
			}
		}
		out := types.NewHashMap(len(ks))
		for i, k := range ks {
			out.Put(k, vs[i])
		}
		return out.Map(), nil
	case *types.StructVal:
		out := &types.StructVal{Type: to, Vals: make([]any, len(to.Fields))}
		for j, f := range from.Fields {
			i, t, ok := to.Field(f.Name)
			if !ok {
				continue
			}
			o, thrown := castChecked(x.Vals[j], f.Type, t)
			if thrown != nil || failed(x.Vals[j], o) {
				return nil, thrown
			}
			out.Vals[i] = o
		}
		return out, nil
	}
	return nil, nil
}

// CastValue converts a non-NULL value of type from into type to as ksqlDB's
// generated code does; a conversion that throws in ksqlDB yields NULL.
func CastValue(v any, from, to types.Type) any {
	if v == nil {
		return nil
	}
	if out, ok := types.CastTemporal(v, from, to); ok {
		return out
	}
	if from.Complex() && from.Kind() == to.Kind() {
		if from == to {
			return v
		}
		return castComplex(v, from, to)
	}
	if to.Kind() == types.KindDecimal {
		return types.CastToDecimal(v, to)
	}
	if d, ok := v.(types.Decimal); ok {
		switch to {
		case types.Integer:
			return int32(d.Integer()) // BigDecimal.intValue keeps the low 32 bits
		case types.Bigint:
			return d.Integer()
		case types.Double:
			return d.Float()
		case types.String:
			return d.Plain()
		}
		return nil
	}
	if s, ok := v.(string); ok {
		return castString(strings.TrimSpace(s), to)
	}
	switch to {
	case types.String:
		return types.Format(v)
	case types.Integer:
		if f, ok := v.(float64); ok {
			return int32(javanum.JavaLong(f, math.MinInt32, math.MaxInt32))
		}
		return int32(types.ToInt(v)) // Java's Long.intValue keeps the low 32 bits
	case types.Bigint:
		if f, ok := v.(float64); ok {
			return javanum.JavaLong(f, math.MinInt64, math.MaxInt64)
		}
		return types.ToInt(v)
	case types.Double:
		return types.ToFloat(v)
	}
	return nil
}

// castChecked is CastValue that also tells, for the casts whose Java
// exception is known, the messages of what ksqlDB's cast throws (nil when
// it does not): Integer.parseInt and Long.parseLong throw
// NumberFormatException "For input string: "<text>"", SqlDoubles.parseDouble
// Double.parseDouble's ("empty String" for no text) or its own "Invalid
// double value: <text>" for NaN and the infinities (CastEvaluator, the text
// trimmed first); a DECIMAL that does not fit the target's precision the
// ArithmeticException "Numeric field overflow: ..." of
// DecimalUtil.ensureMax, text that is no number what new BigDecimal
// throws; text cast to a time type or BYTES what SqlTimeTypes and
// Base64's decoder throw (types.ParseTemporalText); an ARRAY, MAP or
// STRUCT what its first failing element's cast throws
// (castComplexChecked). Other failing casts yield NULL without them.
func castChecked(v any, from, to types.Type) (any, []string) {
	if v == nil {
		return nil, nil
	}
	if to.Kind() == types.KindDecimal && (from == types.String || from.Numeric()) {
		out, err := types.CastToDecimalChecked(v, to)
		if err != nil {
			return nil, thrownMessages(err)
		}
		return out, nil
	}
	if from.Complex() && from.Kind() == to.Kind() && from != to {
		return castComplexChecked(v, from, to)
	}
	if ts, ok := v.(types.TimestampVal); ok && to.Kind() == types.KindDate {
		// SqlTimeTypes.timestampToDate: the instant's LocalDate in UTC
		d, thrown := types.DateOfDay(types.FloorDiv(int64(ts), types.MsPerDay))
		if thrown != nil {
			return nil, thrown
		}
		return d, nil
	}
	s, ok := v.(string)
	if !ok || from != types.String {
		return CastValue(v, from, to), nil
	}
	if to.Temporal() || to.Kind() == types.KindBytes {
		out, err := types.ParseTemporalText(strings.TrimSpace(s), to)
		var thrown types.Thrown
		if errors.As(err, &thrown) {
			return nil, thrown
		}
		return out, nil
	}
	if to != types.Integer && to != types.Bigint && to != types.Double {
		return CastValue(v, from, to), nil
	}
	t := strings.TrimSpace(s)
	if out := castString(t, to); out != nil {
		return out, nil
	}
	return nil, []string{parseFailure(t, to)}
}

// thrownMessages is what ErrorMessageUtil lists of a failure: a Thrown's
// messages, or the one message of another error.
func thrownMessages(err error) []string {
	var thrown types.Thrown
	if errors.As(err, &thrown) {
		return thrown
	}
	return []string{err.Error()}
}

// parseFailure is the message of the NumberFormatException that parsing
// trimmed text t as a number of type to throws.
func parseFailure(t string, to types.Type) string {
	if to == types.Double {
		if t == "" {
			return "empty String"
		}
		unsigned := strings.TrimLeft(t, "+-")
		f, err := strconv.ParseFloat(strings.TrimRight(t, "dDfF"), 64)
		if len(t)-len(unsigned) <= 1 && (unsigned == "NaN" || unsigned == "Infinity" || (err != nil && math.IsInf(f, 0))) {
			return "Invalid double value: " + t
		}
	}
	return `For input string: "` + t + `"`
}

// castString parses trimmed text: SqlBooleans.parseBoolean, Integer.parseInt,
// Long.parseLong and SqlDoubles.parseDouble (which rejects NaN and Infinity).
func castString(s string, to types.Type) any {
	switch to {
	case types.String:
		return s
	case types.Boolean:
		return sqlBoolean(s)
	case types.Integer:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 32)
		if err != nil || strings.HasPrefix(s, "+-") {
			return nil
		}
		return int32(n)
	case types.Bigint:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		if err != nil || strings.HasPrefix(s, "+-") {
			return nil
		}
		return n
	case types.Double:
		// Java's Double.parseDouble also takes a trailing type letter
		f, err := strconv.ParseFloat(strings.TrimRight(s, "dDfF"), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || strings.Contains(s, "_") {
			return nil
		}
		return f
	}
	return nil
}

// sqlBoolean is true when s is, ignoring case, a non-empty prefix of "true" or "yes".
func sqlBoolean(s string) bool {
	if s == "" {
		return false
	}
	l := strings.ToLower(s)
	return strings.HasPrefix("true", l) || strings.HasPrefix("yes", l)
}

// likeRegexp translates a LIKE pattern as LikeEvaluator does: % is any run,
// _ any one character, the escape character makes the next one literal. It
// returns nil when the pattern ends with the escape character.
func likeRegexp(pattern string, escape rune) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("(?s)^")
	escaped := false
	for _, r := range pattern {
		switch {
		case escaped:
			escaped = false
			b.WriteString(regexp.QuoteMeta(string(r)))
		case escape != 0 && r == escape:
			escaped = true
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	if escaped {
		return nil
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// likeCache keeps the last compiled pattern of one LIKE expression; the
// pattern is usually a literal, so it is compiled once.
type likeCache struct {
	mu      sync.Mutex
	pattern string
	re      *regexp.Regexp
	ok      bool
}

func (c *likeCache) get(pattern string, escape rune) *regexp.Regexp {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.ok || c.pattern != pattern {
		c.pattern, c.re, c.ok = pattern, likeRegexp(pattern, escape), true
	}
	return c.re
}
