package formats

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

// Registry is the server's view of the Schema Registry
// (ksql.schema.Registry.url) through the shared srclient: nil client when
// no URL is configured. An invalid URL is refused when the server starts.
type Registry struct {
	URL    string
	Client *srclient.Client

	mu           sync.Mutex
	jsonSchemas  map[int]*connectNode        // JSON_SR writer schemas by id
	protoSchemas map[int]*protoschema.Schema // PROTOBUF writer schemas by id
	// Avro writer codecs that read maps as arrays of entries, by id; nil
	// for a schema without maps or that goavro takes no other way
	avroOrdered sync.Map // int -> *goavro.Codec
}

func NewRegistry(url string, hc *http.Client) (*Registry, error) {
	r := &Registry{URL: url}
	if url == "" {
		return r, nil
	}
	c, err := srclient.New(url, hc)
	if err != nil {
		return nil, err
	}
	r.Client = c
	return r, nil
}

func (r *Registry) Configured() bool { return r != nil && r.Client != nil }

var ErrNoRegistry = errors.New("schema registry url is not configured")

// Codec returns the writer Codec for schema id, fetching it once.
func (r *Registry) Codec(ctx context.Context, id int) (*goavro.Codec, error) {
	if !r.Configured() {
		return nil, ErrNoRegistry
	}
	return r.Client.Codec(ctx, id)
}

// readCodec is the codec that reads Avro records written under schema id
// whose writer codec is codec: one keeping each map's entries in the
// order they were written (avroOrderedCodec) when the schema has maps.
func (r *Registry) readCodec(id int, codec *goavro.Codec) *goavro.Codec {
	x, seen := r.avroOrdered.Load(id)
	if !seen {
		x, _ = r.avroOrdered.LoadOrStore(id, avroOrderedCodec(codec.Schema()))
	}
	if ordered := x.(*goavro.Codec); ordered != nil {
		return ordered
	}
	return codec
}

// Register registers an Avro schema under subject and returns its id.
func (r *Registry) Register(ctx context.Context, subject, schema string) (int, error) {
	if !r.Configured() {
		return 0, ErrNoRegistry
	}
	return r.Client.Register(ctx, subject, schema)
}

// DeleteSubject soft-deletes a subject.
func (r *Registry) DeleteSubject(ctx context.Context, subject string) error {
	if !r.Configured() {
		return ErrNoRegistry
	}
	return r.Client.DeleteSubject(ctx, subject)
}

// Subjects lists the registry's subjects.
func (r *Registry) Subjects(ctx context.Context) ([]string, error) {
	if !r.Configured() {
		return nil, ErrNoRegistry
	}
	return r.Client.SR().Subjects(ctx)
}

// RegisterAs registers a schema of the given type under subject and
// returns its id.
func (r *Registry) RegisterAs(ctx context.Context, subject, schema string, typ sr.SchemaType) (int, error) {
	if !r.Configured() {
		return 0, ErrNoRegistry
	}
	return r.Client.RegisterAs(ctx, subject, schema, typ)
}

// RegisterSchema registers s, references included, under subject.
func (r *Registry) RegisterSchema(ctx context.Context, subject string, s sr.Schema) (int, error) {
	if !r.Configured() {
		return 0, ErrNoRegistry
	}
	return r.Client.RegisterSchema(ctx, subject, s)
}

// jsonSchema returns the Connect schema of the JSON schema with the given
// id, fetched and mapped once.
func (r *Registry) jsonSchema(ctx context.Context, id int) (*connectNode, error) {
	if !r.Configured() {
		return nil, ErrNoRegistry
	}
	r.mu.Lock()
	n, ok := r.jsonSchemas[id]
	r.mu.Unlock()
	if ok {
		return n, nil
	}
	s, err := r.Client.SR().SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, err)
	}
	if s.Type != sr.TypeJSON {
		return nil, fmt.Errorf("schema %d is a %s schema, not a JSON schema", id, s.Type)
	}
	n, err = ParseJSONSRSchema(s.Schema)
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

// LatestTyped returns the latest schema registered under subject with its
// type and id.
func (r *Registry) LatestTyped(ctx context.Context, subject string) (text string, typ sr.SchemaType, id int, err error) {
	if !r.Configured() {
		return "", 0, 0, ErrNoRegistry
	}
	s, err := r.Client.Latest(ctx, subject)
	return s.Schema.Schema, s.Schema.Type, s.ID, err
}
