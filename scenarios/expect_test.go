package scenarios_test

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"io"
	"maps"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/fixtures"
)

// What a schedule's replay must leave, computed by running the simulation's
// own model (app/sim: lines, train movement, ridership, weather) in this
// process with the same schedule and seed, without Kafka or any other part
// of the pipeline. The replays compare what the pipeline carried through
// Kafka, Connect, ksqlDB and the dashboard with it; a message names the
// station or train, the simulation's value and the pipeline's.

// simTrain is where the simulation put a train.
type simTrain struct {
	ID        string
	Line      string // "blue"
	StationID int
	Station   string // the simulation's station name
	Direction string // "a" or "b"
	Status    string // "in_service", "broken_down", "out_of_service"
	// Last is the simulated time of the train's latest arrival report.
	Last time.Time
}

func (t simTrain) String() string {
	return fmt.Sprintf("%s at %s %d in direction %s, %s", t.ID, t.Station, t.StationID, t.Direction, t.Status)
}

// simState is the simulation after a tick.
type simState struct {
	// Source names where the trains' places come from, for messages.
	Source string
	Tick   int
	// Time is the simulated time of the latest event (arrival or weather).
	Time   time.Time
	Trains map[string]simTrain
	// Entries are the turnstile entries so far per station id (both lines'
	// objects of a station id together, as TURNSTILE_SUMMARY counts them).
	Entries map[int]int
	// Weather is the latest weather report; nil before the first.
	Weather *sim.WeatherReport
}

// simulated is a whole replay of a schedule in the simulation.
type simulated struct {
	Schedule         sim.Schedule
	EntriesByLine    map[string]int
	ArrivalsByLine   map[string]int
	ArrivalsByStatus map[string]int
	// RecordsByTopic counts the records the producer must write to each
	// arrivals topic, the turnstile topic and the weather topic.
	RecordsByTopic map[string]int
	// Weather lists the reports as summarise does: "<key time> <temperature
	// to 2 decimals> <status>".
	Weather []string
	// States are the simulation after each tick asked for, and after the
	// last tick.
	States map[int]simState
	Final  simState
	// ByRule are States with the trains where the documented movement rule
	// (movementRule) puts them, computed without the simulation's movement
	// code.
	ByRule map[int]simState
	// Stations names each station id, for messages.
	Stations map[int]string
	// Objects counts the simulation's station objects per station id (two
	// for Clark/Lake, Roosevelt and 95th): each has its own turnstiles.
	Objects map[int]int
}

// recorder is the Sink of the in-process simulation.
type recorder struct {
	out     *simulated
	entries map[int]int
	last    map[string]time.Time
	weather *sim.WeatherReport
	latest  time.Time
}

func (r *recorder) Arrival(a sim.Arrival) error {
	r.out.ArrivalsByLine[a.Line.String()]++
	r.out.ArrivalsByStatus[a.TrainStatus.String()]++
	r.out.RecordsByTopic[topic.Arrivals(a.StationName)]++
	r.last[a.TrainID] = a.Time
	r.latest = later(r.latest, a.Time)
	return nil
}

func (r *recorder) Turnstile(e sim.TurnstileEntry) error {
	r.entries[e.StationID]++
	r.out.EntriesByLine[e.Line.String()]++
	r.out.RecordsByTopic[topic.Turnstile]++
	return nil
}

func (r *recorder) Weather(w sim.WeatherReport) error {
	r.out.Weather = append(r.out.Weather, fmt.Sprintf("%s %.2f %s", w.Time.UTC().Format("2006-01-02T15:04"), w.Temperature, w.Status))
	r.out.RecordsByTopic[topic.Weather]++
	r.weather = &w
	r.latest = later(r.latest, w.Time)
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// simulate runs sched in-process and records its outcome, with the state
// after each of the ticks asked for.
func simulate(sched sim.Schedule, ticks ...int) simulated {
	GinkgoHelper()
	out := simulated{Schedule: sched, EntriesByLine: map[string]int{}, ArrivalsByLine: map[string]int{}, ArrivalsByStatus: map[string]int{},
		RecordsByTopic: map[string]int{}, States: map[int]simState{}, Stations: map[int]string{}, Objects: map[int]int{}}
	rec := &recorder{out: &out, entries: map[int]int{}, last: map[string]time.Time{}}
	data, err := sim.LoadData()
	Expect(err).NotTo(HaveOccurred())
	var s *sim.Simulation
	s, err = sim.New(sched, data, sim.WithTickObserver(func(t sim.TickStats) {
		if t.Tick == sched.Ticks || slices.Contains(ticks, t.Tick) {
			out.States[t.Tick] = snapshot(s, rec, t.Tick)
		}
	}))
	Expect(err).NotTo(HaveOccurred(), "build the simulation of %s", sched.Name)
	Expect(s.Run(context.Background(), rec)).To(Succeed(), "simulate %s in-process", sched.Name)
	out.Final = out.States[sched.Ticks]
	out.ByRule = map[int]simState{}
	for n, trains := range movementRule(sched, data, slices.Collect(maps.Keys(out.States))...) {
		st := out.States[n]
		st.Source, st.Trains = "the documented movement rule", trains
		out.ByRule[n] = st
	}
	for _, l := range s.Lines() {
		for _, st := range l.Stations {
			if _, ok := out.Stations[st.ID]; !ok {
				out.Stations[st.ID] = st.Name
			}
			out.Objects[st.ID]++
		}
	}
	return out
}

// snapshot reads every train's place and status from the simulation's lines.
func snapshot(s *sim.Simulation, rec *recorder, tick int) simState {
	st := simState{Source: "the simulation", Tick: tick, Time: rec.latest, Trains: map[string]simTrain{}, Entries: map[int]int{}}
	for id, n := range rec.entries {
		st.Entries[id] = n
	}
	if rec.weather != nil {
		w := *rec.weather
		st.Weather = &w
	}
	for _, l := range s.Lines() {
		for _, t := range l.Trains {
			at, dir := t.Position()
			st.Trains[t.ID] = simTrain{ID: t.ID, Line: l.Color.String(), StationID: at.ID, Station: at.Name, Direction: dir.String(),
				Status: t.Status.String(), Last: rec.last[t.ID]}
		}
	}
	return st
}

// EntriesByStation are the turnstile entries of the whole replay per
// station id.
func (s simulated) EntriesByStation() map[int]int { return s.Final.Entries }

// slotKey is a station's direction slot on a line, as the page shows it.
type slotKey struct {
	Line      string
	StationID int
	Direction string
}

// slots says which train each occupied slot shows. The dashboard keys its
// rows by (line, station id), and two of the simulation's Red Line stations
// share an id (95th/Dan Ryan and its twin, 40450): where two trains stand in
// one such slot, the row shows the one whose latest report is later, and at
// equal times the one read from the later arrivals topic by name
// (app/dashboard's documented tie-break).
func (st simState) slots() map[slotKey]simTrain {
	out := map[slotKey]simTrain{}
	for _, t := range st.Trains {
		k := slotKey{t.Line, t.StationID, t.Direction}
		cur, ok := out[k]
		if !ok || cmp.Or(t.Last.Compare(cur.Last), strings.Compare(topic.Arrivals(t.Station), topic.Arrivals(cur.Station))) > 0 {
			out[k] = t
		}
	}
	return out
}

// countDiffs lists the keys whose counts differ, one line each: "<name>:
// the simulation has W, <where> has G". A key missing from a map counts 0.
func countDiffs[K cmp.Ordered](want, got map[K]int, name func(K) string, where string) []string {
	keys := map[K]bool{}
	for k := range want {
		keys[k] = true
	}
	for k := range got {
		keys[k] = true
	}
	sorted := make([]K, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	var out []string
	for _, k := range sorted {
		if want[k] != got[k] {
			out = append(out, fmt.Sprintf("%s: the simulation has %d, %s has %d", name(k), want[k], where, got[k]))
		}
	}
	return out
}

// stationName names a station id for messages: "Clark/Lake 40380".
func (s simulated) stationName(id int) string {
	if n, ok := s.Stations[id]; ok {
		return fmt.Sprintf("station %d (%s)", id, n)
	}
	return fmt.Sprintf("station %d (not simulated)", id)
}

func plain(k string) string { return k }

// diffReport joins differences for a failure message, at most limit of
// them.
func diffReport(what string, diffs []string, limit int) string {
	if len(diffs) == 0 {
		return ""
	}
	shown := diffs
	if len(shown) > limit {
		shown = append(slices.Clone(shown[:limit]), fmt.Sprintf("... and %d more", len(diffs)-limit))
	}
	return fmt.Sprintf("%s: %d differences:\n  %s", what, len(diffs), strings.Join(shown, "\n  "))
}

// expectAsSimulated fails with diffReport when diffs is not empty.
func expectAsSimulated(g Gomega, what string, diffs []string) {
	GinkgoHelper()
	if !strings.Contains(what, " against ") {
		what += " against the in-process simulation"
	}
	g.Expect(len(diffs)).To(BeZero(), diffReport(what, diffs, 40))
}

// expectAllAsSimulated fails, once, with the differences of every part
// that differs.
func expectAllAsSimulated(parts map[string][]string) {
	GinkgoHelper()
	var report []string
	for _, what := range sortedKeys(parts) {
		if len(parts[what]) > 0 {
			name := what
			if !strings.Contains(what, " against ") {
				name += " against the in-process simulation"
			}
			report = append(report, diffReport(name, parts[what], 12))
		}
	}
	if len(report) > 0 {
		Fail(strings.Join(report, "\n"))
	}
}

// topicDiffs compares a replay's topics and TURNSTILE_SUMMARY with the
// simulation, by what is compared (against the in-process simulation
// unless the name says otherwise).
func (s simulated) topicDiffs(r replay) map[string][]string {
	out := map[string][]string{}
	records := map[string]int{}
	for t, n := range r.Records {
		if strings.HasPrefix(t, topic.ArrivalsPrefix) || t == topic.Turnstile || t == topic.Weather {
			records[t] = n
		}
	}
	out["the records per topic"] = countDiffs(s.RecordsByTopic, records, plain, "the topic")
	byStation := map[int]int{}
	for id, n := range r.TurnstileByStation {
		i, err := strconv.Atoi(id)
		Expect(err).NotTo(HaveOccurred())
		byStation[i] = n
	}
	out["the turnstile entries per station"] = countDiffs(s.EntriesByStation(), byStation, s.stationName, "the turnstile topic")
	out["the turnstile entries per station against the documented ridership formula"] = s.ridershipDiffs(byStation, "the turnstile topic")
	out["the turnstile entries per line"] = countDiffs(s.EntriesByLine, r.TurnstileByLine, func(l string) string { return l + " line" }, "the turnstile topic")
	out["the arrivals per line"] = countDiffs(s.ArrivalsByLine, r.ArrivalsByLine, func(l string) string { return l + " line" }, "the arrivals topics")
	out["the arrivals per train status"] = countDiffs(s.ArrivalsByStatus, r.ArrivalsByStatus, plain, "the arrivals topics")
	summary := map[int]int{}
	for id, n := range r.Summary {
		i, err := strconv.Atoi(id)
		Expect(err).NotTo(HaveOccurred())
		summary[i] = n
	}
	out["TURNSTILE_SUMMARY"] = countDiffs(s.EntriesByStation(), summary, s.stationName, "TURNSTILE_SUMMARY")
	var weather []string
	for i := range max(len(s.Weather), len(r.Weather)) {
		w, g := "(none)", "(none)"
		if i < len(s.Weather) {
			w = s.Weather[i]
		}
		if i < len(r.Weather) {
			g = r.Weather[i]
		}
		if w != g {
			weather = append(weather, fmt.Sprintf("report %d: the simulation has %q, the weather topic has %q", i+1, w, g))
		}
	}
	out["the weather reports"] = weather
	return out
}

// weatherTitles are the page's names of the weather statuses: the original
// dashboard's header is {int(weather.temperature)}° | {weather.status.title().replace("_", " ")}
// (Udacity "Optimizing Public Transportation" starter,
// consumers/templates/status.html; see the project's reference spec §8.4).
var weatherTitles = map[string]string{
	"sunny": "Sunny", "partly_cloudy": "Partly Cloudy", "cloudy": "Cloudy", "windy": "Windy", "precipitation": "Precipitation",
}

// statusDiffs compares /api/status?stable=1 with the simulation's state.
func (s simulated) statusDiffs(st map[string]any, want simState) []string {
	var out []string
	slots := want.slots()
	shownSlots := map[slotKey]bool{}
	for _, l := range st["lines"].([]any) {
		l := l.(map[string]any)
		line := l["line"].(string)
		for _, row := range l["stations"].([]any) {
			row := row.(map[string]any)
			id := int(row["station_id"].(float64))
			where := fmt.Sprintf("/api/status %s line row %s %d", line, row["name"], id)
			if n := int(row["turnstile_entries"].(float64)); n != want.Entries[id] {
				out = append(out, fmt.Sprintf("%s: the simulation has %d turnstile entries at %s, the row shows %d", where, want.Entries[id], s.stationName(id), n))
			}
			for _, dir := range []string{"a", "b"} {
				k := slotKey{line, id, dir}
				shownSlots[k] = true
				got := "(empty)"
				if v, ok := row["direction_"+dir].(map[string]any); ok {
					got = fmt.Sprintf("%s %s", v["train_id"], v["status"])
				}
				exp := "(empty)"
				if t, ok := slots[k]; ok {
					exp = fmt.Sprintf("%s %s", t.ID, t.Status)
				}
				if got != exp {
					out = append(out, fmt.Sprintf("%s direction %s: %s has %s, the row shows %s", where, dir, want.Source, exp, got))
				}
			}
		}
	}
	for k, t := range slots {
		if !shownSlots[k] {
			out = append(out, fmt.Sprintf("train %s: /api/status has no %s line row for station %d", t, k.Line, k.StationID))
		}
	}
	got := map[string]map[string]any{}
	for _, t := range st["trains"].([]any) {
		t := t.(map[string]any)
		got[t["train_id"].(string)] = t
	}
	for _, id := range sortedKeys(want.Trains) {
		t := want.Trains[id]
		g, ok := got[id]
		if !ok {
			out = append(out, fmt.Sprintf("train %s: %s has it at %s, /api/status lists no such train", id, want.Source, t))
			continue
		}
		exp := fmt.Sprintf("%s line, station %d, direction %s, %s, reported %s", t.Line, t.StationID, t.Direction, t.Status, t.Last.UTC().Format("2006-01-02T15:04:05.000Z"))
		act := fmt.Sprintf("%s line, station %v, direction %s, %s, reported %s", g["line"], jsonInt(g["station_id"]), g["direction"], g["status"], g["at"])
		if exp != act {
			out = append(out, fmt.Sprintf("train %s: %s has %s (at %s), /api/status has %s", id, want.Source, exp, t.Station, act))
		}
		delete(got, id)
	}
	for id := range got {
		out = append(out, fmt.Sprintf("train %s: /api/status lists it, %s has no such train", id, want.Source))
	}
	if simTime := want.Time.UTC().Format("2006-01-02T15:04:05.000Z"); fmt.Sprint(st["sim_time"]) != simTime {
		out = append(out, fmt.Sprintf("sim_time: the simulation's latest event is at %s, /api/status has %v", simTime, st["sim_time"]))
	}
	w := st["weather"].(map[string]any)
	if want.Weather != nil {
		exp := fmt.Sprintf("%v %s (reported true)", want.Weather.Temperature, want.Weather.Status)
		act := fmt.Sprintf("%v %s (reported %v)", float32(w["temperature"].(float64)), w["status"], w["reported"])
		if exp != act {
			out = append(out, fmt.Sprintf("weather: the simulation's latest report is %s, /api/status has %s", exp, act))
		}
	} else if w["reported"] != false {
		out = append(out, fmt.Sprintf("weather: the simulation has reported none yet, /api/status has %v", w))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// The page as app/dashboard/web/page.html renders it: the table rows with
// their two direction cells, the line diagrams (one SVG per line: a stop
// circle and a label per station, in the table's order, and a marker per
// train at its station's x, above the track for direction a and below for
// b) and the legend that names each status's colour class.
var (
	pageRowRe     = regexp.MustCompile(`<tr class="row" data-line="([a-z]+)" data-station="(-?\d+)"><td class="swatch [^"]*" title="[^"]*"></td><td class="station">(.*?)</td>(<td class="train[^"]*">.*?</td>)(<td class="train[^"]*">.*?</td>)<td class="num">(-?\d+)</td></tr>`)
	pageCellRe    = regexp.MustCompile(`^<td class="train ([a-z]+)">(?:<span class="tid">([^<]*)</span>(?: <span class="badge">([^<]*)</span>)?|---)</td>$`)
	pageSVGRe     = regexp.MustCompile(`(?s)<svg [^>]*data-line="([a-z]+)">(.*?)</svg>`)
	pageStopRe    = regexp.MustCompile(`<circle class="stop[^"]*" cx="(-?\d+)"`)
	pageLabelRe   = regexp.MustCompile(`<text class="label"[^>]*>(.*?)</text>`)
	pageTrainRe   = regexp.MustCompile(`<g class="train ([a-z]+) dir-([ab])" data-train="([^"]*)" data-x="(-?\d+)" data-y="(-?\d+)"`)
	pageLegendRe  = regexp.MustCompile(`<span class="key ([a-z]+)"></span>([^<]*)`)
	pageWeatherRe = regexp.MustCompile(`<div class="weather" id="weather">(.*?)</div>`)
	pageSimTimeRe = regexp.MustCompile(`<strong id="sim-time">(.*?)</strong>`)
)

// pageRow is a row of the page's table.
type pageRow struct {
	Line      string
	StationID int
	Name      string
	// A and B are the direction cells: "<train id> <colour class>", or
	// "(empty)".
	A, B    string
	Entries int
}

// pageDiffs compares the page's HTML (table, diagrams, header) with the
// simulation's state st.
func (s simulated) pageDiffs(page string, st simState) []string {
	var out []string
	legend := map[string]string{} // colour class -> status text
	for _, m := range pageLegendRe.FindAllStringSubmatch(page, -1) {
		legend[m[1]] = strings.TrimSpace(m[2])
	}
	rows := map[string][]pageRow{}
	// The train cells, as "<train id> <colour class>" or "(empty)".
	for _, m := range pageRowRe.FindAllStringSubmatch(page, -1) {
		id, _ := strconv.Atoi(m[2])
		n, _ := strconv.Atoi(m[6])
		r := pageRow{Line: m[1], StationID: id, Name: html.UnescapeString(m[3]), Entries: n}
		for i, cell := range []string{m[4], m[5]} {
			c := pageCellRe.FindStringSubmatch(cell)
			v := "(unreadable cell " + cell + ")"
			switch {
			case c != nil && c[2] == "" && c[1] == "none":
				v = "(empty)"
			case c != nil && c[2] != "":
				v = html.UnescapeString(c[2]) + " " + c[1]
			}
			if i == 0 {
				r.A = v
			} else {
				r.B = v
			}
		}
		rows[r.Line] = append(rows[r.Line], r)
	}
	if len(rows) == 0 {
		return []string{"the page has no station rows"}
	}
	names := map[slotKey]string{} // (line, station id) -> the row's name
	for line, rs := range rows {
		for _, r := range rs {
			names[slotKey{Line: line, StationID: r.StationID}] = r.Name
		}
	}
	// place says where and how a train shows: its line, the row's station,
	// the direction and the legend's name of its colour.
	place := func(line string, id int, dir, colour string) string {
		name, ok := names[slotKey{Line: line, StationID: id}]
		if !ok {
			name = "(no row)"
		}
		return fmt.Sprintf("%s line, %s %d, direction %s, in the colour of %q", line, name, id, dir, colour)
	}
	// The simulation's trains as the page must show them: the legend names
	// each status as the records spell it, underscores as spaces ("broken
	// down").
	want := map[string]string{}
	for k, t := range st.slots() {
		want[t.ID] = place(k.Line, k.StationID, k.Direction, strings.ReplaceAll(t.Status, "_", " "))
	}
	colour := func(class string) string {
		if text, ok := legend[class]; ok {
			return text
		}
		return "class " + class + ", which the legend does not name"
	}
	comparePlaces := func(where string, got map[string][]string) {
		ids := map[string]bool{}
		for id := range want {
			ids[id] = true
		}
		for id := range got {
			ids[id] = true
		}
		for _, id := range sortedKeys(ids) {
			exp, act := "it nowhere", strings.Join(got[id], " and at ")
			if p, ok := want[id]; ok {
				exp = "it at " + p
			}
			if act == "" {
				act = "it nowhere"
			} else {
				act = "it at " + act
			}
			if exp != act {
				out = append(out, fmt.Sprintf("train %s: %s has %s; %s shows %s", id, st.Source, exp, where, act))
			}
		}
	}

	table := map[string][]string{}
	for _, line := range sortedKeys(rows) {
		for _, r := range rows[line] {
			if r.Entries != st.Entries[r.StationID] {
				out = append(out, fmt.Sprintf("%s: the simulation has %d turnstile entries, the page's %s line row %q shows %d", s.stationName(r.StationID), st.Entries[r.StationID], line, r.Name, r.Entries))
			}
			for _, c := range []struct{ dir, cell string }{{"a", r.A}, {"b", r.B}} {
				if c.cell == "(empty)" {
					continue
				}
				id, class, ok := strings.Cut(c.cell, " ")
				if !ok || strings.HasPrefix(c.cell, "(") {
					out = append(out, fmt.Sprintf("the page's %s line row %q, direction %s: %s", line, r.Name, c.dir, c.cell))
					continue
				}
				table[id] = append(table[id], place(line, r.StationID, c.dir, colour(class)))
			}
		}
	}
	comparePlaces("the page's table", table)

	// The diagrams: a marker's x is its station's stop circle.
	drawn := map[string][]string{}
	for _, svg := range pageSVGRe.FindAllStringSubmatch(page, -1) {
		line, body := svg[1], svg[2]
		stops := pageStopRe.FindAllStringSubmatch(body, -1)
		labels := pageLabelRe.FindAllStringSubmatch(body, -1)
		if len(stops) != len(rows[line]) || len(labels) != len(rows[line]) {
			out = append(out, fmt.Sprintf("%s line diagram: %d stops and %d labels for the table's %d rows", line, len(stops), len(labels), len(rows[line])))
			continue
		}
		index := map[string]int{}
		for i, stop := range stops {
			index[stop[1]] = i
			if name := html.UnescapeString(labels[i][1]); name != rows[line][i].Name {
				out = append(out, fmt.Sprintf("%s line diagram: stop %d is labelled %q, the table's row %d is %q", line, i, name, i, rows[line][i].Name))
			}
		}
		for _, m := range pageTrainRe.FindAllStringSubmatch(body, -1) {
			id := html.UnescapeString(m[3])
			i, ok := index[m[4]]
			if !ok {
				drawn[id] = append(drawn[id], fmt.Sprintf("x=%s on the %s line diagram, where no station is", m[4], line))
				continue
			}
			drawn[id] = append(drawn[id], place(line, rows[line][i].StationID, m[2], colour(m[1])))
		}
	}
	comparePlaces("the line diagram", drawn)

	// The header: the weather as the original page writes it, the default
	// 70° and sunny (consumers/models/weather.py) before the first report.
	expWeather := "70° | Sunny"
	if w := st.Weather; w != nil {
		expWeather = fmt.Sprintf("%d° | %s", int(w.Temperature), weatherTitles[w.Status.String()])
	}
	if m := pageWeatherRe.FindStringSubmatch(page); m == nil || html.UnescapeString(m[1]) != expWeather {
		out = append(out, fmt.Sprintf("weather header: the simulation's latest report reads %q, the page shows %q", expWeather, firstGroup(m)))
	}
	expTime := st.Time.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
	if m := pageSimTimeRe.FindStringSubmatch(page); m == nil || m[1] != expTime {
		out = append(out, fmt.Sprintf("simulated time: the simulation is at %s, the page shows %q", expTime, firstGroup(m)))
	}
	return out
}

// pageText GETs the dashboard's page.
func pageText(g Gomega, ctx context.Context, base string) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := stackHTTP.Do(req)
	g.Expect(err).NotTo(HaveOccurred(), "GET %s/", base)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK), "GET %s/", base)
	return string(b)
}

// drawnTrains says where a browser must draw each train of st on page's
// diagrams, in the form of the browser spec's drawnTrains script: "<line>
// <train> stop <i> above|below", i being the station's index in the line's
// rows, above the track for direction a, below for b; sorted.
func (s simulated) drawnTrains(page string, st simState) []string {
	index := map[slotKey]int{}
	next := map[string]int{}
	for _, m := range pageRowRe.FindAllStringSubmatch(page, -1) {
		id, _ := strconv.Atoi(m[2])
		index[slotKey{Line: m[1], StationID: id}] = next[m[1]]
		next[m[1]]++
	}
	out := []string{}
	for k, t := range st.slots() {
		side := map[string]string{"a": "above", "b": "below"}[k.Direction]
		i, ok := index[slotKey{Line: k.Line, StationID: k.StationID}]
		if !ok {
			out = append(out, fmt.Sprintf("%s %s (no row for station %d)", k.Line, t.ID, k.StationID))
			continue
		}
		out = append(out, fmt.Sprintf("%s %s stop %d %s", k.Line, t.ID, i, side))
	}
	slices.Sort(out)
	return out
}

// firstGroup is a match's first group, or "(nothing)" without a match.
func firstGroup(m []string) string {
	if m == nil {
		return "(nothing)"
	}
	return html.UnescapeString(m[1])
}

// The ridership model as documented (app/sim/doc.go, "Ridership"), applied
// here from the CSV files alone, without the model's code: each step a
// station object admits its day type's average rides (ridership_seed.csv,
// rounded half to even, the weekday, Saturday or Sunday/holiday column) x
// the hour's ratio (ridership_curve.csv) x (step / 1 hour), plus a uniform
// integer noise in [-5, +5]; fractions and deficits carry over, so over n
// steps a station's entries stay within a few standard deviations of the
// noise (sqrt(n x 10)) of the formula's sum.
const (
	noiseVariance = 10.0 // of a uniform integer in [-5, +5]: (11*11 - 1) / 12
	// ridershipSigmas bounds the distance from the formula: the six
	// committed schedules stay within 3.4 standard deviations per station
	// and 1.2 in total.
	ridershipSigmas = 6.0
)

// ridershipDiffs compares the entries per station id, and in total, with
// the documented ridership formula over sched's ticks.
func (s simulated) ridershipDiffs(got map[int]int, where string) []string {
	GinkgoHelper()
	curve, err := fixtures.RidershipCurve()
	Expect(err).NotTo(HaveOccurred())
	seed, err := fixtures.RidershipSeed()
	Expect(err).NotTo(HaveOccurred())
	ratio := map[int]float64{}
	for _, c := range curve {
		ratio[c.Hour] = c.Ratio
	}
	rides := map[int][3]float64{}
	for _, r := range seed {
		rides[r.StationID] = [3]float64{math.RoundToEven(r.Weekday), math.RoundToEven(r.Saturday), math.RoundToEven(r.SundayHoliday)}
	}
	sched := s.Schedule
	var out []string
	var total, totalWant, totalSteps float64
	for _, id := range slices.Sorted(maps.Keys(s.Objects)) {
		want := 0.0
		for n := 1; n <= sched.Ticks; n++ {
			t := sched.TickTime(n)
			column := 0
			switch t.Weekday() {
			case time.Saturday:
				column = 1
			case time.Sunday:
				column = 2
			}
			want += rides[id][column] * ratio[t.Hour()] * sched.Step.Hours()
		}
		steps := float64(sched.Ticks * s.Objects[id])
		want *= float64(s.Objects[id])
		bound := ridershipSigmas * math.Sqrt(steps*noiseVariance)
		if d := float64(got[id]) - want; math.Abs(d) > bound {
			out = append(out, fmt.Sprintf("%s: the ridership formula gives %.0f ± %.0f entries over %d ticks, %s has %d", s.stationName(id), want, bound, sched.Ticks, where, got[id]))
		}
		total += float64(got[id])
		totalWant += want
		totalSteps += steps
	}
	if bound := ridershipSigmas * math.Sqrt(totalSteps*noiseVariance); math.Abs(total-totalWant) > bound {
		out = append(out, fmt.Sprintf("all stations: the ridership formula gives %.0f ± %.0f entries over %d ticks, %s has %.0f", totalWant, bound, sched.Ticks, where, total))
	}
	return out
}

// movementRule places and moves the trains of sched by the rule the
// project documents, written here from the documents and not from the
// simulation's movement code: the reference's placement and step-1
// next_index (Udacity "Optimizing Public Transportation", producers/models/
// line.py; described in the project's reference spec §2.3: ten trains per
// line placed from index 0 in direction b at a spacing of ⌊2·last/10⌋,
// every tick each train moves one station, a b-train past the last index
// turns into an a-train at the terminal and an a-train below index 1 into a
// b-train at index 0), and the project's incidents (app/sim/doc.go: a
// breakdown or out-of-service period stops a train where it stands, it
// reports its status there every tick, and trains reaching it wait behind
// it, reporting nothing). It returns the trains after each tick asked for.
func movementRule(sched sim.Schedule, data sim.Data, ticks ...int) map[int]map[string]simTrain {
	GinkgoHelper()
	lines, err := sim.BuildLines(data.Stations)
	Expect(err).NotTo(HaveOccurred())
	type train struct {
		simTrain
		index int
	}
	type ruleLine struct {
		color    string
		stations []*sim.Station
		trains   []*train
	}
	next := func(l *ruleLine, i int, d string, step int) (int, string) {
		last := len(l.stations) - 1
		if d == "b" {
			if n := i + step; n < last {
				return n, "b"
			} else {
				return last - n%last, "a"
			}
		}
		if n := i - step; n > 0 {
			return n, "a"
		} else {
			return -n, "b"
		}
	}
	at := func(l *ruleLine, t *train, i int, d string, when time.Time) {
		st := l.stations[i]
		t.index, t.StationID, t.Station, t.Direction, t.Last = i, st.ID, st.Name, d, when
	}
	var rls []*ruleLine
	byID := map[string]*train{}
	for _, l := range lines {
		rl := &ruleLine{color: l.Color.String(), stations: l.Stations}
		i, d := 0, "b"
		for k := range 10 {
			t := &train{simTrain: simTrain{ID: fmt.Sprintf("%cL%03d", strings.ToUpper(rl.color)[0], k), Line: rl.color, Status: "in_service"}}
			at(rl, t, i, d, sched.Start)
			rl.trains = append(rl.trains, t)
			byID[t.ID] = t
			i, d = next(rl, i, d, (len(l.Stations)-1)*2/10)
		}
		rls = append(rls, rl)
	}
	out := map[int]map[string]simTrain{}
	keep := func(n int) {
		if slices.Contains(ticks, n) {
			out[n] = map[string]simTrain{}
			for id, t := range byID {
				out[n][id] = t.simTrain
			}
		}
	}
	keep(0)
	for n := 1; n <= sched.Ticks; n++ {
		now := sched.TickTime(n)
		for _, e := range sched.Events {
			switch {
			case e.Kind == sim.EventBreakdown && e.AtTick == n:
				byID[e.Train].Status = "broken_down"
			case e.Kind == sim.EventOutOfService && e.AtTick == n:
				byID[e.Train].Status = "out_of_service"
			case (e.Kind == sim.EventBreakdown || e.Kind == sim.EventOutOfService) && e.AtTick+e.ForTicks == n:
				byID[e.Train].Status = "in_service"
			}
		}
		for _, l := range rls {
			type slot struct {
				i int
				d string
			}
			holder := map[slot]*train{}
			target := map[*train]slot{}
			stands := map[*train]bool{}
			for _, t := range l.trains {
				holder[slot{t.index, t.Direction}] = t
				i, d := next(l, t.index, t.Direction, 1)
				target[t] = slot{i, d}
				stands[t] = t.Status != "in_service"
			}
			// A train whose next slot holds a standing train stands too.
			for changed := true; changed; {
				changed = false
				for _, t := range l.trains {
					if ahead := holder[target[t]]; !stands[t] && ahead != nil && stands[ahead] {
						stands[t], changed = true, true
					}
				}
			}
			for _, t := range l.trains {
				switch {
				case t.Status != "in_service":
					t.Last = now // reports its status where it stands
				case stands[t]:
					// waits behind a standing train: no report
				default:
					at(l, t, target[t].i, target[t].d, now)
				}
			}
		}
		keep(n)
	}
	return out
}
