package sim

import (
	"fmt"
	"strings"
	"testing"
)

func TestBuildLinesAsTheReference(t *testing.T) {
	lines, err := BuildLines(testData(t).Stations)
	if err != nil {
		t.Fatal(err)
	}
	want := map[Color]struct {
		n           int
		first, last string
	}{
		Blue:  {32, "O'Hare(40890)", "Forest Park(40390)"},
		Red:   {34, "Howard(40900)", "95th/Ran Ryan(40450)"},
		Green: {28, "Harlem/Lake(40020)", "Ashland/63rd(40290)"},
	}
	if got := []Color{lines[0].Color, lines[1].Color, lines[2].Color}; got[0] != Blue || got[1] != Red || got[2] != Green {
		t.Fatalf("line order %v, want blue, red, green", got)
	}
	total := 0
	for _, l := range lines {
		w := want[l.Color]
		name := func(s *Station) string { return fmt.Sprintf("%s(%d)", s.Name, s.ID) }
		if len(l.Stations) != w.n || name(l.Stations[0]) != w.first || name(l.Stations[l.last()]) != w.last {
			t.Errorf("%s: %d stations %s..%s, want %d %s..%s", l.Color, len(l.Stations), name(l.Stations[0]), name(l.Stations[l.last()]), w.n, w.first, w.last)
		}
		total += len(l.Stations)
	}
	if total != 94 {
		t.Errorf("%d station objects, want 94", total)
	}
	// The blue line has one Harlem (40750 at index 3): names are de-duplicated.
	if s := lines[0].Stations[3]; s.Name != "Harlem" || s.ID != 40750 {
		t.Errorf("blue[3] = %s(%d), want Harlem(40750)", s.Name, s.ID)
	}
	// The red line has both 95th objects, the typo last.
	if s := lines[1].Stations[32]; s.Name != "95th/Dan Ryan" || s.ID != 40450 {
		t.Errorf("red[32] = %s(%d), want 95th/Dan Ryan(40450)", s.Name, s.ID)
	}
}

// The initial positions the original algorithm gives (its published vectors).
func TestInitialPlacementGoldenVectors(t *testing.T) {
	want := map[Color]string{
		Blue:  "BL000@0b BL001@6b BL002@12b BL003@18b BL004@24b BL005@30b BL006@26a BL007@20a BL008@14a BL009@8a",
		Red:   "RL000@0b RL001@6b RL002@12b RL003@18b RL004@24b RL005@30b RL006@30a RL007@24a RL008@18a RL009@12a",
		Green: "GL000@0b GL001@5b GL002@10b GL003@15b GL004@20b GL005@25b GL006@24a GL007@19a GL008@14a GL009@9a",
	}
	r := run(t, Schedule{Ticks: 0 + 1})
	got := map[Color][]string{}
	idx := stationIndex(t)
	for _, a := range r.arrivals[:30] {
		if a.PrevStationID != nil || a.PrevDirection != nil {
			t.Errorf("placement arrival %s has a previous station", a.TrainID)
		}
		got[a.Line] = append(got[a.Line], fmt.Sprintf("%s@%d%s", a.TrainID, idx[a.Line][a.StationName], a.Direction))
	}
	for c, w := range want {
		if g := strings.Join(got[c], " "); g != w {
			t.Errorf("%s placement:\n got %s\nwant %s", c, g, w)
		}
	}
}

// The first tick's arrivals of the original algorithm (its published vectors), in its order.
func TestStepOneGoldenVectors(t *testing.T) {
	want := map[Color]string{
		Blue: "Rosemont 40820 b BL000 40890 b; Addison 41240 b BL001 40550 b; Division 40320 b BL002 40590 b; " +
			"Jackson 40070 b BL003 40790 b; Western/Forest Pk Branch 40220 b BL004 40810 b; Forest Park 40390 a BL005 40180 b; " +
			"Western/Forest Pk Branch 40220 a BL006 40250 a; Jackson 40070 a BL007 41340 a; Division 40320 a BL008 41410 a; " +
			"Addison 41240 a BL009 40060 a",
		Red: "Jarvis 41190 b RL000 40900 b; Berwyn 40340 b RL001 41380 b; Belmont 41320 b RL002 41420 b; Lake 41660 b RL003 40330 b; " +
			"Sox-35th 40190 b RL004 41000 b; 87th 41430 b RL005 40240 b; 69th 40990 a RL006 40240 a; Roosevelt 41400 a RL007 41000 a; " +
			"Chicago 41450 a RL008 40330 a; Sheridan 40080 a RL009 41420 a",
		Green: "Oak Park 41350 b GL000 40020 b; Cicero 40480 b GL001 40700 b; Ashland 40170 b GL002 41360 b; " +
			"Washington/Wabash 41700 b GL003 40260 b; Indiana 40300 b GL004 41120 b; Halsted 40940 b GL005 40510 b; " +
			"47th 41080 a GL006 40130 a; Roosevelt 41400 a GL007 41690 a; Clinton 41160 a GL008 40380 a; Conservatory 41670 a GL009 41070 a",
	}
	r := run(t, Schedule{Ticks: 1})
	got := map[Color][]string{}
	for _, a := range r.arrivals[30:] {
		got[a.Line] = append(got[a.Line], fmt.Sprintf("%s %d %s %s %d %s", a.StationName, a.StationID, a.Direction, a.TrainID, *a.PrevStationID, *a.PrevDirection))
	}
	for c, w := range want {
		if g := strings.Join(got[c], "; "); g != w {
			t.Errorf("%s step 1:\n got %s\nwant %s", c, g, w)
		}
	}
	if len(r.arrivals) != 60 {
		t.Errorf("%d arrivals after placement and one tick, want 60", len(r.arrivals))
	}
}

func stationIndex(t *testing.T) map[Color]map[string]int {
	lines, err := BuildLines(testData(t).Stations)
	if err != nil {
		t.Fatal(err)
	}
	idx := map[Color]map[string]int{}
	for _, l := range lines {
		idx[l.Color] = map[string]int{}
		for _, s := range l.Stations {
			idx[l.Color][s.Name] = s.Index
		}
	}
	return idx
}

func TestOnlyTheForestParkBranchHarlemIsNotSimulated(t *testing.T) {
	got, err := NotSimulatedStations(testData(t).Stations)
	if err != nil {
		t.Fatal(err)
	}
	// cta_stations.csv has two blue "Harlem" stations: 40750 (O'Hare branch,
	// order 3) and 40980 (Forest Park branch, order 31); every other
	// station name of a line has one station_id.
	if len(got) != 1 || got[0].Line != Blue || got[0].StationID != 40980 || got[0].Name != "Harlem" {
		t.Fatalf("not simulated: %+v, want only blue Harlem 40980", got)
	}
	if !strings.Contains(got[0].Reason, "40750") || !strings.Contains(got[0].Reason, "one station per name") {
		t.Errorf("reason %q does not name the simulated Harlem (40750) and the rule", got[0].Reason)
	}
}
