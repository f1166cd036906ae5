package dashboard

import (
	"html/template"
	"strconv"
	"strings"
)

// markupEscaper escapes a value as html/template does in a quoted
// attribute and in text: its htmlReplacementTable (src/html/template/html.go).
var markupEscaper = strings.NewReplacer(
	"\x00", "\uFFFD",
	`"`, "&#34;",
	"&", "&amp;",
	"'", "&#39;",
	"+", "&#43;",
	"<", "&lt;",
	">", "&gt;",
)

// trainsSVG writes a diagram's train markers, each on a line of its own
// as the "live" template lays them out, escaped as html/template escapes
// them. They change with every move, so they cannot be kept from one
// render to the next as the station markers and table rows are; through
// the template's reflection they were half of a live update's render.
func trainsSVG(trains []diagTrain) template.HTML {
	var b strings.Builder
	b.Grow(len(trains) * 256)
	for _, t := range trains {
		x, y := strconv.Itoa(t.X), strconv.Itoa(t.Y)
		b.WriteString("\n<g class=\"train ")
		writeEscaped(&b, t.Class)
		b.WriteString(" dir-")
		writeEscaped(&b, t.Dir)
		b.WriteString(`" data-train="`)
		writeEscaped(&b, t.ID)
		b.WriteString(`" data-x="` + x + `" data-y="` + y + `" transform="translate(` + x + " " + y + `)"><title>`)
		writeEscaped(&b, t.Title)
		b.WriteString(`</title><path d="`)
		writeEscaped(&b, t.Path)
		b.WriteString("\"/></g>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // every value is escaped as html/template escapes it
}

// writeEscaped writes s to b escaped with markupEscaper.
func writeEscaped(b *strings.Builder, s string) {
	_, _ = markupEscaper.WriteString(b, s) // a strings.Builder does not fail
}
