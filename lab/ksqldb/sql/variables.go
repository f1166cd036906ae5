package sql

import (
	"fmt"
	"regexp"
	"strings"
)

// Variable substitution follows ksqlDB 0.29's VariableSubstitutor
// (ksqldb-parser): a reference ${name} outside quotes stands for an
// identifier or, where the grammar wants a literal (expressions, VALUES,
// WITH property values), for a literal; references inside string literals
// are text. Every reference whose variable is defined is replaced in the
// statement text, which is then parsed again; $${ writes ${ without
// substituting, as Apache Commons Text's StringSubstitutor does.

// VarRef is a variable reference outside quotes.
type VarRef struct {
	Name    string
	Pos     Pos  // in the request text
	Offset  int  // byte offset in the statement text
	Literal bool // stands for a literal rather than an identifier
}

// IllegalVariableError is a variable whose value does not fit where it is
// referenced.
type IllegalVariableError struct {
	Pos        Pos
	Identifier bool
	Value      string
}

func (e *IllegalVariableError) Error() string {
	if e.Identifier {
		return fmt.Sprintf("Illegal argument at Line: %d, Col: %d. Identifier names cannot start with '@' and "+
			"may only contain alphanumeric values and '_'. Got: '%s'", e.Pos.Line, e.Pos.Col, e.Value)
	}
	return fmt.Sprintf("Illegal argument at Line: %d, Col: %d. Got: '%s'", e.Pos.Line, e.Pos.Col, e.Value)
}

// define parses DEFINE name = 'value'.
func (p *parser) define() (Statement, error) {
	p.next() // DEFINE
	name, err := p.variableName()
	if err != nil {
		return nil, err
	}
	if err := p.expectSym("="); err != nil {
		return nil, err
	}
	value, err := p.stringLit()
	if err != nil {
		return nil, err
	}
	return &DefineVariable{Name: name, Value: value}, nil
}

// variableName reads a variable name: an unquoted identifier, kept as written.
func (p *parser) variableName() (string, error) {
	t := p.peek()
	if t.Kind != Ident {
		return "", p.errExpected("a variable name")
	}
	p.next()
	return t.Text, nil
}

// Substitute returns the statement's text with its variable references
// replaced by the values lookup finds. A reference outside quotes whose
// value does not fit (an identifier that is no name, a literal that is no
// quoted string, boolean or number) fails, as does one never defined.
func Substitute(p Parsed, lookup func(name string) (string, bool)) (string, error) {
	toks, err := lex(p.Text)
	if err != nil {
		return "", &StatementError{Text: p.Text, Err: err}
	}
	refs := map[int]VarRef{}
	for _, r := range p.Vars {
		refs[r.Offset] = r
	}
	values := map[string]string{}
	put := func(name, value string) {
		if _, ok := values[name]; !ok {
			values[name] = value
		}
	}
	for _, t := range toks {
		switch t.Kind {
		case String:
			for _, name := range references(t.Text) {
				if v, ok := lookup(name); ok {
					put(name, sanitize(v))
				}
			}
		case Variable:
			r, ok := refs[t.Offset]
			if !ok {
				r = VarRef{Name: t.Text, Pos: t.Pos}
			}
			v, ok := lookup(t.Text)
			if !ok {
				v = "${" + t.Text + "}"
			}
			if r.Literal {
				if !isLiteralValue(v) {
					return "", &StatementError{Text: p.Text, Err: &IllegalVariableError{Pos: r.Pos, Value: v}}
				}
				put(t.Text, sanitize(v))
				continue
			}
			if !isIdentifierValue(v) {
				return "", &StatementError{Text: p.Text, Err: &IllegalVariableError{Pos: r.Pos, Identifier: true, Value: v}}
			}
			put(t.Text, v)
		}
	}
	return replaceReferences(p.Text, values), nil
}

// references are the names of the unescaped ${name} references in text.
func references(text string) []string {
	var names []string
	scanReferences(text, func(name string) (string, bool) {
		names = append(names, name)
		return "", false
	})
	return names
}

// replaceReferences replaces each unescaped ${name} whose name values
// holds; $${ becomes ${.
func replaceReferences(text string, values map[string]string) string {
	return scanReferences(text, func(name string) (string, bool) {
		v, ok := values[name]
		return v, ok
	})
}

// scanReferences walks text as StringSubstitutor does: a reference runs
// from ${ to its matching }, a $ right before ${ escapes it, and a
// reference resolve does not know is kept as written.
func scanReferences(text string, resolve func(name string) (string, bool)) string {
	var b strings.Builder
	i, plain := 0, 0 // plain: start of text copied as is since the last change
	for i < len(text) {
		if !strings.HasPrefix(text[i:], "${") {
			b.WriteByte(text[i])
			i++
			continue
		}
		if i > plain && text[i-1] == '$' {
			s := b.String()
			b.Reset()
			b.WriteString(s[:len(s)-1])
			b.WriteString("${")
			i += 2
			plain = i
			continue
		}
		end, depth := -1, 0
		for j := i + 2; j < len(text); j++ {
			if strings.HasPrefix(text[j:], "${") {
				depth++
				j++
			} else if text[j] == '}' {
				if depth == 0 {
					end = j
					break
				}
				depth--
			}
		}
		if end < 0 {
			b.WriteString(text[i:])
			break
		}
		if v, ok := resolve(text[i+2 : end]); ok {
			b.WriteString(v)
			plain = end + 1
		} else {
			b.WriteString(text[i : end+1])
		}
		i = end + 1
	}
	return b.String()
}

func isQuoted(v string, q byte) bool {
	return len(v) >= 2 && v[0] == q && v[len(v)-1] == q
}

// sanitize escapes a value's quotes for a string literal; a value in
// single quotes keeps its outer quotes (ParserUtil.sanitize).
func sanitize(v string) string {
	if isQuoted(v, '\'') {
		inner := strings.ReplaceAll(v[1:len(v)-1], "''", "'")
		return "'" + strings.ReplaceAll(inner, "'", "''") + "'"
	}
	return strings.ReplaceAll(v, "'", "''")
}

var (
	identifierValue = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_@]*$`)
	// javaNumber is what Long.parseLong, Double.parseDouble (finite) or new
	// BigDecimal accept in decimal notation.
	javaNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$`)
)

// isIdentifierValue: a name, bare or in double quotes or backticks.
func isIdentifierValue(v string) bool {
	if isQuoted(v, '"') || isQuoted(v, '`') {
		v = v[1 : len(v)-1]
	}
	return identifierValue.MatchString(v)
}

// isLiteralValue: a string in single quotes, a boolean or a number.
func isLiteralValue(v string) bool {
	if isQuoted(v, '\'') || strings.EqualFold(v, "true") || strings.EqualFold(v, "false") {
		return true
	}
	return javaNumber.MatchString(strings.TrimSpace(v))
}
