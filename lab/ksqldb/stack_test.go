package ksqldb

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

const (
	turnstileTopic    = "org.chicago.cta.station.turnstile.v1"
	turnstileValue    = `{"type":"record","name":"turnstile.value","namespace":"com.udacity","fields":[{"name":"station_id","type":"int"},{"name":"station_name","type":"string"},{"name":"line","type":"string"}]}`
	turnstileKey      = `{"type":"record","name":"turnstile.key","namespace":"com.udacity","fields":[{"name":"timestamp","type":"long"}]}`
	projectStatements = `CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR)
  WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');
CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='TURNSTILE_SUMMARY', VALUE_FORMAT='JSON') AS
  SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;`
)

type stack struct {
	t       testing.TB
	cluster *kfake.Cluster
	reg     *srfake.Registry
	cl      *kgo.Client
	adm     *kadm.Client
	brokers []string
}

func newStack(t testing.TB, opts ...kfake.Opt) *stack {
	t.Helper()
	opts = append([]kfake.Opt{kfake.NumBrokers(1), kfake.GroupMinSessionTimeout(time.Second)}, opts...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	reg := srfake.New()
	st := &stack{t: t, cluster: c, reg: reg, brokers: c.ListenAddrs()}
	st.cl, err = kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	st.adm = kadm.NewClient(st.cl)
	t.Cleanup(func() {
		st.cl.Close()
		reg.Close()
		c.Close()
	})
	return st
}

func (st *stack) createTopic(name string, partitions int32) {
	st.t.Helper()
	if _, err := st.adm.CreateTopic(context.Background(), partitions, 1, nil, name); err != nil {
		st.t.Fatalf("create topic %s: %v", name, err)
	}
}

// serve starts a Server with an HTTP front end; both are closed at cleanup.
func (st *stack) serve(opts ...Option) (*Server, string) {
	st.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	opts = append([]Option{WithSessionTimeout(6 * time.Second)}, opts...)
	s, err := New(ctx, st.brokers, st.reg.URL(), opts...)
	if err != nil {
		st.t.Fatalf("new server: %v", err)
	}
	hs := httptest.NewUnstartedServer(s)
	hs.Config.Protocols = s.Protocols()
	hs.Start()
	st.t.Cleanup(func() {
		hs.Close()
		_ = s.Close()
	})
	return s, hs.URL
}

func registerSchema(t testing.TB, regURL, subject, schema string) int {
	t.Helper()
	return registerSchemaType(t, regURL, subject, "", schema)
}

// registerSchemaType registers schema of schemaType ("" for AVRO, the
// registry's default) under subject and returns its id.
func registerSchemaType(t testing.TB, regURL, subject, schemaType, schema string) int {
	t.Helper()
	req := map[string]string{"schema": schema}
	if schemaType != "" {
		req["schemaType"] = schemaType
	}
	body, _ := json.Marshal(req)
	resp, err := http.Post(regURL+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
	defer resp.Body.Close()
	var out struct {
		ID int `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("register %s: status %d err %v", subject, resp.StatusCode, err)
	}
	return out.ID
}

func wire(t testing.TB, id int, schema string, native map[string]any) []byte {
	t.Helper()
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	buf := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(buf[1:], uint32(id))
	b, err := codec.BinaryFromNative(buf, native)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type turnstileEvent struct {
	station int32
	name    string
	line    string
}

// produceTurnstiles writes Avro turnstile events as the producer does (Avro key and value).
func (st *stack) produceTurnstiles(events []turnstileEvent) {
	st.t.Helper()
	url := st.reg.URL()
	vid := registerSchema(st.t, url, turnstileTopic+"-value", turnstileValue)
	kid := registerSchema(st.t, url, turnstileTopic+"-key", turnstileKey)
	var recs []*kgo.Record
	for i, e := range events {
		recs = append(recs, &kgo.Record{Topic: turnstileTopic,
			Key:   wire(st.t, kid, turnstileKey, map[string]any{"timestamp": time.Now().UnixMilli() + int64(i)}),
			Value: wire(st.t, vid, turnstileValue, map[string]any{"station_id": e.station, "station_name": e.name, "line": e.line})})
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		st.t.Fatalf("produce: %v", err)
	}
}

type kv struct {
	key   []byte
	value []byte
}

// consume reads the keys and values of n records of topic from the start
// (read committed).
func (st *stack) consume(topic string, n int) []kv {
	st.t.Helper()
	var out []kv
	for _, r := range st.records(topic, n) {
		out = append(out, kv{r.Key, r.Value})
	}
	return out
}

// records reads n records of topic from the start (read committed).
func (st *stack) records(topic string, n int) []*kgo.Record {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			st.t.Fatalf("consume %s: got %d of %d records before timeout", topic, len(out), n)
		}
		fs.EachRecord(func(r *kgo.Record) { out = append(out, r) })
	}
	return out
}

// testClient bounds every request a spec sends: a server that stops
// answering fails the spec instead of hanging the package until its
// timeout.
var testClient = &http.Client{Timeout: 2 * time.Minute}

func post(t testing.TB, url, path, ksql string, props map[string]any) (int, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"ksql": ksql, "streamsProperties": props})
	req, _ := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	req.Header.Set("Accept", "application/vnd.ksql.v1+json")
	resp, err := testClient.Do(req)
	if err != nil {
		t.Fatalf("post %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func mustKSQL(t testing.TB, url, ksql string, props map[string]any) []map[string]any {
	t.Helper()
	code, body := post(t, url, "/ksql", ksql, props)
	if code != 200 {
		t.Fatalf("POST /ksql %q: %d %s", ksql, code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decode /ksql response: %v: %s", err, body)
	}
	return out
}

func stmtErr(t *testing.T, url, ksql string) (int, map[string]any) {
	t.Helper()
	code, body := post(t, url, "/ksql", ksql, nil)
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("decode error body: %v: %s", err, body)
	}
	return code, out
}

func earliest() map[string]any {
	return map[string]any{"ksql.streams.auto.offset.reset": "earliest"}
}

// counts decodes TURNSTILE_SUMMARY records into the last count per station and the per-station sequence.
func counts(t *testing.T, recs []kv) (map[int32]int64, map[int32][]int64) {
	t.Helper()
	last := map[int32]int64{}
	seq := map[int32][]int64{}
	for _, r := range recs {
		if len(r.key) != 4 {
			t.Fatalf("key %x is not a 4-byte INT", r.key)
		}
		id := int32(binary.BigEndian.Uint32(r.key))
		var v map[string]any
		if err := json.Unmarshal(r.value, &v); err != nil {
			t.Fatalf("value %s: %v", r.value, err)
		}
		if len(v) != 1 {
			t.Fatalf("value %s: want only COUNT", r.value)
		}
		n, ok := v["COUNT"].(float64)
		if !ok {
			t.Fatalf("value %s has no numeric COUNT", r.value)
		}
		last[id] = int64(n)
		seq[id] = append(seq[id], int64(n))
	}
	return last, seq
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
