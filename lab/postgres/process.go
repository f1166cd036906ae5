package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// errPortTaken marks a start that failed because the port was in use.
var errPortTaken = errors.New("port already in use")

const (
	// retryInterval separates connection attempts while the server
	// starts: a refused connection costs microseconds, and the server is
	// up within tens of milliseconds, so a long interval only adds to the
	// wait.
	retryInterval = 5 * time.Millisecond
	// killGrace is how long Stop waits after escalating before SIGKILL.
	killGrace = 5 * time.Second
	// logTailBytes is how much of the server log start errors carry.
	logTailBytes = 4096
)

// process is one run of the postgres server process.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
}

// startLocked starts postgres on s.port and waits until it accepts
// connections. On failure the process is gone and the error carries the
// tail of the server log. s.mu must be held.
func (s *Server) startLocked(ctx context.Context) error {
	logPath := s.LogPath()
	logf, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	defer func() { _ = logf.Close() }() // the child keeps its own descriptor; ours was only handed over
	if err := s.account.chown(logPath); err != nil {
		return err
	}
	offset, err := logf.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}

	cmd := exec.Command(s.bins.postgres,
		"-D", s.dataDir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "port="+strconv.Itoa(s.Port()),
		"-c", "unix_socket_directories=",
		"-c", "logging_collector=off",
		// Sized for a lab's one small table (footprint_test.go): small
		// shared buffers and connection slots, and none of the workers a
		// production database runs (autovacuum, logical replication, WAL
		// senders), which take a process and memory each.
		//
		// Shared memory holds per-connection state for every slot, locks
		// included (max_connections and max_locks_per_transaction,
		// PostgreSQL 15 docs runtime-config-connection.html and
		// runtime-config-locks.html), and every server process maps what
		// the postmaster initialised: 20 slots (17 for ordinary roles
		// beside the 3 superuser_reserved_connections) hold every session
		// a lab opens at once (connections_test.go), and the server's
		// processes together stay about 1.5 MB less resident than with 50.
		//
		// shared_buffers must be at least 128kB; wal_buffers is 1/32 of it
		// by default, no less than 64kB (PostgreSQL 15 docs,
		// runtime-config-resource.html and runtime-config-wal.html). The
		// postmaster sets up the buffers' descriptors and zeroes the WAL
		// buffers, and every process maps what it touches. A weekday
		// replay leaves about 320 buffers in use (pg_buffercache: 175 of
		// the stations database, 130 of database postgres, 20 of the
		// shared catalogs), so 512 (4 MB) keep them all, and the
		// server's processes stay about 1 MB less resident than with
		// 16 MB. A table bigger than the lab's would be read from the
		// operating system's cache more often.
		"-c", "shared_buffers=4MB",
		"-c", "max_connections=20",
		"-c", "autovacuum=off",
		"-c", "max_logical_replication_workers=0",
		"-c", "max_worker_processes=0",
		"-c", "max_wal_senders=0",
		"-c", "wal_level=minimal",
		"-c", "huge_pages=off",
	)
	cmd.Dir = "/"
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = s.account.sysProcAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", s.bins.postgres, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()

	conn, err := s.waitReady(ctx, p)
	if err != nil {
		p.stop(context.Background())
		logTail := readTail(logPath, offset)
		if strings.Contains(logTail, "could not bind") || strings.Contains(logTail, "Address already in use") {
			err = fmt.Errorf("%w (port %d): %w", errPortTaken, s.Port(), err)
		}
		return fmt.Errorf("%w\nserver log %s:\n%s", err, logPath, logTail)
	}
	s.proc = p
	s.readyConn = conn

	s.cfg.logger.Info("PostgreSQL ready", "addr", s.Addr(), "data_dir", s.dataDir, "pid", cmd.Process.Pid)
	return nil
}

// waitReady connects with the superuser until the server answers, the
// process exits, or ctx ends. The connection that answered is returned
// open, for the caller's first statements (a new connection costs a
// backend process and an authentication); it is nil when the server
// answered with an error that shows it is up.
func (s *Server) waitReady(ctx context.Context, p *process) (*pgx.Conn, error) {
	url := s.URL(s.cfg.superuser, s.cfg.password, "postgres")
	for {
		conn, err := ping(ctx, url)
		if err == nil {
			return conn, nil
		}
		if pgErr := (*pgconn.PgError)(nil); errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "28") {
			return nil, fmt.Errorf("wait for server: superuser %s cannot log in (the data dir may belong to a cluster with other credentials): %w", s.cfg.superuser, err)
		}
		select {
		case <-p.done:
			return nil, fmt.Errorf("wait for server: postgres exited: %w", p.err)
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for server: %w (last attempt: %v)", ctx.Err(), err) //nolint:errorlint // the cause is the context's end; the last attempt is for the reader
		case <-time.After(retryInterval):
		}
	}
}

// ping connects once and returns the connection open when it answered a
// ping. A server that answers with an error other than "starting up" or
// "too many connections" is up (a nil connection and a nil error), so
// only those and connection failures count as not ready.
func ping(ctx context.Context, url string) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, url)
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code != "57P03" && pgErr.Code != "53300" && !strings.HasPrefix(pgErr.Code, "28") {
			return nil, nil
		}
		return nil, err
	}
	if err := conn.Ping(cctx); err != nil {
		_ = conn.Close(context.Background())
		return nil, err
	}
	return conn, nil
}

// superuserConn is the connection waitReady left open, or else a new one,
// to database postgres as the superuser; the caller closes it.
func (s *Server) superuserConn(ctx context.Context) (*pgx.Conn, error) {
	if c := s.readyConn; c != nil {
		s.readyConn = nil
		return c, nil
	}
	return pgx.Connect(ctx, s.URL(s.cfg.superuser, s.cfg.password, "postgres"))
}

// closeReadyConn closes the connection waitReady left open when nothing
// took it.
func (s *Server) closeReadyConn() {
	if c := s.readyConn; c != nil {
		s.readyConn = nil
		_ = c.Close(context.Background())
	}
}

// stopLocked stops the running process, if any. s.mu must be held.
func (s *Server) stopLocked(ctx context.Context) error {
	s.closeReadyConn()
	if s.proc == nil {
		return nil
	}
	p := s.proc
	s.proc = nil
	if killed := p.stop(ctx); killed {
		return fmt.Errorf("stop postgres: %w; server killed", ctx.Err())
	}
	s.cfg.logger.Info("PostgreSQL stopped", "addr", s.Addr())
	return nil
}

// stop asks postgres for a fast shutdown (SIGINT) and waits for it to
// exit. If ctx ends first it escalates to an immediate shutdown (SIGQUIT)
// and then SIGKILL of the whole process group. It reports whether it had
// to escalate. The process has exited when stop returns.
func (p *process) stop(ctx context.Context) (escalated bool) {
	pid := p.cmd.Process.Pid
	_ = syscall.Kill(pid, syscall.SIGINT)
	select {
	case <-p.done:
		return false
	case <-ctx.Done():
	}
	_ = syscall.Kill(pid, syscall.SIGQUIT)
	select {
	case <-p.done:
	case <-time.After(killGrace):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-p.done
	}
	return true
}

// readTail returns the end of the log file written since offset.
func readTail(path string, offset int64) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read server log: %v)", err)
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	return tail(string(b[offset:]), logTailBytes)
}
