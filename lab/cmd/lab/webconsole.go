package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/console/web"
	"github.com/ctalab/ctalab/lab/stack"
)

// ConsolePort is the web console's standard port, Control Center's.
const ConsolePort = 9021

// faultLabels are the console's button labels for the fault actions.
var faultLabels = map[string]string{
	"postgres-stop":  "Stop PostgreSQL",
	"postgres-start": "Start PostgreSQL",
	"ksqldb-restart": "Restart ksqlDB",
	"kafka-stop":     "Stop Kafka",
	"kafka-start":    "Start Kafka",
}

func consoleFaults() []web.Fault {
	out := make([]web.Fault, 0, len(faults))
	for _, f := range faults {
		out = append(out, web.Fault{Name: f.name, Label: faultLabels[f.name], Path: f.path})
	}
	return out
}

// consoleListen is where the console listens: --listen, else loopback on
// the standard port plus the offset.
func (l *labCtl) consoleListen() string {
	if l.listen != "" {
		return l.listen
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(ConsolePort+l.portOffset))
}

// dashboardURL is the CTA dashboard the console reads /metrics from:
// --dashboard, else CTALAB_DASHBOARD, else the app's standard port.
func (l *labCtl) dashboardURL() string {
	if l.dashboard != "" {
		return l.dashboard
	}
	if v := os.Getenv("CTALAB_DASHBOARD"); v != "" {
		return v
	}
	return "http://localhost:8888"
}

// startConsole serves the web console for the stack at e until ctx ends;
// control, when set, is the lab's fault listener; creds, for a secured
// lab, is how its clients authenticate (the lab's client properties). It
// returns the console's URL once it listens, and a channel that yields
// Run's result.
func (l *labCtl) startConsole(ctx context.Context, e stack.Endpoints, control string, creds *clientconf.Config, log *slog.Logger) (string, <-chan error, error) {
	opts := []web.Option{web.WithLogger(log)}
	if control != "" {
		opts = append(opts, web.WithFaults(control, consoleFaults()))
	}
	if creds != nil {
		opts = append(opts, web.WithClientConfig(*creds))
	}
	srv, err := web.New(web.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, Connect: e.Connect, KSQLDB: e.KSQLDB, Dashboard: l.dashboardURL()}, opts...)
	if err != nil {
		return "", nil, fmt.Errorf("console: %w", err)
	}
	ln, err := net.Listen("tcp", l.consoleListen())
	if err != nil {
		srv.Close()
		return "", nil, fmt.Errorf("console: %w (--listen picks another address)", err)
	}
	done := make(chan error, 1)
	go func() {
		defer srv.Close()
		done <- srv.Run(ctx, ln)
	}()
	return "http://" + ln.Addr().String(), done, nil
}

// console runs "lab console" in the foreground: against the lab recorded
// in the data dir when one runs there (with its fault actions when it is
// an embedded lab), else against the standard endpoints or the CTALAB_*
// variables.
func (l *labCtl) console(ctx context.Context) error {
	log := slog.New(slog.NewTextHandler(l.errOut, &slog.HandlerOptions{Level: slog.LevelInfo}))
	e := l.standardEndpoints()
	for _, v := range []struct {
		dst *string
		env string
	}{{&e.SchemaRegistry, "CTALAB_SCHEMA_REGISTRY"}, {&e.Connect, "CTALAB_CONNECT"}, {&e.KSQLDB, "CTALAB_KSQLDB"}} {
		if s := os.Getenv(v.env); s != "" {
			*v.dst = s
		}
	}
	if s := os.Getenv("CTALAB_BROKERS"); s != "" {
		e.Brokers = strings.Split(s, ",")
	}
	control := ""
	var creds *clientconf.Config
	st, err := l.readState()
	var bad *badStateError
	switch {
	case errors.As(err, &bad):
		return err
	case err != nil:
		return err
	case st != nil && (st.Provider == "compose" || alive(st.PID)):
		if st.ClientProperties != "" {
			// A secured lab: the console reaches it as every client does,
			// through the client properties the lab wrote.
			var v clientconf.Values
			if err := v.LoadFile(st.ClientProperties); err != nil {
				return fmt.Errorf("the lab in %s is secured: %w", l.dir, err)
			}
			c, err := v.Resolve()
			if err != nil {
				return fmt.Errorf("the lab in %s is secured: client properties %s: %w", l.dir, st.ClientProperties, err)
			}
			creds = &c
		}
		e = st.Endpoints
		control = st.Control
	}
	if len(l.brokers) > 0 {
		e.Brokers = l.brokers
	}
	if creds != nil && len(l.brokers) > 0 {
		creds.Kafka.Brokers = l.brokers
	}
	url, done, err := l.startConsole(ctx, e, control, creds, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(l.out, "The lab console is at %s (Ctrl-C stops it).\n", url)
	return <-done
}
