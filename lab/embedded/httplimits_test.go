package embedded_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/segmentio/kafka-go"
)

// limitedStack starts a stack without PostgreSQL whose HTTP limits are
// short enough to watch them act.
func limitedStack(t *testing.T) *embedded.Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := embedded.Start(ctx, embedded.WithoutPostgres(), embedded.WithHTTPLimits(embedded.HTTPLimits{
		ReadHeader: time.Second, Read: time.Second, Write: time.Second, Idle: time.Second, MaxConns: 16,
	}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func hostOf(t *testing.T, base string) string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// ended waits (bounded) until the server ends the connection: a read
// returns EOF or a reset, after any response bytes.
func ended(t *testing.T, c net.Conn, within time.Duration) bool {
	t.Helper()
	_ = c.SetReadDeadline(time.Now().Add(within))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// A client that sends its body a byte at a time cannot hold a connection
// (and a request handler) for as long as it likes.
func TestSlowBodyIsCutOff(t *testing.T) {
	s := limitedStack(t)
	c, err := net.Dial("tcp", hostOf(t, s.Endpoints().SchemaRegistry))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /subjects/slow-value/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.schemaregistry.v1+json\r\nContent-Length: 100000\r\n\r\n{")
	done := make(chan bool, 1)
	go func() { done <- ended(t, c, time.Minute) }()
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for sent := 1; ; sent++ {
		select {
		case ok := <-done:
			if !ok {
				t.Fatal("the server held the slow request for a minute")
			}
			if sent >= 100000 {
				t.Fatal("the whole body was sent before the server ended the request")
			}
			return
		case <-tick.C:
			_, _ = c.Write([]byte(" "))
		}
	}
}

// An idle keep-alive connection is closed by the server.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	s := limitedStack(t)
	c, err := net.Dial("tcp", hostOf(t, s.Endpoints().Connect))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /connectors HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("GET /connectors: %s, close %v; want 200 on a kept-alive connection", resp.Status, resp.Close)
	}
	if !ended(t, c, time.Minute) {
		t.Fatal("the idle keep-alive connection was still open after a minute")
	}
}

// A flood of idle connections is refused beyond the cap, and the service
// answers again once the idle ones time out.
func TestConnectionFloodIsCappedAndTheServiceRecovers(t *testing.T) {
	s := limitedStack(t)
	addr := hostOf(t, s.Endpoints().SchemaRegistry)
	const flood = 64
	conns := make([]net.Conn, 0, flood)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range flood {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	// Those beyond the cap of 16 are closed at once; the rest when their
	// header timeout passes. None is held for long.
	for i, c := range conns {
		if !ended(t, c, time.Minute) {
			t.Fatalf("connection %d of the flood was still open after a minute", i)
		}
	}
	resp, err := http.Get(s.Endpoints().SchemaRegistry + "/subjects")
	if err != nil {
		t.Fatalf("GET /subjects after the flood: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /subjects after the flood: %s", resp.Status)
	}
}

// A ksqlDB push query is a response that lasts as long as the client
// wants: the write timeout does not end it.
func TestPushQueryOutlivesTheWriteTimeout(t *testing.T) {
	s := limitedStack(t)
	ksql := s.Endpoints().KSQLDB
	post := func(path, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, ksql+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		return resp
	}
	resp := post("/ksql", `{"ksql":"CREATE STREAM rides (v VARCHAR) WITH (KAFKA_TOPIC='rides', VALUE_FORMAT='JSON', PARTITIONS=1);"}`)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("CREATE STREAM: %s %s", resp.Status, b)
	}
	q := post("/query", `{"ksql":"SELECT v FROM rides EMIT CHANGES;","streamsProperties":{"ksql.streams.auto.offset.reset":"earliest"}}`)
	defer q.Body.Close()
	if q.StatusCode != http.StatusOK {
		t.Fatalf("push query: %s", q.Status)
	}
	rows := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(q.Body)
		for sc.Scan() {
			rows <- sc.Text()
		}
		close(rows)
	}()
	// Outlast the one-second write timeout three times over, then insert.
	time.Sleep(3 * time.Second)
	w := &kafka.Writer{Addr: kafka.TCP(s.Endpoints().Brokers...), Topic: "rides", RequiredAcks: kafka.RequireAll}
	defer w.Close()
	if err := w.WriteMessages(context.Background(), kafka.Message{Value: []byte(`{"V":"late"}`)}); err != nil {
		t.Fatalf("write to rides: %v", err)
	}
	deadline := time.After(time.Minute)
	for {
		select {
		case r, ok := <-rows:
			if !ok {
				t.Fatal("the push query's response ended")
			}
			if bytes.Contains([]byte(r), []byte("late")) {
				return
			}
		case <-deadline:
			t.Fatal("no row for the late insert within a minute")
		}
	}
}

// A client may open a connection and not send a request on it yet (Go's
// http.Transport keeps a connection it dialed for a request that another
// connection served). net/http's Shutdown waits for such a connection
// until it is 5 s old before it counts it as idle (closeIdleConns in
// src/net/http/server.go, "Issue 22682"); a stopping stand-in closes it at
// once, so that a stop within a deadline shorter than that succeeds. The
// deadline is as close under those 5 s as keeps the promise testable: the
// whole stack stops in about 0.2 s, and a machine under heavy load has
// taken more than 2 s.
func TestCloseEndsAConnectionThatSentNoRequestAndStopsWithinItsDeadline(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := embedded.Start(ctx, embedded.WithoutPostgres())
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	for _, base := range []string{s.Endpoints().SchemaRegistry, s.Endpoints().RESTProxy, s.Endpoints().Connect, s.Endpoints().KSQLDB} {
		c, err := net.Dial("tcp", hostOf(t, base))
		if err != nil {
			_ = s.Close(context.Background())
			t.Fatal(err)
		}
		defer c.Close()
		conns = append(conns, c)
	}
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 4500*time.Millisecond)
	defer stopCancel()
	if err := s.Close(stopCtx); err != nil {
		t.Fatalf("stop with a 4.5 s deadline while clients hold connections without a request: %v", err)
	}
	for i, c := range conns {
		if !ended(t, c, 10*time.Second) {
			t.Errorf("connection %d without a request was still open after the stack stopped", i)
		}
	}
}
