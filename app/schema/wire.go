package schema

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/ctalab/ctalab/internal/avroguard"

	"github.com/linkedin/goavro/v2"
)

// headerSize is the magic byte plus the 4-byte schema id.
const headerSize = 5

// ErrNotWireFormat is returned for a payload that does not start with the
// Confluent wire format's zero magic byte or is shorter than its header.
var ErrNotWireFormat = errors.New("not in the Confluent wire format")

// AppendEncoded appends native, encoded with codec in the wire format under
// schema id, to dst.
func AppendEncoded(dst []byte, id int, codec *goavro.Codec, native any) ([]byte, error) {
	dst = append(dst, 0, 0, 0, 0, 0)
	binary.BigEndian.PutUint32(dst[len(dst)-4:], uint32(id))
	out, err := codec.BinaryFromNative(dst, native)
	if err != nil {
		return nil, fmt.Errorf("encode avro: %w", err)
	}
	return out, nil
}

// SplitWire returns the schema id and the Avro body of a wire-format payload.
func SplitWire(b []byte) (id int, body []byte, err error) {
	if len(b) < headerSize {
		return 0, nil, fmt.Errorf("%w: %d bytes, want at least %d", ErrNotWireFormat, len(b), headerSize)
	}
	if b[0] != 0 {
		return 0, nil, fmt.Errorf("%w: magic byte %d, want 0", ErrNotWireFormat, b[0])
	}
	return int(binary.BigEndian.Uint32(b[1:5])), b[5:], nil
}

// DecodeBody decodes an Avro body with codec, requiring that every byte is
// used: trailing bytes mean the writer used another schema.
func DecodeBody(codec *goavro.Codec, body []byte) (any, error) {
	native, rest, err := avroguard.Decode(codec, body)
	if err != nil {
		return nil, fmt.Errorf("decode avro: %w", err)
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("decode avro: %d bytes left over", len(rest))
	}
	return native, nil
}
