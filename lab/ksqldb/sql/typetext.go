package sql

import "strings"

// castTypeText is a CAST's type as ExpressionFormatter writes it for
// Expression.toString (visitType: SqlType.toString with
// FormatOptions.of(s -> false), confluentinc/ksql v7.9.0
// ksqldb-execution): the type in full, type names upper-cased, INT as
// INTEGER and VARCHAR as STRING, a STRUCT's field names upper-cased unless
// quoted and never quoted, DECIMAL(p, s), the parameters SqlTypeParser
// ignores (VARCHAR(10)) left out, ", " between parameters.
func castTypeText(t Type) string {
	toks, err := lex(t.Text)
	if err != nil || len(toks) == 0 || toks[0].Kind == EOF {
		return t.Name
	}
	w := typeWriter{toks: toks}
	w.typ()
	return w.b.String()
}

// typeWriter rewrites the tokens of a type the parser accepted.
type typeWriter struct {
	toks []Token
	i    int
	b    strings.Builder
}

func (w *typeWriter) next() Token {
	t := w.toks[min(w.i, len(w.toks)-1)]
	w.i++
	return t
}

func (w *typeWriter) peekSym(s string) bool {
	t := w.toks[min(w.i, len(w.toks)-1)]
	return t.Kind == Symbol && t.Text == s
}

// name is an identifier as ksqlDB keeps it: upper-cased unless quoted.
func name(t Token) string {
	if t.Kind == QuotedIdent {
		return t.Text
	}
	return t.Upper()
}

func (w *typeWriter) typ() {
	n := name(w.next())
	switch n {
	case "INT":
		n = "INTEGER"
	case "VARCHAR":
		n = "STRING"
	}
	w.b.WriteString(n)
	switch {
	case n == "DECIMAL" && w.peekSym("("):
		w.next()
		w.b.WriteString("(" + w.next().Text)
		for w.peekSym(",") {
			w.next()
			w.b.WriteString(", " + w.next().Text)
		}
		w.next()
		w.b.WriteString(")")
	case (n == "ARRAY" || n == "MAP") && w.peekSym("<"):
		w.next()
		w.b.WriteString("<")
		w.typ()
		for w.peekSym(",") {
			w.next()
			w.b.WriteString(", ")
			w.typ()
		}
		w.next()
		w.b.WriteString(">")
	case n == "STRUCT" && w.peekSym("<"):
		w.next()
		w.b.WriteString("<")
		if w.peekSym(">") { // SqlStruct.toString of no fields
			w.b.WriteString(" ")
		}
		for !w.peekSym(">") && w.i < len(w.toks) {
			if w.peekSym(",") {
				w.next()
				w.b.WriteString(", ")
			}
			w.b.WriteString(name(w.next()) + " ")
			w.typ()
		}
		w.next()
		w.b.WriteString(">")
	case w.peekSym("("):
		// parameters SqlTypeParser ignores
		for depth := 0; w.i < len(w.toks); {
			t := w.next()
			if t.Kind == Symbol && t.Text == "(" {
				depth++
			} else if t.Kind == Symbol && t.Text == ")" {
				if depth--; depth == 0 {
					break
				}
			}
		}
	}
}
