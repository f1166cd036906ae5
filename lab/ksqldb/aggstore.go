package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// aggLog is the changelog topic of an aggregation's store,
// <application id>-Aggregate-Aggregate-Materialize-changelog, laid out as
// Kafka Streams logs ksqlDB's store (apache/kafka 3.9,
// streams/.../state/internals):
//
//   - a record per group, keyed by its grouping values in the query's key
//     format; a time window's store (ChangeLoggingTimestampedWindowBytesStore,
//     WindowKeySchema.toStoreKeyBinary) appends the window's start as 8
//     big-endian bytes and a 4-byte sequence number, 0 as the store keeps
//     no duplicates; a session store's (ChangeLoggingSessionBytesStore,
//     SessionKeySchema.toBinary) the session's end, then its start;
//   - the value is the store's row (planner.AggStore) in the source's value
//     format, or null for a group the store dropped;
//   - a timestamped store's record carries the aggregate's time (a group's
//     latest record), a session store's the time of the record at hand.
//
// EMIT FINAL's close time of its last emit is no part of the store: it is
// committed with the offsets (see commitmeta.go).
type aggLog struct {
	topic    string
	key, val *formats.Serde
	win      *expr.WindowSpec // the aggregation's window, nil for none
}

// newAggLog is the store changelog of a query's aggregation under
// application app, its key in sink's key format, nil where the plan keeps
// no store in ksqlDB's layout.
func (s *Server) newAggLog(app string, plan *planner.Plan, sink *metastore.Source) *aggLog {
	st := plan.AggStore
	if st == nil {
		return nil
	}
	src := plan.Source
	topic := app + "-Aggregate-Aggregate-Materialize-changelog"
	return &aggLog{topic: topic, win: plan.Agg.Window,
		key: formats.NewSerde(sink.KeyFormat, st.Keys, true, topic, s.reg).WithDelimiter(sink.KeyDelimiter).WithProtobufNullable(sink.KeyProtoNullable),
		val: formats.NewSerde(src.ValueFormat, st.Values, false, topic, s.reg).WithDelimiter(src.ValueDelimiter).WithProtobufNullable(src.ValueProtoNullable),
	}
}

// windowKind is the aggregation's window kind, "" without a window.
func (a *aggLog) windowKind() string {
	if a.win != nil {
		return a.win.Kind
	}
	return ""
}

// record is the changelog record of an aggregate change; the caller holds
// q.proc.Mu.
func (a *aggLog) record(q *runningQuery, c operators.Change, k operators.AggregateKey) (*kgo.Record, error) {
	kb, err := a.key.Encode(k.Keys)
	if err != nil {
		return nil, err
	}
	switch kind := a.windowKind(); {
	case kind == sql.Session:
		kb = operators.AppendWindowedKey(kb, kind, k.Start, k.End)
	case kind != "":
		kb = binary.BigEndian.AppendUint32(operators.AppendWindowedKey(kb, kind, k.Start, k.End), 0)
	}
	r := q.arena.record()
	r.Topic, r.Key, r.Partition = a.topic, kb, c.Task() // the store's task (sinkPartitioner)
	if !c.Deleted() {
		if r.Value, err = q.arena.encode(a.val, q.proc.StoreRow(c)); err != nil {
			return nil, err
		}
	}
	if c.TS > 0 {
		r.Timestamp = time.UnixMilli(c.TS)
	}
	return r, nil
}

// windowSuffix is how many bytes a window or session store appends to
// the serialized key (see record), 0 for a store without windows.
func (a *aggLog) windowSuffix() int {
	switch kind := a.windowKind(); {
	case kind == sql.Session:
		return operators.WindowBytes(kind)
	case kind != "":
		return operators.WindowBytes(kind) + 4
	}
	return 0
}

// restore applies one record of the changelog to the query's processor;
// the caller holds q.proc.Mu.
func (a *aggLog) restore(ctx context.Context, q *runningQuery, r *kgo.Record) error {
	k := operators.AggregateKey{}
	kb := r.Key
	if kind := a.windowKind(); kind != "" {
		n := a.windowSuffix() // the window, and a time window's sequence number
		if len(kb) < n {
			return fmt.Errorf("a windowed store key of %d bytes", len(kb))
		}
		win := kb[len(kb)-n:]
		kb = kb[:len(kb)-n]
		k.Windowed = true
		if kind == sql.Session {
			k.End, k.Start = int64(binary.BigEndian.Uint64(win)), int64(binary.BigEndian.Uint64(win[8:]))
		} else {
			k.Start = int64(binary.BigEndian.Uint64(win))
			k.End = k.Start + a.win.Size
		}
	}
	keys, err := a.key.Decode(ctx, kb)
	if err != nil {
		return fmt.Errorf("key: %w", err)
	}
	k.Keys = keys
	var row []any
	if r.Value != nil {
		if row, err = a.val.Decode(ctx, r.Value); err != nil {
			return fmt.Errorf("value: %w", err)
		}
	}
	return q.proc.RestoreGroup(k, row, r.Timestamp.UnixMilli(), r.Partition)
}

// restoreAggLog reads the store back from its changelog; a record it
// cannot read fails the restore (the query's state would be wrong).
func (q *runningQuery) restoreAggLog(ctx context.Context) error {
	return q.srv.restoreChangelog(ctx, q.aggLog.topic, func(r *kgo.Record) error {
		return q.aggLog.restore(ctx, q, r)
	})
}

// changeRecord is the changelog record of a state change of a query whose
// store is in ksqlDB's layout: an aggregate change's record; nil for an
// EMIT FINAL close time, which the offset commit carries.
func (a *aggLog) changeRecord(q *runningQuery, c operators.Change) (*kgo.Record, error) {
	if _, ok := c.EmitClose(); ok {
		return nil, nil
	}
	k, ok := c.Aggregate()
	if !ok {
		return nil, fmt.Errorf("a state change of key %q has no place in the aggregate store", c.Key)
	}
	return a.record(q, c, k)
}

// windowStoreAdditionalRetention is Kafka Streams' default
// windowstore.changelog.additional.retention.ms (StreamsConfig): a window
// or session store's changelog keeps records this much past the store's
// retention.
const windowStoreAdditionalRetention = 24 * time.Hour

// topicConfigs are the configs the store's changelog topic is created
// with: compacted, and for a window or session store also deleted past
// the store's retention and a day (WindowedChangelogTopicConfig).
func (a *aggLog) topicConfigs() map[string]*string {
	w := a.win
	if w == nil {
		return map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}
	}
	return map[string]*string{
		"cleanup.policy": kadm.StringPtr("compact,delete"),
		"retention.ms":   kadm.StringPtr(strconv.FormatInt(w.Retention+windowStoreAdditionalRetention.Milliseconds(), 10)),
	}
}
