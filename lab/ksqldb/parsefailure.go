package ksqldb

import (
	"errors"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// failedLine is the line of the request text a syntax error is on: the
// statement of the ParseFailedException DefaultKsqlParser.parse throws.
func failedLine(text string, err error) (string, bool) {
	var syn *sql.SyntaxError
	if !errors.As(err, &syn) {
		return "", false
	}
	lines := strings.Split(text, "\n")
	if syn.Pos.Line < 1 || syn.Pos.Line > len(lines) {
		return "", false
	}
	return lines[syn.Pos.Line-1], true
}

// withFailedLine is how /query answers a request that does not parse:
// ParseFailedException's unlogged message, which ends with "\nStatement: "
// and the line that failed (failedLine), as ErrorMessageUtil.buildErrorMessage
// reads it for StreamedQueryResource.parseStatement. A statement refused as
// it is prepared ends with the statement instead (DefaultKsqlParser.prepare).
func withFailedLine(text string, err error) error {
	line, ok := failedLine(text, err)
	if !ok {
		return err
	}
	return stmterr.Bad("%s\nStatement: %s", err.Error(), line)
}
