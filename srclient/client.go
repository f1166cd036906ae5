package srclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

// ErrNotAvro is wrapped by Codec's error for a schema of another type.
var ErrNotAvro = errors.New("not an Avro schema")

// ErrUnparsable is wrapped by Codec's error for a registered schema that
// goavro cannot parse.
var ErrUnparsable = errors.New("unparsable Avro schema")

// Error is the registry's answer to a request it refused: StatusCode,
// ErrorCode and Message as the registry sent them.
type Error = sr.ResponseError

// IsNotFound reports whether err is the registry's "not found" for a
// schema, subject or version (HTTP 404).
func IsNotFound(err error) bool {
	var re *Error
	return errors.As(err, &re) && re.StatusCode == http.StatusNotFound
}

// Client is a Schema Registry client that caches what it learns: the ids
// of the schemas it registered and the codecs of schemas fetched by id. It
// is safe for concurrent use.
type Client struct {
	base string
	sr   *sr.Client

	mu     sync.Mutex
	ids    map[string]int        // subject + "\x00" + schema text -> id
	codecs map[int]*goavro.Codec // id -> codec of the writer's schema
	wait   map[int]chan struct{} // fetches in flight
}

// New returns a client for the registry at baseURL, e.g.
// http://localhost:8081. hc may be nil for a client with a 10 s timeout.
func New(baseURL string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("schema registry url %q: want http://host:port", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	base := strings.TrimRight(baseURL, "/")
	cl, err := sr.NewClient(sr.URLs(base), sr.HTTPClient(hc), sr.UserAgent("ctalab"))
	if err != nil {
		return nil, fmt.Errorf("schema registry url %q: %w", baseURL, err)
	}
	return &Client{
		base: base, sr: cl,
		ids: map[string]int{}, codecs: map[int]*goavro.Codec{}, wait: map[int]chan struct{}{},
	}, nil
}

// URL returns the registry's base URL.
func (c *Client) URL() string { return c.base }

// SR returns the underlying franz-go client, for the calls this package
// does not wrap.
func (c *Client) SR() *sr.Client { return c.sr }

// Register registers an Avro schema text under subject (idempotent on the
// registry's side) and returns its id; the id is cached, and so is the
// schema's codec.
func (c *Client) Register(ctx context.Context, subject, text string) (int, error) {
	return c.RegisterAs(ctx, subject, text, sr.TypeAvro)
}

// RegisterSchema registers s under subject, its references included (a
// schema without references goes through RegisterAs and its cache).
func (c *Client) RegisterSchema(ctx context.Context, subject string, s sr.Schema) (int, error) {
	if len(s.References) == 0 {
		return c.RegisterAs(ctx, subject, s.Schema, s.Type)
	}
	id, err := c.sr.RegisterSchema(ctx, subject, s, -1, -1)
	if err != nil {
		return 0, fmt.Errorf("register a schema under %s: %w", subject, describe(err))
	}
	return id, nil
}

// RegisterAs registers a schema text of the given type (AVRO, JSON or
// PROTOBUF) under subject and returns its id; the id is cached, and for
// Avro so is the schema's codec.
func (c *Client) RegisterAs(ctx context.Context, subject, text string, typ sr.SchemaType) (int, error) {
	key := subject + "\x00" + typ.String() + "\x00" + text
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	id, err := c.sr.RegisterSchema(ctx, subject, sr.Schema{Schema: text, Type: typ}, -1, -1)
	if err != nil {
		return 0, fmt.Errorf("register a schema under %s: %w", subject, describe(err))
	}
	c.mu.Lock()
	c.ids[key] = id
	_, known := c.codecs[id]
	c.mu.Unlock()
	if !known && typ == sr.TypeAvro {
		if codec, err := goavro.NewCodec(text); err == nil {
			c.mu.Lock()
			c.codecs[id] = codec
			c.mu.Unlock()
		}
	}
	return id, nil
}

// Lookup returns the id of an Avro schema text already registered under
// subject, without registering it; the id is cached.
func (c *Client) Lookup(ctx context.Context, subject, text string) (int, error) {
	return c.LookupAs(ctx, subject, text, sr.TypeAvro)
}

// LookupAs returns the id of a schema text of the given type already
// registered under subject, without registering it; the id is cached.
func (c *Client) LookupAs(ctx context.Context, subject, text string, typ sr.SchemaType) (int, error) {
	key := subject + "\x00" + typ.String() + "\x00" + text
	c.mu.Lock()
	id, ok := c.ids[key]
	c.mu.Unlock()
	if ok {
		return id, nil
	}
	ss, err := c.sr.LookupSchema(ctx, subject, sr.Schema{Schema: text, Type: typ})
	if err != nil {
		return 0, fmt.Errorf("look up a schema under %s: %w", subject, describe(err))
	}
	c.mu.Lock()
	c.ids[key] = ss.ID
	c.mu.Unlock()
	return ss.ID, nil
}

// Codec returns the codec of the Avro schema with the given id, fetching
// it once however many callers ask at the same time.
func (c *Client) Codec(ctx context.Context, id int) (*goavro.Codec, error) {
	for {
		c.mu.Lock()
		if codec, ok := c.codecs[id]; ok {
			c.mu.Unlock()
			return codec, nil
		}
		if ch, busy := c.wait[id]; busy {
			c.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		ch := make(chan struct{})
		c.wait[id] = ch
		c.mu.Unlock()
		codec, err := c.fetch(ctx, id)
		c.mu.Lock()
		delete(c.wait, id)
		if err == nil {
			c.codecs[id] = codec
		}
		c.mu.Unlock()
		close(ch)
		return codec, err
	}
}

func (c *Client) fetch(ctx context.Context, id int) (*goavro.Codec, error) {
	s, err := c.sr.SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, describe(err))
	}
	if s.Type != sr.TypeAvro {
		return nil, fmt.Errorf("fetch schema %d: type %s: %w", id, s.Type, ErrNotAvro)
	}
	codec, err := goavro.NewCodec(s.Schema)
	if err != nil {
		return nil, fmt.Errorf("parse schema %d: %w: %w", id, ErrUnparsable, err)
	}
	return codec, nil
}

// Latest returns the latest schema registered under subject.
func (c *Client) Latest(ctx context.Context, subject string) (sr.SubjectSchema, error) {
	s, err := c.sr.SchemaByVersion(ctx, subject, -1)
	if err != nil {
		return sr.SubjectSchema{}, fmt.Errorf("latest schema of %s: %w", subject, describe(err))
	}
	return s, nil
}

// DeleteSubject soft-deletes every version of subject.
func (c *Client) DeleteSubject(ctx context.Context, subject string) error {
	if _, err := c.sr.DeleteSubject(ctx, subject, sr.SoftDelete); err != nil {
		return fmt.Errorf("delete subject %s: %w", subject, describe(err))
	}
	return nil
}

// described is a registry refusal with its status and code in the text;
// it unwraps to the *Error.
type described struct{ re *Error }

func (d described) Error() string {
	msg := d.re.Message
	if msg == "" {
		msg = strings.TrimSpace(string(d.re.Raw))
	}
	return fmt.Sprintf("schema registry: %d %s (error %d)", d.re.StatusCode, msg, d.re.ErrorCode)
}

func (d described) Unwrap() error { return d.re }

func describe(err error) error {
	var re *Error
	if errors.As(err, &re) {
		return described{re}
	}
	return err
}
