package ksqldb

import (
	"bytes"
	"encoding/json"
	"net"
	"sync"
	"testing"
)

// silentConnect is a Connect address that accepts connections and never
// answers; accepted reports each connection, release closes them all.
type silentConnect struct {
	ln       net.Listener
	accepted chan struct{}
	mu       sync.Mutex
	conns    []net.Conn
	count    int
}

func newSilentConnect(t *testing.T) *silentConnect {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sc := &silentConnect{ln: ln, accepted: make(chan struct{}, 16)}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			sc.mu.Lock()
			sc.conns = append(sc.conns, c)
			sc.count++
			sc.mu.Unlock()
			select {
			case sc.accepted <- struct{}{}:
			default:
			}
		}
	}()
	t.Cleanup(sc.release)
	return sc
}

// connections is how many connections Connect has accepted so far.
func (sc *silentConnect) connections() int {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.count
}

// release stops accepting and closes every accepted connection, so a
// request waiting on one fails at once.
func (sc *silentConnect) release() {
	_ = sc.ln.Close()
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, c := range sc.conns {
		_ = c.Close()
	}
	sc.conns = nil
}

// ksqlAsync posts one /ksql request from a goroutine and delivers its
// status (or the transport error) on the returned channel.
func ksqlAsync(url, text string) <-chan error {
	done := make(chan error, 1)
	go func() {
		body, _ := json.Marshal(map[string]any{"ksql": text})
		resp, err := testClient.Post(url+"/ksql", "application/vnd.ksql.v1+json", bytes.NewReader(body))
		if err == nil {
			_ = resp.Body.Close()
		}
		done <- err
	}()
	return done
}

// A connector statement waiting on Kafka Connect does not hold other
// statements back: ksqlDB runs CREATE/DROP/DESCRIBE/SHOW CONNECTOR(S)
// through custom executors (CustomExecutors, RequestHandler.executeStatement,
// ConnectExecutor v7.9.0), outside the command topic's serialisation, so a
// LIST STREAMS answers while a CREATE SOURCE CONNECTOR still waits on a
// Connect that accepted its connection and never replies.
func TestConnectorsPendingConnectDoesNotBlockStatements(t *testing.T) {
	sc := newSilentConnect(t)
	st := newStack(t)
	_, url := st.serve(WithConnectURL("http://" + sc.ln.Addr().String()))

	create := ksqlAsync(url, "CREATE SOURCE CONNECTOR c WITH ('connector.class'='x');")
	<-sc.accepted // the CREATE is now waiting on Connect
	list := ksqlAsync(url, "LIST STREAMS;")
	select {
	case err := <-list:
		if err != nil {
			t.Fatalf("LIST STREAMS: %v", err)
		}
	case err := <-create:
		t.Fatalf("CREATE SOURCE CONNECTOR finished (err %v) before LIST STREAMS answered", err)
	}
	// still on its first try: ksqlDB's client gives up on a silent
	// Connect only after its response timeout, and tries again
	if n := sc.connections(); n != 1 {
		t.Fatalf("LIST STREAMS answered after %d connections to Connect, want while the CREATE's first one was open", n)
	}
	select {
	case <-create:
		t.Fatal("CREATE SOURCE CONNECTOR finished while Connect had not answered")
	default:
	}
	sc.release()
	if err := <-create; err != nil {
		t.Fatalf("CREATE SOURCE CONNECTOR: %v", err)
	}
}
