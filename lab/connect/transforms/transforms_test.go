package transforms

import (
	"reflect"
	"testing"
)

// SingleFieldPath's V2 syntax (KIP-821): dots split steps, backticks wrap
// names holding dots, a backslash escapes a backtick that precedes a dot.
func TestFieldPathV2Steps(t *testing.T) {
	for path, want := range map[string][]string{
		"foo":           {"foo"},
		"foo.bar":       {"foo", "bar"},
		"`foo.bar`.baz": {"foo.bar", "baz"},
		"`foo.bar`":     {"foo.bar"},
		"foo.":          {"foo", ""},
		"`a\\`.b`.c":    {"a`.b", "c"},
		"`a`b`.c":       {"a`b", "c"},
	} {
		got, err := parseFieldPath(path, true)
		if err != nil || !reflect.DeepEqual([]string(got), want) {
			t.Errorf("%q: got %q, %v; want %q", path, got, err, want)
		}
	}
}

// Matcher.appendReplacement: $n takes the longest group number that
// exists, ${name} a named group, and a backslash quotes the next character.
func TestJavaReplacementSyntax(t *testing.T) {
	re, _ := fullMatch(`(a)(b)(?P<tail>c)`)
	groups := []string{"abc", "a", "b", "c"}
	g := func(i int) string { return groups[i] }
	for repl, want := range map[string]string{
		"$1-$2":    "a-b",
		"$12":      "a2",
		"${tail}!": "c!",
		`\$1`:      "$1",
		"x$0":      "xabc",
	} {
		if got, err := javaReplacement(re, repl, g); err != nil || got != want {
			t.Errorf("%q: got %q, %v; want %q", repl, got, err, want)
		}
	}
	if _, err := javaReplacement(re, "$9", g); err == nil || err.Error() != "java.lang.IndexOutOfBoundsException: No group 9" {
		t.Errorf("$9: %v", err)
	}
}

// SimpleDateFormat patterns round-trip: formatting 2024-03-05 07:08:09.010
// UTC and parsing the text back gives the same instant.
func TestSimpleDateFormatRoundTrip(t *testing.T) {
	const ms = int64(1709622489010)
	for pattern, text := range map[string]string{
		"yyyy-MM-dd HH:mm:ss.SSS":      "2024-03-05 07:08:09.010",
		"yyyyMMddHHmmssSSS":            "20240305070809010",
		"dd MMM yyyy hh:mm:ss.SSS a":   "05 Mar 2024 07:08:09.010 AM",
		"yyyy-MM-dd'T'HH:mm:ss.SSS'Z'": "2024-03-05T07:08:09.010Z",
		"G yyyy-MM-dd HH:mm:ss.SSS z":  "AD 2024-03-05 07:08:09.010 UTC",
		"yyyy-MM-dd HH:mm:ss.SSSZ":     "2024-03-05 07:08:09.010+0000",
		"yyyy-MM-dd'T'HH:mm:ss.SSSX":   "2024-03-05T07:08:09.010Z",
	} {
		toks, err := parseSimpleDateFormat(pattern)
		if err != nil {
			t.Fatalf("%s: %v", pattern, err)
		}
		if got := formatSimpleDate(toks, unixMilli(ms)); got != text {
			t.Errorf("format %s = %s, want %s", pattern, got, text)
		}
		if got, ok := parseSimpleDate(toks, text); !ok || got != ms {
			t.Errorf("parse %s %s = %d %v, want %d", pattern, text, got, ok, ms)
		}
	}
	// Week fields, US weeks: 2024-03-05 is a Tuesday (u=2) in week 10 of
	// the year, week 2 of March (March 1 is a Friday), and its first
	// Tuesday of the month (F=1).
	toks, _ := parseSimpleDateFormat("w W F u")
	if got := formatSimpleDate(toks, unixMilli(ms)); got != "10 2 1 2" {
		t.Errorf("week fields = %s", got)
	}
	// A zone offset in the text moves the instant.
	toks, _ = parseSimpleDateFormat("yyyy-MM-dd HH:mmZ")
	if got, ok := parseSimpleDate(toks, "2024-03-05 09:08+0200"); !ok || got != 1709622480000 {
		t.Errorf("offset parse = %d %v", got, ok)
	}
	if _, err := parseSimpleDateFormat("yyyy-qq"); err == nil || err.Error() != "java.lang.IllegalArgumentException: Illegal pattern character 'q'" {
		t.Errorf("illegal letter: %v", err)
	}
}

// Values.parseString types header literals: whole numbers as the smallest
// integer type, fractions as FLOAT32, words as strings.
func TestInsertHeaderLiteralTypes(t *testing.T) {
	for lit, want := range map[string]any{
		"cta": "cta", "true": true, "42": int8(42), "1000": int16(1000), "1.0": int8(1),
		"1.50": float32(1.5), "70000": int32(70000), "-5": int8(-5), ".5": ".5", "+.5": float32(0.5),
	} {
		if _, got := parseLiteral(lit); got != want {
			t.Errorf("%q: got %#v, want %#v", lit, got, want)
		}
	}
	// An exponent no record needs stays text instead of a value to expand.
	if _, got := parseLiteral("1e999999999"); got != "1e999999999" {
		t.Errorf("huge exponent: %#v", got)
	}
	if got := ValuesString(float32(1.5)); got != "1.5" {
		t.Errorf("float header = %s", got)
	}
}

// Simple class names are aliases only where unambiguous.
func TestLookupAcceptsUnambiguousSimpleNames(t *testing.T) {
	if p, ok := Lookup("ValueToKey"); !ok || p.Class != "org.apache.kafka.connect.transforms.ValueToKey" {
		t.Errorf("ValueToKey alias: %v %v", p, ok)
	}
	if _, ok := Lookup("Key"); ok {
		t.Error("Key resolved")
	}
	if _, ok := Lookup("org.apache.kafka.connect.transforms.ExtractField"); ok {
		t.Error("abstract ExtractField resolved")
	}
}

type panicking struct{}

func (panicking) Apply(*Record) (*Record, error) { panic("unexpected shape") }

// A transformation that panics fails its record with an error instead of
// taking the worker down.
func TestStageTurnsAPanicIntoAnError(t *testing.T) {
	s := &Stage{Class: "x", Transform: panicking{}}
	out, err := s.Apply(&Record{Topic: "t"})
	if out != nil || err == nil || err.Error() != "java.lang.RuntimeException: unexpected shape" {
		t.Errorf("Apply = %v, %v", out, err)
	}
}
