package types

import (
	"math"
	"strconv"
	"unicode"
	"unicode/utf16"
)

// BigDecimalTextFailure is what new BigDecimal(text) throws for text it
// refuses, as ErrorMessageUtil lists it: the NumberFormatException's
// message, or the exception itself and the ArrayIndexOutOfBoundsException
// it was given as cause when the parser read past the end (java.math.BigDecimal's
// char[] constructor, JDK 17: a sign, digits with one decimal point, an
// exponent of at most 10 significant digits; up to 18 characters after the
// sign are read by the compact path, which names a character it cannot
// read, more by the one that does not). ok is false for text it takes.
func BigDecimalTextFailure(text string) (msgs []string, ok bool) {
	in := utf16.Encode([]rune(text))
	if len(in) == 0 {
		return outOfBounds(0, 0), true
	}
	i := 0
	if in[0] == '-' || in[0] == '+' {
		i++
	}
	compact := len(in)-i <= 18
	digits, dot := 0, false
	fracDigits := int64(0)
	for ; i < len(in); i++ {
		c := rune(in[i])
		switch {
		case c >= '0' && c <= '9' || unicode.IsDigit(c):
			digits++
			if dot {
				fracDigits++
			}
		case c == '.':
			if dot {
				return []string{"Character array contains more than one decimal point."}, true
			}
			dot = true
		case c == 'e' || c == 'E':
			exp, msgs := bigDecimalExponent(in, i)
			if msgs != nil {
				return msgs, true
			}
			if digits == 0 {
				return []string{"No digits found."}, true
			}
			if scale := fracDigits - exp; scale > math.MaxInt32 || scale < math.MinInt32 {
				return []string{"Scale out of range."}, true
			}
			return nil, false
		default:
			if !compact {
				return []string{`Character array is missing "e" notation exponential mark.`}, true
			}
			return []string{"Character " + string(utf16.Decode(in[i:i+1])) + ` is neither a decimal digit number, decimal point, nor "e" notation exponential mark.`}, true
		}
	}
	if digits == 0 {
		return []string{"No digits found."}, true
	}
	return nil, false
}

// bigDecimalExponent is BigDecimal.parseExp of the exponent after the 'e'
// at in[e]: its value, or the messages of what it throws.
func bigDecimalExponent(in []uint16, e int) (int64, []string) {
	i := e + 1
	if i >= len(in) {
		return 0, outOfBounds(i, len(in))
	}
	neg := in[i] == '-'
	if neg || in[i] == '+' {
		i++
		if i >= len(in) {
			return 0, outOfBounds(i, len(in))
		}
	}
	for len(in)-i > 10 && digitValue(rune(in[i])) == 0 {
		i++
	}
	if len(in)-i > 10 {
		return 0, []string{"Too many nonzero exponent digits."}
	}
	exp := int64(0)
	for ; i < len(in); i++ {
		v := digitValue(rune(in[i]))
		if v < 0 {
			return 0, []string{"Not a digit."}
		}
		exp = exp*10 + int64(v)
	}
	if neg {
		exp = -exp
	}
	if exp != int64(int32(exp)) {
		return 0, []string{"Exponent overflow."}
	}
	return exp, nil
}

// digitValue is Character.digit(c, 10) for a decimal digit, -1 otherwise.
func digitValue(c rune) int {
	if c >= '0' && c <= '9' {
		return int(c - '0')
	}
	if unicode.IsDigit(c) {
		for z := c; z >= c-9; z-- {
			if !unicode.IsDigit(z - 1) {
				return int(c - z)
			}
		}
	}
	return -1
}

// outOfBounds is the NumberFormatException without a message that BigDecimal
// throws when it reads in[i] of an array of n, with the
// ArrayIndexOutOfBoundsException it caught as cause.
func outOfBounds(i, n int) []string {
	return []string{"java.lang.NumberFormatException", "Index " + strconv.Itoa(i) + " out of bounds for length " + strconv.Itoa(n)}
}
