package functions

import (
	"bytes"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The BYTES overloads of the string functions, as
// ksqldb-engine/.../function/udf/string/{Concat,ConcatWS,Len,LPad,RPad,
// Split,Substring}.java declare them next to the STRING ones: lengths and
// positions count bytes.
func registerBytesOverloads() {
	addOverloads("CONCAT", Overload{Params: []Param{p(types.Bytes, "inputs")}, variadic: true, Ret: types.Bytes,
		Fn: func(a []any) any {
			var out []byte
			for _, v := range a {
				if v != nil {
					out = append(out, v.([]byte)...)
				}
			}
			if out == nil {
				out = []byte{}
			}
			return out
		}})
	addOverloads("CONCAT_WS", Overload{Params: []Param{p(types.Bytes, "inputs")}, variadic: true, Ret: types.Bytes,
		Fn: func(a []any) any {
			if len(a) < 2 || a[0] == nil {
				return nil
			}
			var parts [][]byte
			for _, v := range a[1:] {
				if v != nil {
					parts = append(parts, v.([]byte))
				}
			}
			return append([]byte{}, bytes.Join(parts, a[0].([]byte))...)
		}})
	addOverloads("LEN", Overload{Params: []Param{p(types.Bytes, "input")}, Ret: types.Integer, Fn: func(a []any) any {
		if a[0] == nil {
			return nil
		}
		return int32(len(a[0].([]byte)))
	}})
	addOverloads("SUBSTRING",
		Overload{Params: []Param{p(types.Bytes, "bytes"), p(types.Integer, "pos")}, Ret: types.Bytes, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil {
				return nil
			}
			b := a[0].([]byte)
			return append([]byte{}, b[substringStart(len(b), int(a[1].(int32))):]...)
		}},
		Overload{Params: []Param{p(types.Bytes, "bytes"), p(types.Integer, "pos"), p(types.Integer, "length")}, Ret: types.Bytes, Fn: func(a []any) any {
			if a[0] == nil || a[1] == nil || a[2] == nil {
				return nil
			}
			b := a[0].([]byte)
			start := substringStart(len(b), int(a[1].(int32)))
			end := max(min(start+int(a[2].(int32)), len(b)), start)
			return append([]byte{}, b[start:end]...)
		}})
	addOverloads("LPAD", Overload{Params: []Param{p(types.Bytes, "input"), p(types.Integer, "targetLen"), p(types.Bytes, "padding")}, Ret: types.Bytes, Fn: padBytes(true)})
	addOverloads("RPAD", Overload{Params: []Param{p(types.Bytes, "input"), p(types.Integer, "targetLen"), p(types.Bytes, "padding")}, Ret: types.Bytes, Fn: padBytes(false)})
	addOverloads("SPLIT", Overload{Params: []Param{p(types.Bytes, "bytes"), p(types.Bytes, "delimiter")}, Ret: types.ArrayOf(types.Bytes), Fn: func(a []any) any {
		if a[0] == nil || a[1] == nil {
			return nil
		}
		b, d := a[0].([]byte), a[1].([]byte)
		// BytesUtils.split: an empty input is one empty piece, whatever the
		// delimiter; an empty delimiter splits into single bytes
		var parts [][]byte
		switch {
		case len(b) == 0:
			parts = [][]byte{nil}
		case len(d) == 0:
			for i := range b {
				parts = append(parts, b[i:i+1])
			}
		default:
			parts = bytes.Split(b, d)
		}
		out := make([]any, len(parts))
		for i, x := range parts {
			out[i] = append([]byte{}, x...)
		}
		return out
	}})
}

// addOverloads adds overloads to a function already registered.
func addOverloads(name string, os ...Overload) {
	f := Scalars[name]
	f.overloads = append(f.overloads, os...)
}

// padBytes is LPad / RPad over BYTES: NULL for an empty or NULL padding or
// a negative length, the input cut to the length when longer.
func padBytes(left bool) func([]any) any {
	return func(a []any) any {
		if a[0] == nil || a[1] == nil || a[2] == nil {
			return nil
		}
		in, n, padding := a[0].([]byte), int(a[1].(int32)), a[2].([]byte)
		if len(padding) == 0 || n < 0 || n > maxPadLength {
			return nil
		}
		if len(in) >= n {
			return append([]byte{}, in[:n]...)
		}
		fill := make([]byte, n-len(in))
		for i := range fill {
			fill[i] = padding[i%len(padding)]
		}
		if left {
			return append(fill, in...)
		}
		return append(append([]byte{}, in...), fill...)
	}
}
