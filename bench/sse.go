package main

import (
	"bufio"
	"html"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	Name, ID, Data string
}

// readSSE parses a text/event-stream, calling fn for each event until r
// ends or fn fails; comments and retry fields are skipped.
func readSSE(r io.Reader, fn func(sseEvent) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			if data != nil {
				ev.Data = strings.Join(data, "\n")
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, data = sseEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "event":
			ev.Name = value
		case "id":
			ev.ID = value
		case "data":
			data = append(data, value)
		}
	}
	return sc.Err()
}

// slot is a direction slot of a station row on the dashboard: Dir is 'a' or
// 'b'.
type slot struct {
	Line    string
	Station int
	Dir     byte
}

// row is a station row of the dashboard: a line and a station id.
type row struct {
	Line    string
	Station int
}

// liveView is what one live update of the dashboard shows.
type liveView struct {
	Rows    int
	SimTime string
	Shown   map[row]bool    // the station rows
	Trains  map[slot]string // train id per occupied slot
}

var (
	rowRe  = regexp.MustCompile(`<tr class="row" data-line="([^"]*)" data-station="(\d+)">(.*?)</tr>`)
	slotRe = regexp.MustCompile(`<td class="train [^"]*">(?:<span class="tid">([^<]*)</span>)?`)
	timeRe = regexp.MustCompile(`<strong id="sim-time">([^<]*)</strong>`)
)

// parseLive reads the station rows of the dashboard's live fragment: for
// each row (line, station id), the train in direction A's and B's slot.
func parseLive(fragment string) liveView {
	v := liveView{Shown: map[row]bool{}, Trains: map[slot]string{}}
	if m := timeRe.FindStringSubmatch(fragment); m != nil {
		v.SimTime = html.UnescapeString(m[1])
	}
	for _, m := range rowRe.FindAllStringSubmatch(fragment, -1) {
		v.Rows++
		id, err := strconv.Atoi(m[2])
		if err != nil {
			continue
		}
		line := html.UnescapeString(m[1])
		v.Shown[row{line, id}] = true
		for i, s := range slotRe.FindAllStringSubmatch(m[3], 2) {
			if s[1] != "" {
				v.Trains[slot{line, id, "ab"[i]}] = html.UnescapeString(s[1])
			}
		}
	}
	return v
}

// liveUpdate is a live update received At seconds after the origin.
type liveUpdate struct {
	At   float64
	View liveView
}

// arrivalSample is an arrival handed to the producer Handed seconds after
// the origin.
type arrivalSample struct {
	Train  string
	Slot   slot
	Tick   int
	Handed float64
}

// firstShowing returns when the first update received after the hand-off
// showed the arrival's train in the arrival's slot.
func firstShowing(updates []liveUpdate, s arrivalSample) (float64, bool) {
	for _, u := range updates {
		if u.At >= s.Handed && u.View.Trains[s.Slot] == s.Train {
			return u.At, true
		}
	}
	return 0, false
}
