package containers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/stack"
)

// TestStackIntegration starts the whole stack and checks that every endpoint
// answers as the real service does. It needs a Docker engine, network access
// for the image pulls and the JDBC connector download, several GB of memory
// and minutes: it runs only with LAB_STACK=containers, with a generous
// -timeout (e.g. 30m). Otherwise, without an engine or with -short, it skips
// at once with the reason.
func TestStackIntegration(t *testing.T) {
	if testing.Short() {
		t.Skip("containers stack: skipped with -short")
	}
	if v := os.Getenv("LAB_STACK"); v != "containers" {
		t.Skip(notAskedFor(v))
	}
	if err := Available(context.Background()); err != nil {
		t.Skip("containers stack: LAB_STACK=containers, but " + err.Error())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	if d, ok := t.Deadline(); ok {
		ctx, cancel = context.WithDeadline(context.Background(), d.Add(-30*time.Second))
	}
	defer cancel()

	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := Start(ctx, WithLogger(log))
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer ccancel()
		if err := s.Close(cctx); err != nil {
			t.Errorf("close stack: %v", err)
		}
	})
	if err != nil {
		t.Fatalf("start stack: %v", err)
	}
	var st stack.Stack = s
	e := st.Endpoints()
	t.Logf("endpoints: %+v", e)

	t.Run("kafka", func(t *testing.T) { checkKafka(ctx, t, e) })
	t.Run("schema registry", func(t *testing.T) {
		if body := get(ctx, t, e.SchemaRegistry+"/subjects", 200); strings.TrimSpace(body) != "[]" {
			t.Errorf("GET /subjects = %s, want []", body)
		}
	})
	t.Run("rest proxy", func(t *testing.T) {
		var topics []string
		if err := json.Unmarshal([]byte(get(ctx, t, e.RESTProxy+"/topics", 200)), &topics); err != nil {
			t.Errorf("GET /topics: %v", err)
		}
	})
	t.Run("ksqldb", func(t *testing.T) {
		var info struct {
			KsqlServerInfo struct{ Version string } `json:"KsqlServerInfo"`
		}
		if err := json.Unmarshal([]byte(get(ctx, t, e.KSQLDB+"/info", 200)), &info); err != nil || !strings.HasPrefix(info.KsqlServerInfo.Version, "7.9") {
			t.Errorf("GET /info: version %q (%v), want 7.9.x", info.KsqlServerInfo.Version, err)
		}
	})
	t.Run("postgres", func(t *testing.T) {
		conn, err := pgx.Connect(ctx, e.Postgres)
		if err != nil {
			t.Fatalf("connect %s: %v", e.Postgres, err)
		}
		defer conn.Close(ctx)
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM stations").Scan(&n); err != nil || n != 230 {
			t.Errorf("stations: %d rows (%v), want 230", n, err)
		}
	})
	t.Run("connect reads postgres", func(t *testing.T) { checkConnect(ctx, t, e) })
}

func checkKafka(ctx context.Context, t *testing.T, e stack.Endpoints) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Brokers...), kgo.AllowAutoTopicCreation(),
		kgo.ConsumeTopics("ctalab-integration"), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	brokers, err := kadm.NewClient(cl).ListBrokers(ctx)
	if err != nil {
		t.Fatalf("list brokers: %v", err)
	}
	// The broker must advertise to the host the address the host reaches.
	if len(brokers) != 1 || net.JoinHostPort(brokers[0].Host, strconv.Itoa(int(brokers[0].Port))) != e.Brokers[0] {
		t.Errorf("brokers advertise %+v, want one at %s", brokers, e.Brokers[0])
	}
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "ctalab-integration", Value: []byte("hello")}).FirstErr(); err != nil {
		t.Fatalf("produce to an auto-created topic: %v", err)
	}
	fs := cl.PollFetches(ctx)
	if err := fs.Err0(); err != nil {
		t.Fatalf("consume: %v", err)
	}
	if recs := fs.Records(); len(recs) == 0 || string(recs[0].Value) != "hello" {
		t.Errorf("consumed %v, want the record produced", recs)
	}
}

// checkConnect creates the original project's stations connector with the
// stack's PostgresFromConnect and expects the 230 rows on the topic.
func checkConnect(ctx context.Context, t *testing.T, e stack.Endpoints) {
	if body := get(ctx, t, e.Connect+"/connector-plugins", 200); !strings.Contains(body, jdbcSourceClass) {
		t.Fatalf("connector plugins %s lack %s", body, jdbcSourceClass)
	}
	cfg := map[string]any{"name": "stations", "config": map[string]string{
		"connector.class":                jdbcSourceClass,
		"key.converter":                  "org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable":   "false",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		"batch.max.rows":                 "500",
		"connection.url":                 e.PostgresFromConnect,
		"connection.user":                ctaUser,
		"connection.password":            ctaPassword,
		"table.whitelist":                "stations",
		"mode":                           "incrementing",
		"incrementing.column.name":       "stop_id",
		"topic.prefix":                   "org.chicago.cta.",
		"poll.interval.ms":               "86400000",
	}}
	b, _ := json.Marshal(cfg)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.Connect+"/connectors", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("create connector: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create connector: %d %s", resp.StatusCode, body)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Brokers...), kgo.ConsumeTopics("org.chicago.cta.stations"),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	pctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	n := 0
	for n < 230 && pctx.Err() == nil {
		n += len(cl.PollFetches(pctx).Records())
	}
	if n != 230 {
		t.Errorf("org.chicago.cta.stations has %d records, want 230", n)
	}
}

func get(ctx context.Context, t *testing.T, url string, want int) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d %s, want %d", url, resp.StatusCode, b, want)
	}
	return string(b)
}

// testWriter sends log output to t.Log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// notAskedFor is the skip reason of the specs that need LAB_STACK=containers
// when LAB_STACK is v.
func notAskedFor(v string) string {
	if v == "" {
		return "containers stack: not asked for (LAB_STACK is not set; LAB_STACK=containers runs it)"
	}
	return "containers stack: not asked for (LAB_STACK=" + v + "; LAB_STACK=containers runs it)"
}
