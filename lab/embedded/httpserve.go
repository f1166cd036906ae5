package embedded

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// HTTPLimits bound what one client can hold of an HTTP stand-in: a slow or
// idle client is cut off, and a flood of connections is refused beyond a
// cap instead of exhausting the process's file descriptors, which the
// Kafka listener shares.
type HTTPLimits struct {
	// ReadHeader bounds reading a request's headers.
	ReadHeader time.Duration
	// Read bounds reading a whole request, body included (a body sent at
	// a byte a second is cut off). Streaming requests are exempt.
	Read time.Duration
	// Write bounds writing a response. Streaming responses are exempt.
	Write time.Duration
	// Idle is how long a keep-alive connection may wait for its next
	// request: Confluent's REST services' idle.timeout.ms default (30 s).
	Idle time.Duration
	// MaxConns is the most connections a service holds at once; more are
	// closed as soon as they are accepted.
	MaxConns int
}

// DefaultHTTPLimits are the limits of every HTTP stand-in.
var DefaultHTTPLimits = HTTPLimits{
	ReadHeader: 10 * time.Second,
	Read:       60 * time.Second,
	Write:      60 * time.Second,
	Idle:       30 * time.Second,
	MaxConns:   1024,
}

// WithHTTPLimits sets the limits of the HTTP stand-ins (default
// DefaultHTTPLimits); a zero field keeps its default.
func WithHTTPLimits(l HTTPLimits) Option {
	return func(c *config) {
		d := DefaultHTTPLimits
		if l.ReadHeader > 0 {
			d.ReadHeader = l.ReadHeader
		}
		if l.Read > 0 {
			d.Read = l.Read
		}
		if l.Write > 0 {
			d.Write = l.Write
		}
		if l.Idle > 0 {
			d.Idle = l.Idle
		}
		if l.MaxConns > 0 {
			d.MaxConns = l.MaxConns
		}
		c.httpLimits = &d
	}
}

// streamingPaths are the requests whose body or response is a stream that
// lives as long as the client wants: ksqlDB's push queries and inserts,
// the REST Proxy v3's streaming produce. Read and write deadlines do not
// apply to them.
var streamingPaths = map[string]func(path string) bool{
	ksqldbName: func(p string) bool {
		return p == "/query" || p == "/query-stream" || p == "/inserts-stream"
	},
	"REST Proxy": func(p string) bool {
		return strings.HasPrefix(p, "/v3/clusters/") && strings.HasSuffix(p, "/records")
	},
}

// newHTTPServer returns the server of one stand-in with its limits.
func newHTTPServer(name string, h http.Handler, l HTTPLimits, log *slog.Logger) *http.Server {
	if streaming := streamingPaths[name]; streaming != nil {
		inner := h
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if streaming(r.URL.Path) {
				rc := http.NewResponseController(w)
				_ = rc.SetReadDeadline(time.Time{})
				_ = rc.SetWriteDeadline(time.Time{})
			}
			inner.ServeHTTP(w, r)
		})
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: l.ReadHeader,
		ReadTimeout:       l.Read,
		WriteTimeout:      l.Write,
		IdleTimeout:       l.Idle,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// capListener closes the connections it accepts beyond max open ones, and
// keeps the others until they close.
type capListener struct {
	net.Listener
	max  int64
	open atomic.Int64
	log  *slog.Logger

	mu         sync.Mutex
	lastWarned time.Time
	refused    int64
	conns      map[*countedConn]struct{}
	stopping   bool // closeUnread ran: what is accepted later is closed at once
}

func limitConns(ln net.Listener, max int, log *slog.Logger) *capListener {
	return &capListener{Listener: ln, max: int64(max), log: log, conns: map[*countedConn]struct{}{}}
}

// closeUnread closes the open connections from which nothing has been read
// yet: no request has begun on them. A client may hold such a connection
// for a while (Go's http.Transport keeps one it dialed for a request that
// another connection served), and http.Server.Shutdown counts it as idle
// only once it is 5 s old (closeIdleConns in net/http's server.go, "Issue
// 22682"). A stopping stand-in closes them at once, as Shutdown closes its
// idle keep-alive connections, and lets the requests under way finish. It
// is the server's RegisterOnShutdown hook. A connection the server takes
// from the listener after it ran (the kernel had accepted it before the
// listener closed) is closed as it is taken.
func (l *capListener) closeUnread() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopping = true
	for c := range l.conns {
		if !c.read.Load() {
			_ = c.Conn.Close()
		}
	}
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.open.Add(1) > l.max {
			l.open.Add(-1)
			_ = c.Close()
			l.warn()
			continue
		}
		cc := &countedConn{Conn: c, l: l}
		l.mu.Lock()
		stopping := l.stopping
		if !stopping {
			l.conns[cc] = struct{}{}
		}
		l.mu.Unlock()
		if stopping {
			l.open.Add(-1)
			_ = c.Close()
			continue
		}
		return cc, nil
	}
}

// warn logs refused connections at most once a second, with a count.
func (l *capListener) warn() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refused++
	if time.Since(l.lastWarned) < time.Second {
		return
	}
	l.log.Warn("refusing connections beyond the cap", "max_connections", l.max, "refused", l.refused)
	l.lastWarned, l.refused = time.Now(), 0
}

type countedConn struct {
	net.Conn
	l    *capListener
	once sync.Once
	read atomic.Bool // a byte has been read: a request has begun
}

func (c *countedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && !c.read.Load() {
		c.read.Store(true)
	}
	return n, err
}

func (c *countedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.open.Add(-1)
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
	})
	return err
}
