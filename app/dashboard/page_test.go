package dashboard

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// A line's station markers are rendered once per list of stations and
// reused: a renamed or added station still shows at once, and the markers
// are those a fresh render makes.
func TestTheDiagramShowsAChangedStationListAtOnce(t *testing.T) {
	m := NewModel()
	m.ApplyStation(StationRecord{Line: "blue", StationID: 40001, Name: "Clark/Lake", Order: 1}, src{})
	m.ApplyStation(StationRecord{Line: "blue", StationID: 40002, Name: "Grand", Order: 2}, src{})
	first, err := render("live", newPageData(m.Status(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	again, err := render("live", newPageData(m.Status(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if markersOf(string(first)) != markersOf(string(again)) {
		t.Fatal("the same stations rendered twice differ")
	}
	m.ApplyStation(StationRecord{Line: "blue", StationID: 40002, Name: "Grand & <Milwaukee>", Order: 2}, src{})
	m.ApplyStation(StationRecord{Line: "blue", StationID: 40003, Name: "Chicago", Order: 3}, src{})
	changed, err := render("live", newPageData(m.Status(), time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	markers := markersOf(string(changed))
	for _, want := range []string{">Grand &amp; &lt;Milwaukee&gt;</text>", ">Chicago</text>", `class="stop terminal" cx="94"`} {
		if !strings.Contains(markers, want) {
			t.Errorf("the markers after the change lack %q:\n%s", want, markers)
		}
	}
	if strings.Contains(markers, ">Grand</text>") {
		t.Errorf("the markers still show the old name:\n%s", markers)
	}
}

// markersOf returns the station circles and labels of a rendered page.
func markersOf(html string) string {
	var out []string
	for _, line := range strings.Split(html, "\n") {
		if strings.HasPrefix(line, "<circle") || strings.HasPrefix(line, `<text class="label"`) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// The table's rows are rendered once and reused while their data stays the
// same: after counts change, trains move (a slot emptied, another filled)
// and a station is renamed, the page is what a render without any row
// rendered before makes, and it shows the changes.
func TestTableRowsShowEveryChangeAsAFreshRenderWould(t *testing.T) {
	m := NewModel()
	for i, name := range []string{"Clark/Lake", "Grand", "Chicago", "Washington"} {
		m.ApplyStation(StationRecord{Line: "blue", StationID: 40001 + i, Name: name, Order: i}, src{})
	}
	n, w := int64(7), int64(30)
	m.ApplyTurnstile(40001, &n, src{})
	m.ApplyTurnstile(40004, &w, src{})
	m.ApplyArrival(ArrivalRecord{Time: 1000, Line: "blue", StationID: 40001, TrainID: "BL001", Direction: "a", Status: "in_service"}, src{})
	if _, err := render("live", newPageData(m.Status(), time.Now())); err != nil {
		t.Fatal(err)
	}

	n, w = 12, 31
	m.ApplyTurnstile(40001, &n, src{})
	m.ApplyTurnstile(40004, &w, src{}) // Washington: only its count changes
	prev, dir := 40001, "a"
	m.ApplyArrival(ArrivalRecord{Time: 2000, Line: "blue", StationID: 40002, TrainID: "BL001", Direction: "a", Status: "broken_down", PrevStationID: &prev, PrevDirection: &dir}, src{})
	m.ApplyStation(StationRecord{Line: "blue", StationID: 40003, Name: "Chicago & <State>", Order: 2}, src{})
	updated := time.Now()
	cached, err := render("live", newPageData(m.Status(), updated))
	if err != nil {
		t.Fatal(err)
	}
	renderedRows.Lock()
	clear(renderedRows.m)
	renderedRows.Unlock()
	fresh, err := render("live", newPageData(m.Status(), updated))
	if err != nil {
		t.Fatal(err)
	}
	if string(cached) != string(fresh) {
		t.Fatalf("the page with rows kept from the last render differs from a fresh render:\n%s\n---\n%s", cached, fresh)
	}
	for _, want := range []string{`<td class="num">12</td>`, `<td class="num">31</td>`, "Chicago &amp; &lt;State&gt;", `<span class="tid">BL001</span>`} {
		if !strings.Contains(string(cached), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(string(cached), `<td class="num">7</td>`) || strings.Contains(string(cached), `<td class="num">30</td>`) {
		t.Error("the page still shows an old count")
	}
}

// The page is rendered by the live push and by every page request at once;
// the rows kept from the last render are shared by them (run with -race).
func TestRenderingFromSeveralGoroutinesAtOnceIsSafe(t *testing.T) {
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			m := NewModel()
			for i := range 20 {
				m.ApplyStation(StationRecord{Line: "blue", StationID: 40001 + i, Name: fmt.Sprintf("Station %d", i), Order: i}, src{})
			}
			for n := range 50 {
				c := int64(g*1000 + n)
				m.ApplyTurnstile(40001+n%20, &c, src{})
				if _, err := render("live", newPageData(m.Status(), time.Now())); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}
