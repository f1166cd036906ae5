package sql

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/javanum"
)

// CreateConnector is CREATE SOURCE|SINK CONNECTOR [IF NOT EXISTS] name
// WITH (...) (SqlBase.g4 createConnector).
type CreateConnector struct {
	Name        string // as AstBuilder reads it: unquoted names upper-cased
	NameText    string // the identifier as written
	Sink        bool
	IfNotExists bool
	Config      []ConnectorProperty
}

// ConnectorProperty is one WITH property of CREATE CONNECTOR.
type ConnectorProperty struct {
	Key       string // an identifier's text (unquoted ones upper-cased) or a string's contents
	KeyText   string // the key as written
	Value     string // the literal's value as Literal.getValue().toString() writes it
	ValueText string // the literal as written
}

// DropConnector is DROP CONNECTOR [IF EXISTS] name.
type DropConnector struct {
	Name     string
	IfExists bool
}

// DescribeConnector is DESCRIBE CONNECTOR name.
type DescribeConnector struct {
	Name string
}

// ListConnectors is SHOW|LIST [SOURCE|SINK] CONNECTORS; Scope is "",
// "SOURCE" or "SINK".
type ListConnectors struct {
	Scope string
}

// ListConnectorPlugins is SHOW|LIST CONNECTOR PLUGINS.
type ListConnectorPlugins struct{}

func (*ListConnectorPlugins) statement() {}
func (*CreateConnector) statement()      {}
func (*DropConnector) statement()        {}
func (*DescribeConnector) statement()    {}
func (*ListConnectors) statement()       {}

// MaskedText is the statement as QueryMask writes it for statementText:
// rebuilt from its parts, every property value but connector.class's
// replaced by '[string]'.
func (c *CreateConnector) MaskedText() string {
	var b strings.Builder
	b.WriteString("CREATE")
	if c.Sink {
		b.WriteString(" SINK")
	} else {
		b.WriteString(" SOURCE")
	}
	b.WriteString(" CONNECTOR")
	if c.IfNotExists {
		b.WriteString(" IF NOT EXISTS")
	}
	b.WriteString(" " + c.NameText + " WITH (")
	for i, p := range c.Config {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.KeyText + "=")
		if p.maskKey() == "connector.class" {
			b.WriteString(p.ValueText)
		} else {
			b.WriteString("'[string]'")
		}
	}
	b.WriteString(");")
	return b.String()
}

// maskKey is the key QueryMask compares with its allowed keys: an
// identifier's text lower-cased, a string's contents as written.
func (p ConnectorProperty) maskKey() string {
	if strings.HasPrefix(p.KeyText, "'") {
		return p.Key
	}
	return strings.ToLower(p.Key)
}

// createConnector reads the rest of CREATE SOURCE|SINK CONNECTOR once
// CONNECTOR is next.
func (p *parser) createConnector(sink bool) (Statement, error) {
	p.next() // CONNECTOR
	cc := &CreateConnector{Sink: sink}
	ifNotExists, err := p.ifNotExists()
	if err != nil {
		return nil, err
	}
	cc.IfNotExists = ifNotExists
	if cc.Name, cc.NameText, err = p.identifierAsWritten(); err != nil {
		return nil, err
	}
	if err := p.expectKw("WITH"); err != nil {
		return nil, err
	}
	if err := p.expectSym("("); err != nil {
		return nil, err
	}
	for {
		prop, err := p.connectorProperty()
		if err != nil {
			return nil, err
		}
		cc.Config = append(cc.Config, prop)
		if p.acceptSym(",") {
			continue
		}
		if err := p.expectSym(")"); err != nil {
			return nil, err
		}
		return cc, nil
	}
}

// identifierAsWritten reads an identifier and also returns its text as
// written, quotes included.
func (p *parser) identifierAsWritten() (string, string, error) {
	t := p.peek()
	name, err := p.identifier()
	if err != nil {
		return "", "", err
	}
	return name, p.text[t.Offset:t.End], nil
}

// connectorProperty reads (identifier | STRING) EQ literal.
func (p *parser) connectorProperty() (ConnectorProperty, error) {
	var prop ConnectorProperty
	t := p.peek()
	if t.Kind == String {
		p.next()
		prop.Key, prop.KeyText = t.Text, p.text[t.Offset:t.End]
	} else {
		var err error
		if prop.Key, prop.KeyText, err = p.identifierAsWritten(); err != nil {
			return prop, err
		}
	}
	if err := p.expectSym("="); err != nil {
		return prop, err
	}
	vt := p.peek()
	v, err := p.literal()
	if err != nil {
		return prop, err
	}
	if v == nil {
		return prop, p.errAt(vt, "mismatched input %s expecting a literal", vt.describe())
	}
	lit := v.(*Literal)
	prop.ValueText = p.text[vt.Offset:p.toks[p.i-1].End]
	switch lit.Kind {
	case StringLit:
		prop.Value = lit.Text
	case BoolLit:
		prop.Value = strconv.FormatBool(lit.Bool)
	case IntLit:
		// IntegerLiteral, or LongLiteral past an int's range
		n, ok := new(big.Int).SetString(lit.Text, 10)
		if !ok || !n.IsInt64() {
			return prop, p.unsupported(vt, "a connector property of a number out of BIGINT range")
		}
		prop.Value = n.String()
	case DecimalLit:
		prop.Value = lit.Text
	case DoubleLit:
		f, err := strconv.ParseFloat(lit.Text, 64)
		if err != nil {
			return prop, p.unsupported(vt, "a connector property of this DOUBLE")
		}
		prop.Value = javanum.FormatDouble(f)
	default:
		return prop, p.unsupported(vt, "a NULL connector property")
	}
	return prop, nil
}

// listConnectors reads [SOURCE|SINK] CONNECTORS after SHOW or LIST.
func (p *parser) listConnectors() (Statement, error) {
	lc := &ListConnectors{}
	if t := p.peek(); t.Upper() == "SOURCE" || t.Upper() == "SINK" {
		p.next()
		lc.Scope = t.Upper()
	}
	if err := p.expectKw("CONNECTORS"); err != nil {
		return nil, err
	}
	return lc, nil
}
