package ksqldb

import (
	"context"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// storedRow is a materialized result row as a pull query reads it back
// from the table's state store. Upstream's store holds each value
// serialized in the sink's value format and deserializes it on a read, so
// a PROTOBUF value comes back as proto3 gives it: a null scalar column
// without a wrapper reads as its default ("", 0, false). Other formats
// give their values back as they were, so their rows are returned as
// they are. The caller holds rq.proc.Mu; vals is not changed.
func (rq *runningQuery) storedRow(ctx context.Context, vals []any) []any {
	sd := rq.outVal
	if sd == nil || (sd.Format != formats.Protobuf && sd.Format != formats.ProtobufNoSR) {
		return vals
	}
	var valueAt []int
	value := make([]any, 0, len(vals))
	for i, c := range rq.plan.Out.Cols {
		if !c.Key && i < len(vals) {
			valueAt = append(valueAt, i)
			value = append(value, vals[i])
		}
	}
	b, err := sd.Encode(value)
	if err != nil {
		return vals // the query fails the record itself; the store has what it had
	}
	back, err := sd.Decode(ctx, b)
	if err != nil || len(back) != len(valueAt) {
		return vals
	}
	out := append([]any(nil), vals...)
	for j, i := range valueAt {
		out[i] = back[j]
	}
	return out
}
