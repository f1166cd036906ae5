package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/linkedin/goavro/v2"
)

// RegistryError is an error answer of the Schema Registry.
type RegistryError struct {
	Status  int    // HTTP status
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *RegistryError) Error() string {
	return fmt.Sprintf("schema registry: %d %s (error %d)", e.Status, e.Message, e.Code)
}

// Registry is a Schema Registry client that caches what it learns: ids of
// the schemas it registered and schemas it fetched by id. It is safe for
// concurrent use.
type Registry struct {
	base string
	http *http.Client

	mu     sync.Mutex
	ids    map[string]int        // subject + "\x00" + schema text -> id
	codecs map[int]*goavro.Codec // id -> codec of the writer's schema
	wait   map[int]chan struct{} // fetches in flight
}

// NewRegistry returns a client for the registry at baseURL, e.g.
// http://localhost:8081. hc may be nil for a client with a 10 s timeout.
func NewRegistry(baseURL string, hc *http.Client) (*Registry, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("schema registry url %q: want http://host:port", baseURL)
	}
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	return &Registry{
		base: strings.TrimRight(baseURL, "/"), http: hc,
		ids: map[string]int{}, codecs: map[int]*goavro.Codec{}, wait: map[int]chan struct{}{},
	}, nil
}

// URL returns the registry's base URL.
func (r *Registry) URL() string { return r.base }

// Register registers an Avro schema under subject (idempotent on the
// registry's side) and returns its id.
func (r *Registry) Register(ctx context.Context, subject string, s *Schema) (int, error) {
	key := subject + "\x00" + s.Text
	r.mu.Lock()
	id, ok := r.ids[key]
	r.mu.Unlock()
	if ok {
		return id, nil
	}
	body, _ := json.Marshal(map[string]string{"schema": s.Text})
	var resp struct {
		ID int `json:"id"`
	}
	if err := r.do(ctx, http.MethodPost, "/subjects/"+url.PathEscape(subject)+"/versions", body, &resp); err != nil {
		return 0, fmt.Errorf("register %s under %s: %w", s.Name, subject, err)
	}
	r.mu.Lock()
	r.ids[key] = resp.ID
	r.codecs[resp.ID] = s.codec
	r.mu.Unlock()
	return resp.ID, nil
}

// Codec returns the codec of the schema with the given id, fetching it once.
func (r *Registry) Codec(ctx context.Context, id int) (*goavro.Codec, error) {
	for {
		r.mu.Lock()
		if c, ok := r.codecs[id]; ok {
			r.mu.Unlock()
			return c, nil
		}
		if ch, busy := r.wait[id]; busy {
			r.mu.Unlock()
			select {
			case <-ch:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		ch := make(chan struct{})
		r.wait[id] = ch
		r.mu.Unlock()
		c, err := r.fetch(ctx, id)
		r.mu.Lock()
		delete(r.wait, id)
		if err == nil {
			r.codecs[id] = c
		}
		r.mu.Unlock()
		close(ch)
		return c, err
	}
}

func (r *Registry) fetch(ctx context.Context, id int) (*goavro.Codec, error) {
	var resp struct {
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := r.do(ctx, http.MethodGet, fmt.Sprintf("/schemas/ids/%d", id), nil, &resp); err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, err)
	}
	if resp.SchemaType != "" && resp.SchemaType != "AVRO" {
		return nil, fmt.Errorf("fetch schema %d: type %s, want AVRO", id, resp.SchemaType)
	}
	c, err := goavro.NewCodec(resp.Schema)
	if err != nil {
		return nil, fmt.Errorf("parse schema %d: %w", id, err)
	}
	return c, nil
}

func (r *Registry) do(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := r.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		re := &RegistryError{Status: resp.StatusCode}
		if json.Unmarshal(b, re) != nil || re.Message == "" {
			re.Message = strings.TrimSpace(string(b))
		}
		return re
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	return nil
}

// IsNotFound reports whether err is the registry's "not found" for a schema,
// subject or version (HTTP 404).
func IsNotFound(err error) bool {
	var re *RegistryError
	return errors.As(err, &re) && re.Status == http.StatusNotFound
}
