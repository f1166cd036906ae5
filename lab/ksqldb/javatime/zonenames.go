package javatime

import (
	"strings"
	"time"
)

// zoneNames are the zone names java.time's 'z' parses in Locale.ROOT
// (short names for z to zzz, full names for zzzz), for the North American
// regions and UTC/GMT; a name resolves to its region, whose rules then give
// the offset at the parsed date, as ZoneTextPrinterParser returns a ZoneId.
// Other names are not known here and fail the parse.
var zoneNames = []struct{ name, region string }{
	{"Pacific Standard Time", "America/Los_Angeles"}, {"Pacific Daylight Time", "America/Los_Angeles"},
	{"Mountain Standard Time", "America/Denver"}, {"Mountain Daylight Time", "America/Denver"},
	{"Central Standard Time", "America/Chicago"}, {"Central Daylight Time", "America/Chicago"},
	{"Eastern Standard Time", "America/New_York"}, {"Eastern Daylight Time", "America/New_York"},
	{"Alaska Standard Time", "America/Anchorage"}, {"Alaska Daylight Time", "America/Anchorage"},
	{"Hawaii-Aleutian Standard Time", "Pacific/Honolulu"},
	{"Coordinated Universal Time", "UTC"}, {"Greenwich Mean Time", "UTC"},
	{"AKST", "America/Anchorage"}, {"AKDT", "America/Anchorage"},
	{"PST", "America/Los_Angeles"}, {"PDT", "America/Los_Angeles"},
	{"MST", "America/Denver"}, {"MDT", "America/Denver"},
	{"CST", "America/Chicago"}, {"CDT", "America/Chicago"},
	{"EST", "America/New_York"}, {"EDT", "America/New_York"},
	{"HST", "Pacific/Honolulu"},
}

// zoneByName is the region of the zone name text starts with, and the
// name's length; nil when it starts with none of zoneNames.
func zoneByName(text string) (*time.Location, int) {
	for _, z := range zoneNames {
		if len(text) >= len(z.name) && strings.EqualFold(text[:len(z.name)], z.name) {
			if l, err := time.LoadLocation(z.region); err == nil {
				return l, len(z.name)
			}
		}
	}
	return nil, 0
}
