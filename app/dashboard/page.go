package dashboard

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

//go:embed web
var webFiles embed.FS

var (
	staticFS, _ = fs.Sub(webFiles, "web/static")
	pageTmpl    = template.Must(template.New("page.html").Funcs(template.FuncMap{
		"statusClass": statusClass,
		"statusText":  statusText,
	}).ParseFS(webFiles, "web/page.html"))
)

// statusClass maps a train status to a fixed CSS class; the status is data
// and never becomes markup.
func statusClass(s string) string {
	switch s {
	case "in_service":
		return "ok"
	case "broken_down":
		return "broken"
	case "out_of_service":
		return "oos"
	}
	return "other"
}

// statusText is a status as the original stored it: underscores as spaces.
func statusText(s string) string { return strings.ReplaceAll(s, "_", " ") }

// pageData is what the page template renders.
type pageData struct {
	Status     Status
	SimTime    string // human-readable simulated time, "" before any
	Updated    string // wall-clock time of the last change, "" before any
	UpdatedISO string
	Diagrams   []diagram
	Trains     int // trains standing in a shown slot
	Rows       int
	// TableRows are the table's rows, each on a line of its own, rendered
	// by the "row" template (tableRows).
	TableRows template.HTML
	// NotSimulated are the rows the simulation does not serve, for the
	// notes under the table.
	NotSimulated []notSimulatedRow
}

type notSimulatedRow struct {
	Line      LineStatus
	StationID int
	Name      string
	Reason    string
}

// Diagram geometry, in SVG user units.
const (
	gap       = 36  // between stations
	padLeft   = 22  // before the first station
	trackY    = 34  // the track's y
	trainDY   = 15  // trains above (direction a) and below (direction b) the track
	labelDY   = 32  // station labels start below the track
	labelDeg  = 38  // label rotation
	charWidth = 5.6 // average glyph width of an 11px label
)

type diagram struct {
	Line          LineStatus
	Width, Height int
	TrackY        int
	X0, X1        int
	Stations      []diagStation
	StationsSVG   template.HTML // the "stations" template over Stations (stationsSVG)
	Trains        []diagTrain
	TrainsSVG     template.HTML // the markers of Trains (trainsSVG)
	TrainCount    int
	LabelDeg      int
}

type diagStation struct {
	X, LabelY int
	Name      string
	Terminal  bool
	Unserved  bool
}

type diagTrain struct {
	ID, Status, Class, Dir, Title string
	X, Y                          int
	Path                          string
}

// Train markers: arrows pointing the way the train travels; direction a runs
// towards the line's first station (left), b towards the last (right).
const (
	arrowLeft  = "M-8,0 L5,-7 L5,7 Z"
	arrowRight = "M8,0 L-5,-7 L-5,7 Z"
)

func buildDiagram(l LineStatus) diagram {
	d := diagram{Line: l, TrackY: trackY, X0: padLeft, LabelDeg: labelDeg}
	longest := 0
	for _, s := range l.Stations {
		longest = max(longest, utf8.RuneCountInString(s.Name))
	}
	rad := labelDeg * math.Pi / 180
	labelW := float64(longest) * charWidth
	d.X1 = padLeft + max(0, len(l.Stations)-1)*gap
	d.Width = d.X1 + int(labelW*math.Cos(rad)) + 24
	d.Height = trackY + labelDY + int(labelW*math.Sin(rad)) + 12
	for i, s := range l.Stations {
		x := padLeft + i*gap
		d.Stations = append(d.Stations, diagStation{X: x, LabelY: trackY + labelDY, Name: s.Name, Terminal: i == 0 || i == len(l.Stations)-1, Unserved: s.NotSimulated != ""})
		for _, t := range []struct {
			slot *Slot
			dir  string
			y    int
			path string
			to   string
		}{
			{s.A, "a", trackY - trainDY, arrowLeft, l.Stations[0].Name},
			{s.B, "b", trackY + trainDY, arrowRight, l.Stations[len(l.Stations)-1].Name},
		} {
			if t.slot == nil {
				continue
			}
			d.Trains = append(d.Trains, diagTrain{
				ID: t.slot.TrainID, Status: t.slot.Status, Class: statusClass(t.slot.Status), Dir: t.dir,
				X: x, Y: t.y, Path: t.path,
				Title: fmt.Sprintf("%s at %s, towards %s (%s)", t.slot.TrainID, s.Name, t.to, statusText(t.slot.Status)),
			})
		}
	}
	d.TrainCount = len(d.Trains)
	return d
}

func newPageData(st Status, updated time.Time) pageData {
	p := pageData{Status: st}
	if st.SimTime != nil {
		if t, err := time.Parse(time.RFC3339, *st.SimTime); err == nil {
			p.SimTime = t.UTC().Format("Mon 2 Jan 2006, 15:04 UTC")
		}
	}
	if !updated.IsZero() {
		p.Updated = updated.Format("15:04:05")
		p.UpdatedISO = updated.Format(time.RFC3339)
	}
	width := 0
	for _, l := range st.Lines {
		d := buildDiagram(l)
		p.Trains += d.TrainCount
		p.Rows += len(l.Stations)
		for _, s := range l.Stations {
			if s.NotSimulated != "" {
				p.NotSimulated = append(p.NotSimulated, notSimulatedRow{Line: l, StationID: s.StationID, Name: s.Name, Reason: s.NotSimulated})
			}
		}
		p.Diagrams = append(p.Diagrams, d)
		width = max(width, d.Width)
	}
	// One scale for every line: a station is as far from the next on each.
	for i := range p.Diagrams {
		p.Diagrams[i].Width = width
	}
	return p
}

// stationMarkers caches each line's rendered station markers: they change
// only with the stations table, and were half of a live update's render.
var stationMarkers = struct {
	sync.Mutex
	m map[string]template.HTML // by stationsKey
}{m: map[string]template.HTML{}}

// stationMarkersKept bounds the cache: a few lines, and their station lists
// as the stations table fills.
const stationMarkersKept = 64

// stationsSVG renders d's station circles and labels, or returns them as
// rendered before for the same stations.
func stationsSVG(d diagram) (template.HTML, error) {
	key := stationsKey(d)
	stationMarkers.Lock()
	html, ok := stationMarkers.m[key]
	stationMarkers.Unlock()
	if ok {
		return html, nil
	}
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, "stations", d); err != nil {
		return "", fmt.Errorf("render stations: %w", err)
	}
	html = template.HTML(b.String()) //nolint:gosec // rendered by html/template, which escaped every value
	stationMarkers.Lock()
	if len(stationMarkers.m) >= stationMarkersKept {
		clear(stationMarkers.m)
	}
	stationMarkers.m[key] = html
	stationMarkers.Unlock()
	return html, nil
}

// rowData is everything the "row" template reads: one station of one line.
// It is comparable, and keys the rows rendered before.
type rowData struct {
	Line, Title      string
	StationID        int
	Name             string
	NotSimulated     string
	A, B             *Slot
	TurnstileEntries int64
}

// rowKey is rowData with its slots by value.
type rowKey struct {
	rowData
	a, b       Slot
	hasA, hasB bool
}

// renderedRows holds the rows the last render made: a row whose data did
// not change since is not rendered again. (A render executes the "row"
// template only for the stations whose train slots, count or name changed,
// which during a tick is a few of them; each row took about 10 µs.)
var renderedRows = struct {
	sync.Mutex
	m map[rowKey]template.HTML
}{m: map[rowKey]template.HTML{}}

// tableRows renders the table's rows, reusing those of the last render.
func tableRows(st Status) ([]template.HTML, error) {
	var out []template.HTML
	renderedRows.Lock()
	prev := renderedRows.m
	renderedRows.Unlock()
	fresh := make(map[rowKey]template.HTML, len(prev))
	for _, l := range st.Lines {
		for _, s := range l.Stations {
			d := rowData{Line: l.Line, Title: l.Title, StationID: s.StationID, Name: s.Name, NotSimulated: s.NotSimulated, A: s.A, B: s.B, TurnstileEntries: s.TurnstileEntries}
			k := rowKey{rowData: d}
			k.A, k.B = nil, nil
			if s.A != nil {
				k.a, k.hasA = *s.A, true
			}
			if s.B != nil {
				k.b, k.hasB = *s.B, true
			}
			html, ok := prev[k]
			if !ok {
				var b bytes.Buffer
				if err := pageTmpl.ExecuteTemplate(&b, "row", d); err != nil {
					return nil, fmt.Errorf("render row: %w", err)
				}
				html = template.HTML(b.String()) //nolint:gosec // rendered by html/template, which escaped every value
			}
			fresh[k] = html
			out = append(out, html)
		}
	}
	renderedRows.Lock()
	renderedRows.m = fresh
	renderedRows.Unlock()
	return out, nil
}

// stationsKey is everything the "stations" template reads from d.
func stationsKey(d diagram) string {
	b := make([]byte, 0, 16+len(d.Stations)*32)
	b = strconv.AppendInt(b, int64(d.TrackY), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(d.LabelDeg), 10)
	b = append(b, 0)
	for _, s := range d.Stations {
		b = strconv.AppendInt(b, int64(s.X), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(s.LabelY), 10)
		b = append(b, ' ')
		b = strconv.AppendBool(b, s.Terminal)
		b = append(b, ' ')
		b = strconv.AppendBool(b, s.Unserved)
		b = append(b, ' ')
		b = append(b, s.Name...)
		b = append(b, 0)
	}
	return string(b)
}

func render(name string, data pageData) ([]byte, error) {
	rows, err := tableRows(data.Status)
	if err != nil {
		return nil, err
	}
	var table strings.Builder
	n := 0
	for _, r := range rows {
		n += len(r) + 2
	}
	table.Grow(n)
	for _, r := range rows {
		table.WriteByte('\n')
		table.WriteString(string(r))
		table.WriteByte('\n')
	}
	data.TableRows = template.HTML(table.String()) //nolint:gosec // rows rendered by html/template, which escaped every value
	for i := range data.Diagrams {
		html, err := stationsSVG(data.Diagrams[i])
		if err != nil {
			return nil, err
		}
		data.Diagrams[i].StationsSVG = html
		data.Diagrams[i].TrainsSVG = trainsSVG(data.Diagrams[i].Trains)
	}
	var b bytes.Buffer
	if err := pageTmpl.ExecuteTemplate(&b, name, data); err != nil {
		return nil, fmt.Errorf("render %s: %w", name, err)
	}
	return b.Bytes(), nil
}
