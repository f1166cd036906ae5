package embedded

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"
)

// heldListener hands out what the listener under it accepted only when the
// test lets it: the Accept that a stopping server's listener close races.
type heldListener struct {
	net.Listener
	accepted chan struct{}
	release  chan struct{}
}

func (l *heldListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted <- struct{}{}
		<-l.release
	}
	return c, err
}

// A connection that the kernel had accepted before a stop began but that
// the server took from its listener only after the stop closed the unread
// connections is closed as well. Otherwise http.Server.Shutdown waits for it
// until it is 5 s old (closeIdleConns in net/http's server.go), which is
// how a stop under load overran a 4.5 s deadline.
func TestAConnectionTakenFromTheListenerAfterCloseUnreadIsClosedToo(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	held := &heldListener{Listener: inner, accepted: make(chan struct{}, 1), release: make(chan struct{})}
	ln := limitConns(held, 16, slog.New(slog.DiscardHandler))
	defer ln.Close()
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	<-held.accepted
	ln.closeUnread() // the stop's hook runs before the server holds the connection
	close(held.release)

	_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
	_, err = io.Copy(io.Discard, c)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the connection taken after closeUnread was still open 3 s later")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown after the connection was closed: %v", err)
	}
}
