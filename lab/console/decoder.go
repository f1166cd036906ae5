package console

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ctalab/ctalab/srclient"
)

// Decoder is the consumer's decoding for other views of the lab (the web
// console's message browser): one decoder, so that a record reads the same
// on the command line and in the browser.
type Decoder struct{ d *decoder }

// NewDecoder returns a Decoder that fetches writer schemas from the Schema
// Registry at registryURL.
func NewDecoder(registryURL string) (*Decoder, error) {
	return NewDecoderWithClient(registryURL, nil)
}

// NewDecoderWithClient is NewDecoder reaching the registry with hc (its
// basic auth and CAs, from clientconf); nil is a plain client.
func NewDecoderWithClient(registryURL string, hc *http.Client) (*Decoder, error) {
	reg, err := srclient.New(registryURL, hc)
	if err != nil {
		return nil, fmt.Errorf("schema registry: %w", err)
	}
	return &Decoder{d: newDecoder(reg)}, nil
}

// Decoded is a record key or value as "lab consume --json" shows it.
type Decoded struct {
	// Format is null, avro, json-schema, protobuf, json, string or binary.
	Format string `json:"format"`
	// SchemaID is the registry id in the bytes' wire-format header, 0 when
	// they carry none.
	SchemaID int `json:"schema_id,omitempty"`
	// Value is the decoded JSON, a string, or for binary the base64 of the
	// bytes.
	Value json.RawMessage `json:"value"`
	// Text is the value as the console consumer's line prints it.
	Text string `json:"text"`
}

// Decode decodes b, as the console consumer does.
func (d *Decoder) Decode(ctx context.Context, b []byte) (Decoded, error) {
	v, err := d.d.decode(ctx, b)
	if err != nil {
		return Decoded{}, err
	}
	return Decoded{Format: v.format, SchemaID: v.schemaID, Value: v.jsonValue(), Text: v.plain()}, nil
}
