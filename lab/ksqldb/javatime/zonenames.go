package javatime

import (
	"encoding/base64"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:generate go run ./internal/zonegen

// The zone names of 'z' come from zonenames_table.go, which zonegen writes
// from a JDK 17: what DateTimeFormatter prints for every zone (in the JVM's
// default locale, en, as ksqlDB's FORMAT_TIMESTAMP and TIMESTAMPTOSTRING
// build their formatters with DateTimeFormatter.ofPattern) and what a
// Locale.ROOT case-insensitive formatter (ksqlDB's StringToTimestampParser)
// reads each name as. The two locales' names differ: "zzzz" prints
// "Central European Standard Time", which the ROOT parser does not read.

// zoneRow is one zone of zoneRows: its id, the names 'z' (short) and 'zzzz'
// (long) print in standard and in daylight saving time, which of those
// Java never printed (fromNames), and its standard offsets (std).
type zoneRow struct {
	id, shortStd, shortDst, longStd, longDst, fromNames, std string
}

// zoneText is a text the ROOT parser reads as a zone: the ZoneId it reads
// it as with 'z' to 'zzz' (short) and with 'zzzz' (long), "" where it does
// not read it with that width.
type zoneText struct{ key, short, long string }

// stdChange is a standard offset (seconds) from a unix second on.
type stdChange struct {
	from int64
	off  int
}

type zoneInfo struct {
	row *zoneRow
	std []stdChange
}

type zoneData struct {
	byID    map[string]*zoneInfo
	texts   map[string]*zoneText
	lengths []int // the distinct lengths of texts' keys, longest first
}

var zones = sync.OnceValue(func() *zoneData {
	d := &zoneData{byID: make(map[string]*zoneInfo, len(zoneRows)), texts: make(map[string]*zoneText, len(zoneTexts))}
	for i := range zoneRows {
		r := &zoneRows[i]
		z := &zoneInfo{row: r}
		for j, part := range strings.Split(r.std, ",") {
			c := stdChange{from: -1 << 63}
			if j > 0 {
				at, off, _ := strings.Cut(part, ":")
				c.from, _ = strconv.ParseInt(at, 10, 64)
				part = off
			}
			c.off, _ = strconv.Atoi(part)
			z.std = append(z.std, c)
		}
		d.byID[r.id] = z
	}
	seen := map[int]bool{}
	for i := range zoneTexts {
		t := &zoneTexts[i]
		d.texts[t.key] = t
		if !seen[len(t.key)] {
			seen[len(t.key)] = true
			d.lengths = append(d.lengths, len(t.key))
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(d.lengths)))
	return d
})

// isDaylightSavings is ZoneRules.isDaylightSavings: the offset at t
// differs from the zone's standard offset. Go's time.Time.IsDST says
// otherwise where tzdata has negative daylight saving time (Europe/Dublin's
// winter GMT is Go's daylight time and Java's standard time).
func (z *zoneInfo) isDaylightSavings(t time.Time) bool {
	u := t.Unix()
	i := sort.Search(len(z.std), func(i int) bool { return z.std[i].from > u }) - 1
	_, off := t.Zone()
	return i >= 0 && off != z.std[i].off
}

// zoneName is the text 'z' to 'zzz' (long: 'zzzz') formats t's zone as.
// Zones without names (offsets such as +05:30 and UTC+01:00, UT) print
// their id, as Java prints a ZoneOffset's or a nameless region's id.
func zoneName(t time.Time, long bool) string {
	id := t.Location().String()
	z := zones().byID[id]
	if z == nil {
		return id
	}
	dst := z.isDaylightSavings(t)
	switch {
	case long && dst:
		return z.row.longDst
	case long:
		return z.row.longStd
	case dst:
		return z.row.shortDst
	}
	return z.row.shortStd
}

// zoneByName is the zone the text begins with, as 'z' to 'zzz' (long:
// 'zzzz') parses it, and its length; nil when Java would fail. As
// ZoneTextPrinterParser.parse: '+' or '-' starts an offset (+HH:MM or
// +HH:MM:ss); GMT, UT and UTC start a prefixed offset (GMT+03:00) or are
// that zone; else the longest zone name or id of zoneTexts the text starts
// with, case-insensitively; else a Z is UTC.
func zoneByName(text string, long bool) (*time.Location, int) {
	switch {
	case text == "":
		return nil, 0
	case text[0] == '+' || text[0] == '-':
		off, n, ok := parseOffsetID(text)
		if !ok {
			return nil, 0
		}
		return offsetZone("", off), n
	case len(text) >= 3 && strings.EqualFold(text[:3], "utc"):
		return prefixedZone(text, "UTC")
	case len(text) >= 2 && strings.EqualFold(text[:2], "ut"):
		return prefixedZone(text, "UT")
	case len(text) >= 4 && strings.EqualFold(text[:3], "gmt") && text[3] == '0':
		if l, err := Zone("GMT0"); err == nil {
			return l, 4
		}
		return nil, 0
	case len(text) >= 3 && strings.EqualFold(text[:3], "gmt"):
		return prefixedZone(text, "GMT")
	}
	d := zones()
	for _, n := range d.lengths {
		if n > len(text) {
			continue
		}
		t := d.texts[asciiLower(text[:n])]
		if t == nil {
			continue
		}
		id := t.short
		if long {
			id = t.long
		}
		if id == "" {
			continue
		}
		if l, err := Zone(id); err == nil {
			return l, n
		}
		return nil, 0
	}
	if text[0] == 'Z' || text[0] == 'z' {
		return offsetZone("", 0), 1
	}
	return nil, 0
}

// prefixedZone reads the GMT, UT or UTC prefix at the start of text and
// the +HH:MM or +HH:MM:ss offset after it, if any, as a ZoneId such as
// GMT+03:00 (the bare prefix where no offset follows or it is zero).
func prefixedZone(text, prefix string) (*time.Location, int) {
	n := len(prefix)
	rest := text[n:]
	if rest != "" && rest[0] != '0' && rest[0] != 'Z' && rest[0] != 'z' {
		if off, m, ok := parseOffsetID(rest); ok {
			return offsetZone(prefix, off), n + m
		} else if m < 0 {
			return nil, 0
		}
	}
	l, err := Zone(prefix)
	if err != nil {
		return nil, 0
	}
	return l, n
}

// parseOffsetID reads +HH:MM or +HH:MM:ss (OffsetIdPrinterParser's
// "+HH:MM:ss") at the start of s: the offset in seconds and its length.
// An offset beyond ±18:00 is not ok and has m < 0, as ZoneOffset refuses
// it.
func parseOffsetID(s string) (off, m int, ok bool) {
	two := func(i int) (int, bool) {
		if i+2 > len(s) || s[i] < '0' || s[i] > '9' || s[i+1] < '0' || s[i+1] > '9' {
			return 0, false
		}
		return int(s[i]-'0')*10 + int(s[i+1]-'0'), true
	}
	if len(s) < 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, 0, false
	}
	h, ok1 := two(1)
	mi, ok2 := two(4)
	if !ok1 || !ok2 || h > 23 || mi > 59 {
		return 0, 0, false
	}
	off, m = h*3600+mi*60, 6
	if len(s) >= 9 && s[6] == ':' {
		if sec, ok := two(7); ok && sec <= 59 {
			off, m = off+sec, 9
		}
	}
	if off > 18*3600 {
		return 0, -1, false
	}
	if s[0] == '-' {
		off = -off
	}
	return off, m, true
}

// offsetID is ZoneOffset.getId: Z, or ±HH:MM, or ±HH:MM:SS.
func offsetID(off int) string {
	if off == 0 {
		return "Z"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	id := fmt.Sprintf("%s%02d:%02d", sign, off/3600, off/60%60)
	if off%60 != 0 {
		id += fmt.Sprintf(":%02d", off%60)
	}
	return id
}

// offsetZone is ZoneId.ofOffset(prefix, offset): the ZoneOffset for no
// prefix, else the region prefix+offset (the bare prefix for zero), named
// by its Java id.
func offsetZone(prefix string, off int) *time.Location {
	if prefix == "" {
		return time.FixedZone(offsetID(off), off)
	}
	if off == 0 {
		l, _ := Zone(prefix)
		return l
	}
	return time.FixedZone(prefix+offsetID(off), off)
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

var regions sync.Map // id -> *time.Location

// region is the zone of zoneRows with this id: Go's tzdata's, or for the
// zones it lacks, the rules carried from Java (carriedZones).
func region(id string) (*time.Location, error) {
	if l, ok := regions.Load(id); ok {
		return l.(*time.Location), nil
	}
	var l *time.Location
	var err error
	if data, ok := carriedZones[id]; ok {
		var b []byte
		if b, err = base64.StdEncoding.DecodeString(data); err == nil {
			l, err = time.LoadLocationFromTZData(id, b)
		}
	} else {
		l, err = time.LoadLocation(id)
	}
	if err != nil {
		return nil, err
	}
	regions.Store(id, l)
	return l, nil
}

// Zone is ZoneId.of: Z and offsets (+05:30, -3, +0530) as ZoneOffsets
// named by their Java id; UTC, GMT and UT, alone or with an offset
// (UTC+01:00); the region ids of Java's tzdata (zoneRows), case-sensitively.
// Other ids are refused with Java's message.
func Zone(id string) (*time.Location, error) {
	switch {
	case id == "Z":
		return offsetZone("", 0), nil
	case strings.HasPrefix(id, "+") || strings.HasPrefix(id, "-"):
		off, ok := zoneOffsetOf(id)
		if !ok {
			return nil, fmt.Errorf("Invalid ID for ZoneOffset, invalid format: %s", id)
		}
		return offsetZone("", off), nil
	case id == "UTC":
		return time.UTC, nil
	case id == "GMT" || id == "UT":
		return time.FixedZone(id, 0), nil
	}
	for _, prefix := range []string{"UTC", "GMT", "UT"} {
		if rest, ok := strings.CutPrefix(id, prefix); ok && rest != "" && (rest[0] == '+' || rest[0] == '-') {
			off, ok := zoneOffsetOf(rest)
			if !ok {
				return nil, fmt.Errorf("Invalid ID for offset-based ZoneId: %s", id)
			}
			return offsetZone(prefix, off), nil
		}
	}
	if zones().byID[id] == nil {
		return nil, fmt.Errorf("Unknown time-zone ID: %s", id)
	}
	return region(id)
}

// zoneOffsetOf is ZoneOffset.of's forms: ±H, ±HH, ±HH:MM, ±HHMM,
// ±HH:MM:SS, ±HHMMSS, within ±18:00.
func zoneOffsetOf(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	num := func(t string) (int, bool) {
		if len(t) != 2 || t[0] < '0' || t[0] > '9' || t[1] < '0' || t[1] > '9' {
			return 0, false
		}
		return int(t[0]-'0')*10 + int(t[1]-'0'), true
	}
	b := s[1:]
	var h, m, sec int
	ok := true
	switch len(b) {
	case 1:
		if b[0] < '0' || b[0] > '9' {
			return 0, false
		}
		h = int(b[0] - '0')
	case 2:
		h, ok = num(b)
	case 4:
		var ok2 bool
		h, ok = num(b[:2])
		m, ok2 = num(b[2:])
		ok = ok && ok2
	case 5:
		var ok2 bool
		h, ok = num(b[:2])
		m, ok2 = num(b[3:])
		ok = ok && ok2 && b[2] == ':'
	case 6:
		var ok2, ok3 bool
		h, ok = num(b[:2])
		m, ok2 = num(b[2:4])
		sec, ok3 = num(b[4:])
		ok = ok && ok2 && ok3
	case 8:
		var ok2, ok3 bool
		h, ok = num(b[:2])
		m, ok2 = num(b[3:5])
		sec, ok3 = num(b[6:])
		ok = ok && ok2 && ok3 && b[2] == ':' && b[5] == ':'
	default:
		return 0, false
	}
	if !ok || h > 18 || m > 59 || sec > 59 {
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if off > 18*3600 {
		return 0, false
	}
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// javaLocal is ZonedDateTime.ofLocal(local, loc, null): in an overlap the
// earlier offset (the earlier instant), in a gap the local time moved later
// by the gap's length; Go's time.Date may pick either side in both.
func javaLocal(year int, month time.Month, day, hour, min, sec, nsec int, loc *time.Location) time.Time {
	t := time.Date(year, month, day, hour, min, sec, nsec, loc)
	wall := time.Date(year, month, day, hour, min, sec, nsec, time.UTC).Unix()
	_, off := t.Zone()
	if t.Unix()+int64(off) != wall {
		// a gap: of t and the other side, the later instant is
		// local - (offset before the gap)
		other := wall - int64(off)
		if other > t.Unix() {
			return time.Unix(other, int64(t.Nanosecond())).In(loc)
		}
		return t
	}
	// valid; an earlier instant with the same local time lies in the
	// period before t's
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	before := start.Add(-time.Second)
	_, prevOff := before.Zone()
	if cand := wall - int64(prevOff); cand < start.Unix() && cand < t.Unix() {
		if _, o := time.Unix(cand, 0).In(loc).Zone(); o == prevOff {
			return time.Unix(cand, int64(t.Nanosecond())).In(loc)
		}
	}
	return t
}
