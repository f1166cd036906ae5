package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadSSE(t *testing.T) {
	stream := "retry: 2000\nevent: update\nid: 7\ndata: <p>one</p>\ndata: <p>two</p>\n\n: keepalive\n\nevent: update\nid: 8\ndata: x\n\n"
	var got []sseEvent
	err := readSSE(strings.NewReader(stream), func(e sseEvent) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d events, want 2: %+v", len(got), got)
	}
	if got[0].Name != "update" || got[0].ID != "7" || got[0].Data != "<p>one</p>\n<p>two</p>" {
		t.Errorf("first event = %+v", got[0])
	}
	if got[1].ID != "8" || got[1].Data != "x" {
		t.Errorf("second event = %+v", got[1])
	}
}

// liveHTML is the shape of the dashboard's live fragment (app/dashboard/web/page.html).
const liveHTML = `<p class="meta">
<span>Simulated time <strong id="sim-time">Mon 23 Nov 2026, 08:05 UTC</strong></span>
</p>
<table class="table status">
<tbody>
<tr class="row" data-line="blue" data-station="40890"><td class="swatch blue" title="Blue Line"></td><td class="station">O&#39;Hare</td><td class="train ok"><span class="tid">BL000</span></td><td class="train none">---</td><td class="num">12</td></tr>
<tr class="row" data-line="red" data-station="40450"><td class="swatch red" title="Red Line"></td><td class="station">95th/Dan Ryan</td><td class="train none">---</td><td class="train broken"><span class="tid">RL004</span> <span class="badge">broken down</span></td><td class="num">0</td></tr>
<tr class="row" data-line="green" data-station="40020"><td class="swatch green" title="Green Line"></td><td class="station">Harlem</td><td class="train ok"><span class="tid">GL001</span></td><td class="train ok"><span class="tid">GL009</span></td><td class="num">3</td></tr>
</tbody>
</table>`

func TestParseLive(t *testing.T) {
	v := parseLive(liveHTML)
	if v.Rows != 3 {
		t.Errorf("rows = %d, want 3", v.Rows)
	}
	if !v.Shown[row{"red", 40450}] || !v.Shown[row{"blue", 40890}] || len(v.Shown) != 3 {
		t.Errorf("rows shown = %v", v.Shown)
	}
	if v.SimTime != "Mon 23 Nov 2026, 08:05 UTC" {
		t.Errorf("sim time = %q", v.SimTime)
	}
	want := map[slot]string{
		{"blue", 40890, 'a'}:  "BL000",
		{"red", 40450, 'b'}:   "RL004",
		{"green", 40020, 'a'}: "GL001",
		{"green", 40020, 'b'}: "GL009",
	}
	if len(v.Trains) != len(want) {
		t.Errorf("trains = %v, want %v", v.Trains, want)
	}
	for k, id := range want {
		if v.Trains[k] != id {
			t.Errorf("slot %v holds %q, want %q", k, v.Trains[k], id)
		}
	}
}

func TestFirstShowing(t *testing.T) {
	updates := []liveUpdate{
		{At: 10, View: liveView{Trains: map[slot]string{{"blue", 1, 'a'}: "BL000"}}},
		{At: 20, View: liveView{Trains: map[slot]string{{"blue", 2, 'a'}: "BL000"}}},
		{At: 30, View: liveView{Trains: map[slot]string{{"blue", 2, 'a'}: "BL000"}}},
	}
	for _, c := range []struct {
		s    arrivalSample
		want float64
		ok   bool
	}{
		{arrivalSample{Train: "BL000", Slot: slot{"blue", 2, 'a'}, Handed: 15}, 20, true},
		{arrivalSample{Train: "BL000", Slot: slot{"blue", 2, 'a'}, Handed: 25}, 30, true}, // an update before the hand-off does not count
		{arrivalSample{Train: "BL000", Slot: slot{"blue", 1, 'a'}, Handed: 15}, 0, false},
		{arrivalSample{Train: "BL001", Slot: slot{"blue", 2, 'a'}, Handed: 5}, 0, false},
	} {
		got, ok := firstShowing(updates, c.s)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("firstShowing(%+v) = %v, %v; want %v, %v", c.s, got, ok, c.want, c.ok)
		}
	}
}

// The latency rows read the dashboard's live fragment; this keeps parseLive
// in step with the template it reads.
func TestParseLiveMatchesTheDashboardTemplate(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "app", "dashboard", "web", "page.html"))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := string(b)
	for _, want := range []string{
		`<tr class="row" data-line="{{.Line}}" data-station="{{.StationID}}">`,
		`<td class="train {{statusClass .Status}}"><span class="tid">{{.TrainID}}</span>`,
		`<td class="train none">---</td>`,
		`<strong id="sim-time">`,
		`{{template "slot" .A}}{{template "slot" .B}}`,
	} {
		if !strings.Contains(tmpl, want) {
			t.Errorf("the dashboard template no longer holds %s; update parseLive", want)
		}
	}
}
