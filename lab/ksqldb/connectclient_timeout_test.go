package ksqldb

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"
)

// A Connect worker that sends its answer's headers and then stops fails
// the request with the read timeout of ksqlDB's HTTP client (Apache
// HttpClient 5's response timeout is the socket's SO_TIMEOUT, which also
// covers the body: DefaultConnectClient v7.9.0), as "Read timed out",
// instead of holding the request for good.
func TestConnectThatStopsInItsBodyFailsWithReadTimedOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				buf := make([]byte, 4096)
				_, _ = conn.Read(buf)
				_, _ = conn.Write([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[\"a"))
				// and nothing more, the connection left open
			}()
		}
	}()
	c := newConnectClientTimeout("http://"+ln.Addr().String(), "", 200*time.Millisecond)
	done := make(chan error, 1)
	go func() {
		_, err := c.do(context.Background(), "GET", "/connectors", nil, 200)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "java.net.SocketTimeoutException: Read timed out") {
			t.Fatalf("error %v, want ksqlDB's read timeout", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the request is still waiting on a Connect that stopped sending")
	}
}
