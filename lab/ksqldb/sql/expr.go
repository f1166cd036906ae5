package sql

import (
	"strings"
)

const maxDepth = 200

func (p *parser) expr() (Expr, error) { return p.orExpr(0) }

func (p *parser) depthCheck(depth int) error {
	if depth > maxDepth {
		return p.errAt(p.peek(), "expression nested too deeply")
	}
	return nil
}

func (p *parser) orExpr(d int) (Expr, error) {
	if err := p.depthCheck(d); err != nil {
		return nil, err
	}
	l, err := p.andExpr(d + 1)
	if err != nil {
		return nil, err
	}
	for p.isKw("OR") {
		t := p.next()
		r, err := p.andExpr(d + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "OR", L: l, R: r, P: t.Pos}
	}
	return l, nil
}

func (p *parser) andExpr(d int) (Expr, error) {
	l, err := p.notExpr(d + 1)
	if err != nil {
		return nil, err
	}
	for p.isKw("AND") {
		t := p.next()
		r, err := p.notExpr(d + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: "AND", L: l, R: r, P: t.Pos}
	}
	return l, nil
}

func (p *parser) notExpr(d int) (Expr, error) {
	if err := p.depthCheck(d); err != nil {
		return nil, err
	}
	if p.isKw("NOT") {
		t := p.next()
		x, err := p.notExpr(d + 1)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: "NOT", X: x, P: t.Pos}, nil
	}
	return p.predicate(d + 1)
}

func (p *parser) predicate(d int) (Expr, error) {
	l, err := p.additive(d + 1)
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.Kind == Symbol {
		switch t.Text {
		case "=", "<>", "!=", "<", "<=", ">", ">=":
			p.next()
			r, err := p.additive(d + 1)
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
		if p.isKw("DISTINCT") {
			return nil, p.unsupported(p.peek(), "IS DISTINCT FROM")
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
			lo, err := p.additive(d + 1)
			if err != nil {
				return nil, err
			}
			if err := p.expectKw("AND"); err != nil {
				return nil, err
			}
			hi, err := p.additive(d + 1)
			if err != nil {
				return nil, err
			}
			return &Between{X: l, Lo: lo, Hi: hi, Not: not, P: l.Position()}, nil
		case "IN":
			if err := p.expectSym("("); err != nil {
				return nil, err
			}
			var list []Expr
			for {
				e, err := p.orExpr(d + 1)
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
			pat, err := p.additive(d + 1)
			if err != nil {
				return nil, err
			}
			if p.isKw("ESCAPE") {
				return nil, p.unsupported(p.peek(), "LIKE ... ESCAPE")
			}
			return &Like{X: l, Pattern: pat, Not: not, P: l.Position()}, nil
		}
	}
	return l, nil
}

func (p *parser) additive(d int) (Expr, error) {
	if err := p.depthCheck(d); err != nil {
		return nil, err
	}
	l, err := p.multiplicative(d + 1)
	if err != nil {
		return nil, err
	}
	for p.isSym("+") || p.isSym("-") || p.isSym("||") {
		t := p.next()
		if t.Text == "||" {
			return nil, p.unsupported(t, "the || operator")
		}
		r, err := p.multiplicative(d + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.Text, L: l, R: r, P: l.Position()}
	}
	return l, nil
}

func (p *parser) multiplicative(d int) (Expr, error) {
	l, err := p.unary(d + 1)
	if err != nil {
		return nil, err
	}
	for p.isSym("*") || p.isSym("/") || p.isSym("%") {
		t := p.next()
		r, err := p.unary(d + 1)
		if err != nil {
			return nil, err
		}
		l = &Binary{Op: t.Text, L: l, R: r, P: l.Position()}
	}
	return l, nil
}

func (p *parser) unary(d int) (Expr, error) {
	if err := p.depthCheck(d); err != nil {
		return nil, err
	}
	if p.isSym("-") || p.isSym("+") {
		t := p.next()
		n := p.peek()
		if n.Kind == Integer || n.Kind == Decimal || n.Kind == Double {
			p.next()
			text := n.Text
			if t.Text == "-" {
				text = "-" + text
			}
			return p.postfix(&Literal{Kind: numKind(n.Kind), Text: text, P: t.Pos})
		}
		x, err := p.unary(d + 1)
		if err != nil {
			return nil, err
		}
		return &Unary{Op: t.Text, X: x, P: t.Pos}, nil
	}
	x, err := p.primary(d + 1)
	if err != nil {
		return nil, err
	}
	return p.postfix(x)
}

func (p *parser) postfix(x Expr) (Expr, error) {
	if p.isSym("[") {
		return nil, p.unsupported(p.peek(), "subscript expressions")
	}
	if p.isSym("->") {
		return nil, p.unsupported(p.peek(), "struct field dereference (->)")
	}
	return x, nil
}

func (p *parser) primary(d int) (Expr, error) {
	if err := p.depthCheck(d); err != nil {
		return nil, err
	}
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
			e, err := p.orExpr(d + 1)
			if err != nil {
				return nil, err
			}
			if p.isSym(",") {
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
				x, err := p.orExpr(d + 1)
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
			return nil, p.unsupported(t, "CASE expressions")
		case "ARRAY", "MAP", "STRUCT":
			if n := p.peekAt(1); n.Kind == Symbol && (n.Text == "[" || n.Text == "(") {
				return nil, p.unsupported(t, t.Upper()+" constructors")
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
			for {
				if n := p.peekAt(1); n.Kind == Symbol && n.Text == "=>" {
					return nil, p.unsupported(n, "lambda expressions")
				}
				if p.isSym("(") && p.lambdaAhead() {
					return nil, p.unsupported(p.peek(), "lambda expressions")
				}
				a, err := p.orExpr(d + 1)
				if err != nil {
					return nil, err
				}
				fc.Args = append(fc.Args, a)
				if p.isSym("=>") {
					return nil, p.unsupported(p.peek(), "lambda expressions")
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
	format(&b, e)
	return b.String()
}

func format(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Literal:
		switch x.Kind {
		case StringLit:
			b.WriteString("'" + strings.ReplaceAll(x.Text, "'", "''") + "'")
		default:
			b.WriteString(x.Text)
		}
	case *ColumnRef:
		if x.Qualifier != "" {
			b.WriteString(x.Qualifier + ".")
		}
		b.WriteString(x.Name)
	case *FuncCall:
		b.WriteString(x.Name + "(")
		if x.Star {
			b.WriteString("*")
		}
		for i, a := range x.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, a)
		}
		b.WriteString(")")
	case *Binary:
		b.WriteString("(")
		format(b, x.L)
		b.WriteString(" " + x.Op + " ")
		format(b, x.R)
		b.WriteString(")")
	case *Unary:
		if x.Op == "NOT" {
			b.WriteString("(NOT ")
			format(b, x.X)
			b.WriteString(")")
		} else {
			b.WriteString(x.Op)
			format(b, x.X)
		}
	case *IsNull:
		b.WriteString("(")
		format(b, x.X)
		if x.Not {
			b.WriteString(" IS NOT NULL)")
		} else {
			b.WriteString(" IS NULL)")
		}
	case *Between:
		b.WriteString("(")
		format(b, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" BETWEEN ")
		format(b, x.Lo)
		b.WriteString(" AND ")
		format(b, x.Hi)
		b.WriteString(")")
	case *InList:
		b.WriteString("(")
		format(b, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" IN (")
		for i, a := range x.List {
			if i > 0 {
				b.WriteString(", ")
			}
			format(b, a)
		}
		b.WriteString("))")
	case *Like:
		b.WriteString("(")
		format(b, x.X)
		if x.Not {
			b.WriteString(" NOT")
		}
		b.WriteString(" LIKE ")
		format(b, x.Pattern)
		b.WriteString(")")
	case *Cast:
		b.WriteString("CAST(")
		format(b, x.X)
		b.WriteString(" AS " + x.Type.Name + ")")
	}
}
