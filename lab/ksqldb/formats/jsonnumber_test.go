package formats

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// jsonNumberLow64 agrees with exact arithmetic: the number as a rational,
// truncated toward zero, its low 64 bits in two's complement (what
// BigDecimal.longValue gives), on numbers with fractions, exponents and
// more digits than fit.
func TestJSONNumberLow64AgreesWithExactArithmetic(t *testing.T) {
	exact := func(s string) int64 {
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("big.Rat cannot read %q", s)
		}
		i := new(big.Int).Quo(r.Num(), r.Denom())
		return int64(new(big.Int).And(i, new(big.Int).SetUint64(math.MaxUint64)).Uint64())
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []string{"-1.7", "1e2", "2.5e0", "4294967297", "9223372036854775808", "-9223372036854775809", "0.0", "-0.5",
		"1e-1", "123.456e1", "18446744073709551617", "1E+70", "-3.99E+1", "100000000000000000000000000000.9"}
	for range 2000 {
		digits := make([]byte, 1+rng.IntN(40))
		for i := range digits {
			digits[i] = byte('0' + rng.IntN(10))
		}
		s := string(digits)
		if p := rng.IntN(len(s) + 1); p > 0 && p < len(s) {
			s = s[:p] + "." + s[p:]
		}
		if rng.IntN(2) == 0 {
			s += fmt.Sprintf("e%d", rng.IntN(90)-45)
		}
		if rng.IntN(2) == 0 {
			s = "-" + s
		}
		cases = append(cases, s)
	}
	for _, s := range cases {
		got, err := jsonNumberLow64(json.Number(s))
		if err != nil {
			t.Errorf("%s: %v", s, err)
			continue
		}
		if want := exact(s); got != want {
			t.Errorf("%s: %d, want %d", s, got, want)
		}
	}
	// exponents too large to compute exactly: 0 either way
	for _, s := range []string{"1e999999999999", "7.5e-999999999999"} {
		if got, err := jsonNumberLow64(json.Number(s)); err != nil || got != 0 {
			t.Errorf("%s: %d %v, want 0", s, got, err)
		}
	}
}
