// Package expr compiles ksqlDB's expression language for the embedded
// ksqlDB server: a parsed expression (package sql) over a Scope of columns
// becomes a Compiled value, its type and a function of the input row, as
// ksqlDB 0.29's ExpressionTypeManager types it and SqlToJavaVisitor runs it.
//
// By file: expr.go the Compiler, scopes (joined scopes resolve qualified
// columns by source alias) and operators; case.go searched and simple CASE;
// cast.go CAST and the implicit widening of arguments; complex.go the
// ARRAY, MAP and STRUCT constructors, [] and ->; lambda.go lambdas with
// TRANSFORM, FILTER and REDUCE; functions.go calls of the scalar functions
// (package functions) and of the lazy ones (COALESCE, IFNULL, NULLIF);
// timeunit.go the functions taking a time unit; temporal_ops.go and
// decimal_functions.go arithmetic on time and DECIMAL values; incoercion.go
// the literals of an IN list; magictimestamp.go the date-time strings a
// WHERE clause compares with ROWTIME, WINDOWSTART or WINDOWEND;
// windowbound.go the planned WINDOW clause and WINDOWSTART/WINDOWEND.
//
// Aggregates: aggregate.go plans a query's aggregate calls (AggPlan) and
// runs them over an AggState with add, undo (for tables) and the state's
// form in the aggregate store (aggregate_store.go: the UDAF's
// intermediate value); aggregate_merge.go merges the states of
// two sessions; the UDAFs of their own files are STDDEV_SAMPLE/STDDEV_SAMP,
// CORRELATION, SUM_LIST and ATTR. Table functions (EXPLODE, CUBE_EXPLODE)
// are compiled in tablefunctions.go and zipped as ksqlDB's FlatMap step
// zips them.
//
// A failure while evaluating yields NULL, as ksqlDB logs the error and
// produces a null; what ksqlDB refuses at compile time is refused with its
// message (package stmterr). failures.go collects, for a Compiler given
// Failures, the processing log entries of what ksqlDB's generated code
// throws, each caught where SqlToJavaVisitor catches it (a CAST, a call
// argument that is a call or a dereference, an item of an ARRAY, MAP or
// STRUCT constructor) or by the step that evaluates the expression
// (Failures.Computing for a column, Boundary for a predicate, a new key or
// a table function's parameter, Caught for a grouping whose failure is no
// NULL): text
// cast to INTEGER, BIGINT or DOUBLE that does not parse, a DECIMAL cast
// that overflows, integer division or remainder and DECIMAL division by
// zero. Other failures still yield NULL silently (a UDF that throws,
// arithmetic on a NULL, other DECIMAL arithmetic failures, casts to time
// types and BYTES, text that is no number cast to DECIMAL, elements of
// complex casts, lambdas).
package expr
