package expr

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// A list of user expressions (an IN list with the value it tests, an
// ARRAY's elements, a MAP's keys or values) is brought to one type as
// ksqlDB's CoercionUtil.coerceUserList does (confluentinc/ksql v7.9.0,
// ksqldb-execution/.../util/CoercionUtil.java, with DefaultSqlValueCoercer's
// rules from ksqldb-engine-common): the first typed expression sets the
// type, and each next one must coerce to it or it to them, which widens
// numbers (INTEGER, BIGINT, DECIMAL, DOUBLE), STRUCTs (to the union of
// their fields), ARRAYs and MAPs (by their elements); a literal may also
// cross between STRING and the other primitive types (the lax coercer), a
// string literal in a numeric list is typed by the number it holds, and
// constructors in the list are widened element by element. Literals are
// converted to the common type, other expressions cast to it.

// errCoercion marks the "operator does not exist" failures, which a
// constructor in the list reports for itself rather than for its element.
var errCoercion = errors.New("coercion failure")

type coercionError struct{ msg string }

func (e *coercionError) Error() string { return e.msg }
func (e *coercionError) Unwrap() error { return errCoercion }

func coercionFailure(e sql.Expr, source, target types.Type) error {
	return &coercionError{msg: "operator does not exist: " + target.String() + " = " + source.String() +
		" (" + sql.Format(e) + ")\nHint: You might need to add explicit type casts."}
}

// asStatementError turns a coercion failure into the statement error it is.
func asStatementError(err error) error {
	var ce *coercionError
	if errors.As(err, &ce) {
		return stmterr.Bad("%s", ce.msg)
	}
	return err
}

// commonListType is the common type of the expressions es, compiled as
// items; types.Null when every one is a NULL literal.
func (c *Compiler) commonListType(es []sql.Expr, items []Compiled) (types.Type, error) {
	common := types.Null
	for i, e := range es {
		t, err := c.resolveCommon(e, items[i].Type, common)
		if err != nil {
			return types.Null, asStatementError(err)
		}
		common = t
	}
	return common, nil
}

// coerceList converts each item to common: literals as values of it, other
// expressions through a cast.
func coerceList(es []sql.Expr, items []Compiled, common types.Type) ([]Compiled, error) {
	out := make([]Compiled, len(items))
	for i, it := range items {
		if it.Type == common || it.Type == types.Null {
			out[i] = it
			continue
		}
		if lit, ok := es[i].(*sql.Literal); ok && lit.Kind == sql.StringLit && (common.Numeric() || common == types.Boolean) {
			as, err := literalAs(lit, common)
			if err != nil {
				return nil, err
			}
			conv, err := compileLiteral(as)
			if err != nil {
				return nil, err
			}
			if conv.Type != common {
				from := conv.Type
				v := CastValue(conv.Eval(nil), from, common)
				conv = Compiled{Type: common, Eval: func([]any) any { return v }}
			}
			out[i] = conv
			continue
		}
		from, in := it.Type, it
		out[i] = Compiled{Type: common, Eval: func(r []any) any { return CastValue(in.Eval(r), from, common) }}
	}
	return out, nil
}

// resolveCommon is UserListCoercer.resolveCommonType for one expression e
// of type t against the common type so far (types.Null before any).
func (c *Compiler) resolveCommon(e sql.Expr, t, common types.Type) (types.Type, error) {
	if common == types.Null {
		return t, nil
	}
	if t == types.Null {
		return common, nil
	}
	switch x := e.(type) {
	case *sql.ArrayCtor:
		if common.Kind() != types.KindArray {
			return types.Null, coercionFailure(e, t, common)
		}
		elem, err := c.resolveStructured(common.Elem, x.Elems)
		if err != nil {
			return types.Null, wrapCoercion(err, e, t, common)
		}
		return types.ArrayOf(elem), nil
	case *sql.MapCtor:
		if common.Kind() != types.KindMap {
			return types.Null, coercionFailure(e, t, common)
		}
		key, err := c.resolveStructured(common.Key, x.Keys)
		if err != nil {
			return types.Null, wrapCoercion(err, e, t, common)
		}
		val, err := c.resolveStructured(common.Elem, x.Values)
		if err != nil {
			return types.Null, wrapCoercion(err, e, t, common)
		}
		return types.MapOf(key, val), nil
	case *sql.StructCtor:
		if common.Kind() != types.KindStruct {
			return types.Null, coercionFailure(e, t, common)
		}
		return c.resolveStruct(x, t, common)
	case *sql.Literal:
		if x.Kind == sql.StringLit && common.Numeric() {
			return numericFromText(x.Text, common)
		}
		if x.Kind == sql.StringLit && common == types.Boolean {
			if _, ok := booleanText(strings.TrimSpace(x.Text)); !ok {
				return types.Null, invalidSyntax(common, x.Text)
			}
			return common, nil
		}
	}
	_, literal := e.(*sql.Literal)
	if to, ok := canCoerce(literal, t, common); ok {
		return to, nil
	}
	if to, ok := canCoerce(literal, common, t); ok {
		return to, nil
	}
	return types.Null, coercionFailure(e, t, common)
}

// wrapCoercion reports a coercion failure inside a constructor as the
// constructor's own; other errors (invalid literal text) pass.
func wrapCoercion(err error, e sql.Expr, t, common types.Type) error {
	if errors.Is(err, errCoercion) {
		return coercionFailure(e, t, common)
	}
	return err
}

// resolveStructured is resolveStructuredCommonType: a constructor's
// elements against the common element type.
func (c *Compiler) resolveStructured(target types.Type, es []sql.Expr) (types.Type, error) {
	common := target
	for _, e := range es {
		ce, err := c.Compile(e)
		if err != nil {
			return types.Null, err
		}
		if common, err = c.resolveCommon(e, ce.Type, common); err != nil {
			return types.Null, err
		}
	}
	return common, nil
}

// resolveStruct is resolveCommonStructType: the constructor's fields, then
// the common type's others, each field's type the common one of both.
func (c *Compiler) resolveStruct(x *sql.StructCtor, t, common types.Type) (types.Type, error) {
	var fields []types.Field
	seen := map[string]bool{}
	add := func(name string) error {
		if seen[name] {
			return nil
		}
		seen[name] = true
		_, target, inTarget := common.Field(name)
		var src sql.Expr
		for i, n := range x.Names {
			if n == name {
				src = x.Values[i]
			}
		}
		switch {
		case src == nil:
			fields = append(fields, types.Field{Name: name, Type: target})
		default:
			ce, err := c.Compile(src)
			if err != nil {
				return err
			}
			ft := ce.Type
			if inTarget {
				if ft, err = c.resolveCommon(src, ce.Type, target); err != nil {
					return wrapCoercion(err, x, t, common)
				}
			}
			fields = append(fields, types.Field{Name: name, Type: ft})
		}
		return nil
	}
	for _, n := range x.Names {
		if err := add(n); err != nil {
			return types.Null, err
		}
	}
	for _, f := range common.Fields {
		if err := add(f.Name); err != nil {
			return types.Null, err
		}
	}
	return types.StructOf(fields), nil
}

// numericFromText is resolveCommonNumericTypeFromStringLiteral: the type of
// the number a string literal holds, against a numeric common type.
func numericFromText(text string, common types.Type) (types.Type, error) {
	v := strings.TrimSpace(text)
	if !numericText.MatchString(v) {
		return types.Null, invalidSyntax(common, text)
	}
	var source types.Type
	if !strings.ContainsAny(text, ".eE") {
		// getStringNumericType: INTEGER or BIGINT strictly inside their
		// bounds, else a DECIMAL
		if n, err := strconv.ParseInt(strings.TrimPrefix(v, "+"), 10, 64); err == nil && n > math.MinInt64 && n < math.MaxInt64 {
			source = types.Bigint
			if n > math.MinInt32 && n < math.MaxInt32 {
				source = types.Integer
			}
		}
	}
	if source == (types.Type{}) {
		d, err := types.ParseDecimal(strings.TrimPrefix(v, "+"))
		if err != nil {
			return types.Null, invalidSyntax(common, text)
		}
		if source, err = types.DecimalLiteralType(d); err != nil {
			return types.Null, err
		}
	}
	switch {
	case common == types.Double:
		return types.Double, nil
	case source.Kind() == types.KindDecimal || common.Kind() == types.KindDecimal:
		return types.DecimalWiden(source, common), nil
	case implicitlyCasts(source, common):
		return common, nil
	}
	return source, nil
}

// numericText is a number's text, as BigDecimal reads it.
var numericText = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// literalAs is the string literal lit as a literal of the numeric or
// BOOLEAN kind, as the lax coercer parses it (trimmed; DefaultSqlValueCoercer's
// parser): a number becomes an INTEGER, DECIMAL (with a point) or DOUBLE
// (with an exponent) literal, true, false, yes or no (or a prefix of one)
// a BOOLEAN.
func literalAs(lit *sql.Literal, kind types.Type) (*sql.Literal, error) {
	text := strings.TrimSpace(lit.Text)
	if kind == types.Boolean {
		b, ok := booleanText(text)
		if !ok {
			return nil, invalidSyntax(kind, lit.Text)
		}
		return &sql.Literal{Kind: sql.BoolLit, Bool: b, P: lit.P}, nil
	}
	if !numericText.MatchString(text) {
		return nil, invalidSyntax(kind, lit.Text)
	}
	k := sql.IntLit
	if strings.ContainsAny(text, "eE") {
		k = sql.DoubleLit
	} else if strings.Contains(text, ".") {
		k = sql.DecimalLit
	}
	return &sql.Literal{Kind: k, Text: strings.TrimPrefix(text, "+"), P: lit.P}, nil
}

// booleanText reads true, false, yes or no, or a prefix of one, in any case.
func booleanText(s string) (bool, bool) {
	l := strings.ToLower(s)
	if l == "" {
		return false, false
	}
	for _, w := range []struct {
		word string
		val  bool
	}{{"true", true}, {"yes", true}, {"false", false}, {"no", false}} {
		if strings.HasPrefix(w.word, l) {
			return w.val, true
		}
	}
	return false, false
}

// implicitlyCasts is SqlBaseType.canImplicitlyCast among INTEGER, BIGINT,
// DECIMAL and DOUBLE: to itself or a wider one.
func implicitlyCasts(from, to types.Type) bool {
	rank := map[types.Kind]int{types.KindInteger: 1, types.KindBigint: 2, types.KindDecimal: 3, types.KindDouble: 4}
	rf, rt := rank[from.Kind()], rank[to.Kind()]
	return rf > 0 && rt > 0 && rf <= rt
}

func invalidSyntax(t types.Type, text string) error {
	base, _, _ := strings.Cut(t.String(), "(")
	return stmterr.Bad("invalid input syntax for type %s: \"%s\".", base, text)
}

// canCoerce is DefaultSqlValueCoercer.canCoerce, STRICT or, for literals,
// LAX: the type values of from take when coerced to to.
func canCoerce(lax bool, from, to types.Type) (types.Type, bool) {
	fk, tk := from.Kind(), to.Kind()
	switch {
	case fk == tk && fk == types.KindDecimal:
		return types.DecimalWiden(from, to), true
	case fk == tk && fk == types.KindArray:
		e, ok := canCoerce(lax, from.Elem, to.Elem)
		if !ok {
			return types.Type{}, false
		}
		return types.ArrayOf(e), true
	case fk == tk && fk == types.KindMap:
		k, ok := canCoerce(lax, from.Key, to.Key)
		if !ok {
			return types.Type{}, false
		}
		v, ok := canCoerce(lax, from.Elem, to.Elem)
		if !ok {
			return types.Type{}, false
		}
		return types.MapOf(k, v), true
	case fk == tk && fk == types.KindStruct:
		var fields []types.Field
		seen := map[string]bool{}
		for _, f := range append(append([]types.Field{}, from.Fields...), to.Fields...) {
			if seen[f.Name] {
				continue
			}
			seen[f.Name] = true
			_, ft, inFrom := from.Field(f.Name)
			_, tt, inTo := to.Field(f.Name)
			switch {
			case !inFrom:
				fields = append(fields, types.Field{Name: f.Name, Type: tt})
			case !inTo:
				fields = append(fields, types.Field{Name: f.Name, Type: ft})
			default:
				common, ok := canCoerce(lax, ft, tt)
				if !ok {
					return types.Type{}, false
				}
				fields = append(fields, types.Field{Name: f.Name, Type: common})
			}
		}
		return types.StructOf(fields), true
	case fk == tk:
		return to, true
	case fk == types.KindInteger && (tk == types.KindBigint || tk == types.KindDouble),
		fk == types.KindBigint && tk == types.KindDouble,
		fk == types.KindDecimal && tk == types.KindDouble:
		return to, true
	case (fk == types.KindInteger || fk == types.KindBigint) && tk == types.KindDecimal:
		return types.DecimalWiden(from, to), true
	case fk == types.KindString && (tk == types.KindTimestamp || tk == types.KindTime || tk == types.KindDate || tk == types.KindBytes):
		return to, true
	}
	if !lax {
		return types.Type{}, false
	}
	switch {
	case tk == types.KindString && (fk == types.KindBoolean || fk == types.KindInteger || fk == types.KindBigint || fk == types.KindDecimal ||
		fk == types.KindDouble || fk == types.KindTimestamp || fk == types.KindTime || fk == types.KindDate):
		return to, true
	case fk == types.KindString && (tk == types.KindBoolean || tk == types.KindInteger || tk == types.KindBigint || tk == types.KindDecimal || tk == types.KindDouble):
		return to, true
	}
	return types.Type{}, false
}
