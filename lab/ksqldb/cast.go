package ksqldb

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// castPairs are the casts between scalar types ksqlDB allows
// (CastEvaluator.SUPPORTED in confluentinc/ksql ksqldb-execution); a cast to
// the same type is always allowed.
var castPairs = map[[2]sqlType]bool{
	{tBoolean, tString}: true, {tAnyDecimal, tAnyDecimal}: true,
	{tInteger, tBigint}: true, {tInteger, tAnyDecimal}: true, {tInteger, tDouble}: true, {tInteger, tString}: true,
	{tBigint, tInteger}: true, {tBigint, tAnyDecimal}: true, {tBigint, tDouble}: true, {tBigint, tString}: true,
	{tAnyDecimal, tInteger}: true, {tAnyDecimal, tBigint}: true, {tAnyDecimal, tDouble}: true, {tAnyDecimal, tString}: true,
	{tDouble, tInteger}: true, {tDouble, tBigint}: true, {tDouble, tAnyDecimal}: true, {tDouble, tString}: true,
	{tString, tBoolean}: true, {tString, tInteger}: true, {tString, tBigint}: true, {tString, tAnyDecimal}: true, {tString, tDouble}: true,
}

// tAnyDecimal stands for every DECIMAL(p, s) in the tables of allowed
// casts and implicit widenings; no column has it.
var tAnyDecimal = intern(&typeInfo{base: kDecimal, text: "DECIMAL"})

// anyDecimal maps every DECIMAL type to tAnyDecimal.
func anyDecimal(t sqlType) sqlType {
	if t.kind() == kDecimal {
		return tAnyDecimal
	}
	return t
}

// checkCast refuses a cast ksqlDB refuses, with UnsupportedCastException's message.
func checkCast(from, to sqlType) error {
	if from == tNull || from == to || castPairs[[2]sqlType{anyDecimal(from), anyDecimal(to)}] || (from.complex() && to == tString) ||
		castTemporalPairs[[2]baseKind{from.kind(), to.kind()}] {
		return nil
	}
	if from.kind() == to.kind() && from.complex() && checkComplexCast(from, to) == nil {
		return nil
	}
	return badStatement("Cast of %s to %s is not supported", from, to)
}

// checkComplexCast is CastEvaluator's ARRAY to ARRAY, MAP to MAP and
// STRUCT to STRUCT: the elements, keys and values, or the fields both
// structs name, must cast.
func checkComplexCast(from, to sqlType) error {
	switch from.kind() {
	case kArray:
		return checkCast(from.elem, to.elem)
	case kMap:
		if err := checkCast(from.key, to.key); err != nil {
			return err
		}
		return checkCast(from.elem, to.elem)
	case kStruct:
		for _, f := range from.fields {
			if _, t, ok := to.field(f.Name); ok {
				if err := checkCast(f.Type, t); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return badStatement("Cast of %s to %s is not supported", from, to)
}

// castComplex converts an ARRAY, MAP or STRUCT value element by element;
// a target STRUCT's fields the source lacks are NULL.
func castComplex(v any, from, to sqlType) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = castValue(e, from.elem, to.elem)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = castValue(e, from.elem, to.elem)
		}
		return out
	case *structVal:
		out := &structVal{t: to, vals: make([]any, len(to.fields))}
		for i, f := range to.fields {
			if j, t, ok := from.field(f.Name); ok {
				out.vals[i] = castValue(x.vals[j], t, f.Type)
			}
		}
		return out
	}
	return nil
}

// castValue converts a non-NULL value of type from into type to as ksqlDB's
// generated code does; a conversion that throws in ksqlDB yields NULL.
func castValue(v any, from, to sqlType) any {
	if v == nil {
		return nil
	}
	if out, ok := castTemporal(v, from, to); ok {
		return out
	}
	if from.complex() && from.kind() == to.kind() {
		if from == to {
			return v
		}
		return castComplex(v, from, to)
	}
	if to.kind() == kDecimal {
		return castToDecimal(v, to)
	}
	if d, ok := v.(sqlDecimal); ok {
		switch to {
		case tInteger:
			return int32(d.integer()) // BigDecimal.intValue keeps the low 32 bits
		case tBigint:
			return d.integer()
		case tDouble:
			return d.float()
		case tString:
			return d.plain()
		}
		return nil
	}
	if s, ok := v.(string); ok {
		return castString(strings.TrimSpace(s), to)
	}
	switch to {
	case tString:
		return formatValue(v)
	case tInteger:
		if f, ok := v.(float64); ok {
			return int32(javaLong(f, math.MinInt32, math.MaxInt32))
		}
		return int32(toInt(v)) // Java's Long.intValue keeps the low 32 bits
	case tBigint:
		if f, ok := v.(float64); ok {
			return javaLong(f, math.MinInt64, math.MaxInt64)
		}
		return toInt(v)
	case tDouble:
		return toFloat(v)
	}
	return nil
}

// javaLong converts a double to an integer as Java's narrowing conversion
// does: NaN is 0, values outside [lo, hi] saturate, the rest truncate.
func javaLong(f float64, lo, hi int64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f <= float64(lo):
		return lo
	case f >= float64(hi):
		return hi
	}
	return int64(f)
}

// castString parses trimmed text: SqlBooleans.parseBoolean, Integer.parseInt,
// Long.parseLong and SqlDoubles.parseDouble (which rejects NaN and Infinity).
func castString(s string, to sqlType) any {
	switch to {
	case tString:
		return s
	case tBoolean:
		return sqlBoolean(s)
	case tInteger:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 32)
		if err != nil || strings.HasPrefix(s, "+-") {
			return nil
		}
		return int32(n)
	case tBigint:
		n, err := strconv.ParseInt(strings.TrimPrefix(s, "+"), 10, 64)
		if err != nil || strings.HasPrefix(s, "+-") {
			return nil
		}
		return n
	case tDouble:
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
