package restproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

// env is one in-process stack: a kfake broker, a fake Schema Registry served
// over HTTP, and the proxy under test served by httptest.
type env struct {
	t        *testing.T
	cluster  *kfake.Cluster
	registry *srfake.Registry
	proxy    *Proxy
	server   *httptest.Server
	client   *kgo.Client
	admin    *kadm.Client
	sr       *sr.Client
}

type envOptions struct {
	broker []kfake.Opt
	proxy  []Option
}

func newEnv(t *testing.T, o envOptions) *env {
	t.Helper()
	brokerOpts := append([]kfake.Opt{kfake.NumBrokers(1), kfake.DataDir(t.TempDir())}, o.broker...)
	cluster, err := kfake.NewCluster(brokerOpts...)
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(cluster.Close)

	registry := srfake.New()
	t.Cleanup(registry.Close)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	proxy, err := New(ctx, cluster.ListenAddrs(), registry.URL(), o.proxy...)
	if err != nil {
		t.Fatalf("new proxy: %v", err)
	}
	t.Cleanup(func() { _ = proxy.Close() })

	server := httptest.NewServer(proxy)
	t.Cleanup(server.Close)

	client, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatalf("new kafka client: %v", err)
	}
	t.Cleanup(client.Close)

	srClient, err := sr.NewClient(sr.URLs(registry.URL()))
	if err != nil {
		t.Fatalf("new registry client: %v", err)
	}
	return &env{
		t: t, cluster: cluster, registry: registry, proxy: proxy, server: server,
		client: client, admin: kadm.NewClient(client), sr: srClient,
	}
}

func (e *env) createTopic(topic string, partitions int32) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := e.admin.CreateTopic(ctx, partitions, 1, nil, topic)
	if err != nil || resp.Err != nil {
		e.t.Fatalf("create topic %s: %v %v", topic, err, resp.Err)
	}
}

// response is a decoded HTTP answer from the proxy.
type response struct {
	status      int
	contentType string
	body        []byte
}

func (r response) json(t *testing.T, into any) {
	t.Helper()
	if err := json.Unmarshal(r.body, into); err != nil {
		t.Fatalf("decode response %q: %v", r.body, err)
	}
}

// apiErr decodes an error body and checks its shape has exactly the two
// fields of the REST Proxy's error entity.
func (r response) apiErr(t *testing.T) (code int, message string) {
	t.Helper()
	var fields map[string]json.RawMessage
	r.json(t, &fields)
	if len(fields) != 2 {
		t.Fatalf("error body %s: want exactly error_code and message", r.body)
	}
	var body struct {
		Code    int    `json:"error_code"`
		Message string `json:"message"`
	}
	r.json(t, &body)
	return body.Code, body.Message
}

func (e *env) do(method, path, contentType string, body []byte, header ...string) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.server.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read body: %v", err)
	}
	return response{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: b}
}

func (e *env) post(topic, contentType string, body any) response {
	e.t.Helper()
	var b []byte
	switch v := body.(type) {
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.t.Fatalf("marshal body: %v", err)
		}
	}
	return e.do(http.MethodPost, "/topics/"+topic, contentType, b)
}

// endOffsets returns the end offset of each partition of a topic.
func (e *env) endOffsets(topic string) map[int32]int64 {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	listed, err := e.admin.ListEndOffsets(ctx, topic)
	if err != nil {
		e.t.Fatalf("list end offsets: %v", err)
	}
	out := map[int32]int64{}
	listed.Each(func(o kadm.ListedOffset) { out[o.Partition] = o.Offset })
	return out
}

func (e *env) assertUnchanged(topic string, before map[int32]int64) {
	e.t.Helper()
	after := e.endOffsets(topic)
	for p, off := range before {
		if after[p] != off {
			e.t.Fatalf("topic %s partition %d end offset moved from %d to %d", topic, p, off, after[p])
		}
	}
}

// consume reads n records from the start of a topic.
func (e *env) consume(topic string, n int) []*kgo.Record {
	e.t.Helper()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(e.cluster.ListenAddrs()...),
		kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		e.t.Fatalf("new consumer: %v", err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var recs []*kgo.Record
	for len(recs) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			e.t.Fatalf("consume %s: got %d of %d records: %v", topic, len(recs), n, err)
		}
		fs.EachError(func(t string, p int32, err error) { e.t.Fatalf("fetch %s/%d: %v", t, p, err) })
		recs = append(recs, fs.Records()...)
	}
	return recs
}
