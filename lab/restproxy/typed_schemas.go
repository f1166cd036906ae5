package restproxy

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// JSON Schema and Protobuf records, as kafka-rest 7.9's
// SchemaRecordSerializerImpl writes them with CP's KafkaJsonSchemaSerializer
// and KafkaProtobufSerializer (kafka-rest tag v7.9.9,
// controllers/SchemaRecordSerializerImpl.java, SchemaManagerImpl.java;
// https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#wire-format):
//
//   - JSONSCHEMA: the record is validated against the schema, then written
//     as magic byte 0, the 4-byte schema id and the JSON text.
//   - PROTOBUF: the record is read with protobuf's JSON mapping
//     (JsonFormat.parser) into the schema's first message, then written as
//     magic byte 0, the 4-byte id, the message-index array (a single 0 for
//     the first message) and the message's binary encoding.
//
// Consumers read them back: JSON as the stored JSON, Protobuf through the
// JSON mapping with default values included
// (ProtobufSchemaUtils.toJson: includingDefaultValueFields).

// formatName is the format's name in kafka-rest messages.
func formatName(t sr.SchemaType) string {
	switch t {
	case sr.TypeJSON:
		return "JSONSCHEMA"
	case sr.TypeProtobuf:
		return "PROTOBUF"
	}
	return "AVRO"
}

func srType(f embeddedFormat) sr.SchemaType {
	switch f {
	case formatJSONSchema:
		return sr.TypeJSON
	case formatProtobuf:
		return sr.TypeProtobuf
	}
	return sr.TypeAvro
}

// typedRaw registers (or finds) a raw JSON Schema or Protobuf schema under
// subject, as SchemaManagerImpl.getSchemaFromRawSchema does: the schema is
// parsed first (a schema that does not parse is 42205), looked up, and
// registered when the lookup fails.
func (s *schemas) typedRaw(ctx context.Context, subject string, t sr.SchemaType, raw string) (*registeredSchema, int, *apiError) {
	name := formatName(t)
	invalid := func() *apiError {
		return newAPIError(http.StatusUnprocessableEntity, 42205, "Invalid schema: Error when parsing raw schema. format = %s, schema = %s", name, raw)
	}
	var text string
	switch t {
	case sr.TypeJSON:
		if !json.Valid([]byte(raw)) {
			return nil, 0, invalid()
		}
		text = compactJSON(raw)
	case sr.TypeProtobuf:
		ps, err := protoschema.Parse(raw, nil)
		if err != nil {
			return nil, 0, invalid()
		}
		text = ps.Canonical()
	}
	cacheKey := string(t.String()) + "\x00" + subject + "\x00" + raw
	s.mu.Lock()
	cached := s.byRaw[cacheKey]
	s.mu.Unlock()
	if cached != nil {
		return cached, cached.version, nil
	}
	schema := sr.Schema{Schema: text, Type: t}
	ss, err := s.client.LookupSchema(ctx, subject, schema)
	if err != nil {
		id, rerr := s.client.RegisterSchema(ctx, subject, schema, -1, -1)
		if rerr != nil {
			return nil, 0, registryFailure(rerr, "Error when registering schema. format = %s, subject = %s, schema = %s", name, subject, text)
		}
		if ss, err = s.client.LookupSchema(ctx, subject, schema); err != nil || ss.ID != id {
			return nil, 0, registryFailure(err, "Error when fetching schema version. subject = %s, schema = %s", subject, text)
		}
	}
	rs, e := s.build(ctx, ss.Schema, int32(ss.ID))
	if e != nil {
		return nil, 0, e
	}
	rs.version = ss.Version
	s.mu.Lock()
	s.byRaw[cacheKey] = rs
	s.mu.Unlock()
	return rs, ss.Version, nil
}

// build makes the encoder of a registered schema of any type.
func (s *schemas) build(ctx context.Context, schema sr.Schema, id int32) (*registeredSchema, *apiError) {
	switch schema.Type {
	case sr.TypeJSON, sr.TypeProtobuf:
	default:
		codec, err := validationCodec(schema.Schema)
		if err != nil {
			return nil, badRequest("Error parsing schema with format = AVRO")
		}
		return &registeredSchema{id: id, codec: codec}, nil
	}
	deps, err := s.referenced(ctx, schema.References, map[string]bool{}, 0)
	if err != nil {
		return nil, registryFailure(err, "Error when fetching schema by id. schemaId = %d", id)
	}
	rs := &registeredSchema{id: id, typ: schema.Type}
	switch schema.Type {
	case sr.TypeJSON:
		v, err := compileJSONSchema(schema.Schema, deps)
		if err != nil {
			return nil, badRequest("Error parsing schema for JSON: %s", err)
		}
		rs.jsonSchema = v
	case sr.TypeProtobuf:
		ps, err := protoschema.Parse(schema.Schema, deps)
		if err != nil {
			return nil, badRequest("Error parsing schema for PROTOBUF: %s", err)
		}
		md, err := ps.FirstMessage()
		if err != nil {
			return nil, badRequest("Error parsing schema for PROTOBUF: %s", err)
		}
		rs.proto, rs.message = ps, md
	}
	return rs, nil
}

// referenced fetches the texts of a schema's references, transitively,
// keyed by reference name.
func (s *schemas) referenced(ctx context.Context, refs []sr.SchemaReference, seen map[string]bool, depth int) (map[string]string, error) {
	out := map[string]string{}
	if depth > 32 {
		return nil, errors.New("schema references nest too deeply")
	}
	for _, r := range refs {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		ss, err := s.client.SchemaByVersion(ctx, r.Subject, r.Version)
		if err != nil {
			return nil, err
		}
		out[r.Name] = ss.Schema.Schema
		deeper, err := s.referenced(ctx, ss.Schema.References, seen, depth+1)
		if err != nil {
			return nil, err
		}
		for k, v := range deeper {
			out[k] = v
		}
	}
	return out, nil
}

// jsonSchemaBase is where schemas without an absolute $id are loaded, so
// that $refs by reference name resolve relative to it.
const jsonSchemaBase = "https://schema-registry.invalid/"

type refusingLoader struct{}

func (refusingLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("no schema reference found for %s", strings.TrimPrefix(u, jsonSchemaBase))
}

func compileJSONSchema(text string, deps map[string]string) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	c.UseLoader(refusingLoader{})
	base := jsonSchemaBase + "schema.json"
	if m, ok := doc.(map[string]any); ok {
		if id, ok := m["$id"].(string); ok {
			if u, err := url.Parse(id); err == nil && u.IsAbs() {
				base = id
			}
		}
	}
	b, _ := url.Parse(base)
	for name, t := range deps {
		d, err := jsonschema.UnmarshalJSON(strings.NewReader(t))
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", name, err)
		}
		r, err := url.Parse(name)
		if err != nil {
			return nil, fmt.Errorf("reference %s: %w", name, err)
		}
		if err := c.AddResource(b.ResolveReference(r).String(), d); err != nil {
			return nil, err
		}
	}
	if err := c.AddResource(base, doc); err != nil {
		return nil, err
	}
	return c.Compile(base)
}

// wireHeader is magic byte 0 and the 4-byte big-endian schema id.
func wireHeader(id int32, capacity int) []byte {
	buf := make([]byte, 5, 5+capacity)
	binary.BigEndian.PutUint32(buf[1:], uint32(id))
	return buf
}

// encodeTyped writes one JSON Schema or Protobuf record.
func (rs *registeredSchema) encodeTyped(data json.RawMessage) ([]byte, *apiError) {
	switch rs.typ {
	case sr.TypeJSON:
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, badRequest("%s", err.Error())
		}
		if err := rs.jsonSchema.Validate(inst); err != nil {
			return nil, badRequest("%s", validationMessage(err))
		}
		text := []byte(compactJSON(string(data)))
		return append(wireHeader(rs.id, len(text)), text...), nil
	case sr.TypeProtobuf:
		msg := dynamicpb.NewMessage(rs.message)
		if err := protojson.Unmarshal(data, msg); err != nil {
			return nil, badRequest("%s", err.Error())
		}
		payload, err := proto.MarshalOptions{Deterministic: true}.Marshal(inFieldOrder(msg))
		if err != nil {
			return nil, badRequest("%s", err.Error())
		}
		out := appendMessageIndexes(wireHeader(rs.id, len(payload)+2), protoschema.MessageIndexes(rs.message))
		return append(out, payload...), nil
	}
	return nil, httpError(http.StatusInternalServerError)
}

// appendMessageIndexes writes the message-index array as
// KafkaProtobufSerializer does (MessageIndexes.toByteArray): [0] as the
// single byte 0, otherwise the count and each index as zig-zag varints.
func appendMessageIndexes(b []byte, idx []int) []byte {
	if len(idx) == 1 && idx[0] == 0 {
		return append(b, 0)
	}
	b = binary.AppendVarint(b, int64(len(idx)))
	for _, i := range idx {
		b = binary.AppendVarint(b, int64(i))
	}
	return b
}

// readMessageIndexes reads the message-index array.
func readMessageIndexes(b []byte) ([]int, []byte, error) {
	n, k := binary.Varint(b)
	if k <= 0 || n < 0 || n > 64 {
		return nil, nil, errors.New("invalid message indexes")
	}
	b = b[k:]
	if n == 0 {
		return []int{0}, b, nil
	}
	out := make([]int, n)
	for i := range out {
		v, k := binary.Varint(b)
		if k <= 0 || v < 0 {
			return nil, nil, errors.New("invalid message indexes")
		}
		out[i] = int(v)
		b = b[k:]
	}
	return out, b, nil
}

// decodeTyped reads a JSON Schema or Protobuf record written in the
// Confluent wire format, for a consumer of the given format.
func (s *schemas) decodeTyped(ctx context.Context, f embeddedFormat, data []byte) (json.RawMessage, *apiError) {
	if len(data) < 5 || data[0] != 0 {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Unknown magic byte!")
	}
	id := int32(binary.BigEndian.Uint32(data[1:5]))
	rs, e := s.byIDCached(ctx, id)
	if e != nil {
		return nil, e
	}
	want := srType(f)
	if rs.typ != want {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Schema %d is not a %s schema", id, formatName(want))
	}
	switch want {
	case sr.TypeJSON:
		body := data[5:]
		if !json.Valid(body) {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error deserializing JSON message for id %d", id)
		}
		return json.RawMessage(compactJSON(string(body))), nil
	default:
		idx, rest, err := readMessageIndexes(data[5:])
		if err != nil {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error deserializing Protobuf message for id %d", id)
		}
		md, err := rs.proto.MessageByIndexes(idx)
		if err != nil {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error deserializing Protobuf message for id %d", id)
		}
		msg := dynamicpb.NewMessage(md)
		if err := proto.Unmarshal(rest, msg); err != nil {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error deserializing Protobuf message for id %d", id)
		}
		out, err := protojson.MarshalOptions{EmitUnpopulated: true}.Marshal(msg)
		if err != nil {
			return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error deserializing Protobuf message for id %d", id)
		}
		return json.RawMessage(compactJSON(string(out))), nil
	}
}

// byIDCached is the schema with the given id, fetched once.
func (s *schemas) byIDCached(ctx context.Context, id int32) (*registeredSchema, *apiError) {
	key := fmt.Sprintf("\x00id\x00%d", id)
	s.mu.Lock()
	cached := s.byID[key]
	s.mu.Unlock()
	if cached != nil {
		return cached, nil
	}
	schema, err := s.client.SchemaByID(ctx, int(id))
	if err != nil {
		return nil, registryFailure(err, "Error retrieving schema for id %d", id)
	}
	rs, e := s.build(ctx, schema, id)
	if e != nil {
		return nil, newAPIError(http.StatusRequestTimeout, codeSchemaSerialization, "Error parsing schema for id %d", id)
	}
	if schema.Type != sr.TypeJSON && schema.Type != sr.TypeProtobuf {
		rs.typ = sr.TypeAvro
	}
	s.mu.Lock()
	s.byID[key] = rs
	s.mu.Unlock()
	return rs, nil
}

// inFieldOrder copies a message setting its fields in field-number order,
// nested messages included, so that it is written as protobuf-java writes
// a message: fields by ascending number.
func inFieldOrder(m protoreflect.Message) *dynamicpb.Message {
	md := m.Descriptor()
	out := dynamicpb.NewMessage(md)
	fields := make([]protoreflect.FieldDescriptor, 0, md.Fields().Len())
	for i := 0; i < md.Fields().Len(); i++ {
		fields = append(fields, md.Fields().Get(i))
	}
	sort.Slice(fields, func(i, j int) bool { return fields[i].Number() < fields[j].Number() })
	for _, fd := range fields {
		if !m.Has(fd) {
			continue
		}
		v := m.Get(fd)
		switch {
		case fd.IsList() && fd.Message() != nil:
			src, dst := v.List(), out.Mutable(fd).List()
			for i := 0; i < src.Len(); i++ {
				dst.Append(protoreflect.ValueOfMessage(inFieldOrder(src.Get(i).Message())))
			}
		case fd.IsMap() && fd.MapValue().Message() != nil:
			dst := out.Mutable(fd).Map()
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				dst.Set(k, protoreflect.ValueOfMessage(inFieldOrder(mv.Message())))
				return true
			})
		case !fd.IsList() && !fd.IsMap() && fd.Message() != nil:
			out.Set(fd, protoreflect.ValueOfMessage(inFieldOrder(v.Message())))
		default:
			out.Set(fd, v)
		}
	}
	out.SetUnknown(m.GetUnknown())
	return out
}
