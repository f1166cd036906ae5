package expr

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Evaluation failures, as ksqlDB's generated code throws and logs them
// (confluentinc/ksql v7.9.0 ksqldb-execution): an expression that throws
// propagates the exception to the nearest enclosing catch. With
// ksql.nested.error.set.null (KsqlConfig; true for new queries) the code
// SqlToJavaVisitor generates catches it at every CAST, every argument of a
// function call that is itself a call or a dereference, and every item of
// an ARRAY, key or value of a MAP and field of a STRUCT constructor
// (evaluateOrReturnNull): that value is NULL, the processing log has a
// RecordProcessingError "Error processing <what>", and evaluation goes on.
// What no such catch takes reaches CompiledExpression.evaluate, where the
// select step (SelectValueMapper.processColumn) logs "Error computing
// expression <expression> for column <name> with index <i>" and the
// column is NULL. The log's cause lists the exception's message and its
// causes' (ErrorMessageUtil.getErrorMessages).
//
// The failing sites are the casts of text to INTEGER, BIGINT, DOUBLE, a
// time type and BYTES, of numbers and text to DECIMAL, and of an ARRAY,
// MAP or STRUCT whose element cast fails (cast.go, castChecked), integer
// division and remainder by zero and DECIMAL division and remainder
// (expr.go, types.DecimalArithThrown: by zero, "Rounding necessary",
// "Division impossible"), and the calls of the UDF overloads whose
// failures are known (functions.Overload.Throwing, functions.go:
// GENERATE_SERIES, the date-time functions, TO_BYTES, FROM_BYTES,
// URL_DECODE_PARAM, ENCODE, the X_FROM_BYTES conversions, GEO_DISTANCE
// and the MASK functions), and arithmetic on a NULL INTEGER, BIGINT or
// DOUBLE operand whose origin is known, a NullPointerException
// (nullarith.go). A failure a lambda body
// throws leaves each TRANSFORM, FILTER or REDUCE as a UDF's failure
// (lambda_failures.go).
//
// Here a failing site records what it throws in the Failures of the
// compiler that compiled it and yields nil; every boundary checks the
// record once its value is computed: the happy path costs a load and a
// comparison per boundary and allocates nothing. A boundary met while a
// failure is pending (which Java would never reach, having thrown) is not
// evaluated. Only a Compiler given Failures records anything: compiled
// without, a failure yields nil silently, as before.

// Failure is one processing log entry of an expression: the
// RecordProcessingError's errorMessage and cause.
type Failure struct {
	Message string
	Cause   []string
	Step    string // the Step of the Failures that logged it

	result int // the Failures' result when it was logged (see NextResult)
}

// Failures collects the failures of the expressions of one compiler, the
// entries in the order ksqlDB logs them. Evaluation of its expressions
// must not run concurrently (a query's processor evaluates them under its
// lock), and the thread that evaluates them takes them.
type Failures struct {
	// Step is the query context of the step whose processing logger logs
	// these failures, its parts joined by dots ("Project", "WhereFilter",
	// "Aggregate.GroupBy"; QueryLoggerUtil.queryLoggerName)
	Step string

	thrown []string // the pending exception's messages (nil: none)
	logged []Failure
	sites  int // the failing sites compiled (see Sites)
	result int // the result being evaluated (see NextResult)
}

// thrower is the Failures a failing site being compiled records to, nil
// where none are kept; it counts the site.
func (c *Compiler) thrower() *Failures {
	if c.Failures != nil {
		c.Failures.sites++
	}
	return c.Failures
}

// Sites is the number of failing sites compiled so far: an expression
// whose compiling left it unchanged cannot fail, and needs no boundary.
func (f *Failures) Sites() int {
	if f == nil {
		return 0
	}
	return f.sites
}

// throw records a failure thrown by an evaluation, the exception's message
// followed by its causes'; a failure already pending (Java would not have
// got this far) is kept.
func (f *Failures) throw(cause ...string) {
	if f != nil && f.thrown == nil {
		f.thrown = cause
	}
}

// catch ends a boundary: a pending failure is logged as message and the
// boundary's value is NULL.
func (f *Failures) catch(message string, v any) any {
	if f.thrown == nil {
		return v
	}
	f.logged = append(f.logged, Failure{Message: message, Cause: f.thrown, Step: f.Step, result: f.result})
	f.thrown = nil
	return nil
}

// Log logs a failure a step's boundary caught where no compiled
// expression threw it, the exception's message followed by its causes'.
func (f *Failures) Log(message string, cause ...string) {
	if f != nil {
		f.logged = append(f.logged, Failure{Message: message, Cause: cause, Step: f.Step, result: f.result})
	}
}

// Take returns the failures logged since the last Take and forgets them
// (and any failure still pending, which no boundary caught). A nil
// Failures has none.
func (f *Failures) Take() []Failure {
	if f == nil || (f.logged == nil && f.thrown == nil) {
		return nil
	}
	out := f.logged
	f.logged, f.thrown = nil, nil
	return out
}

// NextResult starts the evaluation of another result of the record at
// hand (a stream-stream join's next joined row). Kafka Streams forwards
// each result through all the steps after the one that made it before
// the next, so the entries of the steps' Failures, each counting the
// same results, are logged result by result (TakeInOrder).
func (f *Failures) NextResult() {
	if f != nil {
		f.result++
	}
}

// TakeInOrder takes the failures of steps, given in the order a result
// passes them, as ksqlDB logs them: result by result, and each result's
// step by step.
func TakeInOrder(steps ...*Failures) []Failure {
	var out []Failure
	for _, f := range steps {
		out = append(out, f.Take()...)
	}
	slices.SortStableFunc(out, func(a, b Failure) int { return cmp.Compare(a.result, b.result) })
	return out
}

// guard is a nested boundary (evaluateOrReturnNull) around in, logging
// "Error processing <what>"; without Failures in is returned as is.
func (c *Compiler) guard(what string, in Compiled) Compiled {
	f := c.Failures
	if f == nil {
		return in
	}
	inner, msg := in.Eval, "Error processing "+what
	return Compiled{Type: in.Type, Eval: func(r []any) any {
		if f.thrown != nil {
			return nil
		}
		return f.catch(msg, inner(r))
	}}
}

// Boundary is the boundary of a step around an expression it evaluates
// whole (CompiledExpression.evaluate with a default of NULL or false): a
// failure no nested boundary caught is logged as message and the value
// is NULL.
func (f *Failures) Boundary(message string, in Compiled) Compiled {
	if f == nil {
		return in
	}
	inner := in.Eval
	return Compiled{Type: in.Type, Eval: func(r []any) any { return f.catch(message, inner(r)) }}
}

// Caught ends a boundary around a value its caller evaluated itself, as a
// step whose failed evaluation is not NULL does (GroupByParamsFactory's
// EVAL_FAILED): a pending failure is logged as message, and Caught
// reports it.
func (f *Failures) Caught(message string) bool {
	if f == nil || f.thrown == nil {
		return false
	}
	f.catch(message, nil)
	return true
}

// Computing is the select step's boundary around the expression of a
// value column (SelectValueMapper.processColumn with
// CompiledExpression.evaluate): a failure no nested boundary caught is
// logged as "Error computing expression <text> for column <name> with
// index <index>" and the column is NULL. text is the expression as ksqlDB
// writes it in the query's plan, index the column's place among the
// step's select expressions.
func (f *Failures) Computing(text, name string, index int, in Compiled) Compiled {
	if f == nil {
		return in
	}
	return f.Boundary("Error computing expression "+text+" for column "+name+" with index "+strconv.Itoa(index), in)
}

// CompileLean compiles e with c's Failures where e has a failing site,
// else without them, so that an expression that cannot fail carries no
// boundary of its own. A projection holding table functions is compiled
// once, with them (a second compile would add its calls again).
func (c *Compiler) CompileLean(e sql.Expr) (Compiled, error) {
	f := c.Failures
	sites := f.Sites()
	ce, err := c.Compile(e)
	if err != nil || f == nil || f.Sites() != sites || c.TFs != nil {
		return ce, err
	}
	c.Failures = nil
	defer func() { c.Failures = f }()
	return c.Compile(e)
}
