package expr

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// topkArgs reads TOPK's and TOPKDISTINCT's k, their last argument, which
// must be an INTEGER literal, and compiles TOPK's other columns, the
// arguments between the value and k (TopkKudaf's VariadicArgs). It
// returns the value argument alone.
func (c *AggCall) topkArgs(fc *sql.FuncCall, args []sql.Expr, in *Scope) ([]sql.Expr, error) {
	last := args[len(args)-1]
	lit, ok := last.(*sql.Literal)
	if !ok || lit.Kind != sql.IntLit {
		return nil, stmterr.Bad("Parameter %d passed to function %s must be a literal constant, but was expression: '%s'", len(args), fc.Name, sql.Format(last))
	}
	k, err := strconv.Atoi(lit.Text)
	if err != nil || k < 1 {
		return nil, stmterr.Bad("Invalid value for parameter k of %s: %s", fc.Name, lit.Text)
	}
	c.K = k
	for _, a := range args[1 : len(args)-1] {
		if HasAggregate(a) {
			return nil, stmterr.Bad("Aggregate functions can not be nested: %s", c.Key)
		}
		x, err := (&Compiler{In: in, Clause: "SELECT"}).Compile(a)
		if err != nil {
			return nil, err
		}
		c.extra = append(c.extra, x)
	}
	return args[:1], nil
}

// topkType checks the value's type and sets the result: TOPK takes
// INTEGER, BIGINT, DOUBLE and STRING values (TopkKudaf), TOPKDISTINCT
// DECIMAL, BYTES, DATE, TIME and TIMESTAMP ones too but no other columns
// (TopkDistinctKudaf's factories). With other columns each entry is a
// STRUCT of the value, sort_col, and the columns, col0, col1, ...
// (TopkKudaf.makeStructSchema).
func (c *AggCall) topkType(t types.Type) error {
	ok := t == types.Integer || t == types.Bigint || t == types.Double || t == types.String ||
		c.Name == "TOPKDISTINCT" && topkDistinctOnly(t)
	if !ok || c.Name == "TOPKDISTINCT" && len(c.extra) > 0 {
		names := types.NullName(t)
		for _, x := range c.extra {
			names += ", " + types.NullName(x.Type)
		}
		return stmterr.Bad("Function '%s' does not accept parameters (%s, INTEGER).", c.Name, names)
	}
	if len(c.extra) == 0 {
		c.Result = types.ArrayOf(t)
		return nil
	}
	fields := []types.Field{{Name: "sort_col", Type: t}}
	for i, x := range c.extra {
		fields = append(fields, types.Field{Name: "col" + strconv.Itoa(i), Type: x.Type})
	}
	c.Result = types.ArrayOf(types.StructOf(fields))
	return nil
}

// topkEntry is what TOPK keeps of a row whose value is v: v, or with other
// columns the STRUCT of v and theirs.
func (c *AggCall) topkEntry(v any, row []any) any {
	if len(c.extra) == 0 {
		return v
	}
	vals := []any{v}
	for _, x := range c.extra {
		vals = append(vals, x.Eval(row))
	}
	return &types.StructVal{Type: c.Result.Elem, Vals: vals}
}

// topkOrder sorts entries highest value first.
func (c *AggCall) topkOrder(a, b any) int {
	if len(c.extra) > 0 {
		a, b = a.(*types.StructVal).Vals[0], b.(*types.StructVal).Vals[0]
	}
	return types.Compare(b, a)
}

// topkDistinctOnly reports the value types TOPKDISTINCT takes that TOPK
// does not: DECIMAL, BYTES, DATE, TIME and TIMESTAMP. Their values order
// as their Java classes' compareTo does, BYTES byte by byte as signed
// values (ByteBuffer.compareTo), which types.Compare follows.
func topkDistinctOnly(t types.Type) bool {
	switch t.Kind() {
	case types.KindDecimal, types.KindBytes, types.KindDate, types.KindTime, types.KindTimestamp:
		return true
	}
	return false
}
