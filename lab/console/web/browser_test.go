package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/testtools"
)

// browser opens headless Chromium, or skips the test when it is absent.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := testtools.Chromium(t)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), testtools.Headless(t, exe, 1600, 1000)...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	ctx, cancel := context.WithTimeout(bctx, 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// screenshot saves the page as artifacts/console/<name>.jpg at the
// repository's root (ignored by git).
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "artifacts", "console")
	jpg, err := chromedp.Run(ctx, chromedp.FullScreenshot(70)) // below 100: a JPEG
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".jpg"), jpg, 0o644); err != nil {
		t.Fatal(err)
	}
}

// js evaluates expr and returns its value.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func TestBrowserPipelineShowsTheCTATopologyWithRatesAgreeingWithEndOffsets(t *testing.T) {
	ctx := browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#pipeline")); err != nil {
		t.Fatal(err)
	}
	has := func(sel string) bool {
		return js[bool](t, ctx, fmt.Sprintf("document.querySelector(%q) !== null", sel))
	}
	eventually(t, 2*time.Minute, func() string {
		for _, sel := range []string{
			`g.node[data-id="topic:` + turnstileTopic + `"]`, `g.node[data-id="topic:` + stationsTopic + `"]`, `g.node[data-id="topic:` + summaryTopic + `"]`,
			`g.node[data-id="topic:` + weatherTopic + `"]`, `g.node[data-id="topic:` + tableTopic + `"]`,
			`g.node[data-kind="connector"]`, `g.node[data-id="group:` + transformGroup + `"]`, `g.node[data-kind="query"]`, `g.node[data-kind="dashboard"]`,
			`g.edge[data-from="producer:` + turnstileTopic + `"][data-active="true"]`, `g.edge[data-to="topic:` + summaryTopic + `"]`,
		} {
			if !has(sel) {
				return "the page draws no " + sel
			}
		}
		return ""
	})
	adm := kadm.NewClient(kafkaClient(t))
	before := endOffsets(t, adm)
	listed := time.Now()
	eventually(t, 30*time.Second, func() string {
		at, err := time.Parse(time.RFC3339Nano, js[string](t, ctx, `document.getElementById("pipeline").dataset.sampledAt || ""`))
		if err != nil || !at.After(listed) {
			return "the page has not drawn a sample taken after the listing"
		}
		return ""
	})
	// One evaluation reads the drawing, which is replaced every second.
	drawn := js[map[string]string](t, ctx, `Object.fromEntries(Array.from(document.querySelectorAll('g.node[data-kind="topic"]')).map(n => [n.dataset.name, n.dataset.endOffset + "|" + n.dataset.rate]))`)
	after := endOffsets(t, adm)
	for topic, v := range drawn {
		if _, listed := after[topic]; !listed {
			// Deleted (by another spec) since the drawing's last sample:
			// the cluster has no end offset left to compare with.
			continue
		}
		if _, listed := before[topic]; !listed {
			// Not there yet when the drawn sample was taken: a topic a
			// reader subscribes to before its writer creates it is drawn
			// as an edge's end, with no offset yet.
			continue
		}
		endText, _, _ := strings.Cut(v, "|")
		end, err := strconv.ParseInt(endText, 10, 64)
		if err != nil {
			t.Fatalf("topic %s drawn with end offset %q", topic, endText)
		}
		if end < before[topic] || end > after[topic] {
			t.Errorf("topic %s drawn with end offset %d; kadm listed %d before and %d after", topic, end, before[topic], after[topic])
		}
	}
	screenshot(t, ctx, "pipeline")
}

func TestBrowserMessageBrowserDecodesAnArrivalAndShowsItsSchemaID(t *testing.T) {
	ctx := browser(t)
	var arrival string
	eventually(t, 2*time.Minute, func() string {
		var topics []TopicSummary
		get(t, "/api/topics", &topics)
		for _, tp := range topics {
			if strings.HasPrefix(tp.Name, arrivalsPrefix) && tp.Records > 0 {
				arrival = tp.Name
				return ""
			}
		}
		return "no arrival written yet"
	})
	browseFirstRecord(t, ctx, arrival, `"train_id":`, "messages")
}

// The weather the REST Proxy wrote (Avro, its schema registered by the
// proxy) decodes too, with that schema's id.
func TestBrowserMessageBrowserDecodesAWeatherRecordAndShowsItsSchemaID(t *testing.T) {
	ctx := browser(t)
	eventually(t, 3*time.Minute, func() string {
		var topics []TopicSummary
		get(t, "/api/topics", &topics)
		for _, tp := range topics {
			if tp.Name == topic.Weather && tp.Records > 0 {
				return ""
			}
		}
		return "no weather written yet"
	})
	browseFirstRecord(t, ctx, topic.Weather, `"temperature":`, "messages-weather")
}

// browseFirstRecord opens name in the message browser and checks that its
// first record shows as Avro, decoded (holding want) with the id of the
// subject's latest schema, as the registry answers it.
func browseFirstRecord(t *testing.T, ctx context.Context, name, want, shot string) {
	t.Helper()
	rc, _ := sr.NewClient(sr.URLs(lab.ep.SchemaRegistry))
	s, err := rc.SchemaByVersion(context.Background(), name+"-value", -1)
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#topics"), chromedp.WaitVisible(chromedp.CSS(`tr[data-topic="`+name+`"]`)),
		chromedp.Click(chromedp.CSS(`tr[data-topic="`+name+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#messages tr.msg`))); err != nil {
		t.Fatal(err)
	}
	cell := js[map[string]string](t, ctx, `(() => { const c = document.querySelectorAll("#messages tr.msg td")[4]; return {format: c.dataset.format, id: c.dataset.schemaId, text: c.textContent}; })()`)
	if cell["format"] != "avro" || cell["id"] != strconv.Itoa(s.ID) || !strings.Contains(cell["text"], want) {
		t.Fatalf("the first record of %s shows %v; want Avro decoded with schema id %d (the subject's latest), holding %s", name, cell, s.ID, want)
	}
	screenshot(t, ctx, shot)
}

func TestBrowserConnectorPauseResumeRestartTakeEffect(t *testing.T) {
	ctx := browser(t)
	state := func() string {
		var st struct {
			Connector struct{ State string } `json:"connector"`
		}
		get(t, "/api/connect/connectors/stations/status", &st)
		return st.Connector.State
	}
	eventually(t, 2*time.Minute, func() string {
		if s := state(); s != "RUNNING" {
			return "stations connector " + s
		}
		return ""
	})
	card := `div.connector[data-connector="stations"]`
	press := func(button, want string) {
		t.Helper()
		// Clicked in one evaluation: the view is redrawn every 2 s, so a
		// node looked up in one step may be gone in the next.
		if !js[bool](t, ctx, fmt.Sprintf(`(() => { const b = document.querySelector(%q); if (!b) return false; b.click(); return true; })()`, card+" "+button)) {
			t.Fatalf("no %s on the page", button)
		}
		eventually(t, time.Minute, func() string {
			if s := state(); s != want {
				return "after " + button + " Connect says " + s + ", want " + want
			}
			return ""
		})
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(card+`[data-state="`+want+`"]`))); err != nil {
			t.Fatalf("the page does not show %s after %s: %v", want, button, err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#connect"), chromedp.WaitVisible(chromedp.CSS(card))); err != nil {
		t.Fatal(err)
	}
	press(`button:nth-of-type(1)`, "PAUSED")
	press(`button:nth-of-type(2)`, "RUNNING")
	press(`button[data-action="restart"]`, "RUNNING")
	screenshot(t, ctx, "connect")
}

func TestBrowserKsqlEditorRunsAStatementAndStreamsPushRowsLive(t *testing.T) {
	ctx := browser(t)
	topic := newTopic(t)
	stream := strings.ToUpper(strings.ReplaceAll(topic, ".", "_"))
	create := fmt.Sprintf("CREATE STREAM %s (N INT) WITH (KAFKA_TOPIC='%s', VALUE_FORMAT='JSON');", stream, topic)
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#ksqldb"), chromedp.WaitVisible(chromedp.CSS(`#ksql-editor`)),
		chromedp.SetValue(chromedp.CSS(`#ksql-editor`), create), chromedp.Click(chromedp.CSS(`#ksql-run`)),
		chromedp.WaitVisible(chromedp.CSS(`li[data-stream="`+stream+`"]`))); err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Streams []struct{ Name string } `json:"streams"`
	}
	send(t, "POST", "/api/ksqldb/ksql", "application/vnd.ksql.v1+json", `{"ksql":"SHOW STREAMS;"}`, &list)
	found := false
	for _, s := range list[0].Streams {
		found = found || s.Name == stream
	}
	if !found {
		t.Fatalf("ksqlDB does not list %s after the editor ran its CREATE", stream)
	}
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#ksql-editor`), "SELECT N FROM "+stream+" EMIT CHANGES;"), chromedp.Click(chromedp.CSS(`#ksql-run`)),
		chromedp.WaitVisible(chromedp.CSS(`table.push`))); err != nil {
		t.Fatal(err)
	}
	produce(t, &kgo.Record{Topic: topic, Value: []byte(`{"N":7}`)})
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`table.push tr.row`))); err != nil {
		t.Fatal(err)
	}
	if got := js[string](t, ctx, `document.querySelector("table.push tr.row").textContent`); got != "7" {
		t.Fatalf("the pushed row reads %q, want 7", got)
	}
	if n := js[int](t, ctx, `JSON.parse(localStorage.getItem("ksql-history")).length`); n != 2 {
		t.Fatalf("history holds %d statements, want 2", n)
	}
	screenshot(t, ctx, "ksqldb")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#ksql-stop`)), chromedp.WaitVisible(chromedp.CSS(`#ksql-stop[disabled]`))); err != nil {
		t.Fatal(err)
	}
}

// faultControl serves the lab's fault actions ksqldb-restart, kafka-stop and kafka-start for the
// test stack, as lab serve's control listener does.
func faultControl(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		do := map[string]func(context.Context) error{
			"/faults/ksqldb/restart": lab.stack.RestartKSQLDB,
			"/faults/kafka/stop":     lab.stack.StopKafka,
			"/faults/kafka/start":    lab.stack.StartKafka,
		}[r.URL.Path]
		if r.Method != "POST" || do == nil {
			http.NotFound(w, r)
			return
		}
		if err := do(r.Context()); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, `{}`)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

// faultConsole serves a console over the shared lab whose fault buttons
// are faults, acted on by faultControl; it returns the console's URL.
func faultConsole(t *testing.T, faults ...Fault) string {
	t.Helper()
	e := lab.ep
	srv, err := New(Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Connect: e.Connect, KSQLDB: e.KSQLDB, Dashboard: lab.dashboard},
		WithSampleInterval(200*time.Millisecond), WithFaults(faultControl(t), faults))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		srv.Close()
		t.Fatal(err)
	}
	rctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(rctx, ln) }()
	t.Cleanup(func() { cancel(); <-done; srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestBrowserFaultButtonRestartsKsqlDBAndThePageShowsItBack(t *testing.T) {
	ctx := browser(t)
	url := faultConsole(t, Fault{Name: "ksqldb-restart", Label: "Restart ksqlDB", Path: "/faults/ksqldb/restart"})
	ksqldbUp := func() string {
		if !js[bool](t, ctx, `(() => { const s = document.querySelector('#services span[data-service="ksqldb"]'); return !!s && s.dataset.up === "true"; })()`) {
			return "the services bar does not show ksqlDB up"
		}
		return ""
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#pipeline")); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, ksqldbUp)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-fault="ksqldb-restart"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[data-fault="ksqldb-restart"][data-done="true"]`))); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, ksqldbUp)
	var p Pipeline
	eventually(t, time.Minute, func() string {
		p = Pipeline{}
		get(t, "/api/pipeline", &p)
		for _, n := range p.Nodes {
			if n.Kind == "query" {
				return ""
			}
		}
		return "the restarted ksqlDB runs no query"
	})
	screenshot(t, ctx, "fault")
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("the browser timed out")
	}
}

// The Stop Kafka button takes the broker off the network: the services bar
// shows Kafka down; Start Kafka brings it back and the bar shows it up.
func TestBrowserFaultButtonsStopKafkaAndThePageShowsItDownThenBack(t *testing.T) {
	ctx := browser(t)
	url := faultConsole(t,
		Fault{Name: "kafka-stop", Label: "Stop Kafka", Path: "/faults/kafka/stop"},
		Fault{Name: "kafka-start", Label: "Start Kafka", Path: "/faults/kafka/start"})
	// Whatever happens below, the shared lab's broker is put back.
	t.Cleanup(func() { _ = lab.stack.StartKafka(context.Background()) })
	kafkaShown := func(up bool) func() string {
		return func() string {
			got := js[bool](t, ctx, `(() => { const s = document.querySelector('#services span[data-service="kafka"]'); return !!s && s.dataset.up === "true"; })()`)
			if got != up {
				return fmt.Sprintf("the services bar shows Kafka up=%v, want %v", got, up)
			}
			return ""
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/#pipeline")); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, kafkaShown(true))
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-fault="kafka-stop"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[data-fault="kafka-stop"][data-done="true"]`))); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, kafkaShown(false))
	screenshot(t, ctx, "fault-kafka-down")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`button[data-fault="kafka-start"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[data-fault="kafka-start"][data-done="true"]`))); err != nil {
		t.Fatal(err)
	}
	eventually(t, time.Minute, kafkaShown(true))
	screenshot(t, ctx, "fault-kafka-back")
}
