package sql

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// StatementError is a parse failure tied to the statement text it occurred in.
type StatementError struct {
	Text string // the statement (or remaining request text) that failed
	Err  error  // *SyntaxError or *UnsupportedError
}

func (e *StatementError) Error() string { return e.Err.Error() }

func (e *StatementError) Unwrap() error { return e.Err }

// reserved words cannot be used as bare identifiers: ksqlDB's keyword
// tokens that its grammar's nonReserved rule leaves out (SqlBase.g4).
var reserved = wordSet(`SELECT FROM AS ALL DISTINCT WHERE WITHIN WINDOW GROUP BY HAVING
  LIMIT AT OR AND IN NOT EXISTS BETWEEN LIKE IS NULL TRUE FALSE MILLISECOND YEARS MONTHS DAYS HOURS
  MINUTES SECONDS MILLISECONDS TUMBLING HOPPING SIZE ADVANCE RETENTION CASE WHEN THEN ELSE END JOIN
  FULL OUTER INNER LEFT RIGHT ON WITH VALUES CREATE TABLE TOPIC STREAM STREAMS INSERT DELETE INTO
  DESCRIBE EXTENDED PRINT CAST LIST TOPICS QUERY QUERIES TERMINATE PAUSE RESUME LOAD DROP TO RENAME
  SAMPLE EXPORT CATALOG PROPERTIES BEGINNING UNSET RUN SCRIPT DECIMAL CONNECTOR CONNECTORS NAMESPACE
  MATERIALIZED VIEW`)

// notAlias are the words an implicit alias cannot be: the reserved words
// and the non-reserved EMIT and PARTITION, which begin the clauses that
// may follow a source (ANTLR's lookahead makes that choice in ksqlDB).
var notAlias = func() map[string]bool {
	m := wordSet("EMIT PARTITION")
	for w := range reserved {
		m[w] = true
	}
	return m
}()

func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Parse splits text into statements and parses each one. Every statement must
// end with ';'. Identifiers that are not quoted are upper-cased.
func Parse(text string) ([]Parsed, error) {
	toks, err := lex(text)
	if err != nil {
		return nil, &StatementError{Text: text, Err: err}
	}
	p := &parser{toks: toks, text: text}
	var out []Parsed
	for p.peek().Kind != EOF {
		if p.isSym(";") { // empty statement
			p.next()
			continue
		}
		start := p.peek()
		p.vars = nil
		st, err := p.statement()
		if err == nil && !p.isSym(";") {
			err = p.errStatementEnd(st)
		}
		if err != nil {
			end := len(text)
			if i := p.findSemicolon(); i >= 0 {
				end = i
			}
			return out, &StatementError{Text: strings.TrimSpace(text[start.Offset:end]), Err: err}
		}
		semi := p.next()
		for k := range p.vars {
			p.vars[k].Offset -= start.Offset
		}
		out = append(out, Parsed{Text: text[start.Offset:semi.End], Pos: start.Pos, Stmt: st, Vars: p.vars})
	}
	return out, nil
}

type parser struct {
	toks []Token
	i    int
	text string
	vars []VarRef // variable references of the statement being parsed
	// commaFollows is set while the expression being read is an item of
	// a comma-separated list (select items, GROUP BY, PARTITION BY), where
	// a comma may follow it
	commaFollows bool
}

// commaMayFollow sets commaFollows until the returned func restores it.
func (p *parser) commaMayFollow() func() {
	was := p.commaFollows
	p.commaFollows = true
	return func() { p.commaFollows = was }
}

func (p *parser) peek() Token { return p.toks[p.i] }

func (p *parser) peekAt(n int) Token {
	if p.i+n < len(p.toks) {
		return p.toks[p.i+n]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() Token {
	t := p.toks[p.i]
	if t.Kind != EOF {
		p.i++
	}
	return t
}

func (p *parser) findSemicolon() int {
	for j := p.i; j < len(p.toks); j++ {
		if p.toks[j].Kind == Symbol && p.toks[j].Text == ";" {
			return p.toks[j].End
		}
	}
	return -1
}

func (p *parser) isSym(s string) bool {
	t := p.peek()
	return t.Kind == Symbol && t.Text == s
}

func (p *parser) isKw(kw string) bool {
	t := p.peek()
	return t.Kind == Ident && t.Upper() == kw
}

func (p *parser) acceptKw(kw string) bool {
	if p.isKw(kw) {
		p.next()
		return true
	}
	return false
}

func (p *parser) acceptSym(s string) bool {
	if p.isSym(s) {
		p.next()
		return true
	}
	return false
}

func (p *parser) errAt(t Token, format string, args ...any) error {
	return &SyntaxError{Pos: t.Pos, Msg: fmt.Sprintf(format, args...)}
}

// errExpected reports a token that is not what the grammar needs here. A
// single expected token is named as ksqlDB's SyntaxErrorValidator names a
// short expectation list ("Expecting 'SIZE'"); other expectations keep
// ANTLR's "mismatched input" text with a description of what was wanted.
func (p *parser) errExpected(what string) error {
	t := p.peek()
	if t.Kind == EOF {
		return p.errAt(t, "mismatched input '<EOF>' expecting %s", what)
	}
	if strings.HasPrefix(what, "'") {
		return p.errAt(t, "Expecting %s", what)
	}
	return p.errAt(t, "mismatched input %s expecting %s", t.describe(), what)
}

func (p *parser) expectKw(kw string) error {
	if !p.acceptKw(kw) {
		return p.errExpected("'" + kw + "'")
	}
	return nil
}

func (p *parser) expectSym(s string) error {
	if !p.acceptSym(s) {
		return p.errExpected("'" + s + "'")
	}
	return nil
}

func (p *parser) unsupported(t Token, construct string) error {
	return &UnsupportedError{Pos: t.Pos, Construct: construct}
}

// identifier reads an identifier: quoted ones keep their case, others are upper-cased.
func (p *parser) identifier() (string, error) {
	t := p.peek()
	switch t.Kind {
	case QuotedIdent:
		p.next()
		return t.Text, nil
	case Variable:
		p.next()
		p.vars = append(p.vars, VarRef{Name: t.Text, Pos: t.Pos, Offset: t.Offset})
		return "${" + t.Text + "}", nil
	case Ident:
		if reserved[t.Upper()] {
			return "", p.errAt(t, "mismatched input %s expecting an identifier", t.describe())
		}
		p.next()
		return t.Upper(), nil
	}
	return "", p.errExpected("an identifier")
}

var statementStart = map[string]bool{"SELECT": true, "CREATE": true, "INSERT": true}

// statementWords are the words that start a statement, in the order of
// SyntaxErrorValidator's commands list, which suggests the first closest.
var statementWords = []string{"SELECT", "CREATE", "INSERT", "DESCRIBE", "PRINT", "EXPLAIN", "SHOW",
	"LIST", "TERMINATE", "PAUSE", "RESUME", "DROP", "SET", "DEFINE", "UNDEFINE", "UNSET", "ASSERT", "ALTER"}

func (p *parser) statement() (Statement, error) {
	t := p.peek()
	if t.Kind != Ident {
		return nil, p.errAt(t, "mismatched input %s expecting a statement", t.describe())
	}
	switch t.Upper() {
	case "SELECT":
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		return &QueryStatement{Query: q}, nil
	case "CREATE":
		return p.create()
	case "INSERT":
		return p.insert()
	case "SHOW", "LIST":
		return p.show()
	case "DESCRIBE":
		return p.describe()
	case "DROP":
		return p.drop()
	case "TERMINATE":
		p.next()
		if p.acceptKw("ALL") {
			return &Terminate{All: true}, nil
		}
		id, err := p.identifier()
		if err != nil {
			return nil, err
		}
		return &Terminate{QueryID: id}, nil
	case "SET":
		p.next()
		name, val, err := p.stringAssignment()
		if err != nil {
			return nil, err
		}
		return &SetProperty{Name: name, Value: val}, nil
	case "UNSET":
		p.next()
		name, err := p.stringLit()
		if err != nil {
			return nil, err
		}
		return &UnsetProperty{Name: name}, nil
	case "PRINT":
		return p.print()
	case "EXPLAIN":
		p.next()
		if n := p.peek(); n.Kind == Ident && statementStart[n.Upper()] {
			return nil, p.unsupported(n, "EXPLAIN <statement>")
		}
		id, err := p.identifier()
		if err != nil {
			return nil, err
		}
		return &Explain{QueryID: id}, nil
	case "ALTER":
		return p.alter()
	case "DEFINE":
		return p.define()
	case "UNDEFINE":
		p.next()
		name, err := p.variableName()
		if err != nil {
			return nil, err
		}
		return &UndefineVariable{Name: name}, nil
	case "ASSERT":
		return p.assert()
	case "PAUSE", "RESUME":
		// SqlBase.g4: PAUSE identifier | PAUSE ALL, and RESUME alike
		p.next()
		st := &Pause{Resume: t.Upper() == "RESUME"}
		if p.acceptKw("ALL") {
			st.All = true
			return st, nil
		}
		id, err := p.identifier()
		if err != nil {
			return nil, err
		}
		st.QueryID = id
		return st, nil
	}
	// SyntaxErrorValidator: a word no statement starts with (RUN SCRIPT
	// too, a command of the CLI and of the test grammar only) is an unknown
	// statement, with the command at the least edit distance
	return nil, p.errAt(t, "Unknown statement '%s'\nDid you mean '%s'?", t.Text, closest(t.Upper(), statementWords))
}

// stringAssignment parses STRING EQ STRING, as SET and ALTER SYSTEM take
// a property and its value.
func (p *parser) stringAssignment() (name, value string, err error) {
	if name, err = p.stringLit(); err != nil {
		return "", "", err
	}
	if err = p.expectSym("="); err != nil {
		return "", "", err
	}
	if value, err = p.stringLit(); err != nil {
		return "", "", err
	}
	return name, value, nil
}

// ifNotExists accepts IF NOT EXISTS and reports whether it was there.
func (p *parser) ifNotExists() (bool, error) {
	if !p.acceptKw("IF") {
		return false, nil
	}
	if err := p.expectKw("NOT"); err != nil {
		return false, err
	}
	return true, p.expectKw("EXISTS")
}

// ifExists accepts IF EXISTS and reports whether it was there.
func (p *parser) ifExists() (bool, error) {
	if !p.acceptKw("IF") {
		return false, nil
	}
	return true, p.expectKw("EXISTS")
}

func (p *parser) stringLit() (string, error) {
	t := p.peek()
	if t.Kind != String {
		return "", p.errExpected("a string literal")
	}
	p.next()
	return t.Text, nil
}

func (p *parser) create() (Statement, error) {
	p.next() // CREATE
	cs := &CreateSource{}
	if p.acceptKw("OR") {
		if err := p.expectKw("REPLACE"); err != nil {
			return nil, err
		}
		cs.OrReplace = true
	}
	if p.acceptKw("SOURCE") {
		cs.SourceOnly = true
	}
	t := p.peek()
	switch t.Upper() {
	case "STREAM":
	case "TABLE":
		cs.Table = true
	case "SINK":
		if cs.OrReplace || cs.SourceOnly || !strings.EqualFold(p.peekAt(1).Text, "CONNECTOR") || p.peekAt(1).Kind != Ident {
			return nil, p.errExpected("'STREAM' or 'TABLE'")
		}
		p.next()
		return p.createConnector(true)
	case "CONNECTOR":
		if cs.SourceOnly && !cs.OrReplace {
			return p.createConnector(false)
		}
		return nil, p.unsupported(t, "CREATE CONNECTOR")
	case "TYPE":
		if !cs.OrReplace && !cs.SourceOnly {
			return p.createType()
		}
		return nil, p.errExpected("'STREAM' or 'TABLE'")
	default:
		return nil, p.errExpected("'STREAM' or 'TABLE'")
	}
	p.next()
	ifNotExists, err := p.ifNotExists()
	if err != nil {
		return nil, err
	}
	cs.IfNotExists = ifNotExists
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	cs.Name = name
	if p.isSym("(") {
		p.next()
		for {
			col, err := p.columnDef()
			if err != nil {
				return nil, err
			}
			cs.Columns = append(cs.Columns, col)
			if p.acceptSym(",") {
				continue
			}
			if p.isSym("(") {
				// a second parameter list: tableElements wants ',' or ')'
				return nil, p.errAt(p.peek(), "Expecting {',', ')'}")
			}
			if err := p.expectSym(")"); err != nil {
				return nil, err
			}
			break
		}
	}
	if p.acceptKw("WITH") {
		props, err := p.properties()
		if err != nil {
			return nil, err
		}
		cs.Props = props
	}
	if p.isKw("AS") {
		// SqlBase.g4: createStreamAs and createTableAs take neither
		// columns nor SOURCE
		if len(cs.Columns) > 0 || cs.SourceOnly {
			return nil, p.errAt(p.peek(), "mismatched input 'AS' expecting ';'")
		}
		p.next()
		if !p.isKw("SELECT") {
			return nil, p.errExpected("'SELECT'")
		}
		q, err := p.query()
		if err != nil {
			return nil, err
		}
		cs.Query = q
	}
	return cs, nil
}

func (p *parser) columnDef() (ColumnDef, error) {
	pos := p.peek().Pos
	name, err := p.identifier()
	if err != nil {
		return ColumnDef{}, err
	}
	typ, err := p.typ()
	if err != nil {
		return ColumnDef{}, err
	}
	col := ColumnDef{Name: name, Type: typ, Pos: pos}
	switch {
	case p.acceptKw("KEY"):
		col.Key = true
	case p.isKw("PRIMARY"):
		p.next()
		if err := p.expectKw("KEY"); err != nil {
			return ColumnDef{}, err
		}
		col.PrimaryKey = true
	case p.acceptKw("HEADERS"):
		col.Headers = true
	case p.acceptKw("HEADER"):
		// SqlBase.g4 columnConstraints: HEADER '(' STRING ')'
		if err := p.expectSym("("); err != nil {
			return ColumnDef{}, err
		}
		t := p.peek()
		if t.Kind != String {
			return ColumnDef{}, p.errExpected("a string")
		}
		p.next()
		if err := p.expectSym(")"); err != nil {
			return ColumnDef{}, err
		}
		col.Headers, col.OneHeader, col.HeaderKey = true, true, t.Text
	}
	return col, nil
}

func (p *parser) typ() (Type, error) {
	t := p.peek()
	if t.Kind != Ident && t.Kind != QuotedIdent {
		return Type{}, p.errExpected("a type")
	}
	if t.Kind == Ident && reserved[t.Upper()] && t.Upper() != "DECIMAL" {
		// no alternative of SqlBase.g4's type starts with a reserved word
		// (NULL is no type): SyntaxErrorValidator's no-viable-alternative text
		return Type{}, p.errAt(t, "Syntax error at or near '%s' at line %d:%d", t.Text, t.Pos.Line, t.Pos.Col)
	}
	p.next()
	name := t.Upper()
	if t.Kind == QuotedIdent {
		name = t.Text
	}
	switch name {
	case "INT":
		name = "INTEGER"
	case "VARCHAR":
		name = "STRING"
	}
	start := t.Offset
	end := t.End
	switch name {
	case "DECIMAL", "ARRAY", "MAP", "STRUCT":
	default:
		if p.isSym("(") {
			// baseType ('(' typeParameter (',' typeParameter)* ')')?:
			// SqlTypeParser reads the base type and ignores the parameters
			if err := p.typeParameters(); err != nil {
				return Type{}, err
			}
			return Type{Name: name, Text: p.text[start:end]}, nil
		}
	}
	// parameters: DECIMAL(p, s), ARRAY<..>, MAP<..>, STRUCT<..>
	if p.isSym("(") || p.isSym("<") {
		open := p.peek().Text
		closeSym := ")"
		if open == "<" {
			closeSym = ">"
		}
		depth := 0
		// structs marks, for each open '<', whether it opened a STRUCT,
		// whose field names are identifiers (SqlBase.g4 type: STRUCT '<'
		// identifier type ... '>').
		var structs []bool
		prev := t
		for {
			tk := p.next()
			if tk.Kind == EOF {
				return Type{}, p.errAt(tk, "mismatched input '<EOF>' expecting '%s'", closeSym)
			}
			if n := len(structs); n > 0 && structs[n-1] && tk.Kind == Ident && reserved[tk.Upper()] &&
				prev.Kind == Symbol && (prev.Text == "<" || prev.Text == ",") {
				return Type{}, p.errAt(tk, "mismatched input %s expecting an identifier", tk.describe())
			}
			if tk.Kind == Ident && reserved[tk.Upper()] && tk.Upper() != "DECIMAL" {
				// an element, value or field type that starts with a
				// reserved word (NULL is no type), as at the top
				return Type{}, p.errAt(tk, "Syntax error at or near '%s' at line %d:%d", tk.Text, tk.Pos.Line, tk.Pos.Col)
			}
			if tk.Kind == Symbol {
				switch tk.Text {
				case "<":
					structs = append(structs, prev.Kind == Ident && prev.Upper() == "STRUCT")
					depth++
				case ">":
					if len(structs) > 0 {
						structs = structs[:len(structs)-1]
					}
					depth--
				case "(":
					depth++
				case ")":
					depth--
				case ";":
					return Type{}, p.errAt(tk, "mismatched input ';' expecting '%s'", closeSym)
				}
			}
			end, prev = tk.End, tk
			if depth == 0 {
				break
			}
		}
	}
	return Type{Name: name, Text: p.text[start:end]}, nil
}

// typeParameters reads a base type's parameter list, SqlBase.g4's
// '(' typeParameter (',' typeParameter)* ')' where a typeParameter is an
// integer or STRING; an error is where ANTLR stops, with its expectation
// list as SyntaxErrorValidator prints it.
func (p *parser) typeParameters() error {
	p.next() // '('
	for {
		tk := p.peek()
		if tk.Kind == Integer || (tk.Kind == Ident && tk.Upper() == "STRING") {
			p.next()
		} else {
			return p.errAt(tk, "Expecting {'STRING', INTEGER_VALUE}")
		}
		switch {
		case p.acceptSym(","):
		case p.acceptSym(")"):
			return nil
		default:
			return p.errAt(p.peek(), "Expecting {',', ')'}")
		}
	}
}

// byList reads the expressions of GROUP BY or PARTITION BY, SqlBase.g4's
// groupBy and partitionBy: valueExpression (',' valueExpression)* |
// '(' (valueExpression (',' valueExpression)*)? ')'. The planner refuses
// the empty list as GroupBy.java and PartitionBy.java do.
func (p *parser) byList() ([]Expr, error) {
	start := p.i
	list, err := p.byItems(p.acceptSym("("))
	if err != nil && p.toks[start].Kind == Symbol && p.toks[start].Text == "(" {
		// not a parenthesised list: the first valueExpression is a
		// parenthesised expression, as in PARTITION BY (a IS NULL)
		p.i = start
		list, err = p.byItems(false)
	}
	return list, err
}

// byItems reads byList's expressions, in parentheses (paren, the '(' read) or not. A comma
// may follow each (see commaFollows).
func (p *parser) byItems(paren bool) ([]Expr, error) {
	defer p.commaMayFollow()()
	var list []Expr
	if !(paren && p.isSym(")")) {
		for {
			e, err := p.additive(0)
			if err != nil {
				return nil, err
			}
			list = append(list, e)
			if !p.acceptSym(",") {
				break
			}
		}
	}
	if paren {
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
	}
	return list, nil
}

func (p *parser) properties() ([]Property, error) {
	if err := p.expectSym("("); err != nil {
		return nil, err
	}
	var props []Property
	for {
		t := p.peek()
		var name string
		switch t.Kind {
		case Ident, QuotedIdent:
			p.next()
			name = strings.ToUpper(t.Text)
		case String:
			p.next()
			name = strings.ToUpper(t.Text)
		default:
			return nil, p.errExpected("a property name")
		}
		if err := p.expectSym("="); err != nil {
			return nil, err
		}
		vt := p.peek()
		v, err := p.literal()
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, p.errAt(vt, "mismatched input %s expecting a literal", vt.describe())
		}
		props = append(props, Property{Name: name, Value: v, Pos: t.Pos})
		if p.acceptSym(",") {
			continue
		}
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
		return props, nil
	}
}

// literal parses a literal (with an optional sign for numbers) or returns nil if none.
func (p *parser) literal() (Expr, error) {
	t := p.peek()
	neg := ""
	if t.Kind == Symbol && (t.Text == "-" || t.Text == "+") {
		n := p.peekAt(1)
		if n.Kind == Integer || n.Kind == Decimal || n.Kind == Double {
			p.next()
			if t.Text == "-" {
				neg = "-"
			}
			t2 := p.next()
			return &Literal{Kind: numKind(t2.Kind), Text: neg + t2.Text, P: t.Pos}, nil
		}
		return nil, nil
	}
	switch t.Kind {
	case Variable:
		if n := p.peekAt(1); n.Kind == Symbol && (n.Text == "(" || n.Text == ".") {
			return nil, p.unsupported(t, "a variable reference naming a function or a source")
		}
		p.next()
		p.vars = append(p.vars, VarRef{Name: t.Text, Pos: t.Pos, Offset: t.Offset, Literal: true})
		return &Literal{Kind: StringLit, Text: "${" + t.Text + "}", P: t.Pos}, nil
	case String:
		p.next()
		return &Literal{Kind: StringLit, Text: t.Text, P: t.Pos}, nil
	case Integer, Decimal, Double:
		p.next()
		return &Literal{Kind: numKind(t.Kind), Text: t.Text, P: t.Pos}, nil
	case Ident:
		switch t.Upper() {
		case "TRUE", "FALSE":
			p.next()
			return &Literal{Kind: BoolLit, Bool: t.Upper() == "TRUE", Text: t.Upper(), P: t.Pos}, nil
		case "NULL":
			p.next()
			return &Literal{Kind: NullLit, Text: "NULL", P: t.Pos}, nil
		}
	}
	return nil, nil
}

func numKind(k Kind) LiteralKind {
	switch k {
	case Decimal:
		return DecimalLit
	case Double:
		return DoubleLit
	}
	return IntLit
}

func (p *parser) insert() (Statement, error) {
	start := p.next().Pos
	if err := p.expectKw("INTO"); err != nil {
		return nil, err
	}
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	if p.isSym("(") || p.isKw("VALUES") {
		return p.insertValues(name)
	}
	var props []Property
	if p.acceptKw("WITH") {
		if props, err = p.properties(); err != nil {
			return nil, err
		}
	}
	if !p.isKw("SELECT") {
		return nil, p.errExpected("'SELECT'")
	}
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	return &InsertInto{Target: name, Query: q, With: props, Pos: start}, nil
}

// insertValues parses the rest of INSERT INTO name [(col, ...)] VALUES (expr, ...),
// as ksqlDB's grammar (SqlBase.g4, insertValues) has it.
func (p *parser) insertValues(name string) (Statement, error) {
	iv := &InsertValues{Target: name}
	if p.acceptSym("(") {
		for {
			col, err := p.identifier()
			if err != nil {
				return nil, err
			}
			iv.Columns = append(iv.Columns, col)
			if p.acceptSym(")") {
				break
			}
			if err := p.expectSym(","); err != nil {
				return nil, err
			}
		}
	}
	if err := p.expectKw("VALUES"); err != nil {
		return nil, err
	}
	if err := p.expectSym("("); err != nil {
		return nil, err
	}
	for {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		iv.Values = append(iv.Values, e)
		if p.acceptSym(")") {
			break
		}
		if err := p.expectSym(","); err != nil {
			return nil, err
		}
	}
	return iv, nil
}

// print parses PRINT as ksqlDB's grammar (SqlBase.g4 printTopic,
// printClause) and AstBuilder.visitPrintTopic have it: a string literal or
// an identifier, both kept as written.
func (p *parser) print() (Statement, error) {
	p.next()
	pr := &Print{}
	t := p.peek()
	switch t.Kind {
	case String, Ident, QuotedIdent:
		p.next()
		pr.Topic = t.Text
	default:
		return nil, p.errExpected("a topic name")
	}
	if p.acceptKw("FROM") {
		if err := p.expectKw("BEGINNING"); err != nil {
			return nil, err
		}
		pr.FromBeginning = true
	}
	num := func(what string) (int64, error) {
		t := p.peek()
		if t.Kind == Decimal || t.Kind == Double {
			// ParserUtil.processIntegerNumber refuses it as the
			// statement is prepared
			p.next()
			if pr.NotInteger == "" {
				pr.NotInteger = what
			}
			return 0, nil
		}
		if t.Kind != Integer {
			return 0, p.errExpected("an integer")
		}
		p.next()
		n, err := strconv.ParseInt(t.Text, 10, 32)
		if err != nil {
			return 0, p.errAt(t, "invalid %s %s", what, t.Text)
		}
		return n, nil
	}
	if p.acceptKw("INTERVAL") || p.acceptKw("SAMPLE") {
		n, err := num("INTERVAL")
		if err != nil {
			return nil, err
		}
		pr.Interval = n
	}
	if p.acceptKw("LIMIT") {
		n, err := num("LIMIT")
		if err != nil {
			return nil, err
		}
		if pr.NotInteger == "" {
			pr.Limit = &n
		}
	}
	return pr, nil
}

func (p *parser) show() (Statement, error) {
	p.next()
	s := &Show{}
	if p.acceptKw("ALL") {
		s.All = true
		if !p.isKw("TOPICS") {
			return nil, p.errExpected("'TOPICS'")
		}
	}
	t := p.peek()
	switch t.Upper() {
	case "STREAMS", "TABLES", "QUERIES", "TOPICS", "PROPERTIES", "VARIABLES", "TYPES", "FUNCTIONS":
		s.What = t.Upper()
		p.next()
	case "CONNECTORS":
		return p.listConnectors()
	case "SOURCE", "SINK":
		if !s.All && strings.EqualFold(p.peekAt(1).Text, "CONNECTORS") && p.peekAt(1).Kind == Ident {
			return p.listConnectors()
		}
		return nil, p.errExpected("one of STREAMS, TABLES, QUERIES, TOPICS, PROPERTIES")
	case "CONNECTOR":
		if !s.All && strings.EqualFold(p.peekAt(1).Text, "PLUGINS") && p.peekAt(1).Kind == Ident {
			p.next()
			p.next()
			return &ListConnectorPlugins{}, nil
		}
		return nil, p.unsupported(t, "SHOW "+t.Upper())
	default:
		return nil, p.errExpected("one of STREAMS, TABLES, QUERIES, TOPICS, PROPERTIES")
	}
	if s.What != "PROPERTIES" && s.What != "VARIABLES" && s.What != "TYPES" && s.What != "FUNCTIONS" && p.acceptKw("EXTENDED") {
		s.Extended = true
		if s.What == "TOPICS" {
			return nil, p.unsupported(t, "SHOW "+s.What+" EXTENDED")
		}
	}
	return s, nil
}

func (p *parser) describe() (Statement, error) {
	p.next()
	d := &Describe{}
	if p.acceptKw("EXTENDED") {
		d.Extended = true
	}
	t := p.peek()
	if t.Kind == Ident {
		switch t.Upper() {
		case "FUNCTION":
			if !d.Extended && p.peekAt(1).Kind != EOF && !(p.peekAt(1).Kind == Symbol && p.peekAt(1).Text == ";") {
				p.next()
				return p.describeFunction()
			}
			if d.Extended {
				return nil, p.unsupported(t, "DESCRIBE FUNCTION")
			}
		case "CONNECTOR":
			if d.Extended {
				return nil, p.unsupported(t, "DESCRIBE EXTENDED CONNECTOR")
			}
			if n := p.peekAt(1); n.Kind != EOF && !(n.Kind == Symbol && n.Text == ";") {
				p.next()
				name, err := p.identifier()
				if err != nil {
					return nil, err
				}
				return &DescribeConnector{Name: name}, nil
			}
		case "STREAMS", "TABLES":
			p.next()
			d.List = t.Upper()
			if p.acceptKw("EXTENDED") {
				d.Extended = true
			}
			return d, nil
		}
	}
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	d.Name = name
	if p.acceptKw("EXTENDED") {
		d.Extended = true
	}
	return d, nil
}

// describeFunction reads the identifier of DESCRIBE FUNCTION identifier
// (SqlBase.g4). ksqlDB's AstBuilder takes the identifier's text as
// written (ctx.identifier().getText()): neither upper-cased nor unquoted,
// so a quoted name keeps its quotes.
func (p *parser) describeFunction() (Statement, error) {
	t := p.peek()
	switch t.Kind {
	case QuotedIdent:
		p.next()
		return &DescribeFunction{Name: p.text[t.Offset:t.End]}, nil
	case Variable:
		p.next()
		p.vars = append(p.vars, VarRef{Name: t.Text, Pos: t.Pos, Offset: t.Offset})
		return &DescribeFunction{Name: "${" + t.Text + "}"}, nil
	case Ident:
		if reserved[t.Upper()] {
			return nil, p.errAt(t, "mismatched input %s expecting an identifier", t.describe())
		}
		p.next()
		return &DescribeFunction{Name: t.Text}, nil
	}
	return nil, p.errExpected("an identifier")
}

// alter reads ALTER (STREAM | TABLE) sourceName alterOption (',' alterOption)*
// with alterOption ADD (COLUMN)? identifier type (SqlBase.g4); ALTER SYSTEM
// is refused as not supported.
func (p *parser) alter() (Statement, error) {
	first := p.next() // ALTER
	a := &AlterSource{}
	switch p.peek().Upper() {
	case "STREAM":
	case "TABLE":
		a.Table = true
	case "SYSTEM":
		// SqlBase.g4: ALTER SYSTEM STRING EQ STRING
		p.next()
		name, value, err := p.stringAssignment()
		if err != nil {
			return nil, err
		}
		return &AlterSystem{Name: name, Value: value}, nil
	default:
		return nil, p.unsupported(first, "ALTER")
	}
	p.next()
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	a.Name = name
	for {
		if err := p.expectKw("ADD"); err != nil {
			return nil, err
		}
		p.acceptKw("COLUMN")
		pos := p.peek().Pos
		col, err := p.identifier()
		if err != nil {
			return nil, err
		}
		typ, err := p.typ()
		if err != nil {
			return nil, err
		}
		a.Columns = append(a.Columns, ColumnDef{Name: col, Type: typ, Pos: pos})
		if !p.acceptSym(",") {
			return a, nil
		}
	}
}

// assert parses SqlBase.g4's assertTopic and assertSchema rules:
// ASSERT (NOT EXISTS)? TOPIC resourceName (WITH tableProperties)? timeout?
// and ASSERT (NOT EXISTS)? SCHEMA (SUBJECT resourceName)? (ID literal)?
// timeout?, where a resourceName is an identifier kept as written or a
// string.
func (p *parser) assert() (Statement, error) {
	p.next() // ASSERT
	// both statements start ASSERT (NOT EXISTS)?: a token that leaves
	// neither viable before TOPIC or SCHEMA is SyntaxErrorValidator's
	// no-viable-alternative error
	noViable := func() error {
		t := p.peek()
		return p.errAt(t, "Syntax error at or near '%s' at line %d:%d", t.Text, t.Pos.Line, t.Pos.Col)
	}
	exists := true
	if p.acceptKw("NOT") {
		if !p.acceptKw("EXISTS") {
			return nil, noViable()
		}
		exists = false
	}
	resource := func() (string, error) {
		t := p.peek()
		switch t.Kind {
		case String, QuotedIdent:
			p.next()
			return t.Text, nil
		case Ident:
			if reserved[t.Upper()] {
				return "", p.errAt(t, "mismatched input %s expecting an identifier", t.describe())
			}
			p.next()
			return t.Text, nil
		}
		return "", p.errExpected("a topic or subject name")
	}
	timeout := func() (*WindowTime, error) {
		if !p.acceptKw("TIMEOUT") {
			return nil, nil
		}
		wt, err := p.windowTime()
		if err != nil {
			return nil, err
		}
		return &wt, nil
	}
	switch t := p.peek(); t.Upper() {
	case "TOPIC":
		p.next()
		at := &AssertTopic{Exists: exists}
		var err error
		if at.Topic, err = resource(); err != nil {
			return nil, err
		}
		if p.acceptKw("WITH") {
			if at.Props, err = p.properties(); err != nil {
				return nil, err
			}
		}
		if at.Timeout, err = timeout(); err != nil {
			return nil, err
		}
		return at, nil
	case "SCHEMA":
		p.next()
		as := &AssertSchema{Exists: exists}
		if p.acceptKw("SUBJECT") {
			name, err := resource()
			if err != nil {
				return nil, err
			}
			as.Subject = &name
		}
		if p.acceptKw("ID") {
			lt := p.peek()
			v, err := p.literal()
			if err != nil {
				return nil, err
			}
			lit, ok := v.(*Literal)
			if !ok {
				return nil, p.errAt(lt, "mismatched input %s expecting a literal", lt.describe())
			}
			as.ID = lit
		}
		var err error
		if as.Timeout, err = timeout(); err != nil {
			return nil, err
		}
		return as, nil
	default:
		return nil, noViable()
	}
}

// createType parses the rest of SqlBase.g4's registerType rule:
// CREATE TYPE (IF NOT EXISTS)? identifier AS type.
func (p *parser) createType() (Statement, error) {
	p.next() // TYPE
	ct := &CreateType{}
	ifNotExists, err := p.ifNotExists()
	if err != nil {
		return nil, err
	}
	ct.IfNotExists = ifNotExists
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	ct.Name = name
	if err := p.expectKw("AS"); err != nil {
		return nil, err
	}
	if ct.Type, err = p.typ(); err != nil {
		return nil, err
	}
	return ct, nil
}

// dropType parses the rest of the dropType rule: DROP TYPE (IF EXISTS)?
// identifier.
func (p *parser) dropType() (Statement, error) {
	p.next() // TYPE
	dt := &DropType{}
	ifExists, err := p.ifExists()
	if err != nil {
		return nil, err
	}
	dt.IfExists = ifExists
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	dt.Name = name
	return dt, nil
}

func (p *parser) drop() (Statement, error) {
	p.next()
	d := &Drop{}
	t := p.peek()
	switch t.Upper() {
	case "STREAM":
	case "TABLE":
		d.Table = true
	case "TYPE":
		return p.dropType()
	case "CONNECTOR":
		p.next()
		ifExists, err := p.ifExists()
		if err != nil {
			return nil, err
		}
		name, err := p.identifier()
		if err != nil {
			return nil, err
		}
		return &DropConnector{Name: name, IfExists: ifExists}, nil
	default:
		return nil, p.errExpected("'STREAM' or 'TABLE'")
	}
	p.next()
	ifExists, err := p.ifExists()
	if err != nil {
		return nil, err
	}
	d.IfExists = ifExists
	name, err := p.identifier()
	if err != nil {
		return nil, err
	}
	d.Name = name
	if p.acceptKw("DELETE") {
		if err := p.expectKw("TOPIC"); err != nil {
			return nil, err
		}
		d.DeleteTopic = true
	}
	return d, nil
}

func (p *parser) query() (*Query, error) {
	if err := p.expectKw("SELECT"); err != nil {
		return nil, err
	}
	q := &Query{}
	if p.isKw("DISTINCT") || p.isKw("ALL") {
		return nil, p.unsupported(p.peek(), "SELECT "+p.peek().Upper())
	}
	for {
		item, err := p.selectItem()
		if err != nil {
			return nil, err
		}
		q.Items = append(q.Items, item)
		if !p.acceptSym(",") {
			break
		}
	}
	if err := p.expectKw("FROM"); err != nil {
		return nil, err
	}
	if p.isSym("(") {
		return nil, p.unsupported(p.peek(), "subqueries")
	}
	q.FromPos = p.peek().Pos
	from, err := p.identifier()
	if err != nil {
		return nil, err
	}
	q.From = from
	if p.acceptKw("AS") {
		a, err := p.identifier()
		if err != nil {
			return nil, err
		}
		q.FromAlias = a
	} else if t := p.peek(); t.Kind == QuotedIdent || t.Kind == Ident && !notAlias[t.Upper()] {
		a, _ := p.identifier()
		q.FromAlias = a
	}
	if err := p.joins(q); err != nil {
		return nil, err
	}
	if p.isSym(",") {
		return nil, p.unsupported(p.peek(), "JOIN")
	}
	if p.isKw("WINDOW") {
		w, err := p.window()
		if err != nil {
			return nil, err
		}
		q.Window = w
	}
	if p.acceptKw("WHERE") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		q.Where = e
	}
	if p.acceptKw("GROUP") {
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		q.HasGroupBy = true
		list, err := p.byList()
		if err != nil {
			return nil, err
		}
		q.GroupBy = list
	}
	if p.isKw("PARTITION") {
		q.PartitionPos = p.next().Pos
		if err := p.expectKw("BY"); err != nil {
			return nil, err
		}
		q.HasPartitionBy = true
		list, err := p.byList()
		if err != nil {
			return nil, err
		}
		q.PartitionBy = list
	}
	if p.acceptKw("HAVING") {
		e, err := p.expr()
		if err != nil {
			return nil, err
		}
		q.Having = e
	}
	if p.acceptKw("EMIT") {
		switch {
		case p.acceptKw("CHANGES"):
			q.EmitChanges = true
		case p.acceptKw("FINAL"):
			q.EmitFinal = true
		default:
			return nil, p.errExpected("'CHANGES' or 'FINAL'")
		}
	}
	if p.acceptKw("LIMIT") {
		// SqlBase.g4's number takes a sign; PullQueryValidator refuses a
		// negative LIMIT
		sign := ""
		if p.isSym("-") && isNumber(p.peekAt(1).Kind) {
			p.next()
			sign = "-"
		}
		t := p.peek()
		if t.Kind == Decimal || t.Kind == Double {
			// ParserUtil.processIntegerNumber refuses it as the
			// statement is prepared
			p.next()
			q.LimitNotInteger = true
			return q, nil
		}
		if t.Kind != Integer {
			return nil, p.errExpected("an integer")
		}
		p.next()
		n, err := strconv.ParseInt(sign+t.Text, 10, 64)
		if err != nil {
			return nil, p.errAt(t, "invalid LIMIT %s", t.Text)
		}
		q.Limit = &n
	}
	return q, nil
}

func (p *parser) selectItem() (SelectItem, error) {
	t := p.peek()
	if p.acceptSym("*") {
		return SelectItem{Star: true, Pos: t.Pos}, nil
	}
	if (t.Kind == Ident || t.Kind == QuotedIdent) && p.peekAt(1).Kind == Symbol && p.peekAt(1).Text == "." &&
		p.peekAt(2).Kind == Symbol && p.peekAt(2).Text == "*" {
		q, err := p.identifier()
		if err != nil {
			return SelectItem{}, err
		}
		p.next()
		p.next()
		return SelectItem{Star: true, Qualifier: q, Pos: t.Pos}, nil
	}
	restore := p.commaMayFollow()
	e, err := p.expr()
	restore()
	if err != nil {
		return SelectItem{}, err
	}
	item := SelectItem{Expr: e, Pos: t.Pos}
	if nt := p.peekAt(1); p.isSym("->") && nt.Kind == Symbol && nt.Text == "*" {
		p.next()
		p.next()
		item.StructAll = true
		return item, nil
	}
	if p.acceptKw("AS") {
		a, err := p.identifier()
		if err != nil {
			return SelectItem{}, err
		}
		item.Alias = a
	} else if t := p.peek(); t.Kind == QuotedIdent || t.Kind == Ident && !notAlias[t.Upper()] {
		a, _ := p.identifier()
		item.Alias = a
	}
	return item, nil
}

// closest returns the candidate within edit distance 2 of s, if any.
func closest(s string, candidates []string) string {
	best, bestD := "", math.MaxInt
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// IsUnsupported reports whether err names an unsupported construct.
func IsUnsupported(err error) bool {
	var u *UnsupportedError
	return errors.As(err, &u)
}
