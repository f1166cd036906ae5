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

// maskChar is Masker.getMaskCharacter; ok is false when the call must fail.
func maskChar(v any) (rune, bool) {
	if v == nil {
		return noMask, true
	}
	r := []rune(v.(string))
	if len(utf16.Encode(r)) != 1 {
		return 0, false
	}
	return r[0], true
}

func customMasker(a []any) (masker, bool) {
	var m masker
	var ok [4]bool
	m.upper, ok[0] = maskChar(a[0])
	m.lower, ok[1] = maskChar(a[1])
	m.digit, ok[2] = maskChar(a[2])
	m.other, ok[3] = maskChar(a[3])
	return m, ok[0] && ok[1] && ok[2] && ok[3]
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

func registerMasks() {
	register(&UDF{name: "mask", overloads: []Overload{
		{Params: []Param{p(types.String, "input")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return defaultMasker.mask(a[0].(string))
		}},
		{Params: []Param{p(types.String, "input"), p(types.String, "upper"), p(types.String, "lower"), p(types.String, "digit"), p(types.String, "other")}, Ret: types.String, Fn: func(a []any) any {
			m, ok := customMasker(a[1:])
			if !ok || a[0] == nil {
				return nil
			}
			return m.mask(a[0].(string))
		}},
	}})
	for _, v := range []struct {
		name        string
		right, keep bool
	}{{"mask_left", false, false}, {"mask_right", true, false}, {"mask_keep_left", false, true}, {"mask_keep_right", true, true}} {
		right, keep := v.right, v.keep
		partial := func(m masker, a []any) any {
			if a[1] == nil || a[1].(int32) < 0 { // Masker.validateParams
				return nil
			}
			if a[0] == nil {
				return nil
			}
			return partialMask(m, a[0].(string), int(a[1].(int32)), right, keep)
		}
		register(&UDF{name: v.name, overloads: []Overload{
			{Params: []Param{p(types.String, "input"), p(types.Integer, "numChars")}, Ret: types.String, Fn: func(a []any) any {
				return partial(defaultMasker, a)
			}},
			{Params: []Param{p(types.String, "input"), p(types.Integer, "numChars"), p(types.String, "upper"), p(types.String, "lower"), p(types.String, "digit"), p(types.String, "other")}, Ret: types.String, Fn: func(a []any) any {
				m, ok := customMasker(a[2:])
				if !ok {
					return nil
				}
				return partial(m, a)
			}},
		}})
	}
}
