package schema

import (
	"context"
	"fmt"
)

// Serde encodes records of one schema for one topic and decodes records of
// any schema the registry knows.
type Serde struct {
	reg *Registry
}

// NewSerde returns a Serde over reg.
func NewSerde(reg *Registry) *Serde { return &Serde{reg: reg} }

// Encoder returns a function that encodes native values with s in the wire
// format, registering s under the topic's key or value subject first.
func (d *Serde) Encoder(ctx context.Context, topic string, isKey bool, s *Schema) (func(dst []byte, native any) ([]byte, error), error) {
	id, err := d.reg.Register(ctx, Subject(topic, isKey), s)
	if err != nil {
		return nil, err
	}
	return func(dst []byte, native any) ([]byte, error) {
		return AppendEncoded(dst, id, s.codec, native)
	}, nil
}

// Decode decodes a wire-format payload with the writer's schema, fetched from
// the registry by the id in the payload.
func (d *Serde) Decode(ctx context.Context, b []byte) (any, error) {
	id, body, err := SplitWire(b)
	if err != nil {
		return nil, err
	}
	c, err := d.reg.Codec(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := DecodeBody(c, body)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	return v, nil
}
