package ksqldb

import (
	"context"
	"errors"
	"net/http"

	"github.com/linkedin/goavro/v2"

	"github.com/ctalab/ctalab/srclient"
)

// registry is the server's view of the Schema Registry
// (ksql.schema.registry.url) through the shared srclient: nil client when
// no URL is configured. An invalid URL is refused when the server starts.
type registry struct {
	url    string
	client *srclient.Client
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

// latest returns the latest schema text registered under subject.
func (r *registry) latest(ctx context.Context, subject string) (string, error) {
	if !r.configured() {
		return "", errNoRegistry
	}
	s, err := r.client.Latest(ctx, subject)
	return s.Schema.Schema, err
}

// deleteSubject soft-deletes a subject.
func (r *registry) deleteSubject(ctx context.Context, subject string) error {
	if !r.configured() {
		return errNoRegistry
	}
	return r.client.DeleteSubject(ctx, subject)
}
