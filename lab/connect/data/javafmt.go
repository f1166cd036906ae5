package data

import "github.com/ctalab/ctalab/lab/javanum"

// FormatJavaDouble formats f as Java's Double.toString (or Float.toString
// when bits is 32) does.
func FormatJavaDouble(f float64, bits int) string {
	if bits == 32 {
		return javanum.FormatFloat(float32(f))
	}
	return javanum.FormatDouble(f)
}
