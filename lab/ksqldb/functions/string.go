package functions

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// String functions, as confluentinc/ksql ksqldb-engine
// src/main/java/io/confluent/ksql/function/udf/string/*.java define them and
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/
// documents them. Java strings count UTF-16 code units, so lengths and
// positions here do too.

func jlen(s string) int { return len(utf16.Encode([]rune(s))) }

// jsub is Java's String.substring(start, end) over UTF-16 code units.
func jsub(s string, start, end int) string {
	u := utf16.Encode([]rune(s))
	return string(utf16.Decode(u[start:end]))
}

func str1(f func(string) any) func([]any) any {
	return func(a []any) any {
		if a[0] == nil {
			return nil
		}
		return f(a[0].(string))
	}
}

// javaTrim is String.trim: it strips characters up to U+0020 at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}

func init() {
	register(&UDF{name: "ucase", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.String,
		Fn: str1(func(s string) any { return strings.ToUpper(s) })}}})
	register(&UDF{name: "lcase", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.String,
		Fn: str1(func(s string) any { return strings.ToLower(s) })}}})
	register(&UDF{name: "trim", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.String,
		Fn: str1(func(s string) any { return javaTrim(s) })}}})
	register(&UDF{name: "len", overloads: []Overload{{Params: []Param{p(types.String, "input")}, Ret: types.Integer,
		Fn: str1(func(s string) any { return int32(jlen(s)) })},
		{Params: []Param{p(types.Bytes, "input")}, Ret: types.Integer, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return int32(len(a[0].([]byte)))
		}}}})
	register(&UDF{name: "initcap", overloads: []Overload{{Params: []Param{p(types.String, "str")}, Ret: types.String,
		Fn: str1(initcap)}}})

	// Substring: positions are 1-based; a negative position counts from the end.
	register(&UDF{name: "substring", overloads: []Overload{
		{Params: []Param{p(types.String, "str"), p(types.Integer, "pos")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			s := a[0].(string)
			n := jlen(s)
			return jsub(s, substringStart(n, int(a[1].(int32))), n)
		}},
		{Params: []Param{p(types.String, "str"), p(types.Integer, "pos"), p(types.Integer, "length")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil || a[2] == nil {
				return nil
			}
			s := a[0].(string)
			n := jlen(s)
			start := substringStart(n, int(a[1].(int32)))
			end := max(min(start+int(a[2].(int32)), n), start)
			return jsub(s, start, end)
		}},
	}})

	register(&UDF{name: "concat", overloads: []Overload{{Params: []Param{p(types.String, "inputs")}, variadic: true, Ret: types.String,
		Fn: func(a []any) any {
			var b strings.Builder
			for _, v := range a {
				if v != nil {
					b.WriteString(v.(string))
				}
			}
			return b.String()
		}}}})
	register(&UDF{name: "concat_ws", overloads: []Overload{{Params: []Param{p(types.String, "inputs")}, variadic: true, Ret: types.String,
		Fn: func(a []any) any {
			if len(a) < 2 || a[0] == nil { // fewer than two arguments throws in ConcatWS
				return nil
			}
			var parts []string
			for _, v := range a[1:] {
				if v != nil {
					parts = append(parts, v.(string))
				}
			}
			return strings.Join(parts, a[0].(string))
		}}}})

	register(&UDF{name: "replace", overloads: []Overload{{Params: []Param{p(types.String, "str"), p(types.String, "oldStr"), p(types.String, "newStr")}, Ret: types.String,
		Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil || a[2] == nil {
				return nil
			}
			return javaReplace(a[0].(string), a[1].(string), a[2].(string))
		}}}})

	instr := func(a []any) any {
		if len(a) > 2 && (a[2] == nil || (len(a) > 3 && a[3] == nil)) {
			return nil // a NULL reaching Instr's primitive int parameters throws
		}
		if a[0] == nil || a[1] == nil {
			return int32(0)
		}
		pos, occ := 1, 1
		if len(a) > 2 {
			pos = int(a[2].(int32))
		}
		if len(a) > 3 {
			occ = int(a[3].(int32))
		}
		return int32(instrFind(a[0].(string), a[1].(string), pos, occ))
	}
	register(&UDF{name: "instr", overloads: []Overload{
		{Params: []Param{p(types.String, "str"), p(types.String, "substring")}, Ret: types.Integer, Fn: instr},
		{Params: []Param{p(types.String, "str"), p(types.String, "substring"), p(types.Integer, "position")}, Ret: types.Integer, Fn: instr},
		{Params: []Param{p(types.String, "str"), p(types.String, "substring"), p(types.Integer, "position"), p(types.Integer, "occurrence")}, Ret: types.Integer, Fn: instr},
	}})

	pad := func(left bool) func([]any) any {
		return func(a []any) any {
			if a[0] == nil || a[1] == nil || a[2] == nil {
				return nil
			}
			in, n, padding := utf16.Encode([]rune(a[0].(string))), int(a[1].(int32)), utf16.Encode([]rune(a[2].(string)))
			if len(padding) == 0 || n < 0 {
				return nil
			}
			if n > maxPadLength {
				return nil // Java fails to allocate long before this; the server must not
			}
			fill := make([]uint16, 0, max(n-len(in), 0))
			for len(fill) < n-len(in) {
				fill = append(fill, padding[len(fill)%len(padding)])
			}
			var out []uint16
			if left {
				out = append(fill, in...)
			} else {
				out = append(append([]uint16(nil), in...), fill...)
			}
			return string(utf16.Decode(out[:n]))
		}
	}
	register(&UDF{name: "LPad", overloads: []Overload{{Params: []Param{p(types.String, "input"), p(types.Integer, "targetLen"), p(types.String, "padding")}, Ret: types.String, Fn: pad(true)}}})
	register(&UDF{name: "RPad", overloads: []Overload{{Params: []Param{p(types.String, "input"), p(types.Integer, "targetLen"), p(types.String, "padding")}, Ret: types.String, Fn: pad(false)}}})

	register(&UDF{name: "Chr", overloads: []Overload{
		{Params: []Param{p(types.Integer, "decimalCode")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			c := a[0].(int32)
			if c < 0 || c > unicode.MaxRune {
				return nil
			}
			return string(rune(c))
		}},
		{Params: []Param{p(types.String, "utf16Code")}, Ret: types.String, Fn: func(a []any) any {
			if a[0] == nil {
				return nil
			}
			return chrEscape(a[0].(string))
		}},
	}})

	// Split: Guava's Splitter.on(delimiter) keeps empty pieces; an empty
	// delimiter splits into characters (Pattern.compile("").split).
	register(&UDF{name: "split", overloads: []Overload{{Params: []Param{p(types.String, "string"), p(types.String, "delimiter")}, Ret: types.ArrayOf(types.String),
		Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			s, d := a[0].(string), a[1].(string)
			var parts []string
			if d == "" {
				u := utf16.Encode([]rune(s))
				if len(u) == 0 {
					parts = []string{""}
				}
				for i := range u {
					parts = append(parts, string(utf16.Decode(u[i:i+1])))
				}
			} else {
				parts = strings.Split(s, d)
			}
			out := make([]any, len(parts))
			for i, x := range parts {
				out[i] = x
			}
			return out
		}}}})

	registerMasks()
	registerBytesOverloads()
}

// maxPadLength bounds LPAD/RPAD results (in UTF-16 units) so one call
// cannot exhaust the server's memory.
const maxPadLength = 1 << 24

func substringStart(n, pos int) int {
	if pos < 0 {
		return max(n+pos, 0)
	}
	return max(min(pos-1, n), 0)
}

// javaReplace is String.replace(CharSequence, CharSequence): an empty target
// inserts the replacement between every character and at both ends.
func javaReplace(s, old, repl string) string {
	if old != "" {
		return strings.ReplaceAll(s, old, repl)
	}
	u := utf16.Encode([]rune(s))
	var b strings.Builder
	b.WriteString(repl)
	for i := range u {
		b.WriteString(string(utf16.Decode(u[i : i+1])))
		b.WriteString(repl)
	}
	return b.String()
}

// initcap upper-cases the first character of every whitespace-separated word
// and lower-cases the rest (InitCap).
func initcap(s string) any {
	var b strings.Builder
	start := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) {
			start = true
			b.WriteRune(r)
			continue
		}
		if start {
			r = unicode.ToUpper(r)
			start = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// instrFind is Instr: the 1-based position of the occurrence-th match at or
// after position (from the end when position is negative), or 0.
func instrFind(s, sub string, position, occurrence int) int {
	u, su := utf16.Encode([]rune(s)), utf16.Encode([]rune(sub))
	if abs(position) > len(u) {
		return 0
	}
	reversed := position < 0
	if reversed {
		u, su = reverse16(u), reverse16(su)
		position = -position
	}
	from := max(position-1, 0)
	idx := ordinalIndex(u[from:], su, occurrence)
	if idx < 0 {
		return 0
	}
	if reversed {
		return len(u) - position - idx - len(su) + 2
	}
	return idx + position
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func reverse16(u []uint16) []uint16 {
	out := make([]uint16, len(u))
	for i, c := range u {
		out[len(u)-1-i] = c
	}
	return out
}

// ordinalIndex is StringUtils.ordinalIndexOf: the index of the n-th
// occurrence (searches restart one past the previous match), or -1.
func ordinalIndex(u, sub []uint16, n int) int {
	if n <= 0 {
		return -1
	}
	if len(sub) == 0 {
		return 0
	}
	found, from := 0, 0
	for from+len(sub) <= len(u) {
		i := indexOf16(u[from:], sub)
		if i < 0 {
			return -1
		}
		found++
		if found == n {
			return from + i
		}
		from += i + 1
	}
	return -1
}

func indexOf16(u, sub []uint16) int {
	for i := 0; i+len(sub) <= len(u); i++ {
		match := true
		for j := range sub {
			if u[i+j] != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// chrEscape is Chr(STRING): a '\uXXXX' escape turned into its character.
func chrEscape(s string) any {
	if jlen(s) < 6 || !strings.HasPrefix(s, `\u`) {
		return nil
	}
	var units []uint16
	for strings.HasPrefix(s, `\u`) && len(s) >= 6 {
		var v uint16
		for _, c := range s[2:6] {
			d := strings.IndexRune("0123456789abcdef", unicode.ToLower(c))
			if d < 0 {
				return nil
			}
			v = v*16 + uint16(d)
		}
		units = append(units, v)
		s = s[6:]
	}
	return string(utf16.Decode(units)) + s
}
