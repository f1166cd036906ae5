package expr

import (
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// literalError is the ParsingException ParserUtil throws for a numeric
// literal Java cannot parse, as DefaultKsqlParser.prepare reports it:
// "Failed to prepare statement: line L:C: <what>: <literal text>". The
// column is one past the literal's 1-based column, NodeLocation and
// ParsingException each adding one to ANTLR's 0-based position.
func literalError(x *sql.Literal, what string) error {
	return stmterr.Bad("Failed to prepare statement: line %d:%d: %s: %s", x.P.Line, x.P.Col+1, what, x.Text)
}
