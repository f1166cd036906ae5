package sim

import (
	"fmt"
	"slices"

	"github.com/ctalab/ctalab/fixtures"
)

// Color is a CTA line colour. The values are the reference's IntEnum values.
type Color int

// The simulated lines.
const (
	Blue Color = iota
	Green
	Red
)

// LineOrder is the order in which the simulation builds and runs the lines,
// as the reference does: blue, red, green.
var LineOrder = []Color{Blue, Red, Green}

func (c Color) String() string {
	switch c {
	case Blue:
		return "blue"
	case Green:
		return "green"
	case Red:
		return "red"
	}
	return fmt.Sprintf("Color(%d)", int(c))
}

// ParseColor returns the colour named "blue", "green" or "red".
func ParseColor(s string) (Color, error) {
	for _, c := range []Color{Blue, Green, Red} {
		if c.String() == s {
			return c, nil
		}
	}
	return 0, fmt.Errorf("unknown line colour %q (want blue, green or red)", s)
}

// Station is one simulated station object of a line. Stations with the same
// name on two lines are two objects.
type Station struct {
	ID    int    // CTA station_id
	Name  string // display name, e.g. "Clark/Lake"
	Color Color
	Index int // position on the line, 0-based

	// the trains standing here, per direction; nil when none
	a, b *Train
}

// Line is one simulated CTA line: its stations in order and its trains.
type Line struct {
	Color    Color
	Stations []*Station
	Trains   []*Train
}

// last is the index of the terminal station, the reference's num_stations.
func (l *Line) last() int { return len(l.Stations) - 1 }

// BuildLines builds the three lines from the station rows exactly as the
// reference does: rows sorted by order (stably), then for each colour the
// unique station names in first-appearance order, each with the first
// station_id seen for that name. The result is in LineOrder.
func BuildLines(rows []fixtures.Station) ([]*Line, error) {
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b fixtures.Station) int { return a.Order - b.Order })
	lines := make([]*Line, 0, len(LineOrder))
	for _, c := range LineOrder {
		l := &Line{Color: c}
		seen := map[string]bool{}
		for _, r := range sorted {
			if r.Color() != c.String() || seen[r.StationName] {
				continue
			}
			seen[r.StationName] = true
			l.Stations = append(l.Stations, &Station{ID: r.StationID, Name: r.StationName, Color: c, Index: len(l.Stations)})
		}
		if len(l.Stations) < 2 {
			return nil, fmt.Errorf("build %s line: %d stations, need at least 2", c, len(l.Stations))
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// NotSimulated is a station of the stations table that no simulated train
// serves and no turnstile of the simulation counts, with the reason.
type NotSimulated struct {
	Line      Color
	StationID int
	Name      string
	Reason    string
}

// NotSimulatedStations returns the stations of rows that BuildLines leaves
// out, in the rows' order: a line keeps one station per name, as the
// reference did, so a second station of the same name with another
// station_id (the Blue Line's Harlem on the Forest Park branch) gets no
// trains and no entries. Simulating it would move every train behind it and
// break the reference's published movement vectors.
func NotSimulatedStations(rows []fixtures.Station) ([]NotSimulated, error) {
	lines, err := BuildLines(rows)
	if err != nil {
		return nil, err
	}
	sorted := slices.Clone(rows)
	slices.SortStableFunc(sorted, func(a, b fixtures.Station) int { return a.Order - b.Order })
	var out []NotSimulated
	for _, l := range lines {
		kept := map[int]bool{}
		byName := map[string]*Station{}
		for _, st := range l.Stations {
			kept[st.ID] = true
			byName[st.Name] = st
		}
		for _, r := range sorted {
			if r.Color() != l.Color.String() || kept[r.StationID] {
				continue
			}
			kept[r.StationID] = true // once per station, not per platform row
			reason := fmt.Sprintf("the simulation keeps one station per name on a line, as the original project did; its %s %s is station %d", l.Color, r.StationName, byName[r.StationName].ID)
			out = append(out, NotSimulated{Line: l.Color, StationID: r.StationID, Name: r.StationName, Reason: reason})
		}
	}
	return out, nil
}
