package expr

import "github.com/ctalab/ctalab/lab/ksqldb/sql"

// Arg is the expression the call aggregates (its first argument, past
// any init literals), nil for COUNT(*).
func (c *AggCall) Arg() sql.Expr { return c.argExpr }

// SetArg replaces what computes the call's argument with ce, an
// evaluation of Arg: the Prepare step's, which logs what it throws (see
// failures.go).
func (c *AggCall) SetArg(ce Compiled) { c.arg = ce }
