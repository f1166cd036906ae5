package broker

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// rawConn speaks the Kafka protocol by hand, so that a test chooses the
// exact request versions a client sends.
type rawConn struct {
	t    *testing.T
	conn net.Conn
	corr int32
}

func dialRaw(t *testing.T, b *Broker) *rawConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", b.Addrs()[0], 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return &rawConn{t: t, conn: conn}
}

// roundTrip sends req at its version and decodes the response; a response
// of ApiVersions above v4 is decoded as v0 (KIP-511).
func (r *rawConn) roundTrip(req kmsg.Request) kmsg.Response {
	r.t.Helper()
	r.corr++
	out := kmsg.NewRequestFormatter(kmsg.FormatterClientID("raw-test")).AppendRequest(nil, req, r.corr)
	_ = r.conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := r.conn.Write(out); err != nil {
		r.t.Fatalf("write %s: %v", kmsg.NameForKey(req.Key()), err)
	}
	var size [4]byte
	if _, err := io.ReadFull(r.conn, size[:]); err != nil {
		r.t.Fatalf("read %s response: %v", kmsg.NameForKey(req.Key()), err)
	}
	body := make([]byte, binary.BigEndian.Uint32(size[:]))
	if _, err := io.ReadFull(r.conn, body); err != nil {
		r.t.Fatalf("read %s response: %v", kmsg.NameForKey(req.Key()), err)
	}
	if corr := int32(binary.BigEndian.Uint32(body)); corr != r.corr {
		r.t.Fatalf("response correlation ID %d, want %d", corr, r.corr)
	}
	body = body[4:]
	resp := req.ResponseKind()
	if req.Key() == 18 && req.GetVersion() > 4 {
		resp.SetVersion(0)
	}
	if resp.IsFlexible() && req.Key() != 18 {
		rd := kbin.Reader{Src: body}
		kmsg.SkipTags(&rd)
		body = rd.Src
	}
	if err := resp.ReadFrom(body); err != nil {
		r.t.Fatalf("decode %s v%d response: %v", kmsg.NameForKey(req.Key()), resp.GetVersion(), err)
	}
	return resp
}

// The expected ranges are read off the 3.9 branch of apache/kafka,
// clients/src/main/resources/common/message/<Name>Request.json
// ("validVersions"), by hand.
func TestApiVersionsAnswersKafka39Ranges(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	req := kmsg.NewPtrApiVersionsRequest()
	req.Version = 3
	req.ClientSoftwareName = "raw-test"
	req.ClientSoftwareVersion = "1.0"
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.ApiVersionsResponse)
	if resp.ErrorCode != 0 {
		t.Fatalf("ApiVersions error %d", resp.ErrorCode)
	}
	got := map[int16][2]int16{}
	for _, k := range resp.ApiKeys {
		got[k.ApiKey] = [2]int16{k.MinVersion, k.MaxVersion}
	}
	want := map[int16][2]int16{
		0: {0, 11}, 1: {0, 17}, 2: {0, 9}, 3: {0, 12}, 8: {0, 9}, 9: {0, 9}, 10: {0, 6},
		11: {0, 9}, 12: {0, 4}, 13: {0, 5}, 14: {0, 5}, 15: {0, 5}, 16: {0, 5},
		17: {0, 1}, 18: {0, 4}, 19: {0, 7}, 20: {0, 6}, 21: {0, 2}, 22: {0, 5},
		23: {0, 4}, 24: {0, 5}, 25: {0, 4}, 26: {0, 4}, 27: {0, 1}, 28: {0, 4},
		32: {0, 4}, 33: {0, 2}, 36: {0, 2}, 37: {0, 3}, 42: {0, 2}, 44: {0, 1},
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s (key %d): advertised %v (present %v), want %d-%d", kmsg.NameForKey(k), k, g, ok, w[0], w[1])
		}
	}
	// Not on a 3.9 broker listener: telemetry without a receiver,
	// unstable share-group APIs, controller-only APIs.
	for _, k := range []int16{4, 5, 6, 7, 52, 53, 54, 56, 58, 59, 62, 63, 67, 71, 72, 76, 77, 78, 79, 90} {
		if g, ok := got[k]; ok {
			t.Errorf("%s (key %d) advertised as %v; Kafka 3.9 does not serve it to clients", kmsg.NameForKey(k), k, g)
		}
	}
}

func TestApiVersionsAboveFourIsAnsweredAtV0(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	req := kmsg.NewPtrApiVersionsRequest()
	req.Version = 5
	req.ClientSoftwareName = "raw-test"
	req.ClientSoftwareVersion = "1.0"
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.ApiVersionsResponse)
	if resp.ErrorCode != 35 { // UNSUPPORTED_VERSION
		t.Fatalf("ApiVersions v5: error %d, want 35 (UNSUPPORTED_VERSION)", resp.ErrorCode)
	}
	if len(resp.ApiKeys) != 1 || resp.ApiKeys[0].ApiKey != 18 || resp.ApiKeys[0].MinVersion != 0 || resp.ApiKeys[0].MaxVersion != 4 {
		t.Fatalf("ApiVersions v5 fallback keys = %+v, want only ApiVersions 0-4", resp.ApiKeys)
	}
}

func TestOldRecordFormatVersionsAreRefusedPerPartitionAndConnectionStaysUp(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "old-clients", "a")
	rc := dialRaw(t, b)

	preq := kmsg.NewPtrProduceRequest()
	preq.Version = 2
	preq.Acks = -1
	preq.TimeoutMillis = 5000
	pt := kmsg.NewProduceRequestTopic()
	pt.Topic = "old-clients"
	pp := kmsg.NewProduceRequestTopicPartition()
	pp.Partition = 0
	pp.Records = []byte{} // contents never looked at
	pt.Partitions = append(pt.Partitions, pp)
	preq.Topics = append(preq.Topics, pt)
	presp := rc.roundTrip(preq).(*kmsg.ProduceResponse)
	if len(presp.Topics) != 1 || len(presp.Topics[0].Partitions) != 1 || presp.Topics[0].Partitions[0].ErrorCode != 35 {
		t.Fatalf("Produce v2 answer %+v, want partition 0 with error 35 (UNSUPPORTED_VERSION)", presp.Topics)
	}

	freq := kmsg.NewPtrFetchRequest()
	freq.Version = 3
	freq.ReplicaID = -1
	freq.MaxWaitMillis = 10
	freq.MaxBytes = 1 << 20
	ft := kmsg.NewFetchRequestTopic()
	ft.Topic = "old-clients"
	fp := kmsg.NewFetchRequestTopicPartition()
	fp.PartitionMaxBytes = 1 << 20
	ft.Partitions = append(ft.Partitions, fp)
	freq.Topics = append(freq.Topics, ft)
	fresp := rc.roundTrip(freq).(*kmsg.FetchResponse)
	if len(fresp.Topics) != 1 || len(fresp.Topics[0].Partitions) != 1 || fresp.Topics[0].Partitions[0].ErrorCode != 35 {
		t.Fatalf("Fetch v3 answer %+v, want partition 0 with error 35 (UNSUPPORTED_VERSION)", fresp.Topics)
	}

	// The same connection still serves a current version.
	freq.Version = 4
	fresp = rc.roundTrip(freq).(*kmsg.FetchResponse)
	if p := fresp.Topics[0].Partitions[0]; p.ErrorCode != 0 || p.HighWatermark != 1 {
		t.Fatalf("Fetch v4 after refusals: error %d, high watermark %d; want 0 and 1", p.ErrorCode, p.HighWatermark)
	}
}

func TestSaslOnPlaintextListenerIsIllegalState(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	req := kmsg.NewPtrSASLHandshakeRequest()
	req.Version = 0
	req.Mechanism = "PLAIN"
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.SASLHandshakeResponse)
	if resp.ErrorCode != 34 { // ILLEGAL_SASL_STATE
		t.Fatalf("SaslHandshake v0 on PLAINTEXT: error %d, want 34 (ILLEGAL_SASL_STATE)", resp.ErrorCode)
	}
}

// waitClosed reads from conn until the peer closes it.
func waitClosed(t *testing.T, conn net.Conn) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("connection still open 10 s after an oversized request header")
	}
}

func heapAlloc() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// Kafka's SocketServer refuses a receive larger than socket.request.max.bytes
// (NetworkReceive.readFrom, apache/kafka 3.9) and closes the connection.
func TestOversizedRequestClosesConnectionWithoutAllocating(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	before := heapAlloc()
	conn, err := net.Dial("tcp", b.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte{0xFF, 0xFF, 0xFF, 0xF0, 0, 18, 0, 0, 0, 0, 0, 1}); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, conn)
	// 0xFFFFFFF0 is negative as an int32; a large positive size too.
	conn2, err := net.Dial("tcp", b.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn2.Close()
	if _, err := conn2.Write([]byte{0x7F, 0xFF, 0xFF, 0xF0, 0, 18, 0, 0}); err != nil {
		t.Fatal(err)
	}
	waitClosed(t, conn2)
	if grown := int64(heapAlloc()) - int64(before); grown > 50<<20 {
		t.Fatalf("heap grew by %d MB after oversized request headers", grown>>20)
	}
	produce(ctx, t, b, "after-oversized", "a")
}

func TestSocketRequestMaxBytesIsConfigurable(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t, WithSocketRequestMaxBytes(1024))
	conn, err := net.Dial("tcp", b.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	frame := make([]byte, 4+2000)
	binary.BigEndian.PutUint32(frame, 2000)
	_, _ = conn.Write(frame)
	waitClosed(t, conn)
	produce(ctx, t, b, "small-requests", "a")
}

// flakyListener fails Accept with EMFILE a number of times before it
// accepts.
type flakyListener struct {
	net.Listener
	mu    sync.Mutex
	fails int
}

func (l *flakyListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	if l.fails > 0 {
		l.fails--
		l.mu.Unlock()
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	l.mu.Unlock()
	return l.Listener.Accept()
}

func (l *flakyListener) left() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fails
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedBuffer) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestAcceptLoopOutlivesTransientErrors(t *testing.T) {
	ctx := testContext(t)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := &flakyListener{Listener: inner, fails: 6}
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	b := startBroker(ctx, t, WithLogger(logger), func(c *config) { c.listener = fl })
	produce(ctx, t, b, "after-emfile", "a", "b")
	if n := fl.left(); n != 0 {
		t.Fatalf("%d injected accept failures left unconsumed", n)
	}
	out := logs.String()
	if n := strings.Count(out, "cannot accept connections"); n != 1 {
		t.Fatalf("accept failures logged %d times, want once per episode:\n%s", n, out)
	}
	if !strings.Contains(out, "accepting connections again") || !strings.Contains(out, "failed_accepts=6") {
		t.Fatalf("recovery not logged with the failure count:\n%s", out)
	}
}

func TestManyIdleConnectionsDoNotStopProduce(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	const idle = 2000
	conns := make([]net.Conn, 0, idle)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < idle; i++ {
		c, err := net.DialTimeout("tcp", b.Addrs()[0], 5*time.Second)
		if err != nil {
			t.Fatalf("idle connection %d: %v", i, err)
		}
		conns = append(conns, c)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	produce(cctx, t, b, "busy-listener", "a")
}
