package dashboard

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// markersByTemplate is how the diagram's train markers read when
// html/template writes them inside the diagram's <svg>: the oracle for
// trainsSVG, whose escaping must be html/template's own (its
// htmlReplacementTable, src/html/template/html.go, for quoted attribute
// values and for the RCDATA of <title>).
var markersByTemplate = template.Must(template.New("markers").Parse(`<svg>{{range .}}
<g class="train {{.Class}} dir-{{.Dir}}" data-train="{{.ID}}" data-x="{{.X}}" data-y="{{.Y}}" transform="translate({{.X}} {{.Y}})"><title>{{.Title}}</title><path d="{{.Path}}"/></g>
{{end}}</svg>`))

func templateMarkers(t *testing.T, trains []diagTrain) string {
	t.Helper()
	var b strings.Builder
	if err := markersByTemplate.Execute(&b, trains); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(b.String(), "<svg>"), "</svg>")
}

func TestTrainMarkersReadAsHTMLTemplateWritesThem(t *testing.T) {
	hostile := []string{"", "BL001", `<script>alert("x")</script>`, "a&b", "it's", "1+1=2", "nul\x00byte", "bad utf-8 \xff\xfe", "é ü 北", "`tick`", "x'\"<>&+"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() string { return hostile[rng.IntN(len(hostile))] }
	for round := range 200 {
		var trains []diagTrain
		for range rng.IntN(6) {
			trains = append(trains, diagTrain{
				ID: pick(), Status: pick(), Class: pick(), Dir: pick(), Title: pick(), Path: pick(),
				X: rng.IntN(2000) - 100, Y: rng.IntN(200) - 50,
			})
		}
		if got, want := string(trainsSVG(trains)), templateMarkers(t, trains); got != want {
			t.Fatalf("round %d: the markers read\n%q\nwant, as html/template writes them,\n%q", round, got, want)
		}
	}
}

// The page keeps its markup: a diagram's trains read as before, markers
// included, with the model's own values.
func TestTheLivePageShowsEachTrainsMarkerAsTheTemplateWroteIt(t *testing.T) {
	m := NewModel()
	for i, name := range []string{"Clark/Lake", "Grand & <Milwaukee>", "Chicago"} {
		m.ApplyStation(StationRecord{Line: "blue", StationID: 40001 + i, Name: name, Order: i}, src{})
	}
	m.ApplyArrival(ArrivalRecord{Time: 1000, Line: "blue", StationID: 40002, TrainID: "BL<1>", Direction: "a", Status: "broken_down"}, src{})
	m.ApplyArrival(ArrivalRecord{Time: 1000, Line: "blue", StationID: 40003, TrainID: "BL002", Direction: "b", Status: "in_service"}, src{})
	p := newPageData(m.Status(), time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	html, err := render("live", p)
	if err != nil {
		t.Fatal(err)
	}
	var trains []diagTrain
	for _, d := range p.Diagrams {
		trains = append(trains, d.Trains...)
	}
	if len(trains) != 2 {
		t.Fatalf("%d trains in the diagrams, want 2", len(trains))
	}
	if want := templateMarkers(t, trains); !strings.Contains(string(html), want) {
		t.Fatalf("the page lacks the train markers html/template writes:\n%s\npage:\n%s", want, html)
	}
}
