package dashboard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Line describes one of the dashboard's lines.
type Line struct {
	Name  string // "blue", as the records spell it
	Title string // "Blue"
	Color string // the original dashboard's colour code
}

// Lines are the dashboard's lines in the page's order.
var Lines = []Line{
	{"blue", "Blue", "#1E90FF"},
	{"green", "Green", "#32CD32"},
	{"red", "Red", "#DC143C"},
}

func lineIndex(name string) int {
	for i, l := range Lines {
		if l.Name == name {
			return i
		}
	}
	return -1
}

// StationRecord is one record of the transformed stations table.
type StationRecord struct {
	Line      string
	StationID int
	Name      string
	Order     int
}

// ArrivalRecord is one decoded arrival.
type ArrivalRecord struct {
	Time          int64 // simulated time of the key, Unix milliseconds
	Line          string
	StationID     int
	TrainID       string
	Direction     string // "a" or "b"
	Status        string // e.g. "in_service"
	PrevStationID *int
	PrevDirection *string
}

// WeatherRecord is one decoded weather report.
type WeatherRecord struct {
	Time        int64 // simulated time of the key, Unix milliseconds
	Temperature float32
	Status      string
}

// src is where a record was read; it breaks ties between records with the
// same simulated time, so that the outcome never depends on reading order.
type src struct {
	topic     string
	partition int
	offset    int64
}

func (a src) compare(b src) int {
	return cmp.Or(strings.Compare(a.topic, b.topic), cmp.Compare(a.partition, b.partition), cmp.Compare(a.offset, b.offset))
}

type lineStation struct {
	line int
	id   int
}

type trainState struct {
	ArrivalRecord
	src src
}

// newer reports whether a record at (t, s) supersedes one at (t0, s0).
func newer(t int64, s src, t0 int64, s0 src) bool {
	if t != t0 {
		return t > t0
	}
	return s.compare(s0) > 0
}

// supersedes reports whether arrival r (read at s) is a later report of its
// train than old. Reports carry the simulated time of their tick, and the
// initial placement shares its time with the first tick's moves: at equal
// times, a report that leaves the other's station and direction is the
// later one; only otherwise does the read position decide.
func supersedes(r ArrivalRecord, s src, old trainState) bool {
	if r.Time != old.Time {
		return r.Time > old.Time
	}
	switch {
	case follows(r, old.ArrivalRecord):
		return true
	case follows(old.ArrivalRecord, r):
		return false
	}
	return s.compare(old.src) > 0
}

// follows reports whether r departs from where prev put the train.
func follows(r, prev ArrivalRecord) bool {
	return r.PrevStationID != nil && r.PrevDirection != nil && *r.PrevStationID == prev.StationID && *r.PrevDirection == prev.Direction
}

// Model is the dashboard's status: stations, trains, turnstile counts and
// the weather. It is safe for concurrent use.
type Model struct {
	mu         sync.Mutex
	stations   map[lineStation]StationRecord
	trains     map[string]trainState
	turnstiles map[int]int64
	weather    WeatherRecord
	weatherSrc src
	weatherSet bool
	simTime    int64
	version    uint64
	moves      uint64 // changes other than turnstile counts
	updated    time.Time

	notSimulated map[lineStation]string // reason, by (line, station id)

	changed chan struct{} // signalled (without blocking) on every change
	now     func() time.Time
}

// NewModel returns the empty status: no stations, no trains and the
// original dashboard's default weather, 70° and sunny.
func NewModel() *Model {
	return &Model{
		stations:     map[lineStation]StationRecord{},
		trains:       map[string]trainState{},
		turnstiles:   map[int]int64{},
		notSimulated: map[lineStation]string{},
		weather:      WeatherRecord{Temperature: 70, Status: "sunny"},
		changed:      make(chan struct{}, 1),
		now:          time.Now,
	}
}

// SetNotSimulated marks a station that the simulation does not serve; its
// row carries the reason. A line the dashboard does not show is ignored.
// It is configuration, not a change: the version does not move.
func (m *Model) SetNotSimulated(n NotSimulated) {
	li := lineIndex(n.Line)
	if li < 0 {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.notSimulated[lineStation{li, n.StationID}] = n.Reason
}

// Changed is signalled after changes; one signal may stand for many.
func (m *Model) Changed() <-chan struct{} { return m.changed }

// touch records a change other than a turnstile count; m.mu is held.
func (m *Model) touch() {
	m.moves++
	m.touchCounts()
}

// touchCounts records a change of turnstile counts; m.mu is held.
func (m *Model) touchCounts() {
	m.version++
	m.updated = m.now()
	select {
	case m.changed <- struct{}{}:
	default:
	}
}

func (m *Model) seeTime(ms int64) {
	if ms > m.simTime {
		m.simTime = ms
	}
}

// ApplyStation sets a row of the stations table, replacing an earlier
// record of the same (line, station). It reports false, changing nothing,
// for a line the dashboard does not show.
func (m *Model) ApplyStation(r StationRecord, _ src) bool {
	li := lineIndex(r.Line)
	if li < 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stations[lineStation{li, r.StationID}] = r
	m.touch()
	return true
}

// RemoveStation deletes a row of the stations table (a tombstone).
func (m *Model) RemoveStation(line string, id int) bool {
	li := lineIndex(line)
	if li < 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.stations, lineStation{li, id})
	m.touch()
	return true
}

// ApplyArrival records a train's arrival: the train leaves the slot its
// previous arrival put it in and stands in the arrival's direction slot,
// unless the model already holds a later report of that train. It reports
// false, changing nothing, for a line the dashboard does not show.
func (m *Model) ApplyArrival(r ArrivalRecord, s src) bool {
	if lineIndex(r.Line) < 0 {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seeTime(r.Time)
	if old, ok := m.trains[r.TrainID]; !ok || supersedes(r, s, old) {
		m.trains[r.TrainID] = trainState{r, s}
	}
	m.touch()
	return true
}

// ApplyTurnstile sets a station's turnstile count; nil (a tombstone)
// removes it.
func (m *Model) ApplyTurnstile(stationID int, count *int64, _ src) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if count == nil {
		delete(m.turnstiles, stationID)
	} else {
		m.turnstiles[stationID] = *count
	}
	m.touchCounts()
}

// ApplyWeather sets the weather unless a later report is already known.
func (m *Model) ApplyWeather(r WeatherRecord, s src) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seeTime(r.Time)
	if !m.weatherSet || newer(r.Time, s, m.weather.Time, m.weatherSrc) {
		m.weather, m.weatherSrc, m.weatherSet = r, s, true
	}
	m.touch()
}

// Version returns the number of changes so far and the wall-clock time of
// the last one (zero before any).
func (m *Model) Version() (uint64, time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.version, m.updated
}

// Moves returns the number of changes other than turnstile counts: trains,
// stations and weather, what the adaptive push sends at once.
func (m *Model) Moves() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.moves
}

// Status is the dashboard's model as the page and the JSON API show it. It
// holds no wall-clock time: two dashboards over the same topics produce the
// same Status.
type Status struct {
	// SimTime is the latest simulated time seen in an arrival or weather
	// key (RFC 3339, UTC), or null before any.
	SimTime *string       `json:"sim_time"`
	Weather WeatherStatus `json:"weather"`
	// Lines are blue, green and red, each with its stations by order.
	Lines []LineStatus `json:"lines"`
	// Trains are every train seen, by train id.
	Trains []TrainStatus `json:"trains"`
}

// WeatherStatus is the weather shown in the page header.
type WeatherStatus struct {
	Temperature float32 `json:"temperature"`
	Status      string  `json:"status"`
	// Summary is the header text, e.g. "79° | Partly Cloudy".
	Summary string `json:"summary"`
	// Reported is false while the default weather is shown.
	Reported bool `json:"reported"`
}

// LineStatus is one line of the table.
type LineStatus struct {
	Line     string          `json:"line"`
	Title    string          `json:"title"`
	Color    string          `json:"color"`
	Stations []StationStatus `json:"stations"`
}

// StationStatus is one row of the table.
type StationStatus struct {
	StationID        int    `json:"station_id"`
	Name             string `json:"name"`
	Order            int    `json:"order"`
	A                *Slot  `json:"direction_a"`
	B                *Slot  `json:"direction_b"`
	TurnstileEntries int64  `json:"turnstile_entries"`
	// NotSimulated is why the simulation does not serve this station
	// (no trains, no entries); empty for the stations it serves.
	NotSimulated string `json:"not_simulated,omitempty"`
}

// Slot is the train standing in one direction at a station.
type Slot struct {
	TrainID string `json:"train_id"`
	Status  string `json:"status"`
}

// TrainStatus is a train's latest report.
type TrainStatus struct {
	TrainID     string `json:"train_id"`
	Line        string `json:"line"`
	StationID   int    `json:"station_id"`
	StationName string `json:"station_name,omitempty"`
	Direction   string `json:"direction"`
	Status      string `json:"status"`
	At          string `json:"at"`
}

func formatMillis(ms int64) string {
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// Status returns a snapshot of the model.
func (m *Model) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	var st Status
	if m.simTime != 0 {
		s := formatMillis(m.simTime)
		st.SimTime = &s
	}
	st.Weather = WeatherStatus{Temperature: m.weather.Temperature, Status: m.weather.Status, Summary: weatherSummary(m.weather), Reported: m.weatherSet}

	// The train in each slot: the latest arrival among the trains whose
	// latest report names the slot (two only where two station objects
	// share an id, as the two red 95th stops do).
	type slotKey struct {
		ls  lineStation
		dir string
	}
	slots := map[slotKey]trainState{}
	for _, t := range m.trains {
		k := slotKey{lineStation{lineIndex(t.Line), t.StationID}, t.Direction}
		if cur, ok := slots[k]; !ok || newer(t.Time, t.src, cur.Time, cur.src) {
			slots[k] = t
		}
	}
	slot := func(ls lineStation, dir string) *Slot {
		if t, ok := slots[slotKey{ls, dir}]; ok {
			return &Slot{TrainID: t.TrainID, Status: t.Status}
		}
		return nil
	}

	st.Lines = make([]LineStatus, len(Lines))
	for i, l := range Lines {
		st.Lines[i] = LineStatus{Line: l.Name, Title: l.Title, Color: l.Color, Stations: []StationStatus{}}
	}
	for ls, r := range m.stations {
		st.Lines[ls.line].Stations = append(st.Lines[ls.line].Stations, StationStatus{
			StationID: r.StationID, Name: r.Name, Order: r.Order,
			A: slot(ls, "a"), B: slot(ls, "b"), TurnstileEntries: m.turnstiles[r.StationID],
			NotSimulated: m.notSimulated[ls],
		})
	}
	for i := range st.Lines {
		slices.SortFunc(st.Lines[i].Stations, func(a, b StationStatus) int {
			return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.StationID, b.StationID))
		})
	}

	st.Trains = make([]TrainStatus, 0, len(m.trains))
	for _, t := range m.trains {
		ts := TrainStatus{TrainID: t.TrainID, Line: t.Line, StationID: t.StationID, Direction: t.Direction, Status: t.Status, At: formatMillis(t.Time)}
		if r, ok := m.stations[lineStation{lineIndex(t.Line), t.StationID}]; ok {
			ts.StationName = r.Name
		}
		st.Trains = append(st.Trains, ts)
	}
	slices.SortFunc(st.Trains, func(a, b TrainStatus) int { return strings.Compare(a.TrainID, b.TrainID) })
	return st
}

// weatherSummary renders the header as the original did:
// int(temperature) (truncated toward zero), "°", and the status title-cased
// with underscores as spaces.
func weatherSummary(w WeatherRecord) string {
	return fmt.Sprintf("%d° | %s", int(w.Temperature), titleCase(w.Status))
}

// titleCase is Python's str.title() followed by replacing "_" with " ": a
// letter after a non-letter is upper case, every other letter lower case.
func titleCase(s string) string {
	var b strings.Builder
	prevLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevLetter {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
		if r == '_' {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
