package sql

import (
	"fmt"
	"strings"
)

// Kind is the kind of a lexical token.
type Kind int

// Token kinds.
const (
	EOF Kind = iota
	Ident
	QuotedIdent
	String
	Integer
	Decimal
	Double
	Symbol
	Variable // ${name}; Text is the name
)

// Pos is a 1-based line and column in the request text.
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("line %d:%d", p.Line, p.Col) }

// Token is one lexical token.
type Token struct {
	Kind   Kind
	Text   string // identifier (as written), string contents, number text or symbol
	Pos    Pos
	Offset int // byte offset of the token start
	End    int // byte offset just after the token
}

// Upper is the token text upper-cased, for keyword comparison.
func (t Token) Upper() string { return strings.ToUpper(t.Text) }

func (t Token) describe() string {
	switch t.Kind {
	case EOF:
		return "'<EOF>'"
	case String:
		return "''" + t.Text + "''"
	case Variable:
		return "'${" + t.Text + "}'"
	default:
		return "'" + t.Text + "'"
	}
}

// SyntaxError is a lexical or grammatical error at a position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s: Syntax Error\n%s", e.Pos, e.Msg)
}

// lex splits text into tokens, ending with an EOF token.
func lex(text string) ([]Token, error) {
	var toks []Token
	line, col := 1, 1
	i := 0
	advance := func(n int) {
		for k := 0; k < n && i < len(text); k++ {
			if text[i] == '\n' {
				line++
				col = 1
			} else if text[i]&0xC0 != 0x80 {
				col++
			}
			i++
		}
	}
	for {
		// skip blanks and comments
		for i < len(text) {
			c := text[i]
			if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
				advance(1)
				continue
			}
			if c == '-' && i+1 < len(text) && text[i+1] == '-' {
				for i < len(text) && text[i] != '\n' {
					advance(1)
				}
				continue
			}
			if c == '/' && i+1 < len(text) && text[i+1] == '*' {
				start := Pos{line, col}
				advance(2)
				closed := false
				for i < len(text) {
					if text[i] == '*' && i+1 < len(text) && text[i+1] == '/' {
						advance(2)
						closed = true
						break
					}
					advance(1)
				}
				if !closed {
					return nil, &SyntaxError{Pos: start, Msg: "unterminated comment"}
				}
				continue
			}
			break
		}
		pos := Pos{line, col}
		start := i
		if i >= len(text) {
			toks = append(toks, Token{Kind: EOF, Pos: pos, Offset: i, End: i})
			return toks, nil
		}
		c := text[i]
		switch {
		case isIdentStart(c):
			for i < len(text) && isIdentPart(text[i]) {
				advance(1)
			}
			toks = append(toks, Token{Kind: Ident, Text: text[start:i], Pos: pos, Offset: start, End: i})
		case c >= '0' && c <= '9' || (c == '.' && i+1 < len(text) && text[i+1] >= '0' && text[i+1] <= '9'):
			kind := Integer
			for i < len(text) && text[i] >= '0' && text[i] <= '9' {
				advance(1)
			}
			if i < len(text) && text[i] == '.' {
				kind = Decimal
				advance(1)
				for i < len(text) && text[i] >= '0' && text[i] <= '9' {
					advance(1)
				}
			}
			if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
				j := i + 1
				if j < len(text) && (text[j] == '+' || text[j] == '-') {
					j++
				}
				if j < len(text) && text[j] >= '0' && text[j] <= '9' {
					kind = Double
					advance(j - i)
					for i < len(text) && text[i] >= '0' && text[i] <= '9' {
						advance(1)
					}
				}
			}
			// DIGIT_IDENTIFIER (SqlBase.g4): a digit and one or more
			// letters, digits, '_' or '@' is an identifier when that match
			// is longer than the number's, as ANTLR takes the longest
			// token (a tie goes to the number, the earlier rule): 1R and
			// 1E are identifiers, 1E5 a number.
			if c != '.' {
				j := start
				for j < len(text) && isIdentPart(text[j]) {
					j++
				}
				if j-start >= 2 && j > i {
					advance(j - i)
					toks = append(toks, Token{Kind: Ident, Text: text[start:i], Pos: pos, Offset: start, End: i})
					continue
				}
			}
			if i < len(text) && isIdentStart(text[i]) {
				return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("extraneous input '%s'", text[start:i+1])}
			}
			toks = append(toks, Token{Kind: kind, Text: text[start:i], Pos: pos, Offset: start, End: i})
		case c == '\'':
			advance(1)
			var b strings.Builder
			closed := false
			for i < len(text) {
				if text[i] == '\'' {
					if i+1 < len(text) && text[i+1] == '\'' {
						b.WriteByte('\'')
						advance(2)
						continue
					}
					advance(1)
					closed = true
					break
				}
				b.WriteByte(text[i])
				advance(1)
			}
			if !closed {
				return nil, &SyntaxError{Pos: pos, Msg: "token recognition error at: '" + text[start:] + "'"}
			}
			toks = append(toks, Token{Kind: String, Text: b.String(), Pos: pos, Offset: start, End: i})
		case c == '$' && i+2 < len(text) && text[i+1] == '{' && isIdentStart(text[i+2]):
			j := i + 3
			for j < len(text) && isIdentPart(text[j]) {
				j++
			}
			if j >= len(text) || text[j] != '}' {
				return nil, &SyntaxError{Pos: pos, Msg: "token recognition error at: '$'"}
			}
			advance(j + 1 - i)
			toks = append(toks, Token{Kind: Variable, Text: text[start+2 : j], Pos: pos, Offset: start, End: i})
		case c == '`' || c == '"':
			q := c
			advance(1)
			var b strings.Builder
			closed := false
			for i < len(text) {
				if text[i] == q {
					if i+1 < len(text) && text[i+1] == q {
						b.WriteByte(q)
						advance(2)
						continue
					}
					advance(1)
					closed = true
					break
				}
				b.WriteByte(text[i])
				advance(1)
			}
			if !closed {
				return nil, &SyntaxError{Pos: pos, Msg: "token recognition error at: '" + text[start:] + "'"}
			}
			if b.Len() == 0 {
				return nil, &SyntaxError{Pos: pos, Msg: "empty quoted identifier"}
			}
			toks = append(toks, Token{Kind: QuotedIdent, Text: b.String(), Pos: pos, Offset: start, End: i})
		default:
			two := ""
			if i+1 < len(text) {
				two = text[i : i+2]
			}
			switch two {
			case "<>", "!=", "<=", ">=", "||", "=>", "->", ":=":
				advance(2)
				toks = append(toks, Token{Kind: Symbol, Text: two, Pos: pos, Offset: start, End: i})
				continue
			}
			switch c {
			case '(', ')', ',', ';', '.', '*', '+', '-', '/', '%', '=', '<', '>', '[', ']', '?', ':', '{', '}':
				advance(1)
				toks = append(toks, Token{Kind: Symbol, Text: string(c), Pos: pos, Offset: start, End: i})
			default:
				r := text[i:]
				n := 1
				for n < len(r) && r[n]&0xC0 == 0x80 {
					n++
				}
				return nil, &SyntaxError{Pos: pos, Msg: "token recognition error at: '" + r[:n] + "'"}
			}
		}
	}
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '@'
}

// isNumber tells whether a token kind is a numeric literal (SqlBase.g4's
// INTEGER_VALUE, DECIMAL_VALUE and FLOATING_POINT_VALUE).
func isNumber(k Kind) bool { return k == Integer || k == Decimal || k == Double }
