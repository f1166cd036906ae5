package expr

import "errors"

// outsideTypeCheck marks a compile failure that ksqlDB raises outside
// ExpressionTypeManager's type resolution (confluentinc/ksql v7.9.0): a
// column that does not resolve (the Analyzer, before it), a WHERE text
// that is no timestamp (StatementRewriteForMagicPseudoTimestamp, before
// it), an IN list that does not coerce (CodeGenRunner, after it).
// FilterTypeValidator wraps only the type resolution's failures.
type outsideTypeCheck struct{ error }

func (e outsideTypeCheck) Unwrap() error { return e.error }

// IsTypeCheckError reports whether err is a failure of the expression's
// type resolution, as FilterTypeValidator sees them.
func IsTypeCheckError(err error) bool {
	var o outsideTypeCheck
	return err != nil && !errors.As(err, &o)
}

// operandError marks the refusal of BETWEEN or LIKE operands of types they
// cannot take. ExpressionTypeManager types both as BOOLEAN without looking
// at their operands, so ksqlDB refuses them later, where the expression is
// compiled; a pull query validates its WHERE clause before that
// (QueryFilterNode).
type operandError struct{ error }

func (e operandError) Unwrap() error { return e.error }

// IsOperandError reports a refusal of BETWEEN or LIKE operands.
func IsOperandError(err error) bool {
	var o operandError
	return errors.As(err, &o)
}

// KeepOperandMark returns wrapped, which reports err, marked as a refusal
// of BETWEEN or LIKE operands where err is one.
func KeepOperandMark(err, wrapped error) error {
	if IsOperandError(err) {
		return operandError{wrapped}
	}
	return wrapped
}
