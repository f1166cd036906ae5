package web

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"
)

// BenchmarkPagesDuringReplay measures each page's answer time while the
// replay writes, reporting the 99th percentile (p99-ms) per page: the
// console's promise is under 100 ms.
func BenchmarkPagesDuringReplay(b *testing.B) {
	pages := []struct{ name, method, path, body string }{
		{"index", "GET", "/", ""},
		{"pipeline", "GET", "/api/pipeline", ""},
		{"topics", "GET", "/api/topics", ""},
		{"topic", "GET", "/api/topics/" + turnstileTopic, ""},
		{"messages", "GET", "/api/topics/" + turnstileTopic + "/messages?from=end&limit=50", ""},
		{"groups", "GET", "/api/groups", ""},
		{"group", "GET", "/api/groups/" + transformGroup, ""},
		{"connectors", "GET", "/api/connect/connectors?expand=status&expand=info", ""},
		{"ksql-show", "POST", "/api/ksqldb/ksql", `{"ksql":"SHOW STREAMS; SHOW TABLES; SHOW QUERIES;"}`},
		{"subjects", "GET", "/api/registry/subjects", ""},
	}
	// The replay has written turnstile records, and the pipeline has been
	// sampled, before the first measurement.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var d TopicDetail
		resp, err := http.Get(lab.console + "/api/topics/" + turnstileTopic)
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&d)
			resp.Body.Close()
		}
		if err == nil && len(d.Partitions) > 0 && d.Partitions[0].EndOffset > 1000 {
			if resp, err = http.Get(lab.console + "/api/pipeline"); err == nil {
				resp.Body.Close()
				break
			}
		}
		if time.Now().After(deadline) {
			b.Fatal("the replay wrote no 1000 turnstile records within 2 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest(p.method, lab.console+p.path, strings.NewReader(p.body))
				if p.body != "" {
					req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
				}
				begin := time.Now()
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				times = append(times, time.Since(begin))
				if resp.StatusCode != 200 {
					b.Fatalf("%s %s: %s", p.method, p.path, resp.Status)
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			p99 := times[(len(times)*99+99)/100-1]
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		})
	}
}
