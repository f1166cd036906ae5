package ksqldb

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// insertLiteralCasts rewrites the numeric literals an INSERT INTO ... SELECT
// selects into DECIMAL columns of its target as DECIMAL literals of the
// column's scale, as ImplicitlyCastResolver does: the i-th select item
// against the target's i-th column (keys first, then values), an INTEGER,
// BIGINT, DOUBLE or DECIMAL literal whose own decimal type
// (DecimalUtil.fromValue) fits the column (DecimalUtil.canImplicitlyCast).
// Anything else is left as written, for the schema check to judge.
func insertLiteralCasts(q *sql.Query, target *metastore.Source) {
	cols := keysThenValues(target.Schema)
	for i := range q.Items {
		item := &q.Items[i]
		if i >= len(cols) || item.Star || item.StructAll || cols[i].Type.Kind() != types.KindDecimal {
			continue
		}
		lit, ok := item.Expr.(*sql.Literal)
		if !ok {
			continue
		}
		d, ok := literalDecimal(lit)
		if !ok {
			continue
		}
		from, err := types.DecimalLiteralType(d)
		if err != nil || !decimalImplicitlyCasts(from, cols[i].Type) {
			continue
		}
		cast, err := d.SetScale(int32(cols[i].Type.Scale), types.RoundHalfUp)
		if err != nil {
			continue
		}
		item.Expr = &sql.Literal{Kind: sql.DecimalLit, Text: cast.Plain(), P: lit.P}
	}
}

// literalDecimal is the BigDecimal ImplicitlyCastResolver takes of a
// numeric literal: BigDecimal.valueOf of an INTEGER's or BIGINT's long or
// of a DOUBLE, a DECIMAL literal's own value.
func literalDecimal(lit *sql.Literal) (types.Decimal, bool) {
	switch lit.Kind {
	case sql.IntLit, sql.DecimalLit:
		d, err := types.ParseDecimal(lit.Text)
		return d, err == nil
	case sql.DoubleLit:
		f, err := strconv.ParseFloat(lit.Text, 64)
		if err != nil {
			return types.Decimal{}, false
		}
		return types.DecimalFromDouble(f)
	}
	return types.Decimal{}, false
}

// decimalImplicitlyCasts is DecimalUtil.canImplicitlyCast: no fewer
// digits after the point nor before it.
func decimalImplicitlyCasts(from, to types.Type) bool {
	return from.Scale <= to.Scale && from.Precision-from.Scale <= to.Precision-to.Scale
}

// insertCompatible is LogicalSchema.compatibleSchema, the check an INSERT
// INTO's result schema passes against its sink's: the same columns in the
// same order and namespaces, each of the sink's type or, for a DECIMAL, of
// one that casts to it implicitly.
func insertCompatible(result, sink types.Schema) bool {
	rs, ss := keysThenValues(result), keysThenValues(sink)
	if len(result.Cols) != len(sink.Cols) || len(rs) != len(ss) {
		return false
	}
	for i, r := range rs {
		s := ss[i]
		if r.Name != s.Name || r.Key != s.Key || r.Header != s.Header {
			return false
		}
		if r.Type.Kind() == types.KindDecimal && s.Type.Kind() == types.KindDecimal {
			if !decimalImplicitlyCasts(r.Type, s.Type) {
				return false
			}
			continue
		}
		if r.Type.String() != s.Type.String() {
			return false
		}
	}
	return true
}

// keysThenValues are a schema's columns as LogicalSchema.columns lists
// them: the key columns, then the value columns.
func keysThenValues(s types.Schema) []types.Column {
	return append(s.Keys(), s.Values()...)
}
