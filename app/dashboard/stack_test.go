package dashboard

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/fixtures"
)

// stack is an in-process Kafka broker and Schema Registry with a producer
// that writes the dashboard's inputs as the pipeline does.
type stack struct {
	t        testing.TB
	brokers  []string
	registry string
	w        *kafka.Writer
	serde    *schema.Serde

	mu   sync.Mutex
	encs map[string]func([]byte, any) ([]byte, error)
}

func newStack(t *testing.T) *stack {
	t.Helper()
	_, s := clusterFor(t)
	return s
}

// clusterFor starts a one-broker kfake cluster and a fake Schema Registry,
// stopped when t ends, and returns the cluster with a stack on them.
func clusterFor(t *testing.T) (*kfake.Cluster, *stack) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1), kfake.DataDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	return c, newStackOn(t, c.ListenAddrs(), reg.URL())
}

func newStackOn(t testing.TB, brokers []string, registry string) *stack {
	r, err := schema.NewRegistry(registry, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &kafka.Writer{Addr: kafka.TCP(brokers...), RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, AllowAutoTopicCreation: true, Balancer: &kafka.Murmur2Balancer{}}
	t.Cleanup(func() { w.Close() })
	return &stack{t: t, brokers: brokers, registry: registry, w: w, serde: schema.NewSerde(r), encs: map[string]func([]byte, any) ([]byte, error){}}
}

func (s *stack) write(msgs ...kafka.Message) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for len(msgs) > 0 {
		err := s.w.WriteMessages(ctx, msgs...)
		if err == nil {
			return
		}
		// A topic created by the first write may be unknown for a moment:
		// write again what failed for that reason (kafka-go's WriteErrors
		// holds one error per message and does not unwrap to them).
		var batch kafka.WriteErrors
		if !errors.As(err, &batch) {
			batch = make(kafka.WriteErrors, len(msgs))
			for i := range batch {
				batch[i] = err
			}
		}
		var again []kafka.Message
		for i, e := range batch {
			if e == nil {
				continue
			}
			if !errors.Is(e, kafka.UnknownTopicOrPartition) && !errors.Is(e, kafka.LeaderNotAvailable) && !errors.Is(e, protocol.ErrNoTopic) || ctx.Err() != nil {
				s.t.Fatalf("write: %v", err)
			}
			again = append(again, msgs[i])
		}
		msgs = again
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *stack) encode(topicName string, isKey bool, sc *schema.Schema, native any) []byte {
	s.t.Helper()
	k := schema.Subject(topicName, isKey)
	s.mu.Lock()
	enc, ok := s.encs[k]
	s.mu.Unlock()
	if !ok {
		var err error
		if enc, err = s.serde.Encoder(context.Background(), topicName, isKey, sc); err != nil {
			s.t.Fatal(err)
		}
		s.mu.Lock()
		s.encs[k] = enc
		s.mu.Unlock()
	}
	b, err := enc(nil, native)
	if err != nil {
		s.t.Fatal(err)
	}
	return b
}

// stationsTable writes the transformed stations table for every row of the
// stations file, as the transformer does.
func (s *stack) stationsTable() {
	s.t.Helper()
	rows, err := fixtures.Stations()
	if err != nil {
		s.t.Fatal(err)
	}
	// Kafka Connect reads the table incrementing on stop_id.
	slices.SortFunc(rows, func(a, b fixtures.Station) int { return a.StopID - b.StopID })
	var msgs []kafka.Message
	for _, r := range rows {
		order := r.Order
		in, _ := json.Marshal(transform.Station{StopID: r.StopID, DirectionID: r.DirectionID, StopName: r.StopName, StationName: r.StationName, StationDescriptiveName: r.StationDescriptiveName, StationID: r.StationID, Order: &order, Red: r.Red, Blue: r.Blue, Green: r.Green})
		k, v, err := transform.Transform(in)
		if errors.Is(err, transform.ErrNoLine) {
			continue
		}
		if err != nil {
			s.t.Fatal(err)
		}
		msgs = append(msgs, s.stationMsg(k, v))
	}
	s.write(msgs...)
}

func (s *stack) stationMsg(k transform.Key, v transform.TransformedStation) kafka.Message {
	kb, _ := json.Marshal(k)
	vb, _ := json.Marshal(v)
	return kafka.Message{Topic: topic.StationsTable, Key: kb, Value: vb}
}

func (s *stack) station(line string, id, order int, name string) {
	s.write(s.stationMsg(transform.Key{Line: line, StationID: id}, transform.TransformedStation{StationID: id, StationName: name, Order: order, Line: line}))
}

// arrivalMsg encodes an arrival as app/produce does.
func (s *stack) arrivalMsg(stationName string, ts int64, line string, id int, train, dir, status string, prevID *int, prevDir *string) kafka.Message {
	t := topic.Arrivals(stationName)
	native := map[string]any{"station_id": id, "train_id": train, "direction": dir, "line": line, "train_status": status, "prev_station_id": nil, "prev_direction": nil}
	if prevID != nil {
		native["prev_station_id"] = goavro.Union("int", *prevID)
	}
	if prevDir != nil {
		native["prev_direction"] = goavro.Union("string", *prevDir)
	}
	return kafka.Message{Topic: t, Key: s.encode(t, true, schema.ArrivalKey, map[string]any{"timestamp": ts}), Value: s.encode(t, false, schema.ArrivalValue, native)}
}

func (s *stack) arrival(stationName string, ts int64, line string, id int, train, dir, status string, prevID *int, prevDir *string) {
	s.write(s.arrivalMsg(stationName, ts, line, id, train, dir, status, prevID, prevDir))
}

func (s *stack) weatherMsg(ts int64, temp float32, status string) kafka.Message {
	return kafka.Message{Topic: topic.Weather,
		Key:   s.encode(topic.Weather, true, schema.WeatherKey, map[string]any{"timestamp": ts}),
		Value: s.encode(topic.Weather, false, schema.WeatherValue, map[string]any{"temperature": temp, "status": status})}
}

func (s *stack) weather(ts int64, temp float32, status string) {
	s.write(s.weatherMsg(ts, temp, status))
}

func turnstileKey(id int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(id)) }

func (s *stack) turnstile(id int, count int64) {
	v, _ := json.Marshal(map[string]int64{"COUNT": count})
	s.write(kafka.Message{Topic: topic.TurnstileSummary, Key: turnstileKey(id), Value: v})
}

// running is a dashboard under test.
type running struct {
	t    *testing.T
	srv  *Server
	url  string
	stop func()
}

func (s *stack) start(t *testing.T) *running {
	t.Helper()
	srv, err := New(Config{Brokers: s.brokers, SchemaRegistry: s.registry, Listen: "127.0.0.1:0", DiscoveryInterval: 200 * time.Millisecond, PushInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return startServer(t, srv)
}

func startServer(t *testing.T, srv *Server) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	select {
	case <-srv.Listening():
	case err := <-done:
		cancel()
		t.Fatalf("Run: %v", err)
	}
	var once sync.Once
	r := &running{t: t, srv: srv, url: "http://" + srv.Addr()}
	r.stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run returned %v, want nil after a clean shutdown", err)
				}
			case <-time.After(20 * time.Second):
				t.Error("Run did not return after its context ended")
			}
		})
	}
	t.Cleanup(r.stop)
	return r
}

func (r *running) waitReady() {
	r.t.Helper()
	select {
	case <-r.srv.Ready():
	case <-time.After(30 * time.Second):
		r.t.Fatalf("not ready: %s", r.get("/healthz"))
	}
}

func (r *running) getCode(path string) (int, string) {
	r.t.Helper()
	resp, err := http.Get(r.url + path)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (r *running) get(path string) string {
	r.t.Helper()
	_, b := r.getCode(path)
	return b
}

func (r *running) status() Status {
	r.t.Helper()
	var st Status
	if err := json.Unmarshal([]byte(r.get("/api/status?stable=1")), &st); err != nil {
		r.t.Fatal(err)
	}
	return st
}

// eventually polls cond until it holds or 20 s pass.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// sseReader reads Server-Sent Events.
type sseReader struct {
	body io.Closer
	sc   *bufio.Scanner
}

func (r *running) events() *sseReader {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.url+"/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		r.t.Fatalf("content type %q", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	e := &sseReader{body: resp.Body, sc: sc}
	r.t.Cleanup(func() { resp.Body.Close() })
	return e
}

// next returns the next event's name and data.
func (e *sseReader) next() (event, data string, err error) {
	var lines []string
	for e.sc.Scan() {
		l := e.sc.Text()
		switch {
		case l == "":
			if event != "" || lines != nil {
				return event, strings.Join(lines, "\n"), nil
			}
		case strings.HasPrefix(l, "event: "):
			event = strings.TrimPrefix(l, "event: ")
		case strings.HasPrefix(l, "data: "):
			lines = append(lines, strings.TrimPrefix(l, "data: "))
		}
	}
	if err := e.sc.Err(); err != nil {
		return "", "", err
	}
	return "", "", io.EOF
}
