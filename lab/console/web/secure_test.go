package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/embedded"
)

// securedConsole starts a secured embedded stack (SASL_SSL Kafka, basic
// auth on every HTTP service) and a console reaching it through the client
// properties file the stack wrote, as "lab serve --secure" does. It returns
// the client configuration and the console's base URL.
func securedConsole(t *testing.T) (clientconf.Config, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := embedded.Start(ctx, embedded.WithSecurity(), embedded.WithoutPostgres(), embedded.WithDataDir(t.TempDir()), embedded.WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	var v clientconf.Values
	if err := v.LoadFile(st.ClientProperties()); err != nil {
		t.Fatal(err)
	}
	cfg, err := v.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Kafka.Protocol != clientconf.SASLSSL || cfg.SchemaRegistry.Username == "" {
		t.Fatalf("the secured stack's client properties ask for %s and registry user %q; want SASL_SSL and basic auth", cfg.Kafka.Protocol, cfg.SchemaRegistry.Username)
	}
	srv, err := New(Endpoints{}, WithClientConfig(cfg), WithSampleInterval(500*time.Millisecond), WithLogger(quiet))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rctx, rcancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(rctx, ln) }()
	t.Cleanup(func() { rcancel(); <-done; srv.Close() })
	return cfg, "http://" + ln.Addr().String()
}

func getFrom(t *testing.T, base, path string, v any) int {
	t.Helper()
	saved := lab.console
	lab.console = base
	defer func() { lab.console = saved }()
	return get(t, path, v)
}

func TestSecuredLabConsoleListsTopicsAndDecodesARecordWithTheClientProperties(t *testing.T) {
	cfg, base := securedConsole(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// A record written with the file's credentials by other clients:
	// franz-go's sr client (basic auth) and kgo (SASL_SSL).
	hc, err := cfg.SchemaRegistry.HTTPClient(30 * time.Second)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := sr.NewClient(sr.URLs(cfg.SchemaRegistry.URL), sr.HTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	topic := "secured.sensors"
	val, id := avroWireWith(t, rc, topic+"-value", sensorSchema, map[string]any{"id": 41, "place": "Howard"})
	opts, err := cfg.Kafka.KgoOpts()
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(append(opts, kgo.AllowAutoTopicCreation())...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: val}).FirstErr(); err != nil {
		t.Fatal(err)
	}

	eventually(t, 30*time.Second, func() string {
		var topics []TopicSummary
		if code := getFrom(t, base, "/api/topics", &topics); code != 200 {
			return "GET /api/topics on the secured lab: " + strconv.Itoa(code)
		}
		for _, tp := range topics {
			if tp.Name == topic && tp.Records == 1 {
				return ""
			}
		}
		return fmt.Sprintf("the console lists %v; want %s with 1 record", topics, topic)
	})
	var m Messages
	if code := getFrom(t, base, "/api/topics/"+topic+"/messages?from=beginning", &m); code != 200 || len(m.Messages) != 1 {
		t.Fatalf("GET messages on the secured lab: %d, %d messages", code, len(m.Messages))
	}
	v := m.Messages[0].Value
	if v.Format != "avro" || v.SchemaID != id || !strings.Contains(v.Text, `"place":"Howard"`) {
		t.Fatalf("the record shows as %s id %d %q; want Avro with schema id %d holding place Howard", v.Format, v.SchemaID, v.Text, id)
	}
	// The REST views pass through with the services' credentials.
	var connectors []string
	if code := getFrom(t, base, "/api/connect/connectors", &connectors); code != 200 {
		t.Fatalf("GET /api/connect/connectors on the secured lab: %d", code)
	}
	var subjects []string
	if code := getFrom(t, base, "/api/registry/subjects", &subjects); code != 200 || !strings.Contains(strings.Join(subjects, ","), topic+"-value") {
		t.Fatalf("GET /api/registry/subjects on the secured lab: %d %v", code, subjects)
	}
	eventually(t, time.Minute, func() string {
		var services map[string]Service
		getFrom(t, base, "/api/services", &services)
		for _, name := range []string{"kafka", "schema-registry", "connect", "ksqldb"} {
			if !services[name].Up {
				return name + " is not up for the console: " + services[name].Error
			}
		}
		return ""
	})

	t.Run("browser", func(t *testing.T) {
		bctx := browser(t)
		row := `tr[data-topic="` + topic + `"]`
		if err := chromedp.Do(bctx, chromedp.Navigate(base+"/#topics"), chromedp.WaitVisible(chromedp.CSS(row)),
			chromedp.Click(chromedp.CSS(row)), chromedp.WaitVisible(chromedp.CSS(`#messages tr.msg`))); err != nil {
			t.Fatal(err)
		}
		cell := js[map[string]string](t, bctx, `(() => { const c = document.querySelectorAll("#messages tr.msg td")[4]; return {format: c.dataset.format, id: c.dataset.schemaId, text: c.textContent}; })()`)
		if cell["format"] != "avro" || cell["id"] != strconv.Itoa(id) || !strings.Contains(cell["text"], `"place":"Howard"`) {
			t.Fatalf("the page shows the record as %v; want Avro with schema id %d holding place Howard", cell, id)
		}
		screenshot(t, bctx, "secured-messages")
	})
}

// With credentials in its clients, the console answers no request
// addressed to another host name: a page of another site whose name
// resolves to this address reads nothing through it.
func TestSecuredLabConsoleRefusesRequestsForAnotherHostName(t *testing.T) {
	_, base := securedConsole(t)
	req, err := http.NewRequest("GET", base+"/api/registry/subjects", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "attacker.example:9021"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a request for host attacker.example: %s, want 403", resp.Status)
	}
	req.Host = strings.TrimPrefix(base, "http://")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("a request for the console's own address: %s, want 200", resp.Status)
	}
}
