package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/linkedin/goavro/v2"
)

// registry is a minimal Schema Registry client: fetch schemas by id, register value schemas.
type registry struct {
	url    string
	client *http.Client

	mu     sync.Mutex
	codecs map[int]*goavro.Codec
}

func newRegistry(url string, client *http.Client) *registry {
	if client == nil {
		client = http.DefaultClient
	}
	return &registry{url: strings.TrimRight(url, "/"), client: client, codecs: map[int]*goavro.Codec{}}
}

func (r *registry) configured() bool { return r != nil && r.url != "" }

// codec returns the writer codec for schema id, fetching it once.
func (r *registry) codec(ctx context.Context, id int) (*goavro.Codec, error) {
	r.mu.Lock()
	c := r.codecs[id]
	r.mu.Unlock()
	if c != nil {
		return c, nil
	}
	var body struct {
		Schema     string `json:"schema"`
		SchemaType string `json:"schemaType"`
	}
	if err := r.do(ctx, http.MethodGet, fmt.Sprintf("/schemas/ids/%d", id), nil, &body); err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, err)
	}
	if body.SchemaType != "" && body.SchemaType != "AVRO" {
		return nil, fmt.Errorf("fetch schema %d: schema type %s is not AVRO", id, body.SchemaType)
	}
	c, err := goavro.NewCodec(body.Schema)
	if err != nil {
		return nil, fmt.Errorf("parse schema %d: %w", id, err)
	}
	r.mu.Lock()
	r.codecs[id] = c
	r.mu.Unlock()
	return c, nil
}

// register registers an Avro schema under subject and returns its id.
func (r *registry) register(ctx context.Context, subject, schema string) (int, error) {
	req, _ := json.Marshal(map[string]string{"schema": schema})
	var body struct {
		ID int `json:"id"`
	}
	if err := r.do(ctx, http.MethodPost, "/subjects/"+subject+"/versions", req, &body); err != nil {
		return 0, fmt.Errorf("register schema %s: %w", subject, err)
	}
	return body.ID, nil
}

// latest returns the latest schema registered under subject, or "" if none.
func (r *registry) latest(ctx context.Context, subject string) (string, error) {
	var body struct {
		Schema string `json:"schema"`
	}
	err := r.do(ctx, http.MethodGet, "/subjects/"+subject+"/versions/latest", nil, &body)
	if err != nil {
		return "", fmt.Errorf("get latest schema %s: %w", subject, err)
	}
	return body.Schema, nil
}

type registryError struct {
	Status  int
	Code    int    `json:"error_code"`
	Message string `json:"message"`
}

func (e *registryError) Error() string {
	return fmt.Sprintf("schema registry: %d %s (HTTP %d)", e.Code, e.Message, e.Status)
}

func (r *registry) do(ctx context.Context, method, path string, body []byte, out any) error {
	if !r.configured() {
		return fmt.Errorf("schema registry url is not configured")
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.url+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.schemaregistry.v1+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/vnd.schemaregistry.v1+json")
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		re := &registryError{Status: resp.StatusCode}
		_ = json.Unmarshal(data, re)
		return re
	}
	return json.Unmarshal(data, out)
}
