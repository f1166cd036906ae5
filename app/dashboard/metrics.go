package dashboard

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// handleMetrics writes the Prometheus text exposition format (0.0.4).
func (s *Server) handleMetrics(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	s.writeMetrics(w)
}

func (s *Server) writeMetrics(w io.Writer) {
	parts, stats, _, _ := s.consumers.view()
	topics := make([]string, 0, len(stats))
	for t := range stats {
		topics = append(topics, t)
	}
	slices.Sort(topics)
	family := func(name, typ, help string) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
	}

	family("ctalab_dashboard_records_consumed_total", "counter", "Records read from Kafka, per topic.")
	for _, t := range topics {
		fmt.Fprintf(w, "ctalab_dashboard_records_consumed_total{topic=\"%s\"} %d\n", labelEscaper.Replace(t), stats[t].consumed.Load())
	}
	family("ctalab_dashboard_records_skipped_total", "counter", "Records skipped, per topic and reason (malformed: cannot be decoded; unknown_line: not blue, green or red).")
	for _, t := range topics {
		for _, r := range []struct {
			reason string
			n      int64
		}{{reasonMalformed, stats[t].malformed.Load()}, {reasonUnknownLine, stats[t].unknownLine.Load()}} {
			fmt.Fprintf(w, "ctalab_dashboard_records_skipped_total{topic=\"%s\",reason=\"%s\"} %d\n", labelEscaper.Replace(t), r.reason, r.n)
		}
	}
	family("ctalab_dashboard_consumer_lag", "gauge", "Records between the read position and the end offset of the last discovery, per partition.")
	for _, p := range parts {
		fmt.Fprintf(w, "ctalab_dashboard_consumer_lag{topic=\"%s\",partition=\"%d\"} %d\n", labelEscaper.Replace(p.topic), p.partition, max(0, p.end-p.pos))
	}
	family("ctalab_dashboard_live_clients", "gauge", "Browsers connected for live updates.")
	fmt.Fprintf(w, "ctalab_dashboard_live_clients %d\n", s.hub.count())
	family("ctalab_dashboard_ready", "gauge", "1 once every input has been read up to its end offset at start.")
	ready := 0
	if s.ready() {
		ready = 1
	}
	fmt.Fprintf(w, "ctalab_dashboard_ready %d\n", ready)
	version, _ := s.model.Version()
	family("ctalab_dashboard_model_updates_total", "counter", "Changes applied to the status model.")
	fmt.Fprintf(w, "ctalab_dashboard_model_updates_total %d\n", version)
}
