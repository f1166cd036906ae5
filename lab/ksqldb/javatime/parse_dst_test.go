package javatime

import (
	"testing"
)

// A local date-time the daylight-saving rules make ambiguous or skip is
// resolved as CP 7.9.4's ksqlDB resolves it: StringToTimestampParser
// (KSQL-13833) sets the parsed fields on 1970-01-01T00:00 in the zone
// longest base unit first (the date, then the time), each
// ZonedDateTime.with keeping the offset it had where still valid, so a
// time in an overlap takes the earlier offset, the date's, and one in a
// gap moves forward by the gap (confluentinc/ksql v7.9.4
// ksqldb-common/.../util/timestamp/StringToTimestampParser.java,
// StringToTimestampParserTest shouldParseDatesWithCorrectDaylightSavings;
// v7.9.0 set the time first, in 1970, and kept 1970's offset). The
// instants are what that code gives on a JDK 17 (17.0.15), which this
// package also matched at every quarter hour around every transition from
// 1990 to 2040 of the JDK's zones, but the JDK's WET, which its tzdata
// links to Europe/Lisbon and Go's does not.
func TestParseResolvesADaylightSavingChangeAsKsqlDB794(t *testing.T) {
	for _, c := range []struct {
		pattern, text, zone string
		want                int64 // epoch milliseconds
	}{
		// upstream's case: 1970-04-26 02:39:50 was in New York's gap
		{"yyyy-MM-dd HH:mm:ss", "2025-04-26 02:39:50", "America/New_York", 1745649590000},
		{"yyyy-MM-dd HH:mm:ss", "2025-04-25 02:39:50", "America/New_York", 1745563190000},
		// overlaps: the earlier offset (v7.9.0: 1970's, the later)
		{"yyyy-MM-dd HH:mm:ss", "2025-11-02 01:30:00", "America/New_York", 1762061400000},
		{"yyyy-MM-dd HH:mm", "2024-10-27 02:30", "Europe/Berlin", 1729989000000},
		{"yyyy-MM-dd hh:mm a", "2024-10-27 02:30 AM", "Europe/Berlin", 1729989000000},
		{"yyyy-MM-dd HH:mm:ss.SSS", "2024-10-27 02:00:00.500", "Europe/Berlin", 1729987200500},
		{"yyyy-DDD HH:mm", "2024-301 02:30", "Europe/Berlin", 1729989000000},
		{"yyyy-MM-dd HH", "2024-10-27 02", "Europe/Berlin", 1729987200000},
		{"yyyy-MM-dd HH:mm", "2024-10-27 01:30", "Europe/London", 1729989000000},
		{"yyyy-MM-dd HH:mm", "2024-04-06 23:30", "America/Santiago", 1712457000000},
		{"yyyy-MM-dd HH:mm", "2024-11-03 00:30", "America/Havana", 1730608200000},
		{"yyyy-MM-dd HH:mm", "2024-10-26 23:30", "Asia/Beirut", 1729974600000},
		{"yyyy-MM-dd HH:mm", "2024-04-07 01:45", "Australia/Lord_Howe", 1712414700000},
		// an overlap at midnight: the date fields pass through a day after
		// the change, whose later offset the time keeps (LocalDateTime.atZone
		// would take the earlier)
		{"yyyy-MM-dd HH:mm:ss", "2011-11-13 00:29:00", "America/Havana", 1321162140000},
		{"yyyy-MM-dd HH:mm:ss", "2006-10-01 00:14:00", "America/Managua", 1159683240000},
		// gaps: moved forward by the gap
		{"yyyy-MM-dd HH:mm:ss", "2025-03-09 02:30:00", "America/New_York", 1741505400000},
		{"yyyy-MM-dd HH:mm", "2024-03-31 02:30", "Europe/Berlin", 1711848600000},
		{"yyyy-MM-dd HH:mm", "2024-09-08 00:30", "America/Santiago", 1725769800000},
		{"yyyy-MM-dd", "2024-09-08", "America/Santiago", 1725768000000},
		{"yyyy-MM-dd HH:mm", "2024-03-10 00:30", "America/Havana", 1710048600000},
		{"yyyy-MM-dd", "2024-03-31", "Asia/Beirut", 1711836000000},
		{"yyyy-MM-dd HH:mm", "2024-10-27 02:30", "Australia/Lord_Howe", 1729956600000},
	} {
		p, err := Compile(c.pattern)
		if err != nil {
			t.Fatal(err)
		}
		loc, err := Zone(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.Parse(c.text, loc)
		if err != nil {
			t.Errorf("%s in %s: %v", c.text, c.zone, err)
			continue
		}
		if got.UnixMilli() != c.want {
			t.Errorf("%s in %s = %d (%v), want %d", c.text, c.zone, got.UnixMilli(), got, c.want)
		}
	}
}
