package functions

import (
	"unicode"
	"unicode/utf16"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The MASK family (udf/string/Mask*.java, Masker.java): upper-case letters
// become 'X', lower-case 'x', digits 'n', anything else '-'. The five-argument
// forms take one mask character per class; a NULL mask leaves that class
// unmasked, a mask that is not one character fails the call.

const noMask = -1

type masker struct{ upper, lower, digit, other rune }

var defaultMasker = masker{'X', 'x', 'n', '-'}

func (m masker) mask(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		var to rune
		switch {
		case unicode.IsUpper(r) && unicode.Is(unicode.Lu, r):
			to = m.upper
		case unicode.Is(unicode.Ll, r):
			to = m.lower
		case unicode.Is(unicode.Nd, r):
			to = m.digit
		default:
			to = m.other
		}
		if to == noMask {
			to = r
		}
		out = append(out, to)
	}
	return string(out)
}

// maskChar is Masker.getMaskCharacter: NULL is no mask, and a text that
// is not one UTF-16 character its KsqlException's message.
func maskChar(v any) (rune, string) {
	if v == nil {
		return noMask, ""
	}
	r := []rune(v.(string))
	if len(utf16.Encode(r)) != 1 {
		return 0, "Invalid mask character. Must be only single character, but was '" + v.(string) + "'"
	}
	return r[0], ""
}

// customMasker reads the four masks in order, the first failure thrown.
func customMasker(a []any) (masker, []string) {
	var m masker
	for i, dst := range []*rune{&m.upper, &m.lower, &m.digit, &m.other} {
		r, msg := maskChar(a[i])
		if msg != "" {
			return masker{}, threw(msg)
		}
		*dst = r
	}
	return m, nil
}

// partialMask masks (or keeps, when keep is set) n characters at the left or right end.
func partialMask(m masker, s string, n int, right, keep bool) string {
	u := utf16.Encode([]rune(s))
	n = min(n, len(u))
	cut := n
	if right {
		cut = len(u) - n
	}
	head, tail := string(utf16.Decode(u[:cut])), string(utf16.Decode(u[cut:]))
	maskHead := right == keep // mask_left and mask_keep_right mask the head
	if maskHead {
		return m.mask(head) + tail
	}
	return head + m.mask(tail)
}

const maskUDF = "public java.lang.String io.confluent.ksql.function.udf.string."

func registerMasks() {
	const fourMasks = ",java.lang.String,java.lang.String,java.lang.String,java.lang.String)"
	register(&UDF{name: "mask", overloads: []Overload{
		{Params: []Param{p(types.String, "input")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return defaultMasker.mask(a[0].(string))
		}},
		throwing(Overload{Params: []Param{p(types.String, "input"), p(types.String, "upper"), p(types.String, "lower"), p(types.String, "digit"), p(types.String, "other")}, Ret: types.String,
			Method: maskUDF + "Mask.mask(java.lang.String" + fourMasks,
			Throwing: func(a []any) (any, []string) {
				m, thrown := customMasker(a[1:])
				if thrown != nil || a[0] == nil {
					return nil, thrown
				}
				return m.mask(a[0].(string)), nil
			}}),
	}})
	for _, v := range []struct {
		name, class string
		right, keep bool
	}{{"mask_left", "MaskLeft", false, false}, {"mask_right", "MaskRight", true, false}, {"mask_keep_left", "MaskKeepLeft", false, true}, {"mask_keep_right", "MaskKeepRight", true, true}} {
		name, right, keep := v.name, v.right, v.keep
		partial := func(m masker, a []any) (any, []string) {
			switch {
			case a[1] == nil:
				return nil, nullForPrimitive // numChars is an int
			case a[1].(int32) < 0: // Masker.validateParams
				return nil, threw("function " + name + " requires a non-negative number of characters to mask or skip")
			case a[0] == nil:
				return nil, nil
			}
			return partialMask(m, a[0].(string), int(a[1].(int32)), right, keep), nil
		}
		method := maskUDF + v.class + ".mask(java.lang.String,int"
		register(&UDF{name: v.name, overloads: []Overload{
			throwing(Overload{Params: []Param{p(types.String, "input"), p(types.Integer, "numChars")}, Ret: types.String, Method: method + ")",
				Throwing: func(a []any) (any, []string) { return partial(defaultMasker, a) }}),
			throwing(Overload{Params: []Param{p(types.String, "input"), p(types.Integer, "numChars"), p(types.String, "upper"), p(types.String, "lower"), p(types.String, "digit"), p(types.String, "other")}, Ret: types.String,
				Method: method + fourMasks,
				Throwing: func(a []any) (any, []string) {
					if a[1] == nil {
						return nil, nullForPrimitive // before the method runs
					}
					m, thrown := customMasker(a[2:])
					if thrown != nil {
						return nil, thrown
					}
					return partial(m, a)
				}}),
		}})
	}
}
