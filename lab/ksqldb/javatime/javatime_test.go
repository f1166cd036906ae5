package javatime

import (
	"errors"
	"testing"
	"time"
)

// The expected texts are the examples of the "Patterns for Formatting and
// Parsing" table in java.time.format.DateTimeFormatter's Javadoc (Java 17),
// which formats 2008-07-29 as "Tue", "Tuesday", "Jul" and "July".
func TestFormatWritesTheJavadocExamples(t *testing.T) {
	at := time.Date(2008, time.July, 29, 15, 4, 5, 123_000_000, time.UTC)
	for pattern, want := range map[string]string{
		"yyyy-MM-dd":               "2008-07-29",
		"E":                        "Tue",
		"EEEE":                     "Tuesday",
		"MMM":                      "Jul",
		"MMMM":                     "July",
		"a":                        "PM",
		"hh:mm:ss.SSS":             "03:04:05.123",
		"D":                        "211",
		"yyyy-MM-dd'T'HH:mm:ssXXX": "2008-07-29T15:04:05Z",
		"Z":                        "+0000",
	} {
		p, err := Compile(pattern)
		if err != nil {
			t.Fatalf("Compile(%q): %v", pattern, err)
		}
		if got := p.Format(at); got != want {
			t.Errorf("Format with %q = %q, want %q", pattern, got, want)
		}
	}
}

// DateTimeFormatter.ofPattern throws IllegalArgumentException "Unknown
// pattern letter: l" for a letter outside its table; ksqlDB reports that
// text for TIMESTAMP_FORMAT (docs reference/sql/time.md, the third
// TIMESTAMP_FORMAT example).
func TestCompileRefusesALetterJavaDoesNotKnowWithJavasMessage(t *testing.T) {
	_, err := Compile("hh 'o'clock' a, zzzz l")
	var invalid *InvalidPatternError
	if !errors.As(err, &invalid) || invalid.Msg != "Unknown pattern letter: l" {
		t.Fatalf("Compile = %v, want InvalidPatternError \"Unknown pattern letter: l\"", err)
	}
}

// 'w' (week of week-based-year) is in Java's table; this package does not
// implement it and says so rather than formatting something else.
func TestCompileReportsALetterJavaKnowsButThisPackageDoesNot(t *testing.T) {
	if _, err := Compile("w"); !errors.Is(err, ErrUnsupportedLetter) {
		t.Fatalf("Compile(\"w\") = %v, want ErrUnsupportedLetter", err)
	}
}

// Parse reads a zone name 'z' as the zone Java reads it as (PDT is
// SystemV/PST8PDT, zonenames_table.go) and fills the fields a pattern lacks
// with 1970-01-01T00:00 in the given zone.
func TestParseResolvesAZoneNameToItsRegion(t *testing.T) {
	p, err := Compile("yyyy-MM-dd HH:mm z")
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.Parse("2021-07-01 12:00 PDT", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2021, 7, 1, 19, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Parse = %v, want %v", got, want)
	}
	d, err := Compile("HH:mm")
	if err != nil {
		t.Fatal(err)
	}
	got, err = d.Parse("10:30", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(1970, 1, 1, 10, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("Parse without a date = %v, want %v", got, want)
	}
}
