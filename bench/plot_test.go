package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestPlotSVGIsWellFormed(t *testing.T) {
	series := []plotSeries{
		{Name: "run 1", Points: []point{{0.5, 20000}, {1, 45000}, {1.5, 41000}, {2, 0}}},
		{Name: "run 2 <fast> & co", Points: []point{{0.5, 25000}, {1, 43000}}},
	}
	var b bytes.Buffer
	if err := plotSVG(&b, replayAxes("Events/s over a weekday replay"), series); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	dec := xml.NewDecoder(strings.NewReader(out))
	polylines := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v\n%s", err, out)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "polyline" {
			polylines++
		}
	}
	if polylines != len(series) {
		t.Errorf("%d polylines, want one per series (%d)", polylines, len(series))
	}
	for _, s := range []string{"<svg", "Events/s over a weekday replay", "run 2 &lt;fast&gt; &amp; co", "40k"} {
		if !strings.Contains(out, s) {
			t.Errorf("the SVG lacks %q", s)
		}
	}
	if strings.Contains(out, "NaN") || strings.Contains(out, "Inf") {
		t.Error("the SVG holds NaN or Inf coordinates")
	}
}

func TestPlotSVGWithoutData(t *testing.T) {
	var b bytes.Buffer
	if err := plotSVG(&b, replayAxes("empty"), nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "no samples") || strings.Contains(b.String(), "NaN") {
		t.Errorf("an empty plot should say so without NaN:\n%s", b.String())
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct{ max, want float64 }{
		{9, 2}, {100, 20}, {45000, 10000}, {1, 0.2}, {0, 1},
	} {
		if got := niceStep(c.max); got != c.want {
			t.Errorf("niceStep(%v) = %v, want %v", c.max, got, c.want)
		}
	}
}
