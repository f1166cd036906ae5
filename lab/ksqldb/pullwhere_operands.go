package ksqldb

import (
	"errors"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// pullOperandError is how a pull query on a table answers BETWEEN or LIKE
// operands its WHERE clause cannot take (err, expr.IsOperandError), which
// its type check lets through. QueryFilterNode validates the clause first,
// with BETWEEN rewritten as two comparisons (PullQueryRewriter), so its
// refusals come first (LIKE on a column that is no string); then the
// interpreter compiles the rewritten clause, and the first comparison whose
// operands do not compare is refused ("Invalid expression: ...",
// InterpretedExpressionFactory.create). Call it with s.mu held.
func (s *Server) pullOperandError(q *sql.Query, src *metastore.Source, opts pullOptions, err error) error {
	if _, _, verr := planPullScan(q.Where, src.Schema, src.Window != nil, opts); verr != nil {
		return verr
	}
	rewritten := *q
	rewritten.Where = rewriteInBetween(q.Where)
	_, cerr := planner.PlanQuery(s.ms, &rewritten, planner.ModePush, "")
	const where = "Error in WHERE expression: "
	var se *stmterr.Error
	if cerr == nil || expr.IsOperandError(cerr) || !errors.As(cerr, &se) || !strings.HasPrefix(se.Msg, where) {
		return err
	}
	return stmterr.Bad("Invalid expression: %s", strings.TrimPrefix(se.Msg, where))
}
