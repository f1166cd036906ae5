package main

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
)

// plotSeries is one line of a plot.
type plotSeries struct {
	Name   string
	Points []point
}

// Plot geometry, in SVG user units.
const (
	plotW, plotH                       = 900, 420
	marginL, marginR, marginT, marginB = 70, 160, 44, 52
)

var palette = []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"}

// plotAxes names a plot and its axes.
type plotAxes struct {
	Title, X, Y string
}

// replayAxes are the axes of the events/s plot of the replay rows.
func replayAxes(title string) plotAxes {
	return plotAxes{Title: title, X: "seconds since the pipeline started", Y: "events/s (acknowledged)"}
}

// plotSVG writes a line plot of series, one coloured polyline and legend
// entry per series, with a dot on every point.
func plotSVG(w io.Writer, axes plotAxes, series []plotSeries) error {
	title := axes.Title
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", plotW, plotH, plotW, plotH)
	fmt.Fprintf(bw, `<rect width="%d" height="%d" fill="#fff"/>`+"\n", plotW, plotH)
	fmt.Fprintf(bw, `<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>`+"\n", marginL, html.EscapeString(title))
	maxX, maxY := 0.0, 0.0
	for _, s := range series {
		for _, p := range s.Points {
			if finite(p.X) && finite(p.Y) {
				maxX, maxY = math.Max(maxX, p.X), math.Max(maxY, p.Y)
			}
		}
	}
	x0, y0 := float64(marginL), float64(plotH-marginB) // the origin
	iw, ih := float64(plotW-marginL-marginR), float64(plotH-marginT-marginB)
	if maxX == 0 || maxY == 0 {
		fmt.Fprintf(bw, `<text x="%g" y="%g" fill="#666">no samples</text>`+"\n", x0+iw/2-30, y0-ih/2)
		fmt.Fprintln(bw, "</svg>")
		return bw.Flush()
	}
	xs, ys := niceStep(maxX), niceStep(maxY)
	maxX, maxY = math.Ceil(maxX/xs)*xs, math.Ceil(maxY/ys)*ys
	px := func(x float64) float64 { return x0 + x/maxX*iw }
	py := func(y float64) float64 { return y0 - y/maxY*ih }
	for y := 0.0; y <= maxY+ys/2; y += ys {
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`, x0, py(y), x0+iw, py(y))
		fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, py(y)+4, formatSI(y))
	}
	for x := 0.0; x <= maxX+xs/2; x += xs {
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`, px(x), y0, px(x), y0-ih)
		fmt.Fprintf(bw, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", px(x), y0+16, formatSI(x))
	}
	fmt.Fprintf(bw, `<path d="M%.1f,%.1f V%.1f H%.1f" fill="none" stroke="#333"/>`+"\n", x0, y0-ih, y0, x0+iw)
	fmt.Fprintf(bw, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`+"\n", x0+iw/2, plotH-12, html.EscapeString(axes.X))
	fmt.Fprintf(bw, `<text transform="translate(16 %.1f) rotate(-90)" text-anchor="middle">%s</text>`+"\n", y0-ih/2, html.EscapeString(axes.Y))
	for i, s := range series {
		colour := palette[i%len(palette)]
		fmt.Fprintf(bw, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="`, colour)
		for j, p := range s.Points {
			if !finite(p.X) || !finite(p.Y) {
				continue
			}
			if j > 0 {
				bw.WriteByte(' ')
			}
			fmt.Fprintf(bw, "%.1f,%.1f", px(p.X), py(p.Y))
		}
		bw.WriteString("\"/>\n")
		if len(s.Points) <= 12 { // a few measured points: show each
			for _, p := range s.Points {
				if finite(p.X) && finite(p.Y) {
					fmt.Fprintf(bw, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`, px(p.X), py(p.Y), colour)
				}
			}
			bw.WriteString("\n")
		}
		ly := float64(marginT) + 18*float64(i)
		fmt.Fprintf(bw, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="3"/>`, x0+iw+14, ly, x0+iw+34, ly, colour)
		fmt.Fprintf(bw, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x0+iw+40, ly+4, html.EscapeString(s.Name))
	}
	fmt.Fprintln(bw, "</svg>")
	return bw.Flush()
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// niceStep returns a grid step of 1, 2 or 5 × 10^k giving about five steps
// from 0 to max.
func niceStep(max float64) float64 {
	if max <= 0 || !finite(max) {
		return 1
	}
	rough := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(rough)))
	for _, m := range []float64{1, 2, 5, 10} {
		if s := m * mag; s >= rough*(1-1e-9) {
			return roundSig(s)
		}
	}
	return roundSig(10 * mag)
}

// roundSig drops the floating-point noise of powers of ten below one.
func roundSig(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 6, 64), 64)
	return v
}

// formatSI writes 40000 as 40k and 1500000 as 1.5M.
func formatSI(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case a >= 1e3:
		return strconv.FormatFloat(roundSig(v/1e3), 'f', -1, 64) + "k"
	}
	return strconv.FormatFloat(roundSig(v), 'f', -1, 64)
}
