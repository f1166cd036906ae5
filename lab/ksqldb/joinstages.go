package ksqldb

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// joinStages are the repartitions inside a chain of joins
// (planner.JoinRepartition with a Step): the result of the joins before a
// step that reads another column is rekeyed by that column and written to
// the step's repartition topic, as ksqlDB's topology writes it from the
// sub-topology of the inner joins for the one of the outer join. Here the
// query's main thread writes the records, in the transaction of the inputs
// that made them, and goes on with the outer joins at once (the processor
// hands both over, operators.OutRow.Stage), so that the outer join sees
// the record before any later input, as the test driver of ksqlDB's
// query-validation tests forwards a repartition's records; it consumes the
// topic only to commit its offsets past what it wrote, and purges it like
// every repartition topic. A record put in the topic by anything else is
// not joined.
//
// An aggregation of a join's result goes through its
// Aggregate-GroupBy-repartition topic (planner.Repartition) the same way:
// groupBy writes the joined rows the processor hands over
// (operators.OutRow.GroupBy), keyed by their grouping values, and the
// aggregation takes them at once.
type joinStages struct {
	byTopic map[string]*joinStage
	byStep  map[int]*joinStage
	groupBy *joinStage // an aggregation's repartition; nil without one
	purger
	// tasks is the number of the stages' partitions (prepare), which
	// stageTask and groupTaskOf hash a key over with part, in rec (the
	// latter's serialized in keyBuf)
	tasks  int
	part   kgo.TopicPartitioner
	keyBuf []byte
	rec    kgo.Record
}

// joinStage is one step's repartition.
type joinStage struct {
	plan     *planner.JoinRepartition
	topic    string
	key, val *formats.Serde
	keys     [1]any
	vals     []any
	// rekey is the repartitioner of groupBy, whose plan is the
	// aggregation's, not a chain step's
	rekey *repartitioner
}

// newJoinStages are the chain repartitions of a query (of application
// app) and its join's aggregation's, nil where it has none.
func (s *Server) newJoinStages(app string, qi *metastore.Query, plan *planner.Plan, sink *metastore.Source) *joinStages {
	js := &joinStages{byTopic: map[string]*joinStage{}, byStep: map[int]*joinStage{}}
	var topics []string
	for i := range plan.JoinRepartitions {
		rp := &plan.JoinRepartitions[i]
		if rp.Step == 0 {
			continue
		}
		// the join's internal value format is its left source's
		left := plan.Join.Leaves[0].Source
		topic := app + rp.Suffix
		st := &joinStage{plan: rp, topic: topic,
			key: formats.NewSerde(rp.KeyFormat, []types.Column{rp.Key}, true, topic, s.reg),
			val: formats.NewSerde(left.ValueFormat, rp.Values, false, topic, s.reg).WithDelimiter(left.ValueDelimiter).WithProtobufNullable(left.ValueProtoNullable),
		}
		js.byTopic[topic], js.byStep[rp.Step] = st, st
		topics = append(topics, topic)
	}
	if plan.Join != nil && plan.Repartition != nil {
		// the join's internal value format is its left source's
		r := s.groupByRepartitioner(app, qi, plan, sink, plan.Join.Leaves[0].Source)
		js.groupBy = &joinStage{topic: r.topic, key: r.key, val: r.val, rekey: r}
		js.byTopic[r.topic] = js.groupBy
		topics = append(topics, r.topic)
	}
	if len(topics) == 0 {
		return nil
	}
	js.purger = newPurger(qi, topics...)
	return js
}

// topics are the stages' repartition topics, in step order, then the
// aggregation's.
func (js *joinStages) topics() []string {
	if js == nil {
		return nil
	}
	var out []string
	for _, step := range slices.Sorted(maps.Keys(js.byStep)) {
		out = append(out, js.byStep[step].topic)
	}
	if js.groupBy != nil {
		out = append(out, js.groupBy.topic)
	}
	return out
}

// writeGroupBy hands out the repartition records of a joined row o that
// the join's aggregation groups (operators.OutRow.GroupBy), made from
// input in: a stream's row keyed by its grouping values, a table's update
// as the Changes of its previous row (o.Prior) and its new one
// (repartitioner.writeChange); none where WHERE drops a row, a grouping
// value is null, or it cannot be serialized (the processing log has it).
func (js *joinStages) writeGroupBy(q *runningQuery, in *kgo.Record, o operators.OutRow, out func(*kgo.Record)) {
	r := js.groupBy.rekey
	if r.plan.Table {
		c := rowChange{old: o.Prior, prepared: true, oldResult: o.OldResult}
		if !o.Tombstone {
			c.new = o.Vals
		}
		r.writeChange(q, in, c, o.TS, out)
		return
	}
	if k, v, ok := r.encode(q, in, o.Vals); ok {
		out(r.record(in, k, v, o.TS))
	}
}

// record is the repartition record of a joined row o (a Stage row the
// processor hands over, operators.OutRow.Stage), keyed by its join key, a
// null one too (the repartition's filter passes it), its headers left to
// the write (staged); the serializeError where it cannot be serialized.
// key is the record's key as serialized, also where its value cannot be.
func (st *joinStage) record(q *runningQuery, o *operators.OutRow) (key []byte, rec *kgo.Record, err error) {
	st.keys[0] = st.plan.KeyExpr.Eval(o.Vals)
	vals := st.vals[:0]
	for i, idx := range st.plan.From {
		switch {
		case idx >= 0:
			vals = append(vals, o.Vals[idx])
		case i < len(st.plan.Computed) && st.plan.Computed[i].Eval != nil:
			vals = append(vals, st.plan.Computed[i].Eval(o.Vals))
		default: // the copy of the key, an expression
			vals = append(vals, st.keys[0])
		}
	}
	st.vals = vals
	k, err := q.arena.encode(st.key, st.keys[:])
	if err != nil {
		return nil, nil, &serializeError{topic: st.topic, err: err}
	}
	v, err := q.arena.encode(st.val, vals)
	if err != nil {
		return k, nil, &serializeError{topic: st.topic, err: err}
	}
	rec = q.arena.record()
	rec.Topic, rec.Key, rec.Value, rec.Timestamp = st.topic, k, v, time.UnixMilli(o.TS)
	return k, rec, nil
}

// stageTask makes the repartition record of Stage row o of query q as the
// processor hands it over (operators.OutRow.Staged: the record, or the
// error that stops it) and is the task of the sub-topology that reads the
// step's topic (operators.Processor.StageTask): the partition the
// record's key hashes to (the Java producer's default partitioner, which
// the query's producer uses for the topic), so the step's join reads the
// tables' rows of that task. A null key, and a key that cannot be
// serialized, stay in task.
func (js *joinStages) stageTask(q *runningQuery, o *operators.OutRow, task int32) int32 {
	st := js.byStep[o.Stage]
	if st == nil {
		return task
	}
	k, rec, err := st.record(q, o)
	if err != nil {
		o.Staged = err
	} else {
		o.Staged = rec
	}
	if k == nil || js.tasks == 0 {
		return task
	}
	js.rec.Key = k
	return int32(js.part.Partition(&js.rec, js.tasks))
}

// staged is the repartition record of Stage row o, which the processor
// handed over for input in, with in's headers; nil where there is none, or
// where it could not be serialized (the processing log has it).
func (js *joinStages) staged(q *runningQuery, in *kgo.Record, o operators.OutRow) *kgo.Record {
	switch s := o.Staged.(type) {
	case *kgo.Record:
		s.Headers = in.Headers
		return s
	case error:
		q.srv.processingError(q.info.ID, in, s)
	}
	return nil
}

// prepare creates the stages' topics, each with a partition per task of
// the query's sub-topologies (the partitions of its inputs).
func (js *joinStages) prepare(ctx context.Context, s *Server, plan *planner.Plan) error {
	parts, err := s.taskCount(ctx, plan.InputTopics())
	if err != nil {
		return err
	}
	for _, t := range js.topics() {
		if err := s.ensureTopic(ctx, t, parts, 1, repartitionTopicConfigs); err != nil {
			return err
		}
	}
	js.tasks, js.part = int(parts), kgo.StickyKeyPartitioner(nil).ForTopic("")
	return nil
}

// groupTaskOf is the task of the sub-topology that reads the join's
// aggregation's Aggregate-GroupBy-repartition topic, for the grouping
// values keys of a joined row the query writes there (writeGroupBy): the
// partition their serialized key hashes to, or task where it has none
// (operators.Processor.GroupTask).
func (js *joinStages) groupTaskOf(keys []any, task int32) int32 {
	return js.keyTask(js.groupBy.key, keys, task)
}

// keyTask is the partition of the stages' topics that keys, serialized
// by key, hash to (the Java producer's default partitioner, which the
// query's producer uses for these topics), task where they cannot be
// serialized or are serialized as a null key.
func (js *joinStages) keyTask(key *formats.Serde, keys []any, task int32) int32 {
	if js.tasks == 0 {
		return task
	}
	var err error
	if key.Appends() {
		js.keyBuf, err = key.AppendEncode(js.keyBuf[:0], keys)
	} else {
		js.keyBuf, err = key.Encode(keys)
	}
	if err != nil || js.keyBuf == nil {
		return task
	}
	js.rec.Key = js.keyBuf
	return int32(js.part.Partition(&js.rec, js.tasks))
}
