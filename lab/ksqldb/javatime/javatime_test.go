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

// A field out of its range fails where DateTimeFormatter resolves the
// parsed fields (java.time.format.Parsed.resolve, ResolverStyle.SMART,
// JDK 17), as DateTimeParseException "Text '<text>' could not be parsed:
// <message>" around the DateTimeException ChronoField.checkValidValue
// throws ("Invalid value for <field> (valid values <range>): <value>",
// ValueRange.toString). The date resolves first (AbstractChronology
// .resolveYearOfEra: the year of era; IsoChronology.resolveYMD: the year,
// the month, then the day of month, a day past the month's end taken as
// its last; resolveYD and LocalDate.ofYearDay for a day of year), then
// the time (Parsed.resolveTimeFields: the clock hours k and h, 0 allowed,
// the hour of AM/PM with an AM/PM; resolveTime: the minute, the hour,
// 24:00 as the next midnight, then the second).
func TestParseRefusesAFieldOutOfRangeAsJavaResolvesIt(t *testing.T) {
	for _, c := range []struct{ pattern, text, cause string }{
		{"yyyy-MM-dd", "2020-13-01", "Invalid value for MonthOfYear (valid values 1 - 12): 13"},
		{"yyyy-MM-dd", "2020-00-32", "Invalid value for MonthOfYear (valid values 1 - 12): 0"},
		{"yyyy-MM-dd", "2020-01-32", "Invalid value for DayOfMonth (valid values 1 - 28/31): 32"},
		{"yyyy-MM-dd", "0000-01-01", "Invalid value for YearOfEra (valid values 1 - 999999999/1000000000): 0"},
		{"yyyy-D", "2020-367", "Invalid value for DayOfYear (valid values 1 - 365/366): 367"},
		{"yyyy-D", "2019-366", "Invalid date 'DayOfYear 366' as '2019' is not a leap year"},
		{"yyyy-MM-dd HH:mm", "2020-01-01 25:61", "Invalid value for MinuteOfHour (valid values 0 - 59): 61"},
		{"yyyy-MM-dd HH:mm", "2020-01-01 25:00", "Invalid value for HourOfDay (valid values 0 - 23): 25"},
		{"yyyy-MM-dd HH:mm:ss", "2020-01-01 24:00:01", "Invalid value for HourOfDay (valid values 0 - 23): 24"},
		{"yyyy-MM-dd HH:mm:ss", "2020-01-01 23:00:60", "Invalid value for SecondOfMinute (valid values 0 - 59): 60"},
		{"yyyy-MM-dd kk:mm", "2020-01-01 25:00", "Invalid value for ClockHourOfDay (valid values 1 - 24): 25"},
		{"yyyy-MM-dd hh:mm a", "2020-01-01 13:00 PM", "Invalid value for ClockHourOfAmPm (valid values 1 - 12): 13"},
		{"yyyy-MM-dd KK:mm a", "2020-01-01 12:00 PM", "Invalid value for HourOfAmPm (valid values 0 - 11): 12"},
		// the date first
		{"yyyy-MM-dd HH:mm", "2020-13-01 25:00", "Invalid value for MonthOfYear (valid values 1 - 12): 13"},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Parse(c.text, time.UTC)
		var re *ResolveError
		want := "Text '" + c.text + "' could not be parsed: " + c.cause
		if !errors.As(err, &re) || err.Error() != want || re.Msg != c.cause {
			t.Errorf("Parse(%q) with %q = %v, want %q", c.text, c.pattern, err, want)
		}
	}
	for _, c := range []struct{ pattern, text, want string }{
		{"yyyy-MM-dd", "2021-02-30", "2021-02-28T00:00:00Z"},
		{"yyyy-MM-dd HH:mm", "2020-01-01 24:00", "2020-01-02T00:00:00Z"},
		{"yyyy-MM-dd kk:mm", "2020-01-01 00:30", "2020-01-01T00:30:00Z"},
		{"yyyy-MM-dd hh:mm a", "2020-01-01 00:30 PM", "2020-01-01T12:30:00Z"},
		{"yyyy-MM-dd hh:mm a", "2020-01-01 12:30 AM", "2020-01-01T00:30:00Z"},
	} {
		p, _ := Compile(c.pattern)
		got, err := p.Parse(c.text, time.UTC)
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("Parse(%q) with %q = %v %v, want %s", c.text, c.pattern, got, err, c.want)
		}
	}
}
