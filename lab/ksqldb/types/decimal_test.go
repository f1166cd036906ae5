package types

import (
	"testing"
)

// BigDecimal's text: toString switches to scientific notation when the
// scale is negative or the adjusted exponent is below -6; toPlainString
// never does. Expected values worked from the java.math.BigDecimal
// toString specification (JDK 17 API docs).
func TestDecimalTextIsBigDecimals(t *testing.T) {
	for _, c := range []struct{ in, str, plain string }{
		{"1e3", "1E+3", "1000"},
		{"0.00000001", "1E-8", "0.00000001"},
		{"-0.000001234", "-0.000001234", "-0.000001234"},
		{"123.45e-10", "1.2345E-8", "0.000000012345"},
		{"10.0000", "10.0000", "10.0000"},
		{"-0", "0", "0"},
	} {
		d, err := ParseDecimal(c.in)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if d.String() != c.str || d.Plain() != c.plain {
			t.Errorf("%s: toString %s plain %s, want %s and %s", c.in, d.String(), d.Plain(), c.str, c.plain)
		}
	}
	for _, bad := range []string{"", ".", "1e", "1.2.3", "e5", "1e2000000000", "--1", "1x"} {
		if _, err := ParseDecimal(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
