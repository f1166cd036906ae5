package ksqldb

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// sourceStore is the layout of the store ksqlDB materializes a source
// table in (SourceBuilder; the historical plans' "KsqlTopic.Source.
// Materialized" and "KafkaTopic_<side>.Source.Materialized" schemas): an
// entry per key, keyed by the table's key as its topic has it, whose value
// is the table's value columns followed by ROWPARTITION and ROWOFFSET in
// the table's value format, at the record's time (ROWTIME). Kafka Streams
// logs the store to <application id>-<store>-changelog.
type sourceStore struct {
	src  *metastore.Source
	val  *formats.Serde
	key  *formats.Serde // the table's key, for reading entries back
	from []int          // per stored column, its index in a row of the source
	vals []any          // scratch: the stored columns of a row
}

// newSourceStore is the store of src whose changelog is topic.
func (s *Server) newSourceStore(topic string, src *metastore.Source) *sourceStore {
	var cols []types.Column
	var from []int
	// the value columns, then the HEADERS columns as values (historical
	// plan headers_-_Can_create_and_query_table_with_HEADERS_column)
	for _, headers := range []bool{false, true} {
		for j, c := range src.Schema.Cols {
			if !c.Key && c.Header == headers {
				c.Header = false
				cols, from = append(cols, c), append(from, j)
			}
		}
	}
	for j, c := range expr.PseudoColumns {
		if c.Name != "ROWTIME" { // the record's time
			cols, from = append(cols, c), append(from, len(src.Schema.Cols)+j)
		}
	}
	return &sourceStore{src: src, from: from,
		val: formats.NewSerde(src.ValueFormat, cols, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable),
		key: formats.NewSerde(src.KeyFormat, src.Schema.Keys(), true, src.Topic, s.reg).WithDelimiter(src.KeyDelimiter).WithProtobufNullable(src.KeyProtoNullable),
	}
}

// value is the stored value of a row of the source (its input-scope row).
func (ss *sourceStore) value(a *outArena, row []any) ([]byte, error) {
	vals := ss.vals[:0]
	for _, idx := range ss.from {
		vals = append(vals, row[idx])
	}
	ss.vals = vals
	return a.encode(ss.val, vals)
}

// entry is the store's changelog record of a source record, made in a,
// nil where its row cannot be serialized (the processing log has it).
func (ss *sourceStore) entry(q *runningQuery, a *outArena, topic string, in *kgo.Record, row operators.InRow) *kgo.Record {
	out := a.record()
	// the store of the task processing the record (sinkPartitioner)
	out.Topic, out.Key, out.Timestamp, out.Partition = topic, a.copy(in.Key), in.Timestamp, in.Partition
	if row.Tombstone {
		return out
	}
	v, err := ss.value(a, row.Vals)
	if err != nil {
		q.srv.processingError(q.info.ID, in, &serializeError{topic: topic, err: err})
		return nil
	}
	out.Value = v
	return out
}

// read is a changelog entry back as the source's input row: its key as
// the decoder encodes a table's (SrcKey), and its row with the entry's
// time as ROWTIME; a deleted key's row holds its key columns alone.
func (ss *sourceStore) read(ctx context.Context, r *kgo.Record) (srcKey string, row []any, deleted bool, err error) {
	src := ss.src
	rawKey := r.Key
	var wstart, wend int64
	if src.Window != nil {
		if rawKey, wstart, wend, err = operators.SplitWindowedKey(r.Key, src.Window); err != nil {
			return "", nil, false, fmt.Errorf("key: %w", err)
		}
	}
	keys, err := ss.key.Decode(ctx, rawKey)
	if err != nil {
		return "", nil, false, fmt.Errorf("key: %w", err)
	}
	srcKey = operators.EncodeVals(keys)
	if src.Window != nil {
		srcKey = string(operators.WindowKey([]byte(srcKey), wstart))
	}
	row = make([]any, len(src.Schema.Cols)+len(expr.PseudoColumns))
	ki := 0
	for j, c := range src.Schema.Cols {
		if c.Key {
			row[j] = keys[ki]
			ki++
		}
	}
	row[len(src.Schema.Cols)] = r.Timestamp.UnixMilli() // ROWTIME
	if src.Window != nil {
		row = append(row, wstart, wend)
	}
	if r.Value == nil {
		return srcKey, row, true, nil
	}
	vals, err := ss.val.Decode(ctx, r.Value)
	if err != nil {
		return "", nil, false, fmt.Errorf("value: %w", err)
	}
	for i, idx := range ss.from {
		row[idx] = vals[i]
	}
	return srcKey, row, false, nil
}

// restoreSourceStore reads a table projection's result back from its
// source's store: each entry's row projected as the query projects it.
func (q *runningQuery) restoreSourceStore(ctx context.Context) error {
	return q.srv.restoreChangelog(ctx, q.changelog, func(r *kgo.Record) error {
		srcKey, row, deleted, err := q.srcStore.read(ctx, r)
		if err != nil {
			return err
		}
		q.proc.RestoreSourceRow(srcKey, row, deleted, r.Timestamp.UnixMilli(), r.Partition)
		return nil
	})
}
