package ksqldb

import (
	"math"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// Every DOUBLE written as JSON goes through the same formatter.
func TestJSONDoublesUseJavaFormatting(t *testing.T) {
	if got := string(formats.AppendJSONValue(nil, []any{math.Ldexp(1, 62), 1e7})); got != "[4.6116860184273879E18,1.0E7]" {
		t.Errorf("got %s", got)
	}
}
