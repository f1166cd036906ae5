package ksqldb

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// notIntegerClause refuses a LIMIT or PRINT INTERVAL whose number is not
// an integer: the grammar takes any number there and AstBuilder refuses it
// while the statement is prepared (ParserUtil.processIntegerNumber, with
// DefaultKsqlParser.prepare's prefix).
func notIntegerClause(st sql.Statement) error {
	what := ""
	switch st := st.(type) {
	case *sql.Print:
		what = st.NotInteger
	default:
		if q := sql.EndingQuery(st); q != nil && q.LimitNotInteger {
			what = "LIMIT"
		}
	}
	if what == "" {
		return nil
	}
	return stmterr.Bad("Failed to prepare statement: Value must be integer for command: %s", what)
}
