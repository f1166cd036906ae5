package ksqldb

import (
	"bytes"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// decodeMemoSize bounds how many distinct payloads a decoder remembers; the
// memo starts over when it is full.
const decodeMemoSize = 1024

// decodeMemo remembers the decoded columns of recent value payloads, so that
// identical payloads (e.g. a tick's turnstile entries at one station) are
// decoded once. Decoding is a pure function of the bytes once the schema is
// known (writer schemas are cached for good), so a remembered result equals
// a fresh one. Only successes are remembered: a bad payload is decoded, and
// reported, every time. The remembered slices are shared and never modified.
type decodeMemo struct {
	byPayload map[string][]any
	last      []byte // the previous hit's payload, a private copy
	lastVals  []any
}

// memoizable reports whether decoding format is worth remembering: the
// fixed-width KAFKA format and NONE are cheaper to decode than to look up.
func memoizable(format string) bool {
	return format == formats.Avro || format == formats.JSON || format == formats.JSONSR || format == formats.Protobuf || format == formats.ProtobufNoSR || format == formats.Delimited
}

func (m *decodeMemo) get(b []byte) ([]any, bool) {
	if m.lastVals != nil && bytes.Equal(b, m.last) {
		return m.lastVals, true
	}
	vals, ok := m.byPayload[string(b)]
	if ok {
		m.last, m.lastVals = append(m.last[:0], b...), vals
	}
	return vals, ok
}

func (m *decodeMemo) put(b []byte, vals []any) {
	if m.byPayload == nil {
		m.byPayload = make(map[string][]any)
	}
	if len(m.byPayload) >= decodeMemoSize {
		clear(m.byPayload)
	}
	m.byPayload[string(b)] = vals
	m.last, m.lastVals = append(m.last[:0], b...), vals
}

func (m *decodeMemo) len() int { return len(m.byPayload) }
