package ksqldb

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// temporalOperands makes both sides of a comparison involving a time type
// comparable values: a STRING side is parsed as the other side's type
// (SqlToJavaVisitor), a DATE compared with a TIMESTAMP is its midnight.
func temporalOperands(l, r compiled) (compiled, compiled) {
	lt, rt := l.t, r.t
	if !lt.Temporal() && !rt.Temporal() {
		return l, r
	}
	conv := func(c compiled, to types.Type) compiled {
		from := c.t
		return compiled{t: to, eval: func(row []any) any {
			v := c.eval(row)
			if v == nil {
				return nil
			}
			out, _ := types.CastTemporal(v, from, to)
			return out
		}}
	}
	switch {
	case lt == types.String:
		l = conv(l, rt)
	case rt == types.String:
		r = conv(r, lt)
	case lt.Kind() == types.KindDate && rt.Kind() == types.KindTimestamp:
		l = conv(l, rt)
	case lt.Kind() == types.KindTimestamp && rt.Kind() == types.KindDate:
		r = conv(r, lt)
	}
	return l, r
}
