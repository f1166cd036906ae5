package sim

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// referenceAdvance is a literal transcription of the reference's
// Line._advance_trains: find the first train, then move ten times, each time
// scanning onwards from the train just moved for the next one. It is the
// oracle the production sweep is checked against.
func referenceAdvance(l *Line, emit func(t *Train, from *Station, fromDir *Direction)) {
	last := l.last()
	findB := func(from int) (*Station, bool) {
		for i := from; i <= last; i++ {
			if l.Stations[i].b != nil {
				return l.Stations[i], true
			}
		}
		return nil, false
	}
	findA := func(from int) (*Station, bool) {
		for i := from; i >= 1; i-- {
			if l.Stations[i].a != nil {
				return l.Stations[i], true
			}
		}
		return nil, false
	}
	st, isB := findB(0)
	dir := DirB
	if !isB {
		st, _ = findA(last)
		dir = DirA
	}
	for range trainsPerLine {
		slot := st.slot(dir)
		t := *slot
		*slot = nil
		from, fromDir := st, dir
		i, d := l.next(st.Index, dir, 1)
		t.station, t.dir = l.Stations[i], d
		*t.station.slot(d) = t
		emit(t, from, &fromDir)
		var ok bool
		if d == DirB {
			if st, ok = findB(i + 1); ok {
				dir = DirB
			} else {
				st, _ = findA(last)
				dir = DirA
			}
		} else {
			if st, ok = findA(i - 1); ok {
				dir = DirA
			} else {
				st, _ = findB(0)
				dir = DirB
			}
		}
	}
}

func arrivalLine(a Arrival) string {
	prev := "-"
	if a.PrevStationID != nil {
		prev = fmt.Sprintf("%d%s", *a.PrevStationID, *a.PrevDirection)
	}
	return fmt.Sprintf("%s %s %d%s %s %s", a.Line, a.TrainID, a.StationID, a.Direction, a.TrainStatus, prev)
}

func TestSweepEqualsTheReferenceAlgorithmFor500Ticks(t *testing.T) {
	ours, _ := BuildLines(testData(t).Stations)
	theirs, _ := BuildLines(testData(t).Stations)
	for k := range ours {
		var a, b []string
		rec := func(dst *[]string, l *Line) func(*Train, *Station, *Direction) {
			return func(t *Train, from *Station, fromDir *Direction) {
				*dst = append(*dst, fmt.Sprintf("%s@%d%s<-%v", t.ID, t.station.Index, t.dir, from.Index))
			}
		}
		ours[k].place(func(*Train, *Station, *Direction) {})
		theirs[k].place(func(*Train, *Station, *Direction) {})
		for tick := 1; tick <= 500; tick++ {
			a, b = a[:0], b[:0]
			ours[k].advance(rec(&a, ours[k]))
			referenceAdvance(theirs[k], rec(&b, theirs[k]))
			if strings.Join(a, " ") != strings.Join(b, " ") {
				t.Fatalf("%s tick %d:\n ours %v\n ref  %v", ours[k].Color, tick, a, b)
			}
		}
	}
}

// Every tick in service: 10 arrivals per line, 10 distinct trains, no two
// trains in one slot, and every train one slot further along the ring.
func TestTrainInvariantsOverALongTrace(t *testing.T) {
	r := run(t, Schedule{Ticks: 300})
	perTick := 30
	if got := len(r.arrivals); got != perTick*301 {
		t.Fatalf("%d arrivals, want %d", got, perTick*301)
	}
	for tick := 1; tick <= 300; tick++ {
		seen := map[string]bool{}
		slots := map[string]bool{}
		perLine := map[Color]int{}
		for _, a := range r.arrivals[tick*perTick : (tick+1)*perTick] {
			if seen[a.TrainID] {
				t.Fatalf("tick %d: %s moved twice", tick, a.TrainID)
			}
			seen[a.TrainID] = true
			slot := fmt.Sprintf("%s/%s/%d%s", a.Line, a.StationName, a.StationID, a.Direction)
			if slots[slot] {
				t.Fatalf("tick %d: two trains in %s", tick, slot)
			}
			slots[slot] = true
			perLine[a.Line]++
			if a.PrevStationID == nil || a.TrainStatus != InService {
				t.Fatalf("tick %d: %s has no previous station or is not in service", tick, a.TrainID)
			}
		}
		for _, c := range LineOrder {
			if perLine[c] != 10 {
				t.Fatalf("tick %d: %s line has %d arrivals, want 10", tick, c, perLine[c])
			}
		}
	}
}

// The first 100 ticks of arrivals are pinned in testdata; after a reviewed,
// intended change, rewrite with: go test ./app/sim -run Trace -update
func TestArrivalTraceGolden(t *testing.T) {
	r := run(t, Schedule{Ticks: 100})
	var got strings.Builder
	for i, a := range r.arrivals {
		fmt.Fprintf(&got, "%d %s\n", i/30, arrivalLine(a))
	}
	path := filepath.Join("testdata", "arrivals_100_ticks.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	lines := strings.Split(strings.TrimSuffix(got.String(), "\n"), "\n")
	n := 0
	for sc.Scan() {
		if n >= len(lines) || sc.Text() != lines[n] {
			g := "<none>"
			if n < len(lines) {
				g = lines[n]
			}
			t.Fatalf("%s line %d:\n got %s\nwant %s", path, n+1, g, sc.Text())
		}
		n++
	}
	if n != len(lines) {
		t.Fatalf("%s has %d lines, got %d", path, n, len(lines))
	}
}

func TestBreakdownStopsTheTrainAndTrainsBehindWait(t *testing.T) {
	s := Schedule{Ticks: 40, Events: []Event{{Kind: EventBreakdown, AtTick: 2, Train: "BL003", ForTicks: 20}}}
	r := run(t, s)
	var bl3 []Arrival
	for _, a := range r.arrivals {
		if a.TrainID == "BL003" {
			bl3 = append(bl3, a)
		}
	}
	// placement + tick 1 move, then 20 status reports in place, then moves again.
	if len(bl3) != 1+1+20+19 {
		t.Fatalf("BL003 has %d arrivals, want 41", len(bl3))
	}
	stopped := bl3[2]
	for i, a := range bl3[2:22] {
		if a.TrainStatus != BrokenDown || a.StationID != stopped.StationID || a.Direction != stopped.Direction || a.PrevStationID != nil {
			t.Fatalf("report %d while broken: %s", i, arrivalLine(a))
		}
	}
	if a := bl3[22]; a.TrainStatus != InService || a.PrevStationID == nil || *a.PrevStationID != stopped.StationID {
		t.Fatalf("first arrival after recovery: %s", arrivalLine(a))
	}
	// No two trains ever share a slot, and blue trains behind BL003 queue up.
	lines, _ := BuildLines(testData(t).Stations)
	occupied := map[string]string{}
	for _, a := range r.arrivals {
		if a.Line != Blue {
			continue
		}
		for k, v := range occupied {
			if v == a.TrainID {
				delete(occupied, k)
			}
		}
		slot := fmt.Sprintf("%d%s", a.StationID, a.Direction)
		if other, ok := occupied[slot]; ok && other != a.TrainID {
			t.Fatalf("%s arrived at %s held by %s", a.TrainID, slot, other)
		}
		occupied[slot] = a.TrainID
	}
	_ = lines
}
