package expr

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// temporalOperands makes both sides of a comparison involving a time type
// comparable values: a STRING side is parsed as the other side's type
// (SqlToJavaVisitor), a DATE compared with a TIMESTAMP is its midnight.
func temporalOperands(l, r Compiled) (Compiled, Compiled) {
	lt, rt := l.Type, r.Type
	if !lt.Temporal() && !rt.Temporal() {
		return l, r
	}
	conv := func(c Compiled, to types.Type) Compiled {
		from := c.Type
		return Compiled{Type: to, Eval: func(row []any) any {
			v := c.Eval(row)
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
