package restproxy

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/linkedin/goavro/v2"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/registry/protoschema"
	"github.com/ctalab/ctalab/srclient"
)

// codeSchemaSerialization is what REST Proxy 7.x answers (HTTP 408) when a
// Schema Registry lookup or registration fails: kafka-rest turns those
// failures into a SerializationException, and its KafkaRestExceptionMapper
// maps every SerializationException to 408/40801.
const codeSchemaSerialization = 40801

// registeredSchema is a schema known to the registry under a subject.
type registeredSchema struct {
	id      int32
	version int           // under the subject, when known
	codec   *goavro.Codec // AVRO: built from the schema with field defaults removed

	typ        sr.SchemaType                  // JSON or PROTOBUF; zero for AVRO
	jsonSchema *jsonschema.Schema             // JSON
	proto      *protoschema.Schema            // PROTOBUF
	message    protoreflect.MessageDescriptor // PROTOBUF: the first message
}

// schemas resolves request schemas against the Schema Registry and caches
// the answers, as the REST Proxy's CachedSchemaRegistryClient does.
type schemas struct {
	reg    *srclient.Client
	client *sr.Client // reg's franz-go client

	mu    sync.Mutex
	byRaw map[string]*registeredSchema // subject + "\x00" + raw schema
	byID  map[string]*registeredSchema // subject + "\x00" + id
}

func newSchemas(registryURL string, hc *http.Client) (*schemas, error) {
	reg, err := srclient.New(registryURL, hc)
	if err != nil {
		return nil, fmt.Errorf("create registry client: %w", err)
	}
	return &schemas{
		reg:    reg,
		client: reg.SR(),
		byRaw:  make(map[string]*registeredSchema),
		byID:   make(map[string]*registeredSchema),
	}, nil
}

// resolve returns the registered schema for one side (key or value) of a
// request, or nil when the request names none. rawSchema and id are the
// request's *_schema and *_schema_id fields.
func (s *schemas) resolve(ctx context.Context, f embeddedFormat, topic string, isKey bool, rawSchema *string, id *int32) (*registeredSchema, *apiError) {
	if rawSchema == nil && id == nil {
		return nil, nil
	}
	subject := topic + "-value"
	if isKey {
		subject = topic + "-key"
	}
	if rawSchema != nil && id != nil {
		// kafka-rest's SchemaManagerImpl rejects a schema id together with
		// a raw schema through an argument check without a message.
		return nil, newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Unsupported argument: : null")
	}
	if id != nil {
		return s.byIDForSubject(ctx, subject, srType(f), *id)
	}
	if f != formatAvro {
		rs, _, e := s.typedRaw(ctx, subject, srType(f), *rawSchema)
		return rs, e
	}
	return s.fromRaw(ctx, subject, *rawSchema)
}

func (s *schemas) fromRaw(ctx context.Context, subject, raw string) (*registeredSchema, *apiError) {
	cacheKey := subject + "\x00" + raw
	s.mu.Lock()
	cached := s.byRaw[cacheKey]
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	codec, err := validationCodec(raw)
	if err != nil {
		return nil, badRequest("Error parsing schema with format = AVRO")
	}
	text := compactJSON(raw)
	schema := sr.Schema{Schema: text, Type: sr.TypeAvro}
	var id int
	if ss, err := s.client.LookupSchema(ctx, subject, schema); err == nil {
		id = ss.ID
	} else {
		id, err = s.client.RegisterSchema(ctx, subject, schema, -1, -1)
		if err != nil {
			return nil, registryFailure(err, "Error when registering schema. format = AVRO, subject = %s, schema = %s", subject, text)
		}
	}
	rs := &registeredSchema{id: int32(id), codec: codec}
	s.mu.Lock()
	s.byRaw[cacheKey] = rs
	s.mu.Unlock()
	return rs, nil
}

func (s *schemas) byIDForSubject(ctx context.Context, subject string, want sr.SchemaType, id int32) (*registeredSchema, *apiError) {
	cacheKey := fmt.Sprintf("%s\x00%d", subject, id)
	s.mu.Lock()
	cached := s.byID[cacheKey]
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	schema, err := s.client.SchemaByID(ctx, int(id))
	if err != nil {
		return nil, registryFailure(err, "Error when fetching schema by id. schemaId = %d", id)
	}
	if schema.Type != want {
		return nil, badRequest("Schema %d is a %s schema, not %s", id, schema.Type, formatName(want))
	}
	rs, e := s.build(ctx, schema, id)
	if e != nil {
		return nil, e
	}
	// The proxy then asks for the schema's version under the topic's
	// subject, which fails unless the schema is registered there.
	if _, err := s.client.LookupSchema(ctx, subject, schema); err != nil {
		return nil, registryFailure(err, "Error when fetching schema version. subject = %s, schema = %s", subject, compactJSON(schema.Schema))
	}
	s.mu.Lock()
	s.byID[cacheKey] = rs
	s.mu.Unlock()
	return rs, nil
}

func registryFailure(err error, format string, a ...any) *apiError {
	if re := (*sr.ResponseError)(nil); errors.As(err, &re) && re.ErrorCode == 40301 {
		return newAPIError(http.StatusForbidden, 40301, format, a...)
	}
	return newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, format, a...)
}

// encode converts one key or value from Avro JSON to the Confluent wire
// format: magic byte 0, the 4-byte big-endian schema id, the Avro binary.
func (rs *registeredSchema) encode(data json.RawMessage) ([]byte, *apiError) {
	if rs.typ == sr.TypeJSON || rs.typ == sr.TypeProtobuf {
		return rs.encodeTyped(data)
	}
	data, err := coerceAvroJSON(rs.codec.CanonicalSchema(), data)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	native, rest, err := rs.codec.NativeFromTextual(data)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, badRequest("unexpected data after the Avro JSON value")
	}
	buf := make([]byte, 5, 5+len(data))
	binary.BigEndian.PutUint32(buf[1:], uint32(rs.id))
	out, err := rs.codec.BinaryFromNative(buf, native)
	if err != nil {
		return nil, badRequest("%s", err.Error())
	}
	return out, nil
}

// validationCodec builds a codec for the schema with every field default
// removed. Avro's JsonDecoder, which the REST Proxy uses, requires every
// record field to be present in the JSON; goavro would fill in defaults.
// Defaults do not change the binary encoding, so the codec still writes the
// bytes the registered schema describes.
func validationCodec(raw string) (*goavro.Codec, error) {
	if _, err := goavro.NewCodec(raw); err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	var tree any
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.UseNumber()
	if err := dec.Decode(&tree); err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	stripped, err := jsonwire.Marshal(stripDefaults(tree))
	if err != nil {
		return nil, fmt.Errorf("strip defaults: %w", err)
	}
	codec, err := goavro.NewCodec(string(stripped))
	if err != nil {
		return nil, fmt.Errorf("parse schema: %w", err)
	}
	return codec, nil
}

// stripDefaults removes "default" from every record field in a schema tree.
func stripDefaults(node any) any {
	switch n := node.(type) {
	case []any:
		for i := range n {
			n[i] = stripDefaults(n[i])
		}
	case map[string]any:
		if n["type"] == "record" || n["type"] == "error" {
			if fields, ok := n["fields"].([]any); ok {
				for _, f := range fields {
					if fm, ok := f.(map[string]any); ok {
						delete(fm, "default")
					}
				}
			}
		}
		for k, v := range n {
			n[k] = stripDefaults(v)
		}
	}
	return node
}

func compactJSON(s string) string {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}
