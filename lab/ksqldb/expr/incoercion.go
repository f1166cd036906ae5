package expr

import (
	"regexp"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// An IN list's string literals are coerced to the list's type, as ksqlDB
// 0.29's CoercionUtil does for expression lists (type-coercion page,
// "Literal rules" and "Expression lists"; query-validation-tests in.json):
// the first non-null expression sets the kind; when it is numeric, a
// string literal holding a number becomes that number (DECIMAL with a
// point, DOUBLE with an exponent), and when it is BOOLEAN, a string
// literal holding true, false, yes or no, or a prefix of one, becomes that
// boolean. Any other string is refused with CoercionUtil's message.

var numericText = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$`)

// coerceInLiteral returns the literal e stands for once coerced to the
// list's kind, or e itself when e is no string literal or the kind takes
// strings as they are.
func coerceInLiteral(e sql.Expr, kind types.Type) (sql.Expr, error) {
	lit, ok := e.(*sql.Literal)
	if !ok || lit.Kind != sql.StringLit {
		return e, nil
	}
	switch {
	case kind.Numeric():
		text := lit.Text
		if !numericText.MatchString(text) {
			return nil, invalidInSyntax(kind, text)
		}
		k := sql.IntLit
		if strings.ContainsAny(text, "eE") {
			k = sql.DoubleLit
		} else if strings.Contains(text, ".") {
			k = sql.DecimalLit
		}
		return &sql.Literal{Kind: k, Text: strings.TrimPrefix(text, "+"), P: lit.P}, nil
	case kind == types.Boolean:
		b, ok := booleanText(lit.Text)
		if !ok {
			return nil, invalidInSyntax(kind, lit.Text)
		}
		return &sql.Literal{Kind: sql.BoolLit, Bool: b, P: lit.P}, nil
	}
	return e, nil
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

func invalidInSyntax(kind types.Type, text string) error {
	base, _, _ := strings.Cut(kind.String(), "(")
	return stmterr.Bad("Invalid Predicate: invalid input syntax for type %s: \"%s\".", base, text)
}
