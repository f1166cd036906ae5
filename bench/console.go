package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/lab/console/web"
)

// consolePages are the web console's pages the console rows time: what
// its views ask for while a learner watches a replay.
var consolePages = []struct{ name, method, path, body string }{
	{"page", "GET", "/", ""},
	{"pipeline", "GET", "/api/pipeline", ""},
	{"topics", "GET", "/api/topics", ""},
	{"topic", "GET", "/api/topics/" + topic.Turnstile, ""},
	{"messages", "GET", "/api/topics/" + topic.Turnstile + "/messages?from=end&limit=50", ""},
	{"connectors", "GET", "/api/connect/connectors?expand=status&expand=info", ""},
	{"ksqlDB", "POST", "/api/ksqldb/ksql", `{"ksql":"SHOW STREAMS; SHOW TABLES; SHOW QUERIES;"}`},
	{"subjects", "GET", "/api/registry/subjects", ""},
	{"groups", "GET", "/api/groups", ""},
	{"group", "GET", "/api/groups/" + transform.GroupID, ""},
}

// consoleRun is one run of the console rows: each page's answer times in
// milliseconds.
type consoleRun struct {
	TimesMS map[string][]float64 `json:"times_ms"`
}

// consoleLatency starts a fresh embedded stack, the pipeline at 20x pace
// with its dashboard, and the web console, and once the replay has written
// 1,000 turnstile records asks each console page `requests` times while
// the replay goes on.
func consoleLatency(ctx context.Context, sched sim.Schedule, requests int, log *slog.Logger) (consoleRun, error) {
	res := consoleRun{TimesMS: map[string][]float64{}}
	st, stop, err := startStack(ctx, log)
	if err != nil {
		return res, err
	}
	defer stop()
	e := st.Endpoints()
	p, err := pipeline.New(pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect},
		Schedule:  sched, Pace: sim.Times(20), Dashboard: "127.0.0.1:0", Logger: log,
	})
	if err != nil {
		return res, err
	}
	runCtx, stopPipeline := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		stopPipeline()
		if err := <-done; err != nil {
			log.Warn("the pipeline stopped with an error", "err", err)
		}
	}()
	select {
	case <-p.Dashboard().Listening():
	case err := <-done:
		done <- err
		return res, fmt.Errorf("the pipeline stopped before its dashboard listened: %w", err)
	}
	srv, err := web.New(web.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Connect: e.Connect, KSQLDB: e.KSQLDB,
		Dashboard: "http://" + p.Dashboard().Addr()}, web.WithLogger(log.With("component", "console")))
	if err != nil {
		return res, err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return res, err
	}
	cctx, stopConsole := context.WithCancel(ctx)
	served := make(chan error, 1)
	go func() { served <- srv.Run(cctx, ln) }()
	defer func() {
		stopConsole()
		if err := <-served; err != nil {
			log.Warn("the console stopped with an error", "err", err)
		}
	}()
	base := "http://" + ln.Addr().String()
	ask := func(method, path, body string) (time.Duration, error) {
		req, err := http.NewRequestWithContext(ctx, method, base+path, strings.NewReader(body))
		if err != nil {
			return 0, err
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
		}
		begin := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("%s %s: %s", method, path, resp.Status)
		}
		return time.Since(begin), nil
	}
	// Until the replay has written 1,000 turnstile records, and the
	// console has sampled the pipeline once, nothing is timed.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var d web.TopicDetail
		if err := getJSON(ctx, base+"/api/topics/"+topic.Turnstile, &d); err == nil && len(d.Partitions) > 0 && d.Partitions[0].EndOffset > 1000 {
			if _, err := ask("GET", "/api/pipeline", ""); err == nil {
				break
			}
		}
		if time.Now().After(deadline) {
			return res, fmt.Errorf("the replay wrote no 1,000 turnstile records within 2 minutes")
		}
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	for range requests {
		for _, pg := range consolePages {
			d, err := ask(pg.method, pg.path, pg.body)
			if err != nil {
				return res, err
			}
			res.TimesMS[pg.name] = append(res.TimesMS[pg.name], float64(d.Microseconds())/1000)
		}
	}
	return res, nil
}

// consoleRows runs consoleLatency o.runs times and returns each page's p99.
func consoleRows(ctx context.Context, o options, sched sim.Schedule, rep *report, progress func(string, ...any), fail func(string, error), log *slog.Logger) []tableRow {
	p99s := map[string][]float64{}
	for i := range o.runs {
		r, err := consoleLatency(ctx, sched, 100, log)
		if err != nil {
			fail("console", err)
			break
		}
		rep.Raw.Console = append(rep.Raw.Console, r)
		var worst float64
		for _, pg := range consolePages {
			v := percentile(r.TimesMS[pg.name], 99)
			p99s[pg.name] = append(p99s[pg.name], v)
			worst = max(worst, v)
		}
		progress("console run %d/%d: %d requests per page during a 20x replay, worst page p99 %.1f ms", i+1, o.runs, len(r.TimesMS[consolePages[0].name]), worst)
	}
	var rows []tableRow
	for _, pg := range consolePages {
		rows = append(rows, newRow(fmt.Sprintf("lab console during a replay: %s %s, p99", pg.method, pg.name), "ms", below(100), p99s[pg.name]))
	}
	return rows
}

// getJSON decodes url's JSON answer into v.
func getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}
