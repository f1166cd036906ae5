package stationsource

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/retry"

	"github.com/ctalab/ctalab/clientconf"
)

// Name is the connector's name, as in the original project.
const Name = "stations"

// Config configures the connector and the client that registers it.
type Config struct {
	// ConnectURL is the Kafka Connect worker's base URL.
	ConnectURL string
	// Connect is how to reach Kafka Connect: basic auth, CAs. The zero
	// value has no credentials.
	Connect clientconf.Service
	// JDBCURL is how Connect reaches PostgreSQL, e.g.
	// jdbc:postgresql://postgres:5432/cta. It differs from the host's address
	// when Connect runs in a container.
	JDBCURL string
	// User and Password log in to PostgreSQL. Default: cta_admin / chicago.
	User, Password string
	// PollInterval is how often the table is queried for new rows.
	// Default: 24h ("not very often": the table is loaded once).
	PollInterval time.Duration
	// ConnectionBackoff is the connector's connection.backoff.ms: how long
	// its task waits between its connection.attempts when PostgreSQL does
	// not answer, before it fails. Default: the connector's own (10 s).
	ConnectionBackoff time.Duration
	// Logger receives progress logs. Default: discard.
	Logger *slog.Logger
}

func (c *Config) setDefaults() {
	if c.User == "" {
		c.User = "cta_admin"
	}
	if c.Password == "" {
		c.Password = "chicago"
	}
	if c.PollInterval == 0 {
		c.PollInterval = 24 * time.Hour
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if u, err := url.Parse(c.ConnectURL); c.ConnectURL == "" || err != nil || u.Host == "" {
		return fmt.Errorf("connect URL %q: want http://host:port", c.ConnectURL)
	}
	if !strings.HasPrefix(c.JDBCURL, "jdbc:postgresql://") {
		return fmt.Errorf("JDBC URL %q: want jdbc:postgresql://host:port/cta", c.JDBCURL)
	}
	if c.PollInterval < 0 {
		return errors.New("poll interval must not be negative")
	}
	if c.ConnectionBackoff < 0 {
		return errors.New("connection backoff must not be negative")
	}
	return nil
}

// Definition returns the connector's configuration.
func Definition(c Config) map[string]string {
	c.setDefaults()
	def := map[string]string{
		"name":                           Name,
		"connector.class":                "io.confluent.connect.jdbc.JdbcSourceConnector",
		"tasks.max":                      "1",
		"key.converter":                  "org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable":   "false",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		"batch.max.rows":                 "500",
		"connection.url":                 c.JDBCURL,
		"connection.user":                c.User,
		"connection.password":            c.Password,
		"table.whitelist":                "stations",
		"mode":                           "incrementing",
		"incrementing.column.name":       "stop_id",
		"topic.prefix":                   "org.chicago.cta.",
		"poll.interval.ms":               fmt.Sprint(c.PollInterval.Milliseconds()),
	}
	if c.ConnectionBackoff > 0 {
		def["connection.backoff.ms"] = fmt.Sprint(c.ConnectionBackoff.Milliseconds())
	}
	return def
}

// ConnectError is an error answer of the Connect REST API.
type ConnectError struct {
	Status  int
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *ConnectError) Error() string {
	return fmt.Sprintf("kafka connect: %d %s", e.Status, e.Message)
}

// FailedError reports a connector or task in state FAILED, with the trace
// Connect gives.
type FailedError struct {
	What  string // "connector" or "task 0"
	Trace string
}

func (e *FailedError) Error() string {
	return fmt.Sprintf("connector %s: %s FAILED: %s", Name, e.What, firstLine(e.Trace))
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Status is the answer of GET /connectors/{name}/status.
type Status struct {
	Name      string `json:"name"`
	Connector struct {
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace,omitempty"`
	} `json:"connector"`
	Tasks []struct {
		ID       int    `json:"id"`
		State    string `json:"state"`
		WorkerID string `json:"worker_id"`
		Trace    string `json:"trace,omitempty"`
	} `json:"tasks"`
	Type string `json:"type"`
}

// Client registers the connector.
type Client struct {
	cfg  Config
	base string
	http *http.Client
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hc, err := cfg.Connect.HTTPClient(15 * time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.ConnectURL, "/"), http: hc}, nil
}

// Ensure creates the connector when it is missing and updates it when its
// configuration differs, then waits until the connector and its task run. A
// connector or task in state FAILED ends the wait with a *FailedError.
//
// While Connect is unreachable or answers with a transient status (5xx, or
// 409 while its group rebalances: "409 Conflict - rebalance is in
// process", https://kafka.apache.org/39/documentation.html#connect_rest), it
// starts again, with a backoff, until ctx ends. Any other 4xx (400: the
// configuration is invalid) ends it at once.
func (c *Client) Ensure(ctx context.Context) error {
	o := retry.NewOutage(c.cfg.Logger, "Kafka Connect", c.base)
	err := retry.Do(ctx, nil, o, 0, func(ctx context.Context) error {
		err := c.ensureOnce(ctx)
		var ce *ConnectError
		var fe *FailedError
		switch {
		case err == nil || ctx.Err() != nil:
			return err
		case errors.As(err, &fe):
			return retry.Permanent(err)
		case errors.As(err, &ce) && !retry.TransientStatus(ce.Status) && ce.Status != http.StatusConflict:
			return retry.Permanent(fmt.Errorf("%w (Connect refused the connector's configuration: check the JDBC URL and credentials)", err))
		}
		return err
	})
	return err
}

func (c *Client) ensureOnce(ctx context.Context) error {
	want := Definition(c.cfg)
	var have map[string]string
	err := c.do(ctx, http.MethodGet, "/connectors/"+Name+"/config", nil, &have)
	var ce *ConnectError
	switch {
	case errors.As(err, &ce) && ce.Status == http.StatusNotFound:
		c.cfg.Logger.Info("creating connector", "name", Name, "url", c.cfg.ConnectURL)
		if err := c.do(ctx, http.MethodPost, "/connectors", map[string]any{"name": Name, "config": want}, nil); err != nil {
			return fmt.Errorf("create connector %s: %w", Name, err)
		}
	case err != nil:
		return fmt.Errorf("read connector %s: %w", Name, err)
	case !maps.Equal(have, want):
		c.cfg.Logger.Info("updating connector", "name", Name)
		if err := c.do(ctx, http.MethodPut, "/connectors/"+Name+"/config", want, nil); err != nil {
			return fmt.Errorf("update connector %s: %w", Name, err)
		}
	default:
		c.cfg.Logger.Info("connector is up to date", "name", Name)
	}
	return c.WaitRunning(ctx)
}

// WaitRunning polls the connector's status until the connector and every
// task are RUNNING, a FAILED state appears, or ctx ends.
func (c *Client) WaitRunning(ctx context.Context) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := c.Status(ctx)
		var ce *ConnectError
		switch {
		case errors.As(err, &ce) && ce.Status == http.StatusNotFound:
			// "No status found" right after creation: keep waiting.
		case err != nil:
			return err
		default:
			if st.Connector.State == "FAILED" {
				return &FailedError{What: "connector", Trace: st.Connector.Trace}
			}
			running := st.Connector.State == "RUNNING" && len(st.Tasks) > 0
			for _, t := range st.Tasks {
				if t.State == "FAILED" {
					return &FailedError{What: fmt.Sprintf("task %d", t.ID), Trace: t.Trace}
				}
				running = running && t.State == "RUNNING"
			}
			if running {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for connector %s to run: %w", Name, ctx.Err())
		case <-tick.C:
		}
	}
}

// Status returns the connector's status.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var st Status
	err := c.do(ctx, http.MethodGet, "/connectors/"+Name+"/status", nil, &st)
	return st, err
}

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%w (is Kafka Connect running at %s?)", err, c.base)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		ce := &ConnectError{Status: resp.StatusCode}
		if json.Unmarshal(b, ce) != nil || ce.Message == "" {
			ce.Message = strings.TrimSpace(string(b))
		}
		return ce
	}
	if out == nil || len(b) == 0 {
		return nil
	}
	return json.Unmarshal(b, out)
}
