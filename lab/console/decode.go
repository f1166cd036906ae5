package console

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/srclient"
)

// Formats of a decoded key or value, as --json names them.
const (
	fmtNull       = "null"
	fmtAvro       = "avro"
	fmtJSONSchema = "json-schema"
	fmtProtobuf   = "protobuf"
	fmtJSON       = "json"
	fmtString     = "string"
	fmtBinary     = "binary"
)

// decoded is a key or value as the consumer prints it.
type decoded struct {
	format   string
	schemaID int    // 0 when the bytes carry no Schema Registry header
	text     []byte // JSON for avro, json-schema and json; the bytes otherwise
}

// decoder turns record bytes into text through the Schema Registry,
// caching what it learns about each schema id.
type decoder struct {
	reg *srclient.Client

	mu      sync.Mutex
	schemas map[int]*schemaDecoder
}

type schemaDecoder struct {
	kind  string // sr.TypeAvro, ...
	avro  *avroType
	proto *protoSchema
}

func newDecoder(reg *srclient.Client) *decoder {
	return &decoder{reg: reg, schemas: map[int]*schemaDecoder{}}
}

// decode decodes b. Bytes in the Confluent wire format (magic byte 0, a
// 4-byte big-endian schema id, then the payload; see
// https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#wire-format)
// are decoded with the writer's schema; other bytes are JSON, a string or
// binary as they are.
func (d *decoder) decode(ctx context.Context, b []byte) (decoded, error) {
	if b == nil {
		return decoded{format: fmtNull}, nil
	}
	if len(b) >= 5 && b[0] == 0 {
		id := int(binary.BigEndian.Uint32(b[1:5]))
		sd, err := d.schema(ctx, id)
		if err != nil {
			return decoded{}, err
		}
		payload := b[5:]
		switch sd.kind {
		case sr.TypeAvro.String():
			text, err := avroToJSON(sd.avro, payload)
			if err != nil {
				return decoded{}, fmt.Errorf("decode Avro with schema %d: %w", id, err)
			}
			return decoded{format: fmtAvro, schemaID: id, text: text}, nil
		case sr.TypeJSON.String():
			// The JSON Schema serializer writes the JSON document after
			// the header.
			if !json.Valid(payload) {
				return decoded{}, fmt.Errorf("decode JSON with schema %d: the payload is not JSON", id)
			}
			return decoded{format: fmtJSONSchema, schemaID: id, text: payload}, nil
		case sr.TypeProtobuf.String():
			text, err := sd.proto.decode(payload)
			if err != nil {
				return decoded{}, fmt.Errorf("decode Protobuf with schema %d: %w", id, err)
			}
			return decoded{format: fmtProtobuf, schemaID: id, text: text}, nil
		default:
			return decoded{}, fmt.Errorf("schema %d has type %s, which this consumer cannot decode", id, sd.kind)
		}
	}
	switch {
	case json.Valid(b):
		return decoded{format: fmtJSON, text: b}, nil
	case printable(b):
		return decoded{format: fmtString, text: b}, nil
	default:
		return decoded{format: fmtBinary, text: b}, nil
	}
}

// schema returns the decoder of schema id, fetching it once.
func (d *decoder) schema(ctx context.Context, id int) (*schemaDecoder, error) {
	d.mu.Lock()
	sd, ok := d.schemas[id]
	d.mu.Unlock()
	if ok {
		return sd, nil
	}
	s, err := d.reg.SR().SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetch schema %d from the Schema Registry: %w", id, registryError(err))
	}
	sd = &schemaDecoder{kind: s.Type.String()}
	if s.Type == sr.TypeAvro {
		text := s.Schema
		p := &avroParser{named: map[string]*avroType{}}
		if err := d.parseReferences(ctx, p, s.References, 0); err != nil {
			return nil, fmt.Errorf("schema %d: %w", id, err)
		}
		if sd.avro, err = p.parseText(text); err != nil {
			return nil, fmt.Errorf("schema %d: %w", id, err)
		}
	}
	if s.Type == sr.TypeProtobuf {
		if sd.proto, err = d.compileProto(ctx, id, s); err != nil {
			return nil, err
		}
	}
	d.mu.Lock()
	d.schemas[id] = sd
	d.mu.Unlock()
	return sd, nil
}

// parseReferences parses the schemas an Avro schema refers to, so that
// their named types are known to p.
func (d *decoder) parseReferences(ctx context.Context, p *avroParser, refs []sr.SchemaReference, depth int) error {
	if depth > 20 {
		return errors.New("schema references nested deeper than 20")
	}
	for _, ref := range refs {
		s, err := d.reg.SR().SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return fmt.Errorf("fetch referenced schema %s version %d: %w", ref.Subject, ref.Version, registryError(err))
		}
		if err := d.parseReferences(ctx, p, s.Schema.References, depth+1); err != nil {
			return err
		}
		if _, err := p.parseText(s.Schema.Schema); err != nil {
			return fmt.Errorf("referenced schema %s: %w", ref.Subject, err)
		}
	}
	return nil
}

// registryError puts the registry's status and error code in the text.
func registryError(err error) error {
	var re *srclient.Error
	if errors.As(err, &re) {
		return fmt.Errorf("%d %s (error %d): %w", re.StatusCode, re.Message, re.ErrorCode, err)
	}
	return err
}

// printable reports whether b is UTF-8 text without control characters
// other than tab, newline and carriage return.
func printable(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return false
		}
	}
	return true
}

// plain is d as the console consumer line shows it: JSON and strings as
// they are, null as "null", binary with every byte that is not printable
// ASCII written as \xNN (and backslash as \\), so that a terminal never
// receives raw control bytes.
func (d decoded) plain() string {
	switch d.format {
	case fmtNull:
		return "null"
	case fmtBinary:
		var sb strings.Builder
		for _, c := range d.text {
			switch {
			case c == '\\':
				sb.WriteString(`\\`)
			case c >= 0x20 && c < 0x7f:
				sb.WriteByte(c)
			default:
				fmt.Fprintf(&sb, `\x%02x`, c)
			}
		}
		return sb.String()
	default:
		return string(d.text)
	}
}

// jsonValue is d inside a --json document: the decoded JSON, a string, or
// for binary the base64 of the bytes.
func (d decoded) jsonValue() json.RawMessage {
	switch d.format {
	case fmtNull:
		return json.RawMessage("null")
	case fmtAvro, fmtJSONSchema, fmtProtobuf, fmtJSON:
		var buf bytes.Buffer
		if err := json.Compact(&buf, d.text); err == nil {
			return buf.Bytes()
		}
		return d.text
	case fmtBinary:
		b, _ := json.Marshal(base64.StdEncoding.EncodeToString(d.text))
		return b
	default:
		var buf bytes.Buffer
		writeJSONString(&buf, string(d.text))
		return buf.Bytes()
	}
}
