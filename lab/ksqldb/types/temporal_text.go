package types

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
)

// Thrown is a Java exception as ErrorMessageUtil.getErrorMessages lists
// it: its message, then each of its causes' (the exception itself where it
// has no message).
type Thrown []string

func (t Thrown) Error() string { return t[0] }

// The help SqlTimeTypes and PartialStringToTimestampParser append to their
// parse failures (confluentinc/ksql v7.9.0 ksqldb-engine-common
// .../schema/ksql/SqlTimeTypes.java, ksqldb-common
// .../util/timestamp/PartialStringToTimestampParser.java; KsqlConstants'
// patterns; System.lineSeparator is "\n").
const (
	timestampHelp = "\nRequired format is: \"yyyy-MM-dd'T'HH:mm:ss.SSS\", with an optional numeric 4-digit timezone, for example: '2020-05-26T23:59:58.000' or with tz: '2020-05-26T23:59:58.000+0200'. A trailing 'Z' instead of tz indicates the zero UTC offset. Partials are also supported, for example \"2020-05-26\""
	dateHelp      = "\nRequired format is: \"yyyy-MM-dd\", for example '2020-05-26'. Partials are also supported, for example '2020-05'"
	timeHelp      = "\nRequired format is: \"HH:mm:ss.SSS\", for example: '01:34:20.123' or '01:34:20'. Partials are also supported, for example '01:34'"
)

// wrapThrown is a KsqlException "<prefix>: <cause's message><help>" whose
// cause is inner.
func wrapThrown(prefix string, inner Thrown, help string) Thrown {
	return append(Thrown{prefix + ": " + inner[0] + help}, inner...)
}

// ParseTemporalText is CastEvaluator's cast of trimmed text to TIMESTAMP
// (SqlTimeTypes.parseTimestamp), DATE (parseDate), TIME (parseTime) or
// BYTES (BytesUtils.decode, BASE64): the value, or what the cast throws, a
// Thrown where this server knows ksqlDB's messages.
func ParseTemporalText(s string, to Type) (any, error) {
	switch to.Kind() {
	case KindTimestamp:
		ms, err := ParseTimestampText(s)
		if err != nil {
			return nil, err
		}
		return TimestampVal(ms), nil
	case KindDate:
		d, err := parseDateText(s)
		if err != nil {
			return nil, err
		}
		return DateVal(d), nil
	case KindTime:
		t, err := parseTimeText(s)
		if err != nil {
			return nil, err
		}
		return TimeVal(t), nil
	case KindBytes:
		b, thrown := javaBase64(s)
		if thrown != nil {
			return nil, thrown
		}
		return b, nil
	}
	return nil, fmt.Errorf("no text cast to %s", to)
}

// ParseTimestampText is PartialStringToTimestampParser.parse: a date-time
// missing its trailing parts (2021, 2021-01, 2021-01-01T10:30) is
// completed with zeros; an offset (+0200, -05:00) or a trailing Z may
// follow the time. What it throws is a Thrown, "Failed to parse timestamp
// '<text>': ..." and its causes, but for a date-time past what this
// server reads (a year of more than 4 digits or signed).
func ParseTimestampText(text string) (int64, error) {
	var date, tm, zone string
	if i := strings.IndexByte(text, 'T'); i >= 0 {
		date = text[:i]
		rest := text[i+1:]
		if j := strings.IndexByte(rest, '+'); j >= 0 {
			zone = rest[j:]
		} else if j := strings.IndexByte(rest, '-'); j >= 0 {
			zone = rest[j:]
		}
		tm = strings.TrimSuffix(rest[:len(rest)-len(zone)], "Z")
	} else {
		date = completeDate(text)
	}
	const timePattern = "HH:mm:ss.SSS"
	if n := len(utf16.Encode([]rune(tm))); n < len(timePattern) { // String.length
		tail := []byte(timePattern[n:])
		for i, c := range tail {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' {
				tail[i] = '0'
			}
		}
		tm += string(tail)
	}
	prefix := "Failed to parse timestamp '" + text + "'"
	loc := time.UTC
	if strings.TrimSpace(zone) != "" {
		// ZoneId.of, inside the try that wraps what the parse throws
		if msg := javaZoneOffset(zone); msg != "" {
			return 0, wrapThrown(prefix, Thrown{"Failed to parse timezone '" + zone + "': " + msg, msg}, timestampHelp)
		}
		l, err := javatime.Zone(zone)
		if err != nil {
			return 0, fmt.Errorf("%s: %w%s", prefix, err, timestampHelp)
		}
		loc = l
	}
	ms, thrown := parseKsqlDateTime(date+"T"+tm, loc)
	if thrown != nil {
		return 0, wrapThrown(prefix, thrown, timestampHelp)
	}
	return ms, nil
}

// completeDate is PartialStringToTimestampParser.completeDate: a date of
// one part (String.split("-"), trailing empty parts dropped) gets -01-01,
// of two -01.
func completeDate(date string) string {
	parts := 1
	if strings.Contains(date, "-") {
		parts = len(strings.Split(strings.TrimRight(date, "-"), "-"))
		if strings.TrimRight(date, "-") == "" {
			parts = 0
		}
	}
	switch parts {
	case 1:
		return date + "-01-01"
	case 2:
		return date + "-01"
	}
	return date
}

// parseDateText is SqlTimeTypes.parseDate: LocalDate.parse of the
// completed date, what it throws wrapped as "Failed to parse date
// '<text>': ...", or this server's refusal of a date past what its DATE
// holds.
func parseDateText(text string) (int32, error) {
	d, thrown := parseISODate(completeDate(text))
	switch {
	case thrown != nil:
		return 0, wrapThrown("Failed to parse date '"+text+"'", thrown, dateHelp)
	case d != int64(int32(d)):
		return 0, dateRangeRefusal(text, d)
	}
	return int32(d), nil
}

// DateOfDay is the DATE of epoch day day, refused (dateRangeRefusal)
// past an int32 of days: a TIMESTAMP cast to a DATE, DATEADD, DATESUB and
// PARSE_DATE reach days ksqlDB's java.sql.Date holds and this server does
// not, which it never truncates.
func DateOfDay(day int64) (DateVal, Thrown) {
	if day != int64(int32(day)) {
		return 0, dateRangeRefusal(formatDay(day), day)
	}
	return DateVal(day), nil
}

// dateRangeRefusal refuses a date ksqlDB holds (a java.sql.Date of
// TimeUnit.DAYS.toMillis(epochDay) milliseconds, any LocalDate) and this
// server does not: it holds a DATE as an int32 of days, from
// LocalDate.ofEpochDay(Integer.MIN_VALUE), -5877641-06-23, to
// LocalDate.ofEpochDay(Integer.MAX_VALUE), +5881580-07-11.
func dateRangeRefusal(text string, day int64) Thrown {
	return Thrown{fmt.Sprintf("the date '%s' (epoch day %d) is past what this embedded ksqlDB server holds in a DATE, an int32 of days from -5877641-06-23 to +5881580-07-11; ksqlDB holds it", text, day)}
}

// parseTimeText is SqlTimeTypes.parseTime: LocalTime.parse, what it
// throws wrapped as "Failed to parse time '<text>': ...".
func parseTimeText(text string) (int32, error) {
	t, thrown := parseISOTime(text)
	if thrown != nil {
		return 0, wrapThrown("Failed to parse time '"+text+"'", thrown, timeHelp)
	}
	return t, nil
}
