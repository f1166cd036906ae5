package dashboard

import (
	"strings"
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
