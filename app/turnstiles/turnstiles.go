package turnstiles

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/retry"
	"github.com/ctalab/ctalab/app/topic"

	"github.com/ctalab/ctalab/clientconf"
)

// Names of the ksqlDB objects.
const (
	Stream = "TURNSTILE"
	Table  = "TURNSTILE_SUMMARY"
)

// CreateStream declares the stream over the turnstile topic.
const CreateStream = `CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR)
  WITH (KAFKA_TOPIC='` + topic.Turnstile + `', VALUE_FORMAT='AVRO');`

// CreateTable counts entries per station.
const CreateTable = `CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='` + topic.TurnstileSummary + `', VALUE_FORMAT='JSON') AS
  SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;`

// Config configures a Client.
type Config struct {
	// KSQLDBURL is the ksqlDB server's base URL, e.g. http://localhost:8088.
	KSQLDBURL string
	// KSQLDB is how to reach ksqlDB: basic auth, CAs. The zero value has
	// no credentials.
	KSQLDB clientconf.Service
	// Logger receives progress logs. Default: discard.
	Logger *slog.Logger
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if u, err := url.Parse(c.KSQLDBURL); c.KSQLDBURL == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("ksqlDB URL %q: want http://host:port", c.KSQLDBURL)
	}
	return nil
}

// Error is an error answer of ksqlDB, e.g. a statement_error.
type Error struct {
	Status        int
	Type          string `json:"@type"`
	Code          int    `json:"error_code"`
	Message       string `json:"message"`
	StatementText string `json:"statementText"`
}

func (e *Error) Error() string {
	if e.StatementText != "" {
		return fmt.Sprintf("ksqlDB refused %q: %s (error %d)", strings.TrimSpace(e.StatementText), e.Message, e.Code)
	}
	return fmt.Sprintf("ksqlDB: %s (error %d)", e.Message, e.Code)
}

// Client submits the statements.
type Client struct {
	cfg  Config
	base string
	http *http.Client
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) (*Client, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	hc, err := cfg.KSQLDB.HTTPClient(60 * time.Second)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.KSQLDBURL, "/"), http: hc}, nil
}

// Ensure creates the stream and the table unless they exist. New queries
// read their source from the earliest offset.
//
// While ksqlDB is unreachable or answers with a transient status (5xx, e.g.
// 503 while the server is not ready; 408; 429) it starts again from the
// listing, with a backoff, until ctx ends, so a statement applied before an
// outage is not submitted twice. A statement error (400) ends it at once with
// ksqlDB's message.
func (c *Client) Ensure(ctx context.Context) error {
	o := retry.NewOutage(c.cfg.Logger, "ksqlDB", c.base)
	return retry.Do(ctx, nil, o, 0, func(ctx context.Context) error {
		err := c.ensureOnce(ctx)
		var e *Error
		var transient *transientError
		switch {
		case err == nil || ctx.Err() != nil:
			return err
		case errors.As(err, &e):
			if retry.TransientStatus(e.Status) {
				return err
			}
			return retry.Permanent(err)
		case errors.As(err, &transient):
			return err
		}
		return retry.Permanent(err)
	})
}

// transientError is a failure to reach ksqlDB or to read its answer.
type transientError struct{ err error }

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

func (c *Client) ensureOnce(ctx context.Context) error {
	ents, err := c.Execute(ctx, "SHOW STREAMS; SHOW TABLES;", nil)
	if err != nil {
		return fmt.Errorf("list ksqlDB sources: %w", err)
	}
	have := map[string]bool{}
	for _, e := range ents {
		for _, s := range append(e.Streams, e.Tables...) {
			have[strings.ToUpper(s.Name)] = true
		}
	}
	var stmts []string
	if !have[Stream] {
		stmts = append(stmts, CreateStream)
	}
	if !have[Table] {
		stmts = append(stmts, CreateTable)
	}
	if len(stmts) == 0 {
		c.cfg.Logger.Info("ksqlDB statements already applied", "table", Table)
		return nil
	}
	c.cfg.Logger.Info("submitting ksqlDB statements", "count", len(stmts), "url", c.base)
	_, err = c.Execute(ctx, strings.Join(stmts, "\n"), map[string]string{"ksql.streams.auto.offset.reset": "earliest"})
	return err
}

// Source is a stream or table in a SHOW answer.
type Source struct {
	Name        string `json:"name"`
	Topic       string `json:"topic"`
	KeyFormat   string `json:"keyFormat"`
	ValueFormat string `json:"valueFormat"`
}

// Entity is one entry of a /ksql answer; only the fields this package reads.
type Entity struct {
	Type          string   `json:"@type"`
	StatementText string   `json:"statementText"`
	Streams       []Source `json:"streams"`
	Tables        []Source `json:"tables"`
	CommandStatus *struct {
		Status  string `json:"status"`
		Message string `json:"message"`
		QueryID string `json:"queryId"`
	} `json:"commandStatus"`
}

// Execute posts statements to /ksql and returns the answer's entities.
func (c *Client) Execute(ctx context.Context, ksql string, props map[string]string) ([]Entity, error) {
	body, _ := json.Marshal(map[string]any{"ksql": ksql, "streamsProperties": orEmpty(props)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/ksql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	req.Header.Set("Accept", "application/vnd.ksql.v1+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &transientError{fmt.Errorf("%w (is ksqlDB running at %s?)", err, c.base)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, &transientError{err}
	}
	if resp.StatusCode != http.StatusOK {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(b, e) != nil || e.Message == "" {
			e.Message = strings.TrimSpace(string(b))
		}
		return nil, e
	}
	var ents []Entity
	if err := json.Unmarshal(b, &ents); err != nil {
		return nil, fmt.Errorf("decode ksqlDB answer: %w", err)
	}
	for _, e := range ents {
		if e.CommandStatus != nil && e.CommandStatus.Status == "ERROR" {
			return ents, errors.New("ksqlDB: " + e.CommandStatus.Message)
		}
	}
	return ents, nil
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
