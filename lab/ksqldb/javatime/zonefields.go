package javatime

import (
	"fmt"
	"time"
)

// The resolution of a parsed text without a zone of its own, as CP 7.9.4's
// ksqlDB does it (confluentinc/ksql v7.9.4, KSQL-13833:
// ksqldb-common/.../util/timestamp/StringToTimestampParser.parseZoned):
// starting from 1970-01-01T00:00 in the zone, every ChronoField the parsed
// text supports is set with ZonedDateTime.with, the fields sorted by the
// duration of their base unit, longest first (a stable sort, so fields of
// one unit keep ChronoField's order). Each with makes a local date-time
// and resolves it as ZonedDateTime.ofLocal does with the offset it had as
// the preferred one, so the path decides an ambiguous result: a time in an
// overlap keeps the offset of the step before it where that one is valid.

// zoned is a ZonedDateTime: the local date-time (as a UTC time) and its
// offset in seconds.
type zoned struct {
	wall time.Time
	off  int
}

// field is a ChronoField step: the local date-time it makes of the current
// one, or an error where LocalDateTime.with throws.
type field func(w time.Time) (time.Time, error)

// resolveZonedFields sets the fields a text supplies, in StringToTimestampParser's
// order, on 1970-01-01T00:00 in loc. date and clock are the parsed date
// and time of day (nanoseconds); fullDate and fullTime tell whether the
// text resolves to a whole date (year with month and day, or day of year)
// and time of day (an hour); otherwise only the fields it read, which set
// names, are set.
func resolveZonedFields(date time.Time, clock int64, fullDate, fullTime bool, set map[byte]bool, loc *time.Location) (time.Time, error) {
	var steps []field
	y, m, d := date.Date()
	switch {
	case fullDate:
		steps = append(steps, withYear(y), withMonth(m),
			plusAligned(7, func(w time.Time) int { return (w.Day()-1)/7 + 1 }, (d-1)/7+1),
			plusAligned(7, func(w time.Time) int { return (w.YearDay()-1)/7 + 1 }, (date.YearDay()-1)/7+1),
			plusAligned(1, isoWeekday, isoWeekday(date)),
			plusAligned(1, func(w time.Time) int { return (w.Day()-1)%7 + 1 }, (d-1)%7+1),
			plusAligned(1, func(w time.Time) int { return (w.YearDay()-1)%7 + 1 }, (date.YearDay()-1)%7+1),
			withDayOfMonth(d), withDayOfYear(date.YearDay()), withDate(date))
	default:
		if set['y'] {
			steps = append(steps, withYear(y))
		}
		if set['M'] {
			steps = append(steps, withMonth(m))
		}
		if set['d'] {
			steps = append(steps, withDayOfMonth(d))
		}
		if set['D'] {
			steps = append(steps, withDayOfYear(date.YearDay()))
		}
	}
	h, mi, s, n := clock/int64(time.Hour), clock/int64(time.Minute)%60, clock/int64(time.Second)%60, clock%int64(time.Second)
	switch {
	case fullTime:
		// HOUR_OF_AMPM's with and CLOCK_HOUR_OF_AMPM's (its 12 being 0)
		// both add the difference in hours of the half day
		ofAMPM := shiftTime(func(c int64) int64 { return (h%12 - c/int64(time.Hour)%12) * int64(time.Hour) })
		steps = append(steps,
			shiftTime(func(c int64) int64 { return (h/12 - c/int64(time.Hour)/12) * 12 * int64(time.Hour) }), // AMPM_OF_DAY
			ofAMPM, ofAMPM,
			setTime(time.Hour, 24, h), setTime(time.Hour, 24, h), // HOUR_OF_DAY, CLOCK_HOUR_OF_DAY
			setTime(time.Minute, 60, mi), dayTime(time.Minute, clock), // MINUTE_OF_HOUR, MINUTE_OF_DAY
			setTime(time.Second, 60, s), dayTime(time.Second, clock), // SECOND_OF_MINUTE, SECOND_OF_DAY
			setNano(n/1e6*1e6), ofNanoOfDay(clock/1e6*1e6), // MILLI_OF_SECOND, MILLI_OF_DAY
			setNano(n/1e3*1e3), ofNanoOfDay(clock/1e3*1e3), // MICRO_OF_SECOND, MICRO_OF_DAY
			setNano(n), ofNanoOfDay(clock)) // NANO_OF_SECOND, NANO_OF_DAY
	default:
		if set['m'] {
			steps = append(steps, setTime(time.Minute, 60, mi))
		}
		if set['s'] {
			steps = append(steps, setTime(time.Second, 60, s))
		}
		if set['S'] || set['n'] {
			steps = append(steps, setNano(n))
		}
	}
	z := ofLocal(time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), loc, nil)
	for _, step := range steps {
		w, err := step(z.wall)
		if err != nil {
			return time.Time{}, err
		}
		z = ofLocal(w, loc, &z.off)
	}
	return z.wall.Add(-time.Duration(z.off) * time.Second).In(loc), nil
}

// isoWeekday is DAY_OF_WEEK: Monday 1 to Sunday 7.
func isoWeekday(w time.Time) int {
	if wd := int(w.Weekday()); wd != 0 {
		return wd
	}
	return 7
}

// withYear is LocalDate.withYear: a day past the month's end in the new
// year becomes its last (resolvePreviousValid).
func withYear(y int) field {
	return func(w time.Time) (time.Time, error) { return validDate(w, y, w.Month(), w.Day()), nil }
}

// withMonth is LocalDate.withMonth, resolved likewise.
func withMonth(m time.Month) field {
	return func(w time.Time) (time.Time, error) { return validDate(w, w.Year(), m, w.Day()), nil }
}

// validDate is w's time on year y, month m and day d, or the month's last
// day where d is past it.
func validDate(w time.Time, y int, m time.Month, d int) time.Time {
	d = min(d, time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day())
	return time.Date(y, m, d, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC)
}

// plusAligned moves w by (v - of(w)) units of days, as the week and
// aligned day fields' with does (plusWeeks, plusDays).
func plusAligned(days int, of func(time.Time) int, v int) field {
	return func(w time.Time) (time.Time, error) { return w.AddDate(0, 0, (v-of(w))*days), nil }
}

// withDayOfMonth is LocalDate.withDayOfMonth, which throws for a day the
// month does not have.
func withDayOfMonth(d int) field {
	return func(w time.Time) (time.Time, error) {
		if d > time.Date(w.Year(), w.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day() {
			return time.Time{}, fmt.Errorf("Invalid date '%s %d'", w.Month(), d)
		}
		return time.Date(w.Year(), w.Month(), d, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC), nil
	}
}

// withDayOfYear is LocalDate.withDayOfYear.
func withDayOfYear(yd int) field {
	return func(w time.Time) (time.Time, error) { return w.AddDate(0, 0, yd-w.YearDay()), nil }
}

// withDate is EPOCH_DAY's with: the date, w's time.
func withDate(date time.Time) field {
	return func(w time.Time) (time.Time, error) {
		y, m, d := date.Date()
		return time.Date(y, m, d, w.Hour(), w.Minute(), w.Second(), w.Nanosecond(), time.UTC), nil
	}
}

// timeOf is w's nanosecond of the day.
func timeOf(w time.Time) int64 {
	return int64(w.Hour())*int64(time.Hour) + int64(w.Minute())*int64(time.Minute) + int64(w.Second())*int64(time.Second) + int64(w.Nanosecond())
}

// onTime is w's date at nanosecond of the day c, wrapped into the day
// (LocalTime's arithmetic; LocalDateTime.with of a time field keeps the
// date).
func onTime(w time.Time, c int64) time.Time {
	const day = 24 * int64(time.Hour)
	c = (c%day + day) % day
	y, m, d := w.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Add(time.Duration(c))
}

// shiftTime adds by(time of day) to w's time of day.
func shiftTime(by func(int64) int64) field {
	return func(w time.Time) (time.Time, error) { c := timeOf(w); return onTime(w, c+by(c)), nil }
}

// setTime sets the unit's place of w's time of day (withHour, withMinute,
// withSecond) to v, mod the next unit's count.
func setTime(unit time.Duration, count, v int64) field {
	return func(w time.Time) (time.Time, error) {
		c := timeOf(w)
		old := c / int64(unit) % count
		return onTime(w, c+(v%count-old)*int64(unit)), nil
	}
}

// dayTime is MINUTE_OF_DAY's or SECOND_OF_DAY's with: the time of day
// clock, truncated to unit, with w's smaller parts (plusMinutes,
// plusSeconds).
func dayTime(unit time.Duration, clock int64) field {
	return func(w time.Time) (time.Time, error) {
		c := timeOf(w)
		return onTime(w, c+(clock/int64(unit)-c/int64(unit))*int64(unit)), nil
	}
}

// setNano is withNano.
func setNano(n int64) field {
	return func(w time.Time) (time.Time, error) {
		c := timeOf(w)
		return onTime(w, c-c%int64(time.Second)+n), nil
	}
}

// ofNanoOfDay is the time of day c (LocalTime.ofNanoOfDay).
func ofNanoOfDay(c int64) field {
	return func(w time.Time) (time.Time, error) { return onTime(w, c), nil }
}

// ofLocal is ZonedDateTime.ofLocal(local, loc, preferred): the offset
// where the local date-time has one; in an overlap the preferred one
// where valid, else the earlier; in a gap the local date-time moved later
// by the gap, at the offset after it.
func ofLocal(wall time.Time, loc *time.Location, preferred *int) zoned {
	w := wall.Unix()
	// the periods whose instants the local date-time can name (offsets
	// are within 18 hours)
	type period struct {
		start int64
		off   int
	}
	var ps []period
	at := time.Unix(w-18*3600, 0).In(loc)
	for {
		_, off := at.Zone()
		start, end := at.ZoneBounds()
		s := int64(-1 << 62)
		if !start.IsZero() {
			s = start.Unix()
		}
		ps = append(ps, period{s, off})
		// (a zone's rule string past its table may give back the
		// bound it was asked from)
		if end.IsZero() || end.Unix() > w+18*3600 || !end.After(at) {
			break
		}
		at = end.In(loc)
	}
	var valid []int
	for i, p := range ps {
		end := int64(1 << 62)
		if i+1 < len(ps) {
			end = ps[i+1].start
		}
		if inst := w - int64(p.off); inst >= p.start && inst < end && (len(valid) == 0 || valid[len(valid)-1] != p.off) {
			valid = append(valid, p.off)
		}
	}
	switch len(valid) {
	case 0:
		for i := 1; i < len(ps); i++ {
			before, after, tr := ps[i-1].off, ps[i].off, ps[i].start
			if w-int64(before) >= tr && w-int64(after) < tr {
				return zoned{wall.Add(time.Duration(after-before) * time.Second), after}
			}
		}
		// no offset and no transition skipping the local time: not a
		// zone Go's tzdata describes consistently; its instant's own
		// offset
		_, off := time.Unix(w, 0).In(loc).Zone()
		return zoned{wall, off}
	case 1:
		return zoned{wall, valid[0]}
	}
	if preferred != nil {
		for _, o := range valid {
			if o == *preferred {
				return zoned{wall, o}
			}
		}
	}
	return zoned{wall, valid[0]}
}
