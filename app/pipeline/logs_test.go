package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ctalab/ctalab/app/sim"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Every dashboard log line names its component once: the pipeline names
// its components, and the dashboard does not name itself again.
func TestDashboardLogLinesNameTheirComponentOnce(t *testing.T) {
	var logs lockedBuffer
	cfg := Config{
		Endpoints: Endpoints{Brokers: []string{"127.0.0.1:1"}, SchemaRegistry: "http://127.0.0.1:1", RESTProxy: "http://127.0.0.1:1", Connect: "http://127.0.0.1:1", KSQLDB: "http://127.0.0.1:1", JDBCURL: "jdbc:postgresql://127.0.0.1:1/cta"},
		Schedule:  sim.Schedule{Name: "default", Start: sim.DefaultStart(time.Now()), Step: sim.DefaultStep},
		Dashboard: "127.0.0.1:0",
		Logger:    slogText(&logs),
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Dashboard().Run(ctx) }()
	<-p.Dashboard().Listening()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	seen := false
	for _, l := range lines {
		if !strings.Contains(l, "dashboard listening") {
			continue
		}
		seen = true
		if n := strings.Count(l, "component=dashboard"); n != 1 {
			t.Errorf("component=dashboard %d times in %q", n, l)
		}
	}
	if !seen {
		t.Fatalf("no \"dashboard listening\" line in:\n%s", logs.String())
	}
}

func slogText(w *lockedBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
