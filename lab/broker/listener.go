package broker

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Accept back-off bounds: those of net/http's Server.Serve, which sleeps 5 ms
// after the first failed Accept and doubles up to 1 s.
const (
	acceptBackoffMin = 5 * time.Millisecond
	acceptBackoffMax = time.Second
)

// steadyListener keeps accepting through failures that pass, such as
// EMFILE/ENFILE (out of file descriptors) or ECONNABORTED (a peer gave up
// before Accept). kfake stops its accept loop on the first error Accept
// returns, which would leave the broker deaf for the rest of its life, so
// every error but the listener's own closing is retried here after a
// back-off, and only net.ErrClosed reaches kfake. Each episode of failures
// is logged once when it starts and once when it ends.
type steadyListener struct {
	net.Listener
	logger *slog.Logger
	wrap   func(net.Conn) net.Conn

	closeOnce sync.Once
	closed    chan struct{}
}

func newSteadyListener(ln net.Listener, logger *slog.Logger, wrap func(net.Conn) net.Conn) *steadyListener {
	return &steadyListener{Listener: ln, logger: logger, wrap: wrap, closed: make(chan struct{})}
}

func (l *steadyListener) Accept() (net.Conn, error) {
	var (
		delay    time.Duration
		failures int
	)
	for {
		conn, err := l.Listener.Accept()
		if err == nil {
			if failures > 0 {
				l.logger.Info("Kafka listener accepting connections again", "failed_accepts", failures)
			}
			if l.wrap != nil {
				conn = l.wrap(conn)
			}
			return conn, nil
		}
		select {
		case <-l.closed:
			return nil, net.ErrClosed
		default:
		}
		if errors.Is(err, net.ErrClosed) {
			return nil, err
		}
		failures++
		if delay == 0 {
			delay = acceptBackoffMin
			l.logger.Warn("Kafka listener cannot accept connections; retrying with back-off", "error", err)
		} else {
			delay = min(2*delay, acceptBackoffMax)
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-l.closed:
			t.Stop()
			return nil, net.ErrClosed
		}
	}
}

func (l *steadyListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.closed) })
	return err
}
