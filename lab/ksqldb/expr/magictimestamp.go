package expr

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// ksqlDB's "magic" timestamps (StatementRewriteForMagicPseudoTimestamp):
// in a WHERE clause, a string literal compared with ROWTIME, WINDOWSTART
// or WINDOWEND, or bounding one of them in BETWEEN, is read as a date-time
// (PartialStringToTimestampParser: missing parts are zeros, no offset is
// UTC) and replaced by its epoch milliseconds before the clause is typed.

func isMagicTimestampColumn(e sql.Expr) bool {
	ref, ok := e.(*sql.ColumnRef)
	return ok && (ref.Name == "ROWTIME" || ref.Name == "WINDOWSTART" || ref.Name == "WINDOWEND")
}

// magicTimestamp returns the literal holding the milliseconds a string
// literal names, or e itself when e is not a string literal.
func magicTimestamp(e sql.Expr) (sql.Expr, error) {
	lit, ok := e.(*sql.Literal)
	if !ok || lit.Kind != sql.StringLit {
		return e, nil
	}
	ms, err := types.ParseTimestampText(lit.Text)
	if err != nil {
		return nil, stmterr.Bad("%s", err.Error()) // the message ends with the format's help
	}
	return &sql.Literal{Kind: sql.IntLit, Text: strconv.FormatInt(ms, 10), P: lit.P}, nil
}

// RewriteMagicTimestamps returns e with its timestamp strings replaced when
// e is a comparison or BETWEEN on a time column, else e unchanged. The
// statement's own tree is not modified.
func RewriteMagicTimestamps(e sql.Expr) (sql.Expr, error) {
	switch x := e.(type) {
	case *sql.Binary:
		if !ComparisonOps[x.Op] {
			return e, nil
		}
		out := *x
		var err error
		switch {
		case isMagicTimestampColumn(x.L):
			out.R, err = magicTimestamp(x.R)
		case isMagicTimestampColumn(x.R):
			out.L, err = magicTimestamp(x.L)
		default:
			return e, nil
		}
		if err != nil {
			return nil, err
		}
		return &out, nil
	case *sql.Between:
		if !isMagicTimestampColumn(x.X) {
			return e, nil
		}
		out := *x
		var err error
		if out.Lo, err = magicTimestamp(x.Lo); err != nil {
			return nil, err
		}
		if out.Hi, err = magicTimestamp(x.Hi); err != nil {
			return nil, err
		}
		return &out, nil
	}
	return e, nil
}

var ComparisonOps = map[string]bool{"=": true, "<>": true, "<": true, "<=": true, ">": true, ">=": true, "IS DISTINCT FROM": true, "IS NOT DISTINCT FROM": true}
