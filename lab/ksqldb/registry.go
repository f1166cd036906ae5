package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
	"github.com/ctalab/ctalab/srclient"
)

// registry is the server's view of the Schema Registry
// (ksql.schema.registry.url) through the shared srclient: nil client when
// no URL is configured. An invalid URL is refused when the server starts.
type registry struct {
	url    string
	client *srclient.Client

	mu           sync.Mutex
	jsonSchemas  map[int]*connectNode        // JSON_SR writer schemas by id
	protoSchemas map[int]*protoschema.Schema // PROTOBUF writer schemas by id
}

func newRegistry(url string, hc *http.Client) (*registry, error) {
	r := &registry{url: url}
	if url == "" {
		return r, nil
	}
	c, err := srclient.New(url, hc)
	if err != nil {
		return nil, err
	}
	r.client = c
	return r, nil
}

func (r *registry) configured() bool { return r != nil && r.client != nil }

var errNoRegistry = errors.New("schema registry url is not configured")

// codec returns the writer codec for schema id, fetching it once.
func (r *registry) codec(ctx context.Context, id int) (*goavro.Codec, error) {
	if !r.configured() {
		return nil, errNoRegistry
	}
	return r.client.Codec(ctx, id)
}

// register registers an Avro schema under subject and returns its id.
func (r *registry) register(ctx context.Context, subject, schema string) (int, error) {
	if !r.configured() {
		return 0, errNoRegistry
	}
	return r.client.Register(ctx, subject, schema)
}

// deleteSubject soft-deletes a subject.
func (r *registry) deleteSubject(ctx context.Context, subject string) error {
	if !r.configured() {
		return errNoRegistry
	}
	return r.client.DeleteSubject(ctx, subject)
}

// registerAs registers a schema of the given type under subject and
// returns its id.
func (r *registry) registerAs(ctx context.Context, subject, schema string, typ sr.SchemaType) (int, error) {
	if !r.configured() {
		return 0, errNoRegistry
	}
	return r.client.RegisterAs(ctx, subject, schema, typ)
}

// jsonSchema returns the Connect schema of the JSON schema with the given
// id, fetched and mapped once.
func (r *registry) jsonSchema(ctx context.Context, id int) (*connectNode, error) {
	if !r.configured() {
		return nil, errNoRegistry
	}
	r.mu.Lock()
	n, ok := r.jsonSchemas[id]
	r.mu.Unlock()
	if ok {
		return n, nil
	}
	s, err := r.client.SR().SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, err)
	}
	if s.Type != sr.TypeJSON {
		return nil, fmt.Errorf("schema %d is a %s schema, not a JSON schema", id, s.Type)
	}
	n, err = parseJSONSRSchema(s.Schema)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	r.mu.Lock()
	if r.jsonSchemas == nil {
		r.jsonSchemas = map[int]*connectNode{}
	}
	r.jsonSchemas[id] = n
	r.mu.Unlock()
	return n, nil
}

// latestTyped returns the latest schema registered under subject with its type.
func (r *registry) latestTyped(ctx context.Context, subject string) (string, sr.SchemaType, error) {
	if !r.configured() {
		return "", 0, errNoRegistry
	}
	s, err := r.client.Latest(ctx, subject)
	return s.Schema.Schema, s.Schema.Type, err
}
