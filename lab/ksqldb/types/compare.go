package types

import (
	"strings"
)

// NullName prints a type as Java's String.valueOf(SqlType) would, "null" for the NULL literal.
func NullName(t Type) string {
	if t == Null {
		return "null"
	}
	return t.String()
}

func ToFloat(v any) float64 {
	switch x := v.(type) {
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case float64:
		return x
	case Decimal:
		return x.Float() // BigDecimal.doubleValue
	}
	return 0
}

func ToInt(v any) int64 {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int64:
		return x
	case float64:
		return int64(x)
	}
	return 0
}

// Compare orders two non-nil values of comparable
func Compare(a, b any) int {
	if c, ok := CompareTemporal(a, b); ok {
		return c
	}
	switch x := a.(type) {
	case string:
		y, _ := b.(string)
		return strings.Compare(x, y)
	case bool:
		y, _ := b.(bool)
		switch {
		case x == y:
			return 0
		case !x:
			return -1
		}
		return 1
	}
	_, ad := a.(Decimal)
	_, bd := b.(Decimal)
	if ad || bd {
		// visitDecimalComparisonExpression: both sides as BigDecimal, compareTo
		x, _ := ToDecimal(a)
		y, _ := ToDecimal(b)
		if x.Unscaled == nil || y.Unscaled == nil { // NaN or infinity: a DOUBLE that BigDecimal.valueOf refuses
			return compareFloats(ToFloat(a), ToFloat(b))
		}
		return x.Cmp(y)
	}
	_, af := a.(float64)
	_, bf := b.(float64)
	if af || bf {
		x, y := ToFloat(a), ToFloat(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	x, y := ToInt(a), ToInt(b)
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func compareFloats(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// Equal compares complex values for = and <> (List/Map/Struct equals).
func Equal(a, b any) bool {
	switch x := a.(type) {
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !EqualOrBothNull(x[i], y[i]) {
				return false
			}
		}
		return true
	case *KeyedMap:
		y, ok := b.(*KeyedMap)
		if !ok || x.Len() != y.Len() {
			return false
		}
		for i, k := range x.Keys {
			j, ok := y.index[javaKeyID(k)]
			if !ok || !EqualOrBothNull(x.Vals[i], y.Vals[j]) {
				return false
			}
		}
		return true
	case *StructVal:
		y, ok := b.(*StructVal)
		if !ok || x.Type != y.Type {
			return false
		}
		for i := range x.Vals {
			if !EqualOrBothNull(x.Vals[i], y.Vals[i]) {
				return false
			}
		}
		return true
	}
	return Compare(a, b) == 0
}

func EqualOrBothNull(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return Equal(a, b)
}

// AnyDecimal stands for every DECIMAL(p, s) in the tables of allowed
// casts and implicit widenings; no column has it.
var AnyDecimal = Intern(&Info{Base: KindDecimal, Text: "DECIMAL"})

// AnyDecimalOf maps every DECIMAL type to tAnyDecimal.
func AnyDecimalOf(t Type) Type {
	if t.Kind() == KindDecimal {
		return AnyDecimal
	}
	return t
}
