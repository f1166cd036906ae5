package enginetest

import (
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServeHTTP is a Behaviour.Serve handler that answers HTTP with h on each
// connection, as a service listening on the container port would.
func ServeHTTP(h http.Handler) func(net.Conn) {
	return func(c net.Conn) {
		l := &oneConn{c: c, done: make(chan struct{})}
		srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
			ConnState: func(_ net.Conn, s http.ConnState) {
				if s == http.StateClosed || s == http.StateHijacked {
					l.close()
				}
			}}
		_ = srv.Serve(l)
	}
}

// oneConn is a listener that yields one connection, then blocks until that
// connection is closed.
type oneConn struct {
	c    net.Conn
	once sync.Once
	used bool
	mu   sync.Mutex
	done chan struct{}
}

func (l *oneConn) Accept() (net.Conn, error) {
	l.mu.Lock()
	if !l.used {
		l.used = true
		l.mu.Unlock()
		return l.c, nil
	}
	l.mu.Unlock()
	<-l.done
	return nil, net.ErrClosed
}

func (l *oneConn) close()         { l.once.Do(func() { close(l.done) }) }
func (l *oneConn) Close() error   { l.close(); return nil }
func (l *oneConn) Addr() net.Addr { return l.c.LocalAddr() }

// Proxy is a Behaviour.Serve handler that forwards each connection to addr,
// for a published port that a real server on this machine stands in for.
func Proxy(addr string) func(net.Conn) {
	return func(c net.Conn) {
		up, err := net.Dial("tcp", addr)
		if err != nil {
			return
		}
		defer up.Close()
		done := make(chan struct{}, 2)
		go func() { _, _ = io.Copy(up, c); closeWrite(up); done <- struct{}{} }()
		go func() { _, _ = io.Copy(c, up); closeWrite(c); done <- struct{}{} }()
		<-done
		<-done
	}
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}
