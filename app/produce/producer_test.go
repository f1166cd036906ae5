package produce

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// restProxyRecorder stands in for the REST Proxy's produce endpoint only to
// record what the producer sends; the real proxy is exercised by the
// scenario suite.
type restProxyRecorder struct {
	mu       sync.Mutex
	requests []map[string]any
	types    []string
}

func (r *restProxyRecorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	r.mu.Lock()
	r.requests = append(r.requests, body)
	r.types = append(r.types, req.Header.Get("Content-Type")+" "+req.URL.Path)
	r.mu.Unlock()
	w.Header().Set("Content-Type", "application/vnd.kafka.v2+json")
	_, _ = io.WriteString(w, `{"key_schema_id":7,"value_schema_id":8,"offsets":[{"partition":0,"offset":0,"error_code":null,"error":null}]}`)
}

// fakeBackends starts a one-broker kfake cluster, a fake Schema Registry
// and a recording REST Proxy, stopped when tb ends, and returns the
// producer's Config for them.
func fakeBackends(tb testing.TB) Config { return fakeBackendsWithProxy(tb, &restProxyRecorder{}) }

// fakeBackendsWithProxy is fakeBackends with proxy answering as the REST
// Proxy.
func fakeBackendsWithProxy(tb testing.TB, proxy http.Handler) Config {
	tb.Helper()
	_, cfg := fakeKafka(tb)
	rp := httptest.NewServer(proxy)
	tb.Cleanup(rp.Close)
	cfg.RESTProxy = rp.URL
	return cfg
}

// fakeKafka starts a one-broker kfake cluster and a fake Schema Registry,
// stopped when tb ends, and returns the cluster (for a spec's ControlKey)
// and the producer's Config for them, with no REST Proxy behind it.
func fakeKafka(tb testing.TB) (*kfake.Cluster, Config) {
	tb.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(cluster.Close)
	reg := srfake.New()
	tb.Cleanup(reg.Close)
	return cluster, Config{Brokers: cluster.ListenAddrs(), SchemaRegistry: reg.URL(), RESTProxy: "http://127.0.0.1:1"}
}

func lines(t testing.TB) []*sim.Line {
	t.Helper()
	d, err := sim.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	l, err := sim.BuildLines(d.Stations)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestProducerWritesEveryEventAndCountsAcks(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	reg := srfake.New()
	defer reg.Close()
	proxy := &restProxyRecorder{}
	rp := httptest.NewServer(proxy)
	defer rp.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data, _ := sim.LoadData()
	s, err := sim.New(sim.Schedule{Start: time.Date(2026, 11, 23, 7, 55, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 3, Seed: 5}, data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(ctx, Config{Brokers: cluster.ListenAddrs(), SchemaRegistry: reg.URL(), RESTProxy: rp.URL}, s.Lines())
	if err != nil {
		t.Fatal(err)
	}
	count := &countingSink{next: p}
	if err := s.Run(ctx, count); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	st := p.Stats()
	if st.Turnstiles.Acked != count.turnstiles || st.Arrivals.Acked != count.arrivals || st.Turnstiles.Failed+st.Arrivals.Failed != 0 {
		t.Fatalf("stats %+v, simulated %d turnstiles %d arrivals", st, count.turnstiles, count.arrivals)
	}

	// Every topic exists: 78 arrivals topics, turnstile, weather.
	conn, err := kafka.Dial("tcp", cluster.ListenAddrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	parts, err := conn.ReadPartitions()
	if err != nil {
		t.Fatal(err)
	}
	arrivalTopics := 0
	for _, pt := range parts {
		if strings.HasPrefix(pt.Topic, topic.ArrivalsPrefix) {
			arrivalTopics++
		}
	}
	if arrivalTopics != 78 {
		t.Errorf("%d arrivals topics, want 78", arrivalTopics)
	}

	// The turnstile topic holds exactly the simulated entries, in order, in
	// the wire format with the registered schema.
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cluster.ListenAddrs(), Topic: topic.Turnstile, MaxWait: 100 * time.Millisecond})
	defer r.Close()
	registry, _ := schema.NewRegistry(reg.URL(), nil)
	serde := schema.NewSerde(registry)
	for i := int64(0); i < count.turnstiles; i++ {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		v, err := serde.Decode(ctx, m.Value)
		if err != nil {
			t.Fatal(err)
		}
		want := count.turnstileLog[i]
		got := v.(map[string]any)
		if got["station_id"] != int32(want.StationID) || got["station_name"] != want.StationName || got["line"] != want.Line.String() {
			t.Fatalf("record %d: %v, want %+v", i, got, want)
		}
	}

	// Weather went to the REST Proxy as Avro embedded data: schemas as
	// strings in the first request, ids afterwards.
	if len(proxy.requests) != 1 {
		t.Fatalf("%d weather requests, want 1 (08:00)", len(proxy.requests))
	}
	if proxy.types[0] != "application/vnd.kafka.avro.v2+json /topics/org.chicago.cta.weather.v1" {
		t.Errorf("weather request: %s", proxy.types[0])
	}
	if ks, ok := proxy.requests[0]["key_schema"].(string); !ok || !strings.Contains(ks, "weather.key") {
		t.Errorf("key_schema is not the schema as a JSON string: %v", proxy.requests[0]["key_schema"])
	}
}

type countingSink struct {
	next                 sim.Sink
	turnstiles, arrivals int64
	turnstileLog         []sim.TurnstileEntry
}

func (c *countingSink) Arrival(a sim.Arrival) error { c.arrivals++; return c.next.Arrival(a) }
func (c *countingSink) Turnstile(e sim.TurnstileEntry) error {
	c.turnstiles++
	c.turnstileLog = append(c.turnstileLog, e)
	return c.next.Turnstile(e)
}
func (c *countingSink) Weather(w sim.WeatherReport) error { return c.next.Weather(w) }

func TestWeatherReusesSchemaIDs(t *testing.T) {
	proxy := &restProxyRecorder{}
	rp := httptest.NewServer(proxy)
	defer rp.Close()
	c, _ := newWeatherClient(rp.URL, &http.Client{Timeout: 15 * time.Second})
	for i := range 2 {
		if err := c.post(context.Background(), sim.WeatherReport{Time: time.Unix(int64(i)*3600, 0), Temperature: 40.5, Status: sim.Windy}); err != nil {
			t.Fatal(err)
		}
	}
	second := proxy.requests[1]
	if second["key_schema_id"] != 7.0 || second["value_schema_id"] != 8.0 || second["key_schema"] != nil {
		t.Errorf("second request: %v", second)
	}
	rec := second["records"].([]any)[0].(map[string]any)
	if v := rec["value"].(map[string]any); v["status"] != "windy" || v["temperature"] != 40.5 {
		t.Errorf("record value: %v", v)
	}
}

func TestWeatherRejectionIsAnError(t *testing.T) {
	rp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnprocessableEntity)
		_, _ = io.WriteString(w, `{"error_code":42203,"message":"Conversion of JSON to Avro failed"}`)
	}))
	defer rp.Close()
	c, _ := newWeatherClient(rp.URL, &http.Client{Timeout: 15 * time.Second})
	err := c.post(context.Background(), sim.WeatherReport{Status: sim.Sunny})
	if err == nil || !strings.Contains(err.Error(), "422") || !strings.Contains(err.Error(), "Conversion of JSON to Avro failed") {
		t.Fatalf("got %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{
		{},
		{Brokers: []string{"x:1"}, SchemaRegistry: "localhost:8081", RESTProxy: "http://x:2"},
		{Brokers: []string{"x:1"}, SchemaRegistry: "http://x:1", RESTProxy: ""},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

func TestCloseSaysHowManyRecordsAreStillHeldWhenItsContextEndsDuringAnOutage(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1))
	if err != nil {
		t.Fatal(err)
	}
	reg := srfake.New()
	defer reg.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, err := New(ctx, Config{Brokers: cluster.ListenAddrs(), SchemaRegistry: reg.URL(), RESTProxy: "http://127.0.0.1:1", MaxAttempts: 2}, lines(t))
	if err != nil {
		t.Fatal(err)
	}
	cluster.Close()
	e := sim.TurnstileEntry{Time: time.Unix(0, 0), StationID: 40380, StationName: "Clark/Lake", Line: sim.Blue}
	if err := p.Turnstile(e); err != nil {
		t.Fatal(err)
	}
	closeCtx, stopClose := context.WithCancel(ctx)
	closed := make(chan error, 1)
	go func() { closed <- p.Close(closeCtx) }()
	waitFor(t, ctx, "the outage to be noticed", p.kafkaOutage.Active)
	stopClose()
	err = <-closed
	if err == nil || !strings.Contains(err.Error(), "1 records unacknowledged") {
		t.Fatalf("Close = %v, want it to say 1 record is unacknowledged", err)
	}
	if st := p.Stats(); st.Turnstiles.Acked != 0 || st.Turnstiles.Sent != 1 {
		t.Errorf("stats %+v, want 1 sent, 0 acknowledged", st)
	}
	if err := p.Turnstile(e); err == nil {
		t.Error("producing after Close succeeded")
	}
}

// waitFor polls cond until it holds, failing the test when ctx ends first.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-tick.C:
		}
	}
}
