package functions

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/javatime"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// What the date-time UDFs throw (confluentinc/ksql v7.9.0 ksqldb-engine
// .../function/udf/datetime): each runs its formatter cache, ZoneId.of and
// the parse or format in a try that catches ExecutionException and
// RuntimeException and throws KsqlFunctionException("<what>: " + the
// message, e). A pattern DateTimeFormatter refuses reaches the catch as
// Guava's UncheckedExecutionException, whose message is the
// IllegalArgumentException's toString; a NULL pattern as the cache's
// NullPointerException without message (LocalCache.get's checkNotNull),
// a NULL zone as ZoneId.of's "zoneId", a NULL text as
// DateTimeFormatter.parse's "text" (Objects.requireNonNull).

// javaNPE is a NullPointerException: its message, "" for none.
type javaNPE string

func (e javaNPE) Error() string { return string(e) }

// errTimeHasDate is ParseTime's KsqlFunctionException for a pattern that
// reads a date field.
var errTimeHasDate = errors.New("Time format contains date field.")

// errDateHasTime is ParseDate's for a text with a time of day other than
// midnight.
var errDateHasTime = errors.New("Date format contains time field.")

// dateTimeThrew is what Method.invoke throws for a date-time UDF whose try
// caught err: the KsqlFunctionException "<what>: <message>" and its causes.
func dateTimeThrew(what string, err error) []string {
	var ip *javatime.InvalidPatternError
	var re *javatime.ResolveError
	var npe javaNPE
	switch {
	case errors.As(err, &ip):
		outer := "java.lang.IllegalArgumentException: " + ip.Msg
		return threw(what+": "+outer, outer, ip.Msg)
	case errors.As(err, &re): // the DateTimeParseException and its cause
		return threw(what+": "+re.Error(), re.Error(), re.Msg)
	case errors.As(err, &npe) && npe == "":
		return threw(what+": null", "java.lang.NullPointerException")
	}
	return threw(what+": "+err.Error(), err.Error())
}

// quoted writes a string argument as Java's concatenation does.
func quoted(v any) string {
	if v == nil {
		return "'null'"
	}
	return "'" + v.(string) + "'"
}

// javaPattern is the formatter cache's get: the compiled pattern, or what
// it throws.
func javaPattern(p any) (*javatime.Pattern, error) {
	if p == nil {
		return nil, javaNPE("")
	}
	return javatime.Compile(p.(string))
}

// javaZone is ZoneId.of.
func javaZone(z any) (*time.Location, error) {
	if z == nil {
		return nil, javaNPE("zoneId")
	}
	return javatime.Zone(z.(string))
}

// parseJava parses text with pattern in zone as StringToTimestampParser
// does, in the try's order: the pattern, the zone, then the text.
func parseJava(text, pattern, zone any) (time.Time, error) {
	jp, err := javaPattern(pattern)
	if err != nil {
		return time.Time{}, err
	}
	loc, err := javaZone(zone)
	if err != nil {
		return time.Time{}, err
	}
	if text == nil {
		return time.Time{}, javaNPE("text")
	}
	return jp.Parse(text.(string), loc)
}

// formatJava formats t in zone (nil: t's own) with pattern, in the try's
// order: the pattern, then the zone.
func formatJava(t time.Time, pattern, zone any) (string, error) {
	jp, err := javaPattern(pattern)
	if err != nil {
		return "", err
	}
	if zone != nil {
		loc, err := javaZone(zone)
		if err != nil {
			return "", err
		}
		t = t.In(loc)
	}
	return jp.Format(t), nil
}

// zoneAt is the zone argument i of a, "GMT" for the forms without one
// (ZoneId.of("GMT").getId()).
func zoneAt(a []any, i int) any {
	if len(a) > i {
		return a[i]
	}
	return "GMT"
}

// sqlTimestampText is java.sql.Timestamp.toString in UTC, the JVM's zone
// in Confluent's images: yyyy-mm-dd hh:mm:ss.f, the fraction's trailing
// zeros dropped but one.
func sqlTimestampText(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	frac := "0"
	if n := t.Nanosecond(); n != 0 {
		frac = strings.TrimRight(fmt.Sprintf("%09d", n), "0")
	}
	return fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d.%s", t.Year(), int(t.Month()), t.Day(), t.Hour(), t.Minute(), t.Second(), frac)
}

// sqlDateText is java.sql.Date.toString: yyyy-mm-dd.
func sqlDateText(days int64) string {
	t := time.UnixMilli(days * types.MsPerDay).UTC()
	return fmt.Sprintf("%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
}

// localTimeText is LocalTime.toString: HH:mm, then :ss where the seconds
// or the fraction are not zero, then the fraction in groups of three
// digits.
func localTimeText(ms int64) string {
	h, m, s, milli := ms/3600000, ms/60000%60, ms/1000%60, ms%1000
	out := fmt.Sprintf("%02d:%02d", h, m)
	if s != 0 || milli != 0 {
		out += fmt.Sprintf(":%02d", s)
	}
	if milli != 0 {
		out += fmt.Sprintf(".%03d", milli)
	}
	return out
}

// dateLetters are the pattern letters whose fields are date-based
// (ChronoField.isDateBased) among those javatime reads.
const dateLetters = "yuMLdDEG"

// hasDateField reports whether pattern p reads a date-based field.
func hasDateField(p *javatime.Pattern) bool {
	return strings.ContainsAny(p.Letters(), dateLetters)
}
