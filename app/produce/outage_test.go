package produce

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/broker"
)

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lines(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.b.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

// entry is a turnstile entry told apart from every other by its time, which
// is the record's key.
func entry(i int) sim.TurnstileEntry {
	return sim.TurnstileEntry{Time: time.UnixMilli(int64(1_700_000_000_000 + i)), StationID: 40380, StationName: "Clark/Lake", Line: sim.Blue}
}

func TestRecordsAcceptedWhileTheBrokerIsDownAreDeliveredWhenItComesBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	b, err := broker.Start(ctx, broker.WithDataDir(dir), broker.WithListenAddr("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	addr := b.Addrs()[0]
	reg := srfake.New()
	defer reg.Close()
	var logs logBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	p, err := New(ctx, Config{Brokers: []string{addr}, SchemaRegistry: reg.URL(), RESTProxy: "http://127.0.0.1:1", Logger: log}, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	const before, during = 300, 700
	for i := range before {
		if err := p.Turnstile(entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the first records' acknowledgements", func() bool { return p.Stats().Turnstiles.Acked == before })

	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	for i := before; i < before+during; i++ {
		if err := p.Turnstile(entry(i)); err != nil {
			t.Fatalf("record %d accepted during the outage: %v", i, err)
		}
	}
	if err := p.Flush(); err != nil {
		t.Fatalf("flush during the outage: %v", err)
	}
	waitFor(t, ctx, "the producer to notice the outage", p.kafkaOutage.Active)

	b, err = broker.Start(ctx, broker.WithDataDir(dir), broker.WithListenAddr(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close after the broker came back: %v", err)
	}
	st := p.Stats().Turnstiles
	if st.Sent != before+during || st.Acked != before+during || st.Failed != 0 {
		t.Fatalf("turnstile counts %+v, want %d sent and acknowledged, none failed", st, before+during)
	}
	if st.Resent < 1 {
		t.Errorf("turnstile counts %+v: the records sent during the outage were tried again, but none counts as resent", st)
	}

	// Every accepted record is in the topic; a resent batch may be there twice.
	registry, _ := schema.NewRegistry(reg.URL(), nil)
	serde := schema.NewSerde(registry)
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: []string{addr}, Topic: topic.Turnstile, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	seen := map[int64]int{}
	for len(seen) < before+during {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("after %d distinct records: %v", len(seen), err)
		}
		k, err := serde.Decode(ctx, m.Key)
		if err != nil {
			t.Fatal(err)
		}
		seen[k.(map[string]any)["timestamp"].(int64)]++
	}
	for i := range before + during {
		if seen[entry(i).Time.UnixMilli()] == 0 {
			t.Errorf("record %d is missing", i)
		}
	}

	warn := logs.lines("Kafka unreachable at " + addr + ", retrying")
	back := logs.lines("Kafka reachable again at " + addr)
	if len(warn) != 1 || !strings.Contains(warn[0], "level=WARN") || len(back) != 1 || !strings.Contains(back[0], "level=INFO") || !strings.Contains(back[0], "outage=") {
		t.Errorf("want one Warn when the outage starts and one Info with its duration when it ends; got\n%s\n%s", warn, back)
	}
}

func TestWeatherIsPostedAgainUntilTheRESTProxyAcknowledgesIt(t *testing.T) {
	var calls atomic.Int32
	cfg := fakeBackendsWithProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/vnd.kafka.v2+json")
		if calls.Add(1) <= 2 {
			// The REST Proxy's answer when its Kafka cluster is away.
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error_code":50002,"message":"Kafka error: Topic org.chicago.cta.weather.v1 not present in metadata after 60000 ms."}`)
			return
		}
		_, _ = io.WriteString(w, `{"key_schema_id":7,"value_schema_id":8,"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null}]}`)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := New(ctx, cfg, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	if err := p.Weather(sim.WeatherReport{Time: time.Unix(3600, 0), Temperature: 40, Status: sim.Sunny}); err != nil {
		t.Fatalf("Weather = %v, want the report accepted", err)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatalf("Close = %v, want the report delivered on the third attempt", err)
	}
	if n := calls.Load(); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if st := p.Stats().Weather; st.Sent != 1 || st.Acked != 1 || st.Resent != 2 || st.Failed != 0 {
		t.Errorf("weather counts %+v, want 1 sent, 1 acknowledged, 2 resent", st)
	}
}

func TestWeatherRefusedWithA4xxFailsAtOnce(t *testing.T) {
	var calls atomic.Int32
	cfg := fakeBackendsWithProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"error_code":42203,"message":"Conversion of JSON to Avro failed"}`)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := New(ctx, cfg, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	if err := p.Weather(sim.WeatherReport{Status: sim.Sunny}); err != nil {
		t.Fatalf("Weather = %v, want the report accepted (its answer comes later)", err)
	}
	waitFor(t, ctx, "the proxy's answer", func() bool { return p.Stats().Weather.Failed == 1 })
	// The refusal ends the simulation at its next event, as a Kafka
	// delivery failure does.
	err = p.Turnstile(entry(0))
	if err == nil || !strings.Contains(err.Error(), "422") || calls.Load() != 1 {
		t.Fatalf("the next event = %v after %d requests, want the 422 after 1", err, calls.Load())
	}
	if err := p.Close(ctx); err == nil || !strings.Contains(err.Error(), "422") {
		t.Errorf("Close = %v, want the 422", err)
	}
}

// A weather report goes through the REST Proxy while the simulation goes
// on: the events after it do not wait for the proxy's answer, and Close
// waits for it.
func TestAWeatherReportDoesNotHoldTheSimulation(t *testing.T) {
	release := make(chan struct{})
	var posted atomic.Int32
	cfg := fakeBackendsWithProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		posted.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		w.Header().Set("Content-Type", "application/vnd.kafka.v2+json")
		_, _ = io.WriteString(w, `{"key_schema_id":7,"value_schema_id":8,"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null}]}`)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p, err := New(ctx, cfg, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	var released atomic.Bool
	release1 := func() {
		if released.CompareAndSwap(false, true) {
			close(release)
		}
	}
	// On a failure the proxy answers before the deferred Close, so Close
	// does not wait out the context.
	defer p.Close(ctx)
	defer release1()
	accepted := make(chan error, 1)
	go func() {
		if err := p.Weather(sim.WeatherReport{Time: time.Unix(3600, 0), Temperature: 40, Status: sim.Sunny}); err != nil {
			accepted <- err
			return
		}
		for i := range 10 {
			if err := p.Turnstile(entry(i)); err != nil {
				accepted <- err
				return
			}
		}
		accepted <- p.Flush()
	}()
	select {
	case err := <-accepted:
		if err != nil {
			t.Fatalf("the events after the report: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the events after a weather report waited for the REST Proxy's answer")
	}
	waitFor(t, ctx, "the ten turnstile entries acknowledged", func() bool { return p.Stats().Turnstiles.Acked == 10 })
	// The post runs on its own goroutine, so on a loaded machine it may
	// reach the proxy after the entries are acknowledged; what matters is
	// that it arrives once and stays unacknowledged until the answer.
	waitFor(t, ctx, "the weather report posted", func() bool { return posted.Load() >= 1 })
	if st := p.Stats().Weather; st.Acked != 0 || posted.Load() != 1 {
		t.Fatalf("weather counts %+v with %d posts before the proxy answered, want 1 post and none acknowledged", st, posted.Load())
	}
	closed := make(chan error, 1)
	go func() { closed <- p.Close(ctx) }()
	select {
	case err := <-closed:
		t.Fatalf("Close = %v before the proxy answered the weather report", err)
	case <-time.After(200 * time.Millisecond):
	}
	release1()
	if err := <-closed; err != nil {
		t.Fatalf("Close = %v", err)
	}
	if st := p.Stats().Weather; st.Sent != 1 || st.Acked != 1 {
		t.Errorf("weather counts %+v, want 1 sent and acknowledged", st)
	}
}

func TestWeatherRetriesEndWhenTheContextEnds(t *testing.T) {
	var calls atomic.Int32
	cfg := fakeBackendsWithProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	p, err := New(runCtx, cfg, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	if err := p.Weather(sim.WeatherReport{Status: sim.Sunny}); err != nil {
		t.Fatalf("Weather = %v, want the report accepted", err)
	}
	waitFor(t, ctx, "a second attempt", func() bool { return calls.Load() >= 2 })
	stop()
	done := make(chan error, 1)
	go func() { done <- p.Close(ctx) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Close reported nothing lost against a proxy that only answers 503")
		}
	case <-ctx.Done():
		t.Fatal("the weather report kept being retried after its context ended")
	}
	if st := p.Stats().Weather; st.Failed != 1 || st.Acked != 0 {
		t.Errorf("weather counts %+v, want the report counted as failed", st)
	}
}

func TestAProducerWaitingForRoomDuringAnOutageStopsWhenItsContextEnds(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	reg := srfake.New()
	defer reg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	runCtx, interrupt := context.WithCancel(ctx)
	p, err := New(runCtx, Config{Brokers: cluster.ListenAddrs(), SchemaRegistry: reg.URL(), RESTProxy: "http://127.0.0.1:1", MaxInFlight: 1}, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	cluster.Close()
	if err := p.Turnstile(entry(0)); err != nil {
		t.Fatal(err)
	}
	if err := p.Flush(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- p.Turnstile(entry(1)) }() // waits: the one slot is held
	waitFor(t, ctx, "the outage to be noticed", p.kafkaOutage.Active)
	interrupt()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a record was accepted with no room and no broker")
		}
	case <-ctx.Done():
		t.Fatal("the producer kept waiting for room after its context ended")
	}
	closeCtx, stopClose := context.WithCancel(ctx)
	stopClose()
	if err := p.Close(closeCtx); err == nil || !strings.Contains(err.Error(), "1 records unacknowledged") {
		t.Fatalf("Close = %v, want it to say 1 record is unacknowledged", err)
	}
}
