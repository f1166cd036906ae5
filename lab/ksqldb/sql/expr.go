package sql

import (
	"strings"
)

// MaxNesting is how many levels of nested expressions (parentheses, function
// arguments, CASE, CAST, NOT, unary signs) a statement may use. ksqlDB has no
// documented limit (its ANTLR parser fails only when the JVM stack runs out);
// this bound is far beyond what hand-written queries use and keeps the
// recursive parser and compiler within a small stack.
const MaxNesting = 500

func (p *parser) expr() (Expr, error) { return p.orExpr(0) }

// nest enters one nesting level below d.
func (p *parser) nest(d int) (int, error) {
	if d+1 > MaxNesting {
		return 0, p.errAt(p.peek(), "expression nested too deeply (more than %d levels)", MaxNesting)
	}
	return d + 1, nil
}

func (p *parser) orExpr(d int) (Expr, error) {
	l, err := p.andExpr(d)
	if err != nil {
		return nil, err
	}
	for p.isKw("OR") {
		t := p.next()
		r, err := p.andExpr(d)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "OR", L: l, R: r, P: t.Pos}
	}
	return l, nil
}

func (p *parser) andExpr(d int) (Expr, error) {
	l, err := p.notExpr(d)
	if err != nil {
		return nil, err
	}
	for p.isKw("AND") {
		t := p.next()
		r, err := p.notExpr(d)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "AND", L: l, R: r, P: t.Pos}
	}
	return l, nil
}

func (p *parser) notExpr(d int) (Expr, error) {
	if p.isKw("NOT") {
		t := p.next()
		d, err := p.nest(d)
		if err != nil {
			return nil, err
		}
		x, err := p.notExpr(d)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: "NOT", X: x, P: t.Pos}, nil
	}
	return p.predicate(d)
}

func (p *parser) predicate(d int) (Expr, error) {
	l, err := p.additive(d)
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.Kind == Symbol {
		switch t.Text {
		case "=", "<>", "!=", "<", "<=", ">", ">=":
			p.next()
			r, err := p.additive(d)
			if err != nil {
				return nil, err
			}
			op := t.Text
			if op == "!=" {
				op = "<>"
			}
			return &Binary{Op: op, L: l, R: r, P: l.Position()}, nil
		}
		return l, nil
	}
	if t.Kind != Ident {
		return l, nil
	}
	switch t.Upper() {
	case "IS":
		p.next()
		not := p.acceptKw("NOT")
		if p.acceptKw("DISTINCT") {
			// AstBuilder.visitDistinctFrom: IS NOT DISTINCT FROM is NOT (IS DISTINCT FROM).
			if err := p.expectKw("FROM"); err != nil {
				return nil, err
			}
			r, err := p.additive(d)
			if err != nil {
				return nil, err
			}
			var e Expr = &Binary{Op: "IS DISTINCT FROM", L: l, R: r, P: l.Position()}
			if not {
				e = &Unary{Op: "NOT", X: e, P: l.Position()}
			}
			return e, nil
		}
		if err := p.expectKw("NULL"); err != nil {
			return nil, err
		}
		return &IsNull{X: l, Not: not, P: l.Position()}, nil
	case "NOT", "BETWEEN", "IN", "LIKE":
		not := false
		if t.Upper() == "NOT" {
			n := p.peekAt(1)
			if n.Kind != Ident || (n.Upper() != "BETWEEN" && n.Upper() != "IN" && n.Upper() != "LIKE") {
				return l, nil
			}
			p.next()
			not = true
		}
		kw := p.next().Upper()
		switch kw {
		case "BETWEEN":
			lo, err := p.additive(d)
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("AND"); err != nil {
				return nil, err
			}
			hi, err := p.additive(d)
			if err != nil {
				return nil, err
			}
			return &Between{X: l, Lo: lo, Hi: hi, Not: not, P: l.Position()}, nil
		case "IN":
			if err := p.expectSym("("); err != nil {
				return nil, err
			}
			d, err := p.nest(d)
			if err != nil {
				return nil, err
			}
			var list []Expr
			for {
				e, err := p.orExpr(d)
				if err != nil {
					return nil, err
				}
				list = append(list, e)
				if !p.acceptSym(",") {
					break
				}
			}
			if err := p.expectSym(")"); err != nil {
				return nil, err
			}
			return &InList{X: l, List: list, Not: not, P: l.Position()}, nil
		default: // LIKE
			pat, err := p.additive(d)
			if err != nil {
				return nil, err
			}
			lk := &Like{X: l, Pattern: pat, Not: not, P: l.Position()}
			if p.acceptKw("ESCAPE") {
				et := p.peek()
				if et.Kind != String {
					return nil, p.errExpected("a string")
				}
				p.next()
				r := []rune(et.Text)
				if len(r) != 1 {
					return nil, p.errAt(et, "Expected single character escape but got: %s", et.Text)
				}
				lk.Escape = r[0]
			}
			return lk, nil
		}
	}
	return l, nil
}

// additive parses + and - and the || concatenation, all left-associative
// (SqlBase.g4 lists || after + and -, so it binds more loosely; a chain of
// mixed operators is still read left to right level by level).
func (p *parser) additive(d int) (Expr, error) {
	l, err := p.plusMinus(d)
	if err != nil {
		return nil, err
	}
	for p.isSym("||") {
		t := p.next()
		r, err := p.plusMinus(d)
		if err != nil {
			return nil, err
		}
		// AstBuilder.visitConcatenation: a || b is CONCAT(a, b).
		l = &FuncCall{Name: "CONCAT", Args: []Expr{l, r}, P: t.Pos}
	}
	return l, nil
}

func (p *parser) plusMinus(d int) (Expr, error) {
	l, err := p.multiplicative(d)
	if err != nil {
		return nil, err
	}
	for p.isSym("+") || p.isSym("-") {
		t := p.next()
		r, err := p.multiplicative(d)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.Text, L: l, R: r, P: l.Position()}
	}
	return l, nil
}

func (p *parser) multiplicative(d int) (Expr, error) {
	l, err := p.unary(d)
	if err != nil {
		return nil, err
	}
	for p.isSym("*") || p.isSym("/") || p.isSym("%") {
		t := p.next()
		r, err := p.unary(d)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.Text, L: l, R: r, P: l.Position()}
	}
	return l, nil
}

func (p *parser) unary(d int) (Expr, error) {
	if p.isSym("-") || p.isSym("+") {
		t := p.next()
		n := p.peek()
		if n.Kind == Integer || n.Kind == Decimal || n.Kind == Double {
			p.next()
			text := n.Text
			if t.Text == "-" {
				text = "-" + text
			}
			return p.postfix(&Literal{Kind: numKind(n.Kind), Text: text, P: t.Pos}, d)
		}
		d, err := p.nest(d)
		if err != nil {
			return nil, err
		}
		x, err := p.unary(d)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: t.Text, X: x, P: t.Pos}, nil
	}
	x, err := p.primary(d)
	if err != nil {
		return nil, err
	}
	return p.postfix(x, d)
}

// postfix parses subscripts x[i] and dereferences x->f after a primary.
func (p *parser) postfix(x Expr, d int) (Expr, error) {
	for {
		switch {
		case p.isSym("["):
			t := p.next()
			nd, err := p.nest(d)
			if err != nil {
				return nil, err
			}
			idx, err := p.additive(nd)
			if err != nil {
				return nil, err
			}
			if err := p.expectSym("]"); err != nil {
				return nil, err
			}
			x = &Subscript{X: x, Index: idx, P: t.Pos}
		case p.isSym("->"):
			if nt := p.peekAt(1); nt.Kind == Symbol && nt.Text == "*" {
				return x, nil // struct->*, a select item
			}
			t := p.next()
			name, err := p.identifier()
			if err != nil {
				return nil, err
			}
			x = &Deref{X: x, Field: name, P: t.Pos}
		default:
			return x, nil
		}
	}
}

// constructor parses ARRAY[...], MAP(k := v, ...) or STRUCT(name := v, ...);
// the keyword has been read.
func (p *parser) constructor(kw Token, d int) (Expr, error) {
	d, err := p.nest(d)
	if err != nil {
		return nil, err
	}
	switch kw.Upper() {
	case "ARRAY":
		p.next() // [
		a := &ArrayCtor{P: kw.Pos}
		if p.acceptSym("]") {
			return a, nil
		}
		for {
			e, err := p.orExpr(d)
			if err != nil {
				return nil, err
			}
			a.Elems = append(a.Elems, e)
			if !p.acceptSym(",") {
				break
			}
		}
		return a, p.expectSym("]")
	case "MAP":
		p.next() // (
		m := &MapCtor{P: kw.Pos}
		if p.acceptSym(")") {
			return m, nil
		}
		for {
			k, err := p.orExpr(d)
			if err != nil {
				return nil, err
			}
			if err := p.expectSym(":="); err != nil {
				return nil, err
			}
			v, err := p.orExpr(d)
			if err != nil {
				return nil, err
			}
			m.Keys, m.Values = append(m.Keys, k), append(m.Values, v)
			if !p.acceptSym(",") {
				break
			}
		}
		return m, p.expectSym(")")
	}
	p.next() // (
	st := &StructCtor{P: kw.Pos}
	if p.acceptSym(")") {
		return st, nil
	}
	for {
		name, err := p.identifier()
		if err != nil {
			return nil, err
		}
		if err := p.expectSym(":="); err != nil {
			return nil, err
		}
		v, err := p.orExpr(d)
		if err != nil {
			return nil, err
		}
		st.Names, st.Values = append(st.Names, name), append(st.Values, v)
		if !p.acceptSym(",") {
			break
		}
	}
	return st, p.expectSym(")")
}

// caseExpr parses CASE [operand] WHEN c THEN r ... [ELSE e] END; the CASE
// token has been read.
func (p *parser) caseExpr(t Token, d int) (Expr, error) {
	c := &Case{P: t.Pos}
	if !p.isKw("WHEN") {
		op, err := p.additive(d)
		if err != nil {
			return nil, err
		}
		c.Operand = op
	}
	for p.acceptKw("WHEN") {
		cond, err := p.orExpr(d)
		if err != nil {
			return nil, err
		}
		if err := p.expectKw("THEN"); err != nil {
			return nil, err
		}
		res, err := p.orExpr(d)
		if err != nil {
			return nil, err
		}
		c.Whens = append(c.Whens, When{Cond: cond, Result: res})
	}
	if len(c.Whens) == 0 {
		return nil, p.errExpected("'WHEN'")
	}
	if p.acceptKw("ELSE") {
		e, err := p.orExpr(d)
		if err != nil {
			return nil, err
		}
		c.Else = e
	}
	if err := p.expectKw("END"); err != nil {
		return nil, err
	}
	return c, nil
}

func (p *parser) primary(d int) (Expr, error) {
	t := p.peek()
	lit, err := p.literal()
	if err != nil {
		return nil, err
	}
	if lit != nil {
		return lit, nil
	}
	switch t.Kind {
	case Symbol:
		switch t.Text {
		case "(":
			p.next()
			d, err := p.nest(d)
			if err != nil {
				return nil, err
			}
			e, err := p.orExpr(d)
			if err != nil {
				return nil, err
			}
			if p.isSym(",") {
				if p.commaFollows {
					// ANTLR's single-token insertion: the comma is what may
					// follow the missing ')', in the enclosing list
					return nil, p.errAt(p.peek(), "missing ')' at ','")
				}
				return nil, p.unsupported(p.peek(), "row constructors")
			}
			if err := p.expectSym(")"); err != nil {
				return nil, err
			}
			return e, nil
		case "[", "{":
			return nil, p.unsupported(t, "ARRAY/MAP/STRUCT constructors")
		case "?":
			return nil, p.unsupported(t, "variable substitution")
		}
		return nil, p.errAt(t, "mismatched input %s expecting an expression", t.describe())
	case EOF:
		return nil, p.errExpected("an expression")
	case Ident:
		switch t.Upper() {
		case "CAST":
			if p.peekAt(1).Kind == Symbol && p.peekAt(1).Text == "(" {
				p.next()
				p.next()
				d, err := p.nest(d)
				if err != nil {
					return nil, err
				}
				x, err := p.orExpr(d)
				if err != nil {
					return nil, err
				}
				if err := p.expectKw("AS"); err != nil {
					return nil, err
				}
				typ, err := p.typ()
				if err != nil {
					return nil, err
				}
				if err := p.expectSym(")"); err != nil {
					return nil, err
				}
				return &Cast{X: x, Type: typ, P: t.Pos}, nil
			}
		case "CASE":
			p.next()
			d, err := p.nest(d)
			if err != nil {
				return nil, err
			}
			return p.caseExpr(t, d)
		case "ARRAY", "MAP", "STRUCT":
			if n := p.peekAt(1); n.Kind == Symbol && ((n.Text == "[" && t.Upper() == "ARRAY") || (n.Text == "(" && t.Upper() != "ARRAY")) {
				p.next()
				return p.constructor(t, d)
			}
		case "INTERVAL":
			return nil, p.unsupported(t, "INTERVAL")
		}
	}
	if t.Kind != Ident && t.Kind != QuotedIdent {
		return nil, p.errAt(t, "mismatched input %s expecting an expression", t.describe())
	}
	// function call?
	if t.Kind == Ident && p.peekAt(1).Kind == Symbol && p.peekAt(1).Text == "(" {
		p.next()
		p.next()
		d, err := p.nest(d)
		if err != nil {
			return nil, err
		}
		fc := &FuncCall{Name: t.Upper(), P: t.Pos}
		if p.acceptSym("*") {
			fc.Star = true
			if err := p.expectSym(")"); err != nil {
				return nil, err
			}
			return fc, nil
		}
		if p.isKw("DISTINCT") {
			return nil, p.unsupported(p.peek(), "DISTINCT in function calls")
		}
		if !p.acceptSym(")") {
			// SqlBase.g4: identifier '(' (functionArgument (','
			// functionArgument)* (',' lambdaFunction)*)? ')': lambdas
			// follow the plain arguments, and at least one of those
			lambdas := false
			for {
				if lam := p.isLambda(); lam || lambdas {
					if !lam || len(fc.Args) == 0 {
						return nil, p.errExpected("a lambda function")
					}
					l, err := p.lambda(d)
					if err != nil {
						return nil, err
					}
					fc.Args = append(fc.Args, l)
					lambdas = true
				} else if u := p.peek(); u.Kind == Ident && windowUnits[u.Upper()] > 0 && p.argumentEndsAt(1) {
					// functionArgument: expression | windowUnit; a unit
					// is kept as the column reference it reads like.
					p.next()
					fc.Args = append(fc.Args, &ColumnRef{Name: u.Upper(), P: u.Pos})
				} else {
					a, err := p.orExpr(d)
					if err != nil {
						return nil, err
					}
					fc.Args = append(fc.Args, a)
				}
				if p.isSym("=>") {
					return nil, p.errExpected("')'")
				}
				if !p.acceptSym(",") {
					break
				}
			}
			if err := p.expectSym(")"); err != nil {
				return nil, err
			}
		}
		return fc, nil
	}
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	ref := &ColumnRef{Name: name, P: t.Pos}
	if p.isSym(".") {
		p.next()
		col, err := p.identifier()
		if err != nil {
			return nil, err
		}
		ref.Qualifier, ref.Name = name, col
	}
	return ref, nil
}

// argumentEndsAt tells whether the token i ahead closes a function
// argument (a ',' or ')').
func (p *parser) argumentEndsAt(i int) bool {
	t := p.peekAt(i)
	return t.Kind == Symbol && (t.Text == "," || t.Text == ")")
}

// isLambda tells whether a lambda function starts here: "x =>" or
// "(x, y) =>".
func (p *parser) isLambda() bool {
	t := p.peek()
	if n := p.peekAt(1); (t.Kind == Ident || t.Kind == QuotedIdent) && n.Kind == Symbol && n.Text == "=>" {
		return true
	}
	return p.isSym("(") && p.lambdaAhead()
}

// lambda parses a lambda function (SqlBase.g4 lambdaFunction); its
// arguments are identifiers, upper-cased unless quoted.
func (p *parser) lambda(d int) (Expr, error) {
	start := p.peek()
	l := &Lambda{P: start.Pos}
	paren := p.acceptSym("(")
	for {
		name, err := p.identifier()
		if err != nil {
			return nil, err
		}
		l.Params = append(l.Params, name)
		if !paren || !p.acceptSym(",") {
			break
		}
	}
	if paren {
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
	}
	if err := p.expectSym("=>"); err != nil {
		return nil, err
	}
	body, err := p.orExpr(d)
	if err != nil {
		return nil, err
	}
	l.Body = body
	return l, nil
}

func (p *parser) lambdaAhead() bool {
	depth := 0
	for j := p.i; j < len(p.toks); j++ {
		t := p.toks[j]
		if t.Kind != Symbol {
			continue
		}
		switch t.Text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				n := p.toks[min(j+1, len(p.toks)-1)]
				return n.Kind == Symbol && n.Text == "=>"
			}
		}
	}
	return false
}

// Format renders an expression the way ksqlDB prints it in messages.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, nil, e)
	return b.String()
}

// FormatQualified renders e as Format does with every unqualified column
// qualified by q, as ksqlDB prints expressions after its analyzer qualified
// them with their source (e.g. ABS(INPUT.ID)).
func FormatQualified(e Expr, q string) string {
	return FormatWith(e, func(*ColumnRef) string { return q })
}

// FormatWith renders e as Format does with each unqualified column
// qualified by what qual answers for it (nothing for "").
func FormatWith(e Expr, qual func(*ColumnRef) string) string {
	var b strings.Builder
	format(&b, &refNames{qualifier: qual}, e)
	return b.String()
}

// FormatNamed renders e as Format does with each column reference written
// as what name answers for it (as written for ""), as ksqlDB prints an
// expression it rewrote over a join's columns (I1_BAR for I1.BAR).
func FormatNamed(e Expr, name func(*ColumnRef) string) string {
	var b strings.Builder
	format(&b, &refNames{name: name}, e)
	return b.String()
}

// FormatCalls renders e as FormatNamed does with each call that call
// answers for written as that answer, as ksqlDB prints an expression over
// an aggregation's result, each aggregate call a KSQL_AGG_VARIABLE_<n>
// (AggregateExpressionRewriter).
func FormatCalls(e Expr, name func(*ColumnRef) string, call func(*FuncCall) string) string {
	var b strings.Builder
	format(&b, &refNames{name: name, call: call}, e)
	return b.String()
}

// refNames says how format writes a column reference: qualifier qualifies
// an unqualified one, name replaces any one; nil (or a nil func, or ""):
// as written.
type refNames struct {
	qualifier func(*ColumnRef) string
	name      func(*ColumnRef) string
	call      func(*FuncCall) string // what replaces a call ("": as written)
}

func format(b *strings.Builder, qual *refNames, e Expr) {
	switch x := e.(type) {
	case *Literal:
		switch x.Kind {
		case StringLit:
			b.WriteString("'" + strings.ReplaceAll(x.Text, "'", "''") + "'")
		case NullLit: // ExpressionFormatter prints literals as Java values
			b.WriteString("null")
		case BoolLit:
			if x.Bool {
				b.WriteString("true")
			} else {
				b.WriteString("false")
			}
		default:
			b.WriteString(x.Text)
		}
	case *ColumnRef:
		if qual != nil && qual.name != nil {
			if n := qual.name(x); n != "" {
				b.WriteString(n)
				break
			}
		}
		if x.Qualifier != "" {
			b.WriteString(x.Qualifier + ".")
		} else if q := qualifierOf(qual, x); q != "" {
			b.WriteString(q + ".")
		}
		b.WriteString(x.Name)
	case *FuncCall:
		if qual != nil && qual.call != nil {
			if c := qual.call(x); c != "" {
				b.WriteString(c)
				return
			}
		}
		b.WriteString(x.Name + "(")
		if x.Star {
			b.WriteString("*")
		}
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, qual, a)
		}
		b.WriteString(")")
	case *Binary:
		b.WriteString("(")
		format(b, qual, x.L)
		b.WriteString(" " + x.Op + " ")
		format(b, qual, x.R)
		b.WriteString(")")
	case *Unary:
		if x.Op == "NOT" {
			b.WriteString("(NOT ")
			format(b, qual, x.X)
			b.WriteString(")")
		} else {
			b.WriteString(x.Op)
			format(b, qual, x.X)
		}
	case *IsNull:
		b.WriteString("(")
		format(b, qual, x.X)
		if x.Not {
			b.WriteString(" IS NOT NULL)")
		} else {
			b.WriteString(" IS NULL)")
		}
	case *Between:
		b.WriteString("(")
		format(b, qual, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" BETWEEN ")
		format(b, qual, x.Lo)
		b.WriteString(" AND ")
		format(b, qual, x.Hi)
		b.WriteString(")")
	case *InList:
		b.WriteString("(")
		format(b, qual, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" IN (")
		for i, a := range x.List {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, qual, a)
		}
		b.WriteString("))")
	case *Like:
		b.WriteString("(")
		format(b, qual, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" LIKE ")
		format(b, qual, x.Pattern)
		if x.Escape != 0 {
			b.WriteString(" ESCAPE '" + strings.ReplaceAll(string(x.Escape), "'", "''") + "'")
		}
		b.WriteString(")")
	case *Case:
		b.WriteString("(CASE")
		if x.Operand != nil {
			b.WriteString(" ")
			format(b, qual, x.Operand)
		}
		for _, w := range x.Whens {
			b.WriteString(" WHEN ")
			format(b, qual, w.Cond)
			b.WriteString(" THEN ")
			format(b, qual, w.Result)
		}
		if x.Else != nil {
			b.WriteString(" ELSE ")
			format(b, qual, x.Else)
		}
		b.WriteString(" END)")
	case *ArrayCtor:
		b.WriteString("ARRAY[")
		for i, e := range x.Elems {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, qual, e)
		}
		b.WriteString("]")
	case *MapCtor:
		b.WriteString("MAP(")
		for i := range x.Keys {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, qual, x.Keys[i])
			b.WriteString(":=")
			format(b, qual, x.Values[i])
		}
		b.WriteString(")")
	case *StructCtor:
		b.WriteString("STRUCT(")
		for i := range x.Names {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(x.Names[i] + ":=")
			format(b, qual, x.Values[i])
		}
		b.WriteString(")")
	case *Subscript:
		format(b, qual, x.X)
		b.WriteString("[")
		format(b, qual, x.Index)
		b.WriteString("]")
	case *Deref:
		format(b, qual, x.X)
		b.WriteString("->" + x.Field)
	case *Lambda:
		// ExpressionFormatter.visitLambdaExpression
		b.WriteString("(" + strings.Join(x.Params, ", ") + ") => ")
		format(b, qual, x.Body)
	case *Cast:
		b.WriteString("CAST(")
		format(b, qual, x.X)
		b.WriteString(" AS " + castTypeText(x.Type) + ")")
	}
}

func qualifierOf(qual *refNames, ref *ColumnRef) string {
	if qual == nil || qual.qualifier == nil {
		return ""
	}
	return qual.qualifier(ref)
}
