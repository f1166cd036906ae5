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
