package ksqldb

import (
	"math"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// evalFn evaluates a compiled expression over a row; runtime failures yield nil,
// as ksqlDB logs them and produces a null.
type evalFn func(row []any) any

type compiled struct {
	t    types.Type
	eval evalFn
}

// scope is the set of columns an expression can read, aligned with row positions.
type scope struct {
	cols       []types.Column
	qualifiers map[string]bool
	origin     []colOrigin // joins: each column's source alias and name (see join.go)
}

func (s *scope) lookup(ref *sql.ColumnRef) (int, bool) {
	if s.origin != nil {
		return s.lookupJoined(ref)
	}
	if ref.Qualifier != "" && !s.qualifiers[ref.Qualifier] {
		return -1, false
	}
	for i, c := range s.cols {
		if c.Name == ref.Name {
			return i, true
		}
	}
	return -1, false
}

// compiler compiles expressions of one clause; agg is set for aggregate queries.
type compiler struct {
	in      *scope
	agg     *aggPlan
	clause  string
	lambdas []lambdaVar // lambda arguments in scope (see lambda.go)
	tfs     *tfSlots    // a projection's table-function calls; nil where none may be
}

func (c *compiler) compile(e sql.Expr) (compiled, error) {
	if ref, ok := e.(*sql.ColumnRef); ok && len(c.lambdas) > 0 {
		if v, ok := c.lookupLambda(ref); ok {
			return v, nil
		}
	}
	if c.agg != nil {
		key := sql.Format(e)
		for i, g := range c.agg.groupKeys {
			if g == key {
				idx := i
				return compiled{t: c.agg.groupTypes[i], eval: func(r []any) any { return r[idx] }}, nil
			}
		}
		if fc, ok := e.(*sql.FuncCall); ok && isAggregate(fc.Name) {
			return c.agg.register(fc, c.in)
		}
	}
	if c.clause == "WHERE" {
		var err error
		if e, err = rewriteMagicTimestamps(e); err != nil {
			return compiled{}, err
		}
	}
	switch x := e.(type) {
	case *sql.Literal:
		return compileLiteral(x)
	case *sql.ColumnRef:
		if c.isWindowBoundRef(x) {
			return c.windowBound(x)
		}
		if c.agg != nil {
			if _, ok := c.in.lookup(x); ok {
				return compiled{}, stmterr.Bad("Non-aggregate %s expression(s) not part of GROUP BY: %s", c.clause, sql.Format(x))
			}
		}
		idx, ok := c.in.lookup(x)
		if !ok {
			return compiled{}, stmterr.Bad("Line: %d, Col: %d: %s column '%s' cannot be resolved.", x.P.Line, x.P.Col, c.clause, sql.Format(x))
		}
		t := c.in.cols[idx].Type
		return compiled{t: t, eval: func(r []any) any { return r[idx] }}, nil
	case *sql.FuncCall:
		if isAggregate(x.Name) {
			return compiled{}, stmterr.Bad("Use of aggregate function %s requires a GROUP BY clause.", x.Name)
		}
		if isInvocation(x.Name) {
			return c.compileInvocation(x)
		}
		for _, a := range x.Args {
			if _, ok := a.(*sql.Lambda); ok {
				return compiled{}, stmterr.Bad("Function '%s' does not accept lambda functions: %s", x.Name, sql.Format(a))
			}
		}
		return c.compileCall(x)
	case *sql.Unary:
		in, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		if x.Op == "NOT" {
			if in.t != types.Boolean && in.t != types.Null {
				return compiled{}, stmterr.Bad("Error processing expression: %s. NOT expects a BOOLEAN operand but got %s", sql.Format(x), in.t)
			}
			return compiled{t: types.Boolean, eval: func(r []any) any {
				v := in.eval(r)
				if v == nil {
					return nil
				}
				return !v.(bool)
			}}, nil
		}
		if !in.t.Numeric() {
			return compiled{}, stmterr.Bad("Error processing expression: %s. Unary %s expects a numeric operand", sql.Format(x), x.Op)
		}
		if x.Op == "+" {
			return in, nil
		}
		return compiled{t: in.t, eval: func(r []any) any { return negate(in.eval(r)) }}, nil
	case *sql.Binary:
		return c.compileBinary(x)
	case *sql.IsNull:
		in, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		not := x.Not
		return compiled{t: types.Boolean, eval: func(r []any) any { return (in.eval(r) == nil) != not }}, nil
	case *sql.Between:
		v, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		lo, err := c.compile(x.Lo)
		if err != nil {
			return compiled{}, err
		}
		hi, err := c.compile(x.Hi)
		if err != nil {
			return compiled{}, err
		}
		if !comparable(v.t, lo.t) || !comparable(v.t, hi.t) {
			return compiled{}, stmterr.Bad("Error processing expression: %s. Operands are not comparable", sql.Format(x))
		}
		if v.t.Complex() || v.t == types.Boolean {
			// BETWEEN is x >= lo AND x <= hi (SqlToJavaVisitor), which
			// ComparisonUtil refuses for these types
			return compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with GREATER_THAN_OR_EQUAL.", sql.Format(x.X), v.t, sql.Format(x.Lo), lo.t)
		}
		not := x.Not
		return compiled{t: types.Boolean, eval: func(r []any) any {
			// SqlToJavaVisitor.visitBetweenPredicate: (x >= lo && x <= hi),
			// each comparison false when an operand is NULL.
			a, l, h := v.eval(r), lo.eval(r), hi.eval(r)
			if a == nil || l == nil || h == nil {
				return not
			}
			in := types.Compare(a, l) >= 0 && types.Compare(a, h) <= 0
			return in != not
		}}, nil
	case *sql.InList:
		v, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		list, err := c.compileAll(x.List)
		if err != nil {
			return compiled{}, err
		}
		kind := v.t // the first non-null expression's type (CoercionUtil)
		for _, le := range list {
			if kind != types.Null {
				break
			}
			kind = le.t
		}
		for i, e := range x.List {
			ce, err := coerceInLiteral(e, kind)
			if err != nil {
				return compiled{}, err
			}
			if lit, ok := ce.(*sql.Literal); ok && ce != e {
				if list[i], err = compileLiteral(lit); err != nil {
					return compiled{}, err
				}
			}
			if !comparable(v.t, list[i].t) {
				return compiled{}, stmterr.Bad("Error processing expression: %s. Operands are not comparable", sql.Format(x))
			}
		}
		not := x.Not
		return compiled{t: types.Boolean, eval: func(r []any) any {
			a := v.eval(r)
			if a == nil { // InListEvaluator.matches: NULL never matches
				return not
			}
			for _, le := range list {
				if b := le.eval(r); b != nil && types.Equal(a, b) {
					return !not
				}
			}
			return not
		}}, nil
	case *sql.Like:
		v, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		pat, err := c.compile(x.Pattern)
		if err != nil {
			return compiled{}, err
		}
		if (v.t != types.String && v.t != types.Null) || (pat.t != types.String && pat.t != types.Null) {
			return compiled{}, stmterr.Bad("Error processing expression: %s. LIKE expects STRING operands", sql.Format(x))
		}
		not, esc := x.Not, x.Escape
		var cache likeCache
		return compiled{t: types.Boolean, eval: func(r []any) any {
			a, p := v.eval(r), pat.eval(r)
			if a == nil || p == nil {
				return nil
			}
			re := cache.get(p.(string), esc)
			if re == nil {
				return nil // LikeEvaluator throws: the pattern ends with the escape
			}
			return re.MatchString(a.(string)) != not
		}}, nil
	case *sql.Case:
		return c.compileCase(x)
	case *sql.Cast:
		in, err := c.compile(x.X)
		if err != nil {
			return compiled{}, err
		}
		to, err := types.FromSQL(x.Type)
		if err != nil {
			return compiled{}, err
		}
		if err := checkCast(in.t, to); err != nil {
			return compiled{}, err
		}
		if in.t == to {
			return compiled{t: to, eval: in.eval}, nil
		}
		from := in.t
		return compiled{t: to, eval: func(r []any) any { return castValue(in.eval(r), from, to) }}, nil
	}
	if ce, ok, err := c.compileComplex(e); ok {
		return ce, err
	}
	return compiled{}, stmterr.Unsupported("expression " + sql.Format(e))
}

func compileLiteral(x *sql.Literal) (compiled, error) {
	var v any
	var t types.Type
	switch x.Kind {
	case sql.NullLit:
		return compiled{t: types.Null, eval: func([]any) any { return nil }}, nil
	case sql.BoolLit:
		v, t = x.Bool, types.Boolean
	case sql.StringLit:
		v, t = x.Text, types.String
	case sql.IntLit:
		n, err := strconv.ParseInt(x.Text, 10, 64)
		if err != nil {
			return compiled{}, stmterr.Bad("Invalid numeric literal: %s", x.Text)
		}
		if n >= math.MinInt32 && n <= math.MaxInt32 {
			v, t = int32(n), types.Integer
		} else {
			v, t = n, types.Bigint
		}
	case sql.DecimalLit:
		// SqlToJavaVisitor.visitDecimalLiteral: new BigDecimal(text), typed by DecimalUtil.fromValue
		d, err := types.ParseDecimal(x.Text)
		if err != nil {
			return compiled{}, stmterr.Bad("Invalid numeric literal: %s", x.Text)
		}
		if t, err = types.DecimalLiteralType(d); err != nil {
			return compiled{}, err
		}
		if d.Scale < 0 {
			d, _ = d.SetScale(0, types.RoundUnnecessary)
		}
		v = d
	case sql.DoubleLit:
		f, err := strconv.ParseFloat(x.Text, 64)
		if err != nil {
			return compiled{}, stmterr.Bad("Invalid numeric literal: %s", x.Text)
		}
		v, t = f, types.Double
	}
	return compiled{t: t, eval: func([]any) any { return v }}, nil
}

func comparable(a, b types.Type) bool {
	if a == types.Null || b == types.Null {
		return true
	}
	if a.Complex() || b.Complex() {
		return a == b
	}
	if ok, handled := types.TemporalComparable(a, b); handled {
		return ok
	}
	if a.Numeric() && b.Numeric() {
		return true
	}
	return a == b
}

func (c *compiler) compileBinary(x *sql.Binary) (compiled, error) {
	l, err := c.compile(x.L)
	if err != nil {
		return compiled{}, err
	}
	r, err := c.compile(x.R)
	if err != nil {
		return compiled{}, err
	}
	res, err := c.binaryOf(x, l, r)
	if err != nil {
		return res, err
	}
	return c.strictArithmetic(x, res, l, r), nil
}

// binaryOf builds a binary operation over its compiled operands.
func (c *compiler) binaryOf(x *sql.Binary, l, r compiled) (compiled, error) {
	switch x.Op {
	case "AND", "OR":
		for _, o := range []compiled{l, r} {
			if o.t != types.Boolean && o.t != types.Null {
				return compiled{}, stmterr.Bad("Error processing expression: %s. %s expects BOOLEAN operands but got %s", sql.Format(x), x.Op, o.t)
			}
		}
		and := x.Op == "AND"
		return compiled{t: types.Boolean, eval: func(row []any) any {
			// the right side is not evaluated once the left decides, as
			// Java's && and || (a lambda body may fail on it, see lambda.go)
			a := l.eval(row)
			if and && a == false {
				return false
			}
			if !and && a == true {
				return true
			}
			b := r.eval(row)
			if and {
				if a == false || b == false {
					return false
				}
				if a == nil || b == nil {
					return nil
				}
				return true
			}
			if a == true || b == true {
				return true
			}
			if a == nil || b == nil {
				return nil
			}
			return false
		}}, nil
	case "=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM":
		if l.t == types.Null || r.t == types.Null {
			// ComparisonUtil.nullSchemaException
			return compiled{}, stmterr.Bad("Comparison with NULL not supported: %s %s %s\nUse 'IS NULL' or 'IS NOT NULL' instead.", l.t, x.Op, r.t)
		}
		if !comparable(l.t, r.t) {
			return compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with %s.", sql.Format(x.L), l.t, sql.Format(x.R), r.t, cmpName(x.Op))
		}
		if (l.t == types.Boolean || l.t.Complex()) && x.Op != "=" && x.Op != "<>" && x.Op != "IS DISTINCT FROM" {
			return compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with %s.", sql.Format(x.L), l.t, sql.Format(x.R), r.t, cmpName(x.Op))
		}
		l, r := temporalOperands(l, r)
		op, eq := x.Op, l.t.Complex()
		return compiled{t: types.Boolean, eval: func(row []any) any {
			a, b := l.eval(row), r.eval(row)
			if a == nil || b == nil {
				// SqlToJavaVisitor.nullCheckPrefix: false, except that
				// IS DISTINCT FROM is true when exactly one side is NULL.
				return op == "IS DISTINCT FROM" && (a == nil) != (b == nil)
			}
			var c int
			if eq {
				if !types.Equal(a, b) {
					c = 1
				}
			} else {
				c = types.Compare(a, b)
			}
			switch op {
			case "=":
				return c == 0
			case "<>", "IS DISTINCT FROM":
				return c != 0
			case "<":
				return c < 0
			case "<=":
				return c <= 0
			case ">":
				return c > 0
			}
			return c >= 0
		}}, nil
	}
	// arithmetic: Operator.resultType
	if l.t == types.Null || r.t == types.Null {
		return compiled{}, stmterr.Bad("Error processing expression: %s. Arithmetic on types %s and %s are not supported.", sql.Format(x), types.NullName(l.t), types.NullName(r.t))
	}
	if x.Op == "+" && l.t == types.String && r.t == types.String {
		return compiled{t: types.String, eval: func(row []any) any {
			a, b := l.eval(row), r.eval(row)
			if a == nil || b == nil {
				return nil
			}
			return a.(string) + b.(string)
		}}, nil
	}
	if !l.t.Numeric() || !r.t.Numeric() {
		return compiled{}, stmterr.Bad("Error processing expression: %s. Unsupported arithmetic types. %s %s", sql.Format(x), l.t, r.t)
	}
	op := x.Op
	if (l.t.Kind() == types.KindDecimal || r.t.Kind() == types.KindDecimal) && l.t != types.Double && r.t != types.Double {
		t, err := types.DecimalResultType(op, l.t, r.t)
		if err != nil {
			return compiled{}, err
		}
		return compiled{t: t, eval: func(row []any) any { return types.DecimalArith(op, t, l.eval(row), r.eval(row)) }}, nil
	}
	t := promote(l.t, r.t)
	return compiled{t: t, eval: func(row []any) any { return arith(op, t, l.eval(row), r.eval(row)) }}, nil
}

func cmpName(op string) string {
	return map[string]string{"=": "EQUAL", "<>": "NOT_EQUAL", "<": "LESS_THAN", "<=": "LESS_THAN_OR_EQUAL",
		">": "GREATER_THAN", ">=": "GREATER_THAN_OR_EQUAL", "IS DISTINCT FROM": "IS_DISTINCT_FROM"}[op]
}

func promote(a, b types.Type) types.Type {
	if a == types.Null {
		return b
	}
	if b == types.Null {
		return a
	}
	if a == types.Double || b == types.Double {
		return types.Double
	}
	if a.Kind() == types.KindDecimal || b.Kind() == types.KindDecimal {
		return types.DecimalWiden(a, b)
	}
	if a == types.Bigint || b == types.Bigint {
		return types.Bigint
	}
	return types.Integer
}

func arith(op string, t types.Type, a, b any) any {
	if a == nil || b == nil {
		return nil
	}
	switch t {
	case types.Double:
		x, y := types.ToFloat(a), types.ToFloat(b)
		switch op {
		case "+":
			return x + y
		case "-":
			return x - y
		case "*":
			return x * y
		case "/":
			return x / y
		case "%":
			return math.Mod(x, y)
		}
	case types.Integer:
		x, y := int32(types.ToInt(a)), int32(types.ToInt(b))
		switch op {
		case "+":
			return x + y
		case "-":
			return x - y
		case "*":
			return x * y
		case "/":
			if y == 0 {
				return nil
			}
			return x / y
		case "%":
			if y == 0 {
				return nil
			}
			return x % y
		}
	case types.Bigint:
		x, y := types.ToInt(a), types.ToInt(b)
		switch op {
		case "+":
			return x + y
		case "-":
			return x - y
		case "*":
			return x * y
		case "/":
			if y == 0 {
				return nil
			}
			return x / y
		case "%":
			if y == 0 {
				return nil
			}
			return x % y
		}
	}
	return nil
}

func negate(v any) any {
	switch x := v.(type) {
	case int32:
		return -x
	case int64:
		return -x
	case float64:
		return -x
	case types.Decimal:
		return types.NegateDecimal(x)
	}
	return nil
}
