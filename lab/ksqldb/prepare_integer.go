package ksqldb

import (
	"errors"
	"strings"

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

// withFailedLine is how /query answers a request that does not parse:
// ParseFailedException's unlogged message, which ends with "\nStatement: "
// and the request line the syntax error is on (DefaultKsqlParser.parse), as
// ErrorMessageUtil.buildErrorMessage reads it for
// StreamedQueryResource.parseStatement. A statement refused as it is
// prepared ends with the statement instead (DefaultKsqlParser.prepare).
func withFailedLine(text string, err error) error {
	var syn *sql.SyntaxError
	if !errors.As(err, &syn) {
		return err
	}
	lines := strings.Split(text, "\n")
	if syn.Pos.Line < 1 || syn.Pos.Line > len(lines) {
		return err
	}
	return stmterr.Bad("%s\nStatement: %s", err.Error(), lines[syn.Pos.Line-1])
}
