package ksqldb

import "testing"

// LN and LOG are Math.log, a HotSpot intrinsic giving the correctly rounded
// logarithm where fdlibm (and Go's math.Log) are an ulp off for some inputs:
// query-validation-tests math.json "ln" expects LN(3) = 1.0986122886681098.
// The other values are ln x to 60 digits, rounded to the nearest double.
func TestLnIsTheCorrectlyRoundedLogarithm(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`LN(3)`, `1.0986122886681098`},
		{`LN(CAST(3 AS BIGINT))`, `1.0986122886681098`},
		{`LN(3.2653891747809305e0)`, `1.183378951576402`},
		{`LN(0.5127501592764339e0)`, `-0.6679665713979375`},
		{`LN(2)`, `0.6931471805599453`},
		{`LN(1)`, `0.0`},
		{`LOG(3)`, `1.0986122886681098`},
	})
}
