package javatime

import "fmt"

// ResolveError is the DateTimeParseException DateTimeFormatter.parse
// throws where resolving the fields it read fails ("Text '<text>' could
// not be parsed: <message>"), around the DateTimeException of that
// message.
type ResolveError struct {
	Text string
	Msg  string
}

func (e *ResolveError) Error() string {
	return "Text '" + e.Text + "' could not be parsed: " + e.Msg
}

// resolved are the values parse read: kHour is k, h12 h, hAmPm K, pm the
// AM/PM (-1: none).
type resolved struct {
	year, month, day, yday, hour int
	kHour, h12, hAmPm, pm        int
	minute, sec, nano            int
}

// invalid is ChronoField.checkValidValue's message: the field's display
// name and its ValueRange.
func invalid(field, valueRange string, v int) string {
	return fmt.Sprintf("Invalid value for %s (valid values %s): %d", field, valueRange, v)
}

// resolveFields checks the fields read (read: their letters) as
// Parsed.resolve does with ResolverStyle.SMART (JDK 17) and returns the
// hour of day (24: the end of the day) or the ResolveError. The date
// first: the year of era of y whenever it is read
// (AbstractChronology.resolveYearOfEra), then, for a year with a month
// and a day of month (IsoChronology.resolveYMD) the year of u, the month
// and the day of month, or for a year with a day of year (resolveYD,
// LocalDate.ofYearDay) the day of year. Then the time
// (Parsed.resolveTimeFields): the clock hour of day k and the clock hour
// of AM/PM h, each but 0 in its range, the hour of AM/PM (K, or h's 12 as
// 0) with an AM/PM, and for an hour of day (resolveTime) the minute, the
// hour, unless 24:00 exactly, and the second. Fields left unresolved are
// the caller's.
func resolveFields(text string, read map[byte]bool, v resolved) (int, error) {
	fail := func(msg string) (int, error) { return 0, &ResolveError{Text: text, Msg: msg} }
	if read['y'] && (v.year < 1 || v.year > 999999999) {
		return fail(invalid("YearOfEra", "1 - 999999999/1000000000", v.year))
	}
	if read['y'] || read['u'] {
		switch {
		case read['M'] && read['d']:
			switch {
			case read['u'] && (v.year < -999999999 || v.year > 999999999):
				return fail(invalid("Year", "-999999999 - 999999999", v.year))
			case v.month < 1 || v.month > 12:
				return fail(invalid("MonthOfYear", "1 - 12", v.month))
			case v.day < 1 || v.day > 31:
				return fail(invalid("DayOfMonth", "1 - 28/31", v.day))
			}
		case read['D']:
			leap := v.year%4 == 0 && (v.year%100 != 0 || v.year%400 == 0)
			switch {
			case v.yday < 1 || v.yday > 366:
				return fail(invalid("DayOfYear", "1 - 365/366", v.yday))
			case v.yday == 366 && !leap:
				return fail(fmt.Sprintf("Invalid date 'DayOfYear 366' as '%d' is not a leap year", v.year))
			}
		}
	}
	hod := -1 // the hour of day, once resolved
	if read['H'] {
		hod = v.hour
	}
	if read['k'] {
		if v.kHour != 0 && (v.kHour < 1 || v.kHour > 24) {
			return fail(invalid("ClockHourOfDay", "1 - 24", v.kHour))
		}
		hod = v.kHour % 24
	}
	hap := -1 // the hour of AM/PM
	if read['h'] {
		if v.h12 != 0 && (v.h12 < 1 || v.h12 > 12) {
			return fail(invalid("ClockHourOfAmPm", "1 - 12", v.h12))
		}
		hap = v.h12 % 12
	}
	if read['K'] {
		hap = v.hAmPm
	}
	switch {
	case hap >= 0 && v.pm >= 0:
		if hap > 11 {
			return fail(invalid("HourOfAmPm", "0 - 11", hap))
		}
		hod = v.pm*12 + hap
	case hap >= 0:
		return hap, nil // unresolved, set on the default date-time at AM
	case hod < 0:
		if v.pm == 1 {
			return 12, nil // an AM/PM alone, set on midnight
		}
		return 0, nil
	}
	switch {
	case v.minute > 59:
		return fail(invalid("MinuteOfHour", "0 - 59", v.minute))
	case hod == 24 && v.minute == 0 && v.sec == 0 && v.nano == 0:
		return 24, nil
	case hod > 23:
		return fail(invalid("HourOfDay", "0 - 23", hod))
	case v.sec > 59:
		return fail(invalid("SecondOfMinute", "0 - 59", v.sec))
	}
	if read['H'] && v.pm == 1 && hod < 12 {
		hod += 12 // an hour of day with PM, taken as afternoon
	}
	return hod, nil
}
