package expr

import (
	"errors"
	"math"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// evalFn evaluates a compiled expression over a row; runtime failures yield nil,
// as ksqlDB logs them and produces a null.
type evalFn func(row []any) any

type Compiled struct {
	Type types.Type
	Eval evalFn
}

// Scope is the set of columns an expression can read, aligned with row positions.
type Scope struct {
	Cols       []types.Column
	Qualifiers map[string]bool
	Origin     []ColOrigin // joins: each column's source alias and name (see join.go)
}

func (s *Scope) Lookup(ref *sql.ColumnRef) (int, bool) {
	if s.Origin != nil {
		return s.LookupJoined(ref)
	}
	if ref.Qualifier != "" && !s.Qualifiers[ref.Qualifier] {
		return -1, false
	}
	for i, c := range s.Cols {
		if c.Name == ref.Name {
			return i, true
		}
	}
	return -1, false
}

// Compiler compiles expressions of one clause; agg is set for aggregate queries.
type Compiler struct {
	In      *Scope
	Agg     *AggPlan
	Clause  string
	lambdas []lambdaVar // lambda arguments in scope (see lambda.go)
	TFs     *TFSlots    // a projection's table-function calls; nil where none may be
	// Names writes a column reference in a type error's text ("" or nil:
	// as written): a filter over a join names the join's columns
	// ALIAS_NAME, as ksqlDB checks it after the join rewrote it
	Names func(*sql.ColumnRef) string
	// Failures, where set, collects what the expressions compiled throw
	// while evaluated, for the processing log (see failures.go)
	Failures *Failures
	// Interpreted marks expressions ksqlDB evaluates with its
	// interpreter rather than compiled code (pull queries, INSERT VALUES),
	// where arithmetic and concatenation with a NULL operand are NULL
	// (see nullarith.go)
	Interpreted bool
	// bodyThrew, while an invocation's lambdas compile, is where their
	// bodies note a failure they threw (see lambda_failures.go)
	bodyThrew *bool
	// the Java class whose body is being compiled, the classes of the
	// CASTs compiled, and how many of the constructs being compiled may
	// hold a class not yet counted (see anonclass.go); depth is Compile's
	// nesting, a new expression's code at 0
	anon   *anonClass
	casts  map[*sql.Cast]*anonClass
	unsure int
	depth  int
}

// Format renders an expression for a type error's text (see Names).
func (c *Compiler) Format(e sql.Expr) string {
	if c.Names == nil {
		return sql.Format(e)
	}
	return sql.FormatNamed(e, c.Names)
}

func (c *Compiler) Compile(e sql.Expr) (Compiled, error) {
	if c.depth == 0 {
		c.anon, c.casts = &anonClass{name: "SC", known: true}, nil
	}
	c.depth++
	defer func() { c.depth-- }()
	if ref, ok := e.(*sql.ColumnRef); ok && len(c.lambdas) > 0 {
		if v, ok := c.lookupLambda(ref); ok {
			return v, nil
		}
	}
	if c.Agg != nil {
		key := sql.Format(e)
		for i, g := range c.Agg.GroupKeys {
			if g == key {
				idx := i
				return Compiled{Type: c.Agg.GroupTypes[i], Eval: func(r []any) any { return r[idx] }}, nil
			}
		}
		if fc, ok := e.(*sql.FuncCall); ok && IsAggregate(fc.Name) {
			return c.Agg.register(fc, c.In)
		}
	}
	if c.Clause == "WHERE" {
		var err error
		if e, err = RewriteMagicTimestamps(e); err != nil {
			return Compiled{}, outsideTypeCheck{err}
		}
	}
	switch x := e.(type) {
	case *sql.Literal:
		return compileLiteral(x)
	case *sql.ColumnRef:
		if c.isWindowBoundRef(x) {
			return c.windowBound(x)
		}
		if c.Agg != nil {
			if _, ok := c.In.Lookup(x); ok {
				return Compiled{}, stmterr.Bad("Non-aggregate %s expression(s) not part of GROUP BY: %s", c.Clause, sql.Format(x))
			}
		}
		idx, ok := c.In.Lookup(x)
		if !ok {
			return Compiled{}, outsideTypeCheck{stmterr.Bad("Line: %d, Col: %d: %s column '%s' cannot be resolved.", x.P.Line, x.P.Col, c.Clause, sql.Format(x))}
		}
		t := c.In.Cols[idx].Type
		return Compiled{Type: t, Eval: func(r []any) any { return r[idx] }}, nil
	case *sql.FuncCall:
		if IsAggregate(x.Name) {
			return Compiled{}, stmterr.Bad("Use of aggregate function %s requires a GROUP BY clause.", x.Name)
		}
		if isInvocation(x.Name) {
			return c.compileInvocation(x)
		}
		for _, a := range x.Args {
			if _, ok := a.(*sql.Lambda); ok {
				return Compiled{}, stmterr.Bad("Function '%s' does not accept lambda functions: %s", x.Name, sql.Format(a))
			}
		}
		return c.compileCall(x)
	case *sql.Unary:
		in, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, err
		}
		if x.Op == "NOT" {
			if in.Type != types.Boolean && in.Type != types.Null {
				return Compiled{}, stmterr.Bad("Error processing expression: %s. NOT expects a BOOLEAN operand but got %s", c.Format(x), in.Type)
			}
			return c.logical("NOT", []sql.Expr{x.X}, []Compiled{in}), nil
		}
		if !in.Type.Numeric() {
			return Compiled{}, stmterr.Bad("Error processing expression: %s. Unary %s expects a numeric operand", c.Format(x), x.Op)
		}
		ops, hit := c.nullOperands(x, []Compiled{in})
		in = ops[0]
		if x.Op == "+" {
			return c.strictArithmetic(in, hit), nil
		}
		return c.strictArithmetic(Compiled{Type: in.Type, Eval: func(r []any) any { return negate(in.Eval(r)) }}, hit), nil
	case *sql.Binary:
		return c.compileBinary(x)
	case *sql.IsNull:
		in, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, err
		}
		not := x.Not
		return Compiled{Type: types.Boolean, Eval: func(r []any) any { return (in.Eval(r) == nil) != not }}, nil
	case *sql.Between:
		v, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, err
		}
		lo, err := c.Compile(x.Lo)
		if err != nil {
			return Compiled{}, err
		}
		hi, err := c.Compile(x.Hi)
		if err != nil {
			return Compiled{}, err
		}
		if !comparable(v.Type, lo.Type) || !comparable(v.Type, hi.Type) {
			return Compiled{}, operandError{stmterr.Bad("Error processing expression: %s. Operands are not comparable", c.Format(x))}
		}
		if v.Type.Complex() || v.Type == types.Boolean {
			// BETWEEN is x >= lo AND x <= hi (SqlToJavaVisitor), which
			// ComparisonUtil refuses for these types
			return Compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with GREATER_THAN_OR_EQUAL.", c.Format(x.X), v.Type, c.Format(x.Lo), lo.Type)
		}
		not := x.Not
		// each comparison makes a STRING side the other's time type
		vl, lo := temporalOperands(v, lo)
		vh, hi := temporalOperands(v, hi)
		return Compiled{Type: types.Boolean, Eval: func(r []any) any {
			// SqlToJavaVisitor.visitBetweenPredicate: (x >= lo && x <= hi),
			// each comparison false when an operand is NULL.
			a, b, l, h := vl.Eval(r), vh.Eval(r), lo.Eval(r), hi.Eval(r)
			if a == nil || b == nil || l == nil || h == nil {
				return not
			}
			in := types.Compare(a, l) >= 0 && types.Compare(b, h) <= 0
			return in != not
		}}, nil
	case *sql.InList:
		v, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, err
		}
		list, err := c.compileAll(x.List)
		if err != nil {
			return Compiled{}, err
		}
		// SqlToJavaVisitor.visitInPredicate: the value and the list are one
		// user list (CoercionUtil); its failures surface when the
		// expression is compiled, as CodeGenRunner's "Invalid Predicate: "
		// (a filter) or "Invalid Select: " (a projection)
		es := append([]sql.Expr{x.X}, x.List...)
		items := append([]Compiled{v}, list...)
		common, err := c.commonListType(es, items)
		if err == nil {
			items, err = coerceList(es, items, common)
		}
		if err != nil {
			var se *stmterr.Error
			if errors.As(err, &se) {
				return Compiled{}, outsideTypeCheck{stmterr.Bad("Invalid %s: %s.", codegenKind(c.Clause), se.Msg)}
			}
			return Compiled{}, err
		}
		v, list = items[0], items[1:]
		not := x.Not
		return Compiled{Type: types.Boolean, Eval: func(r []any) any {
			a := v.Eval(r)
			if a == nil { // InListEvaluator.matches: NULL never matches
				return not
			}
			for _, le := range list {
				if b := le.Eval(r); b != nil && types.Equal(a, b) {
					return !not
				}
			}
			return not
		}}, nil
	case *sql.Like:
		v, err := c.Compile(x.X)
		if err != nil {
			return Compiled{}, err
		}
		pat, err := c.Compile(x.Pattern)
		if err != nil {
			return Compiled{}, err
		}
		if (v.Type != types.String && v.Type != types.Null) || (pat.Type != types.String && pat.Type != types.Null) {
			return Compiled{}, operandError{stmterr.Bad("Error processing expression: %s. LIKE expects STRING operands", c.Format(x))}
		}
		not, esc := x.Not, x.Escape
		var cache likeCache
		return Compiled{Type: types.Boolean, Eval: func(r []any) any {
			a, p := v.Eval(r), pat.Eval(r)
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
		in, cls, err := c.compileIn(x.X)
		if err != nil {
			return Compiled{}, err
		}
		if c.casts == nil {
			c.casts = map[*sql.Cast]*anonClass{}
		}
		c.casts[x] = cls
		to, err := types.FromSQL(x.Type)
		if err != nil {
			return Compiled{}, err
		}
		if err := checkCast(in.Type, to); err != nil {
			// CastEvaluator refuses the cast when the expression is compiled:
			// CodeGenRunner's "Invalid Select: " in a projection, "Invalid
			// Predicate: " in a filter
			var se *stmterr.Error
			if codegenClause(c.Clause) && errors.As(err, &se) {
				return Compiled{}, outsideTypeCheck{stmterr.Bad("Invalid %s: %s.", codegenKind(c.Clause), se.Msg)}
			}
			return Compiled{}, err
		}
		// visitCast catches what the cast and its operand throw, the
		// same type's cast included
		if in.Type == to {
			return c.guard(to.String(), Compiled{Type: to, Eval: in.Eval}), nil
		}
		from := in.Type
		if f := c.thrower(); f != nil {
			return c.guard(to.String(), Compiled{Type: to, Eval: func(r []any) any {
				v, thrown := castChecked(in.Eval(r), from, to)
				if thrown != nil {
					f.throw(thrown...)
				}
				return v
			}}), nil
		}
		return Compiled{Type: to, Eval: func(r []any) any { return CastValue(in.Eval(r), from, to) }}, nil
	}
	if ce, ok, err := c.compileComplex(e); ok {
		return ce, err
	}
	return Compiled{}, stmterr.Unsupported("expression " + sql.Format(e))
}

func compileLiteral(x *sql.Literal) (Compiled, error) {
	var v any
	var t types.Type
	switch x.Kind {
	case sql.NullLit:
		return Compiled{Type: types.Null, Eval: func([]any) any { return nil }}, nil
	case sql.BoolLit:
		v, t = x.Bool, types.Boolean
	case sql.StringLit:
		v, t = x.Text, types.String
	case sql.IntLit:
		n, err := strconv.ParseInt(x.Text, 10, 64)
		if err != nil {
			return Compiled{}, literalError(x, "Invalid numeric literal")
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
			return Compiled{}, literalError(x, "Invalid numeric literal")
		}
		if t, err = types.DecimalLiteralType(d); err != nil {
			return Compiled{}, err
		}
		if d.Scale < 0 {
			d, _ = d.SetScale(0, types.RoundUnnecessary)
		}
		v = d
	case sql.DoubleLit:
		f, err := strconv.ParseFloat(x.Text, 64)
		if math.IsInf(f, 0) {
			return Compiled{}, literalError(x, "Number overflows DOUBLE")
		}
		if err != nil && !errors.Is(err, strconv.ErrRange) { // an underflow is 0, as Double.parseDouble has it
			return Compiled{}, literalError(x, "Invalid numeric literal")
		}
		v, t = f, types.Double
	}
	return Compiled{Type: t, Eval: func([]any) any { return v }}, nil
}

// codegenKind is what CodeGenRunner calls the expression of a clause in
// its "Invalid ...: " messages: a filter's is a Predicate, a projection's
// a Select.
// codegenClause reports whether the clause's expressions are compiled by
// CodeGenRunner, whose failures carry its "Invalid <kind>: " prefix.
func codegenClause(clause string) bool {
	return clause == "SELECT" || clause == "WHERE" || clause == "HAVING"
}

func codegenKind(clause string) string {
	switch clause {
	case "WHERE", "HAVING":
		return "Predicate"
	}
	return "Select"
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

func (c *Compiler) compileBinary(x *sql.Binary) (Compiled, error) {
	l, err := c.Compile(x.L)
	if err != nil {
		return Compiled{}, err
	}
	// a DECIMAL left operand of DOUBLE arithmetic is followed by its
	// NullSafe Function, counted once the right operand's type is known
	// (anonclass.go)
	leftDecimal := l.Type.Kind() == types.KindDecimal
	if leftDecimal {
		c.unsure++
	}
	r, err := c.Compile(x.R)
	if leftDecimal {
		c.unsure--
	}
	if err != nil {
		return Compiled{}, err
	}
	var hit *bool
	switch x.Op {
	case "+", "-", "*", "/", "%":
		if l.Type.Numeric() && r.Type.Numeric() {
			if l.Type == types.Double && r.Type.Kind() == types.KindDecimal || r.Type == types.Double && leftDecimal {
				c.counted(1)
			}
			var ops []Compiled
			ops, hit = c.nullOperands(x, []Compiled{l, r})
			l, r = ops[0], ops[1]
		}
	}
	res, err := c.binaryOf(x, l, r)
	if err != nil {
		return res, err
	}
	return c.strictArithmetic(res, hit), nil
}

// binaryOf builds a binary operation over its compiled operands.
func (c *Compiler) binaryOf(x *sql.Binary, l, r Compiled) (Compiled, error) {
	switch x.Op {
	case "AND", "OR":
		for _, o := range []Compiled{l, r} {
			if o.Type != types.Boolean && o.Type != types.Null {
				return Compiled{}, stmterr.Bad("Error processing expression: %s. %s expects BOOLEAN operands but got %s", c.Format(x), x.Op, o.Type)
			}
		}
		return c.logical(x.Op, []sql.Expr{x.L, x.R}, []Compiled{l, r}), nil
	case "=", "<>", "<", "<=", ">", ">=", "IS DISTINCT FROM":
		if l.Type == types.Null || r.Type == types.Null {
			// ComparisonUtil.nullSchemaException
			return Compiled{}, stmterr.Bad("Comparison with NULL not supported: %s %s %s\nUse 'IS NULL' or 'IS NOT NULL' instead.", l.Type, x.Op, r.Type)
		}
		if !comparable(l.Type, r.Type) {
			return Compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with %s.", c.Format(x.L), l.Type, c.Format(x.R), r.Type, cmpName(x.Op))
		}
		if (l.Type == types.Boolean || l.Type.Complex()) && x.Op != "=" && x.Op != "<>" && x.Op != "IS DISTINCT FROM" {
			return Compiled{}, stmterr.Bad("Cannot compare %s (%s) to %s (%s) with %s.", c.Format(x.L), l.Type, c.Format(x.R), r.Type, cmpName(x.Op))
		}
		l, r := temporalOperands(l, r)
		op, eq := x.Op, l.Type.Complex()
		return Compiled{Type: types.Boolean, Eval: func(row []any) any {
			a, b := l.Eval(row), r.Eval(row)
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
	if l.Type == types.Null || r.Type == types.Null {
		return Compiled{}, stmterr.Bad("Error processing expression: %s. Arithmetic on types %s and %s are not supported.", c.Format(x), types.NullName(l.Type), types.NullName(r.Type))
	}
	if x.Op == "+" && l.Type == types.String && r.Type == types.String {
		interpreted := c.Interpreted
		return Compiled{Type: types.String, Eval: func(row []any) any { return javaConcat(l.Eval(row), r.Eval(row), interpreted) }}, nil
	}
	if !l.Type.Numeric() || !r.Type.Numeric() {
		return Compiled{}, stmterr.Bad("Error processing expression: %s. Unsupported arithmetic types. %s %s", c.Format(x), l.Type, r.Type)
	}
	op := x.Op
	if (l.Type.Kind() == types.KindDecimal || r.Type.Kind() == types.KindDecimal) && l.Type != types.Double && r.Type != types.Double {
		t, err := types.DecimalResultType(op, l.Type, r.Type)
		if err != nil {
			return Compiled{}, err
		}
		if (op == "/" || op == "%") && c.Failures != nil {
			f := c.thrower()
			// BigDecimal.divide and remainder with MathContext(precision,
			// UNNECESSARY), then setScale (visitArithmeticBinary) throw
			// ArithmeticException: types.DecimalArithThrown
			return Compiled{Type: t, Eval: func(row []any) any {
				v, thrown := types.DecimalArithThrown(op, t, l.Eval(row), r.Eval(row))
				if thrown != "" {
					f.throw(thrown)
				}
				return v
			}}, nil
		}
		return Compiled{Type: t, Eval: func(row []any) any { return types.DecimalArith(op, t, l.Eval(row), r.Eval(row)) }}, nil
	}
	t := promote(l.Type, r.Type)
	if (op == "/" || op == "%") && (t == types.Integer || t == types.Bigint) && c.Failures != nil {
		f := c.thrower()
		// Java's integer division and remainder throw ArithmeticException
		// "/ by zero" (a NULL operand fails its unboxing first)
		return Compiled{Type: t, Eval: func(row []any) any {
			a, b := l.Eval(row), r.Eval(row)
			if a != nil && b != nil && types.ToInt(b) == 0 {
				f.throw("/ by zero")
				return nil
			}
			return arith(op, t, a, b)
		}}, nil
	}
	return Compiled{Type: t, Eval: func(row []any) any { return arith(op, t, l.Eval(row), r.Eval(row)) }}, nil
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

// ColOrigin is where a joined-row column comes from: its source's alias and
// its name there.
type ColOrigin struct {
	Qual, Name string
}

// LookupJoined resolves a column reference in a joined scope. Unqualified
// references that more than one source has were refused by checkAmbiguous.
func (s *Scope) LookupJoined(ref *sql.ColumnRef) (int, bool) {
	for i, o := range s.Origin {
		if o.Name == ref.Name && (ref.Qualifier == "" || ref.Qualifier == o.Qual) {
			return i, true
		}
	}
	return -1, false
}

// pseudo columns appended to every input row.
var PseudoColumns = []types.Column{{Name: "ROWTIME", Type: types.Bigint}, {Name: "ROWPARTITION", Type: types.Integer}, {Name: "ROWOFFSET", Type: types.Bigint}}
