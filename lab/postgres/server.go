package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// defaultStartTimeout bounds Start when the caller's context has no deadline.
const defaultStartTimeout = 2 * time.Minute

// portAttempts is how often Start tries a new free port when the one it
// picked was taken before the server could bind it.
const portAttempts = 3

// Server is a private PostgreSQL server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg       config
	bins      binaries
	account   *account
	dataDir   string
	temporary bool
	// randomPassword is set when the superuser's password is the data
	// dir's own (no WithSuperuser); rotate, when the data dir still has
	// the guessable password of older versions, to replace after start.
	randomPassword, rotate bool
	// wantPassword is the password rotatePassword sets; empty for a
	// random one.
	wantPassword string
	// seedPending is set when the cluster initdb has just made is to be
	// seeded and kept as the template once its server runs.
	seedPending bool

	port atomic.Int64 // written with mu held; read without it

	mu   sync.Mutex
	proc *process
	// readyConn is the superuser connection to database postgres that
	// found the server ready, kept for the statements that follow a
	// start (superuserConn); nil once taken or closed.
	readyConn *pgx.Conn
	closed    bool
	// spareCancel stops the copy PrepareSpare began, and spareDone is
	// closed when that copy has ended.
	spareCancel context.CancelFunc
	spareDone   chan struct{}
}

// Start initialises (when needed) and starts a PostgreSQL server, and
// returns once it accepts password-authenticated connections on
// 127.0.0.1. The server keeps running after ctx ends; stop it with Stop or
// Close.
func Start(ctx context.Context, opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.superuser == "" {
		return nil, errors.New("start postgres: empty superuser name")
	}
	if cfg.port < 0 || cfg.port > 65535 {
		return nil, fmt.Errorf("start postgres: invalid port %d", cfg.port)
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()

	bins, err := findBinaries(cfg.binDir)
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	acct, err := serverAccount(ctx, cfg.runAs, cfg.logger)
	if err != nil {
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	s := &Server{cfg: cfg, bins: bins, account: acct}
	s.port.Store(int64(cfg.port))
	if cfg.dataDir == "" {
		dir, err := os.MkdirTemp("", "ctalab-postgres-")
		if err != nil {
			return nil, fmt.Errorf("start postgres: create data dir: %w", err)
		}
		s.dataDir, s.temporary = dir, true
	} else {
		dir, err := filepath.Abs(cfg.dataDir)
		if err != nil {
			return nil, fmt.Errorf("start postgres: data dir %s: %w", cfg.dataDir, err)
		}
		s.dataDir = dir
	}
	if err := s.prepareDataDir(ctx); err != nil {
		s.removeTemporary()
		return nil, fmt.Errorf("start postgres: %w", err)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.closeReadyConn()
	for attempt := 1; ; attempt++ {
		auto := cfg.port == 0
		if auto {
			port, err := freePort()
			if err != nil {
				s.removeTemporary()
				return nil, fmt.Errorf("start postgres: %w", err)
			}
			s.port.Store(int64(port))
		}
		err = s.startLocked(ctx)
		if err == nil && s.seedPending {
			if err = s.seedTemplateLocked(ctx); err != nil {
				_ = s.stopLocked(ctx)
				s.removeTemporary()
				return nil, fmt.Errorf("start postgres: %w", err)
			}
		}
		if err == nil && s.rotate {
			if err = s.rotatePassword(ctx); err != nil {
				_ = s.stopLocked(ctx)
				s.removeTemporary()
				return nil, fmt.Errorf("start postgres: %w", err)
			}
		}
		if err == nil {
			return s, nil
		}
		if !auto || !errors.Is(err, errPortTaken) || attempt == portAttempts {
			s.removeTemporary()
			return nil, fmt.Errorf("start postgres: %w", err)
		}
		s.cfg.logger.Warn("picked port was taken; trying another", "port", s.Port())
	}
}

// Start starts the server again after Stop, on the same port and data dir.
// It does nothing when the server is running.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errors.New("start postgres: server is closed")
	}
	if s.proc != nil {
		return nil
	}
	ctx, cancel := withDefaultTimeout(ctx)
	defer cancel()
	if err := s.startLocked(ctx); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	s.closeReadyConn()
	return nil
}

// Stop stops the server (fast shutdown: sessions are disconnected, data
// is flushed) and waits for its process to exit. The data dir is kept and
// Start can run the server again. If ctx ends first, the server is killed.
// Stopping a stopped server does nothing.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopLocked(ctx)
}

// Close stops the server and removes the data dir if it was temporary. It
// is safe to call more than once.
func (s *Server) Close(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.stopSpare()
	err := s.stopLocked(ctx)
	if s.temporary {
		if rerr := os.RemoveAll(s.dataDir); rerr != nil {
			err = errors.Join(err, fmt.Errorf("close postgres: remove data dir: %w", rerr))
		}
	}
	return err
}

// Addr returns the server's TCP address, 127.0.0.1:port.
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port()))
}

// Port returns the server's TCP port.
func (s *Server) Port() int { return int(s.port.Load()) }

// DataDir returns the cluster's data dir.
func (s *Server) DataDir() string { return s.dataDir }

// LogPath returns the server log file (inside the data dir).
func (s *Server) LogPath() string { return filepath.Join(s.dataDir, LogFile) }

// URL returns a postgres:// URL for user and database on this server.
// TLS is off: the server listens on the loopback interface only.
func (s *Server) URL(user, password, database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(user, password),
		Host:     s.Addr(),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// SuperuserURL returns the URL of database for the superuser.
func (s *Server) SuperuserURL(database string) string {
	return s.URL(s.cfg.superuser, s.cfg.password, database)
}

// pid returns the running server's process id, or 0.
func (s *Server) pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		return 0
	}
	return s.proc.cmd.Process.Pid
}

func (s *Server) removeTemporary() {
	if s.temporary {
		_ = os.RemoveAll(s.dataDir)
	}
}

func withDefaultTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, defaultStartTimeout)
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pick free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
