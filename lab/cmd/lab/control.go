package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
)

// faults are the actions "lab fault" asks a running embedded lab to take,
// in the order the usage lists them. Each is a POST to the lab's control
// listener, which answers once the action is done.
var faults = []struct {
	name, path, done string
}{
	{"postgres-stop", "/faults/postgres/stop", "PostgreSQL stopped"},
	{"postgres-start", "/faults/postgres/start", "PostgreSQL started"},
	{"ksqldb-restart", "/faults/ksqldb/restart", "ksqlDB restarted"},
	{"kafka-stop", "/faults/kafka/stop", "Kafka stopped"},
	{"kafka-start", "/faults/kafka/start", "Kafka started"},
}

func faultNames() string {
	names := make([]string, len(faults))
	for i, f := range faults {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// control serves the fault actions of a running embedded stack on a
// loopback listener whose URL serve records in the state file.
type control struct {
	s   *embedded.Stack
	log *slog.Logger
	mu  sync.Mutex // one action at a time
	srv *http.Server
	ln  net.Listener
}

func startControl(s *embedded.Stack, log *slog.Logger) (*control, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("control listener: %w", err)
	}
	c := &control{s: s, log: log, ln: ln}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /faults/postgres/stop", c.action(func(ctx context.Context) error {
		pg := s.Postgres()
		if pg == nil {
			return errors.New("this lab runs without PostgreSQL")
		}
		return pg.Stop(ctx)
	}))
	mux.HandleFunc("POST /faults/postgres/start", c.action(func(ctx context.Context) error {
		pg := s.Postgres()
		if pg == nil {
			return errors.New("this lab runs without PostgreSQL")
		}
		return pg.Start(ctx)
	}))
	mux.HandleFunc("POST /faults/ksqldb/restart", c.action(s.RestartKSQLDB))
	mux.HandleFunc("POST /faults/kafka/stop", c.action(s.StopKafka))
	mux.HandleFunc("POST /faults/kafka/start", c.action(s.StartKafka))
	c.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := c.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("control listener stopped", "err", err)
		}
	}()
	return c, nil
}

func (c *control) url() string { return "http://" + c.ln.Addr().String() }

func (c *control) action(do func(context.Context) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		begin := time.Now()
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		if err := do(ctx); err != nil {
			c.log.Error("fault action failed", "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
			return
		}
		c.log.Info("fault action done", "path", r.URL.Path, "took", time.Since(begin).Round(time.Millisecond))
		_ = json.NewEncoder(w).Encode(map[string]any{"took_ms": time.Since(begin).Milliseconds()})
	}
}

// close stops the listener and waits for an action in progress.
func (c *control) close(ctx context.Context) error {
	return c.srv.Shutdown(ctx)
}

// fault asks the running embedded lab recorded in the data dir to take one
// of the fault actions, and returns when it is done.
func (l *labCtl) fault(ctx context.Context, name string) error {
	var path, done string
	for _, f := range faults {
		if f.name == name {
			path, done = f.path, f.done
		}
	}
	if path == "" {
		return usageError{fmt.Sprintf("unknown fault %q; want one of %s", name, faultNames())}
	}
	st, err := l.readState()
	if err != nil {
		return err
	}
	switch {
	case st != nil && st.Provider == "compose":
		return fmt.Errorf("the lab recorded in %s runs on docker compose; faults need the embedded stack (docker compose stop/start does the same to a container)", l.statePath())
	case st == nil || !alive(st.PID):
		return fmt.Errorf("no running embedded lab is recorded in %s; start one with: lab up (faults need the embedded stack)", l.statePath())
	case st.Control == "":
		return fmt.Errorf("the lab (pid %d) was started by a lab command without fault actions; restart it with: lab down && lab up", st.PID)
	}
	begin := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, st.Control+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("ask the lab (pid %d) to %s: %w", st.PID, name, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s: %s", name, e.Error)
		}
		return fmt.Errorf("%s: the lab answered %s: %s", name, resp.Status, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(l.out, "%s in %.2fs.\n", done, time.Since(begin).Seconds())
	return nil
}

// usageError is a command-line mistake: run prints it with the usage and
// exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }
