package console

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bufbuild/protocompile"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoSchema is a registered Protobuf schema, compiled from its text and
// the texts of the schemas it imports.
type protoSchema struct {
	file protoreflect.FileDescriptor
}

// compileProto compiles a Protobuf schema registered with id; its
// references name the imports (reference name = import path), fetched
// from the registry by subject and version.
func (d *decoder) compileProto(ctx context.Context, id int, s sr.Schema) (*protoSchema, error) {
	sources := map[string]string{}
	main := fmt.Sprintf("schema-%d.proto", id)
	sources[main] = s.Schema
	if err := d.protoReferences(ctx, sources, s.References, 0); err != nil {
		return nil, err
	}
	c := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: func(path string) (io.ReadCloser, error) {
			text, ok := sources[path]
			if !ok {
				return nil, fmt.Errorf("import %q is not among the schema's references", path)
			}
			return io.NopCloser(strings.NewReader(text)), nil
		},
	})}
	files, err := c.Compile(ctx, main)
	if err != nil {
		return nil, fmt.Errorf("compile Protobuf schema %d: %w", id, err)
	}
	return &protoSchema{file: files[0]}, nil
}

func (d *decoder) protoReferences(ctx context.Context, sources map[string]string, refs []sr.SchemaReference, depth int) error {
	if depth > 20 {
		return fmt.Errorf("schema references nested deeper than 20")
	}
	for _, ref := range refs {
		if _, done := sources[ref.Name]; done {
			continue
		}
		s, err := d.reg.SR().SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("fetch referenced schema %s version %d: %w", ref.Subject, ref.Version, registryError(err))
		}
		sources[ref.Name] = s.Schema.Schema
		if err := d.protoReferences(ctx, sources, s.Schema.References, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// readZigzag reads one of the wire format's message-index varints, which
// the Confluent serializers write zigzag-encoded.
func readZigzag(b []byte) (int64, []byte, error) {
	u, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, nil, fmt.Errorf("%w: bad message index varint", errAvroData)
	}
	return int64(u>>1) ^ -int64(u&1), b[n:], nil
}

// decodeProto decodes a Protobuf payload: after the schema id come the
// message indexes (a count, then each index into the nested message types;
// a count of 0 means the first message), then the message, as
// https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#wire-format
// describes. It prints as the ProtobufMessageFormatter does: JsonFormat
// with default values included and no insignificant whitespace
// (schema-registry protobuf-serializer ProtobufMessageFormatter.writeTo).
// protojson's EmitDefaultValues is JsonFormat's includingDefaultValueFields:
// default scalars and empty lists and maps printed, unset message fields
// and fields with explicit presence left out.
func (ps *protoSchema) decode(payload []byte) ([]byte, error) {
	count, rest, err := readZigzag(payload)
	if err != nil {
		return nil, err
	}
	indexes := []int64{0}
	if count != 0 {
		if count < 0 || count > int64(len(rest)) {
			return nil, fmt.Errorf("%w: %d message indexes", errAvroData, count)
		}
		indexes = indexes[:0]
		for range count {
			var i int64
			if i, rest, err = readZigzag(rest); err != nil {
				return nil, err
			}
			indexes = append(indexes, i)
		}
	}
	msgs := ps.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range indexes {
		if i < 0 || i >= int64(msgs.Len()) {
			return nil, fmt.Errorf("message index %v: no such message in the schema", indexes)
		}
		md = msgs.Get(int(i))
		msgs = md.Messages()
	}
	msg := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(rest, msg); err != nil {
		return nil, fmt.Errorf("decode Protobuf %s: %w", md.FullName(), err)
	}
	text, err := protojson.MarshalOptions{EmitDefaultValues: true}.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("print Protobuf %s as JSON: %w", md.FullName(), err)
	}
	// protojson varies its whitespace on purpose; JsonFormat's
	// omittingInsignificantWhitespace has none.
	var out bytes.Buffer
	if err := json.Compact(&out, text); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
