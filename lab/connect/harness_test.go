package connect

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kversion"
)

// broker is a kfake cluster that can be restarted on the same data dir.
type broker struct {
	t    *testing.T
	dir  string
	port int
	c    *kfake.Cluster
}

func startBroker(t *testing.T) *broker {
	t.Helper()
	b := &broker{t: t, dir: t.TempDir()}
	b.start()
	t.Cleanup(func() {
		if b.c != nil {
			b.c.Close()
		}
	})
	return b
}

func (b *broker) start() {
	b.t.Helper()
	c, err := kfake.NewCluster(
		kfake.Ports(b.port),
		kfake.DataDir(b.dir),
		kfake.DefaultNumPartitions(1),
		// Kafka 3.9's protocol, which the lab's broker and CP 7.9 speak:
		// an uncapped kfake serves Kafka 4's transactions (Produce v12+,
		// an epoch bump at every commit) and KAFKA-15591's refusal of a
		// first sequence other than 0 on a partition never written, which
		// no released broker the worker meets has.
		kfake.MaxVersions(kversion.V3_9_0()),
	)
	if err != nil {
		b.t.Fatalf("start kfake: %v", err)
	}
	b.c = c
	if b.port == 0 {
		_, p, err := net.SplitHostPort(c.ListenAddrs()[0])
		if err != nil {
			b.t.Fatal(err)
		}
		b.port, _ = strconv.Atoi(p)
	}
}

func (b *broker) stop() {
	b.c.Close()
	b.c = nil
}

func (b *broker) addrs() []string { return b.c.ListenAddrs() }

// worker is a Worker behind an httptest server.
type worker struct {
	w   *Worker
	srv *httptest.Server
}

func startWorker(t *testing.T, b *broker, opts ...Option) *worker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	w, err := New(ctx, b.addrs(), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(w)
	wk := &worker{w: w, srv: srv}
	t.Cleanup(wk.close)
	return wk
}

func (wk *worker) close() {
	wk.srv.Close()
	_ = wk.w.Close()
}

type response struct {
	code   int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (wk *worker) do(t *testing.T, method, path string, body any) response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, wk.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: raw}
}

// restErr decodes a Connect error body.
type restErrBody struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}

func expectError(t *testing.T, r response, code int, msg string) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status = %d, want %d (%s)", r.code, code, r.body)
	}
	var e restErrBody
	r.json(t, &e)
	if e.ErrorCode != code || e.Message != msg {
		t.Fatalf("error = %+v, want {%d %q}", e, code, msg)
	}
}

// readTopic reads every committed record of a topic from the start, in
// partition then offset order.
func readTopic(t *testing.T, b *broker, topic string) []*kgo.Record {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	ends, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	cl.Close()
	if err != nil {
		t.Fatalf("list offsets of %s: %v", topic, err)
	}
	remaining := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil && o.Offset > 0 {
			remaining[o.Partition] = o.Offset
		}
	})
	byPart := map[int32][]*kgo.Record{}
	scanTopic(t, b, topic, remaining, func(r *kgo.Record) {
		if !r.Attrs.IsControl() {
			byPart[r.Partition] = append(byPart[r.Partition], r)
		}
	}, kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	var parts []int32
	for p := range byPart {
		parts = append(parts, p)
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i] < parts[j] })
	var out []*kgo.Record
	for _, p := range parts {
		out = append(out, byPart[p]...)
	}
	return out
}

// scanTopic hands each record of topic below the end offsets in remaining
// (per partition; partitions not in it are skipped), control records
// included, to each, reading from the start with opts. It empties remaining.
func scanTopic(t *testing.T, b *broker, topic string, remaining map[int32]int64, each func(*kgo.Record), opts ...kgo.Opt) {
	t.Helper()
	if len(remaining) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(b.addrs()...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.KeepControlRecords()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	for len(remaining) > 0 {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %s: timed out, %d partitions unread", topic, len(remaining))
		}
		f.EachRecord(func(r *kgo.Record) {
			end, ok := remaining[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			each(r)
			if r.Offset+1 >= end {
				delete(remaining, r.Partition)
			}
		})
	}
}

func (wk *worker) doRaw(t *testing.T, method, path, contentType, body string) response {
	t.Helper()
	req, err := http.NewRequest(method, wk.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return response{code: resp.StatusCode, header: resp.Header, body: raw}
}

// waitLastOffset waits until the last record in connect-offsets is
// key => value. Without exactly-once support an offset is committed after
// the records it covers are acknowledged, so it may trail them.
func waitLastOffset(t *testing.T, b *broker, key, value string) {
	t.Helper()
	eventually(t, "offset "+key+" => "+value, func() string {
		offs := readTopic(t, b, "connect-offsets")
		if len(offs) == 0 {
			return "no offset records"
		}
		if last := offs[len(offs)-1]; string(last.Key) != key || string(last.Value) != value {
			return string(last.Key) + " => " + string(last.Value)
		}
		return ""
	})
}
