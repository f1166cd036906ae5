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
	logger *slog.Logger
	wrap   func(net.Conn) net.Conn

	closeOnce sync.Once
	closed    chan struct{}

	// Taking the broker off the network (pause) and back (resume): ln is
	// the listener Accept uses, reopen makes a new one on the same address,
	// conns are the connections open now.
	mu     sync.Mutex
	ln     net.Listener
	reopen func() (net.Listener, error)
	paused chan struct{} // closed on resume; nil when not paused
	conns  map[*trackedConn]struct{}
}

func newSteadyListener(ln net.Listener, logger *slog.Logger, wrap func(net.Conn) net.Conn) *steadyListener {
	return &steadyListener{ln: ln, logger: logger, wrap: wrap, closed: make(chan struct{}), conns: map[*trackedConn]struct{}{}}
}

// Addr is the address the broker listens on, paused or not.
func (l *steadyListener) Addr() net.Addr {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ln.Addr()
}

// current returns the listener to accept on, and the channel a pause
// closes on resume (nil when not paused).
func (l *steadyListener) current() (net.Listener, chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ln, l.paused
}

func (l *steadyListener) Accept() (net.Conn, error) {
	var (
		delay    time.Duration
		failures int
	)
	for {
		ln, paused := l.current()
		if paused != nil {
			select {
			case <-paused:
				continue
			case <-l.closed:
				return nil, net.ErrClosed
			}
		}
		conn, err := ln.Accept()
		if err == nil {
			if failures > 0 {
				l.logger.Info("Kafka listener accepting connections again", "failed_accepts", failures)
			}
			if l.wrap != nil {
				conn = l.wrap(conn)
			}
			return l.track(conn), nil
		}
		select {
		case <-l.closed:
			return nil, net.ErrClosed
		default:
		}
		if _, nowPaused := l.current(); nowPaused != nil {
			continue // the pause closed the listener under Accept
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
	l.mu.Lock()
	ln, paused := l.ln, l.paused
	l.mu.Unlock()
	var err error
	if paused == nil {
		err = ln.Close()
	}
	l.closeOnce.Do(func() { close(l.closed) })
	return err
}

// errNoReopen is a pause asked of a broker whose listener was handed in.
var errNoReopen = errors.New("the broker's listener was handed in (WithListener), so it cannot be taken off the network and back")

// pause takes the broker off the network as if it had stopped: its port
// refuses connections and every open connection is closed. The broker's
// state and data stay.
func (l *steadyListener) pause() error {
	l.mu.Lock()
	if l.reopen == nil {
		l.mu.Unlock()
		return errNoReopen
	}
	if l.paused != nil {
		l.mu.Unlock()
		return nil
	}
	l.paused = make(chan struct{})
	ln := l.ln
	conns := make([]*trackedConn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	err := ln.Close()
	for _, c := range conns {
		_ = c.Close()
	}
	return err
}

// resume listens again on the same address.
func (l *steadyListener) resume() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.paused == nil {
		return nil
	}
	ln, err := l.reopen()
	if err != nil {
		return err
	}
	l.ln = ln
	close(l.paused)
	l.paused = nil
	return nil
}

// isPaused reports whether the broker is off the network.
func (l *steadyListener) isPaused() bool {
	_, p := l.current()
	return p != nil
}

func (l *steadyListener) track(c net.Conn) net.Conn {
	tc := &trackedConn{Conn: c, l: l}
	l.mu.Lock()
	l.conns[tc] = struct{}{}
	l.mu.Unlock()
	return tc
}

// trackedConn is a client connection the listener can close on a pause.
type trackedConn struct {
	net.Conn
	l    *steadyListener
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return c.Conn.Close()
}
