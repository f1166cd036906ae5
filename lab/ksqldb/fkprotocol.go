package ksqldb

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// fkProtocol writes the records Kafka Streams' foreign-key join exchanges
// between its two tables' sub-topologies (KTableImpl.doJoinOnForeignKey,
// apache/kafka 3.9; fkwire.go has their layouts) as the join applies each
// table record: a left update registers on the registration topic
// (SubscriptionSendProcessorSupplier), the subscription store takes it and
// logs it to its changelog (SubscriptionReceiveProcessorSupplier), and the
// right table answers on the response topic, for a subscription
// (SubscriptionJoinProcessorSupplier) and for each subscriber of a right
// update (ForeignTableJoinProcessorSupplier). The join's results are
// still computed by the processor; these records are what a reader of the
// topics sees. Keys and values are in the serdes ksqlDB hands Kafka
// Streams: the PrependAlias steps' (TableSelectBuilder over internalFormats,
// confluentinc/ksql v7.9.0), the left value hashed for the subscription's
// hash. In a format of the schema registry each serializer registers its
// schema under the subject Kafka Streams hands it (see serdes).
type fkProtocol struct {
	sub      *fkSubscription
	plan     *planner.ForeignKeySubscription
	leftJoin bool
	fkExpr   func([]any) any
	base     int   // the left table's first column in the joined row
	row      []any // the joined row the foreign key is evaluated on
	// the left key, left value, right key and right value serdes
	lkey, lval, rkey, rval *formats.Serde
	// the serdes that register the subjects lkey and rkey do not: the
	// foreign key under the -fk pseudo topic, the left key under the
	// response topic (their bytes are rkey's and lkey's, as the registry
	// gives a schema one id under every subject)
	fkey, respKey *formats.Serde
	regPart       kgo.TopicPartitioner // the registration topic's default partitioner
	// skipped logs a subscription the right table's sub-topology
	// skips (see unreadable) to the query's processing log
	skipped func(*kgo.Record, error)

	left  map[string]fkLeftRow         // by the left row's encoded key: the left table's store
	right map[string]fkRightRow        // by the right key's bytes: the right table's
	subs  map[string]map[string][]byte // foreign key -> primary key -> subscription: the subscription store
}

// fkLeftRow is what a left row's next update needs of it: its key and
// foreign key bytes (fk nil for a null foreign key).
type fkLeftRow struct{ pk, fk []byte }

// fkRightRow is a right row's value bytes and time.
type fkRightRow struct {
	val []byte
	ts  int64
}

// newFKProtocol is the protocol of query queryID's foreign-key join, nil
// where it writes no records: no foreign-key join, tables rekeyed through
// a repartition topic before it but a right table ksqlDB rekeys into the
// left table's key format (planner.JoinPlan.FKRekeysRight), or formats
// fkWritableFormats does not take.
func (s *Server) newFKProtocol(queryID string, sub *fkSubscription, plan *planner.Plan, rekeys bool) *fkProtocol {
	if sub == nil || rekeys && !sub.plan.RightRekeyed {
		return nil
	}
	jp := plan.Join
	left, right := jp.Leaves[0].Source, jp.Leaves[1].Source
	if !fkWritableFormats(left, right) || left.Window != nil || right.Window != nil || len(sub.plan.Right.Keys) != 1 {
		return nil
	}
	fs := sub.plan
	step := jp.Steps[0]
	fp := &fkProtocol{
		sub: sub, plan: fs, leftJoin: step.Type == sql.LeftJoin,
		// the processor extracts the same row's foreign key and logs
		// what that throws (operators' processForeignKey)
		fkExpr: step.UnloggedLeftKey().Eval, base: jp.Leaves[0].Base, row: make([]any, jp.Width),
		regPart: kgo.StickyKeyPartitioner(nil).ForTopic(sub.registration),
		left:    map[string]fkLeftRow{}, right: map[string]fkRightRow{}, subs: map[string]map[string][]byte{},
		skipped: func(r *kgo.Record, err error) { s.processingError(queryID, r, err) },
	}
	reg, resp := sub.registration, sub.response
	fp.lkey, fp.lval = s.aliasSerde(left, fs.Left.Keys, true, reg+"-pk"), s.aliasSerde(left, fs.Left.Values, false, reg+"-vh")
	rightKey := right
	if fs.RightRekeyed {
		// the rekeyed right table's key serde is in the left table's key
		// format (the PrependAliasRight step's internalFormats in the
		// historical plan
		// fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry)
		rightKey = left
	}
	fp.rkey, fp.rval = s.aliasSerde(rightKey, fs.Right.Keys, true, reg), s.aliasSerde(right, fs.Right.Values, false, resp)
	fp.fkey, fp.respKey = s.aliasSerde(rightKey, fs.Right.Keys, true, reg+"-fk"), s.aliasSerde(left, fs.Left.Keys, true, resp)
	return fp
}

// aliasSerde is a serde of a PrependAlias step's key (key set) or value
// columns, in its table's formats and schema names (the step's formats,
// as the join's; see leftFormatSerdes), writing under topic.
func (s *Server) aliasSerde(src *metastore.Source, cols []types.Column, key bool, topic string) *formats.Serde {
	if key {
		k, _ := s.leftFormatSerdes(src, cols, nil, topic)
		return k
	}
	_, v := s.leftFormatSerdes(src, nil, cols, topic)
	return v
}

// serdes are the protocol's serdes in the order Kafka Streams' serializers
// first register their subjects, under TopicNameStrategy (<topic>-key for
// a key serde, -value for a value serde), when a left row first subscribes
// to a right row: the left value hashed under <registration topic>-vh
// (SubscriptionSendProcessorSupplier.hash), the registration record's key
// under the registration topic, the subscription's primary key under
// <registration topic>-pk (SubscriptionWrapperSerde), the store's foreign
// key under <registration topic>-fk (CombinedKeySchema), the answer's key
// and right value under the response topic
// (SubscriptionResponseWrapperSerde serializes the value with the topic it
// is handed). They are registered as the query starts, as its other
// internal topics' are.
func (fp *fkProtocol) serdes() []*formats.Serde {
	return []*formats.Serde{fp.lval, fp.rkey, fp.lkey, fp.fkey, fp.respKey, fp.rval}
}

// fkWritableFormats reports the formats whose records the protocol writes:
// a right key format whose null foreign key nullForeignKey knows, and
// value formats that write the PrependAlias steps' several columns.
func fkWritableFormats(left, right *metastore.Source) bool {
	sr := []string{formats.Avro, formats.JSONSR, formats.Protobuf}
	values := append([]string{formats.JSON, formats.Delimited, formats.ProtobufNoSR}, sr...)
	return slices.Contains(append([]string{formats.Kafka, formats.JSON, formats.Delimited, formats.ProtobufNoSR}, sr...), right.KeyFormat) &&
		slices.Contains(append([]string{formats.Kafka, formats.JSON, formats.Delimited}, sr...), left.KeyFormat) &&
		slices.Contains(values, left.ValueFormat) && slices.Contains(values, right.ValueFormat)
}

// pick is the columns of a table's input row at the indexes from.
func pick(row []any, from []int) []any {
	out := make([]any, len(from))
	for i, idx := range from {
		out[i] = row[idx]
	}
	return out
}

// apply writes the records of table record in, row its decoded row, to
// emit; a left or right row updates the protocol's state of its table.
// A row that cannot be serialized writes nothing and is returned as an
// error.
func (fp *fkProtocol) apply(in *kgo.Record, row operators.InRow, emit func(*kgo.Record)) error {
	switch row.Leaf {
	case 0:
		return fp.applyLeft(in, row, emit)
	case 1:
		return fp.applyRight(in, row, emit)
	}
	return nil
}

// leftRow is the key and foreign key of a left row and the hash of its
// value.
func (fp *fkProtocol) leftRow(row operators.InRow) (fkLeftRow, []byte, error) {
	pk, err := fp.lkey.Encode(pick(row.Vals, fp.plan.Left.KeyFrom))
	if err != nil {
		return fkLeftRow{}, nil, fmt.Errorf("foreign-key join primary key: %w", err)
	}
	clear(fp.row)
	copy(fp.row[fp.base:], row.Vals)
	var fk []byte
	if v := fp.fkExpr(fp.row); v != nil {
		if fk, err = fp.rkey.Encode([]any{v}); err != nil {
			return fkLeftRow{}, nil, fmt.Errorf("foreign-key join foreign key: %w", err)
		}
		if fk == nil { // a non-null key serializes to bytes, if none
			fk = []byte{}
		}
	} else if fk, err = fp.nullForeignKey(); err != nil {
		return fkLeftRow{}, nil, fmt.Errorf("foreign-key join foreign key: %w", err)
	}
	val, err := fp.lval.Encode(pick(row.Vals, fp.plan.Left.From))
	if err != nil {
		return fkLeftRow{}, nil, fmt.Errorf("foreign-key join left value: %w", err)
	}
	return fkLeftRow{pk: pk, fk: fk}, fkHashBytes(val), nil
}

// nullForeignKey is the bytes the right table's key serializer writes for
// KsqlKeyExtractor's GenericKey.genericKey(null): null bytes where it
// writes a null column alone (KAFKA: KafkaSerdeFactory's RowSerializer;
// JSON, JSON_SR, AVRO: KsqlConnectSerializer of the unwrapped column); a
// message of no field in PROTOBUF and PROTOBUF_NOSR, which have no
// UNWRAP_SINGLES (without the registry's framing, zero bytes); zero bytes
// in DELIMITED, whose KsqlDelimitedSerializer prints the lone null field
// through Commons CSV 1.4's CSVFormat.DEFAULT as nothing (no null string)
// and cuts the record separator off (confluentinc/ksql v7.9.0
// KsqlDelimitedSerializer, DelimitedFormat.getSerde; apache/commons-csv
// rel/commons-csv-1.4 CSVFormat.print).
func (fp *fkProtocol) nullForeignKey() ([]byte, error) {
	switch fp.rkey.Format {
	case formats.Protobuf, formats.ProtobufNoSR:
		fk, err := fp.rkey.Encode([]any{nil})
		if fk == nil && err == nil {
			fk = []byte{}
		}
		return fk, err
	case formats.Delimited:
		return []byte{}, nil
	}
	return nil, nil
}

// unreadable is the error of the right table's key deserializer for a
// subscription key it refuses, which Kafka Streams skips as it reads the
// registration topic (ksqlDB's LogMetricAndContinueExceptionHandler;
// RecordDeserializer.handleDeserializationFailure), nil for a key it
// reads: a DELIMITED null foreign key's zero bytes, which
// KsqlDelimitedDeserializer parses into no record. The deserializer is
// the PrependAliasRight step's key serde, logging under that step's
// logger (TableSelectBuilder, RuntimeBuildContext.buildKeySerde).
func (fp *fkProtocol) unreadable(fk []byte) error {
	if fk == nil || len(fk) != 0 || fp.rkey.Format != formats.Delimited {
		return nil
	}
	return &deserializeError{target: "key", format: formats.Delimited, step: "PrependAliasRight",
		err: errors.New("No fields in record")}
}

// sameKey compares two foreign keys' bytes as Kafka Streams does
// (Arrays.equals): null bytes equal only null bytes.
func sameKey(a, b []byte) bool {
	return (a == nil) == (b == nil) && bytes.Equal(a, b)
}

// applyLeft sends a left update's subscriptions as
// SubscriptionSendProcessorSupplier's leftJoinInstructions (LEFT JOIN) or
// defaultJoinInstructions do in CP 7.9.4's Kafka Streams (confluentinc/kafka
// v7.9.4-ccs: KAFKA-18713 unsubscribes a LEFT JOIN's old key with
// DELETE_KEY_NO_PROPAGATE, KAFKA-16407 subscribes an [INNER] JOIN's
// unchanged key with PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE; the branches it
// adds for a null old or new key see one only for a delete, as ksqlDB's
// extractor wraps a null key), each with the hash of the new value (none
// for a delete) and the left record's partition, and receives them.
func (fp *fkProtocol) applyLeft(in *kgo.Record, row operators.InRow, emit func(*kgo.Record)) error {
	old, had := fp.left[row.SrcKey]
	var nu fkLeftRow
	var hash []byte
	if !row.Tombstone {
		var err error
		if nu, hash, err = fp.leftRow(row); err != nil {
			return err
		}
		fp.left[row.SrcKey] = nu
	} else {
		if !had {
			return nil
		}
		delete(fp.left, row.SrcKey)
		nu.pk = old.pk
	}
	// ksqlDB's extractor hands Kafka Streams a key even for a null
	// foreign key (KsqlKeyExtractor: GenericKey.genericKey(null)), which
	// the right key serde writes as nullForeignKey says: Kafka Streams
	// compares the keys' bytes and sends such a subscription under them
	send := func(fk []byte, instr byte) { fp.subscribe(in, row.TS, nu.pk, fk, hash, instr, emit) }
	switch {
	case !had:
		if fp.leftJoin {
			send(nu.fk, fkPropagateNullIfNoFKValue)
		} else {
			send(nu.fk, fkPropagateOnlyIfFKValue)
		}
	case fp.leftJoin:
		// a delete's new key is null bytes (the serializer of a null
		// key), which zero bytes are not
		if !sameKey(nu.fk, old.fk) {
			send(old.fk, fkDeleteKeyNoPropagate)
		}
		send(nu.fk, fkPropagateNullIfNoFKValue)
	case row.Tombstone:
		send(old.fk, fkDeleteKeyAndPropagate)
	case sameKey(nu.fk, old.fk):
		send(nu.fk, fkPropagateOnlyIfFKValue)
	default:
		send(old.fk, fkDeleteKeyNoPropagate)
		send(nu.fk, fkPropagateNullIfNoFKValue)
	}
	return nil
}

// subscribe writes a subscription to the registration topic (keyed by the
// foreign key, nil for a null one; the left record's headers and time),
// then what the right table's sub-topology makes of it: the store's put or
// delete, logged, and the answer.
func (fp *fkProtocol) subscribe(in *kgo.Record, ts int64, pk, fk, hash []byte, instr byte, emit func(*kgo.Record)) {
	w := fkSubscriptionWrapper(hash, instr, pk, in.Partition)
	emit(&kgo.Record{Topic: fp.sub.registration, Key: fk, Value: w, Headers: in.Headers, Timestamp: time.UnixMilli(ts)})
	if err := fp.unreadable(fk); err != nil {
		// the record handed to emit is the producer's now: the log
		// names the topic on a record of its own
		fp.skipped(&kgo.Record{Topic: fp.sub.registration, Key: fk, Timestamp: time.UnixMilli(ts)}, err)
		return
	}
	if fk == nil {
		// SubscriptionReceiveProcessorSupplier drops a null key but
		// for this instruction, which keeps no store entry and finds
		// no right row
		if instr == fkPropagateNullIfNoFKValue {
			fp.respond(in.Headers, pk, hash, nil, ts, in.Partition, emit)
		}
		return
	}
	entry := &kgo.Record{Topic: fp.sub.storeLog, Key: fkCombinedKey(fk, pk), Timestamp: time.UnixMilli(ts),
		Partition: int32(fp.regPart.Partition(&kgo.Record{Key: fk}, int(fp.sub.rightTasks)))}
	subs := fp.subs[string(fk)]
	if instr == fkDeleteKeyAndPropagate || instr == fkDeleteKeyNoPropagate {
		delete(subs, string(pk))
		if len(subs) == 0 {
			delete(fp.subs, string(fk))
		}
	} else {
		if subs == nil {
			subs = map[string][]byte{}
			fp.subs[string(fk)] = subs
		}
		subs[string(pk)] = w
		entry.Value = w
	}
	emit(entry)
	r, found := fp.right[string(fk)]
	at := ts
	if found {
		at = max(ts, r.ts)
	}
	switch instr {
	case fkDeleteKeyAndPropagate:
		fp.respond(in.Headers, pk, hash, nil, at, in.Partition, emit)
	case fkPropagateNullIfNoFKValue:
		fp.respond(in.Headers, pk, hash, r.val, at, in.Partition, emit)
	case fkPropagateOnlyIfFKValue:
		if found {
			fp.respond(in.Headers, pk, hash, r.val, at, in.Partition, emit)
		}
	}
}

// respond writes an answer to the response topic, keyed by the left key,
// to the left record's partition.
func (fp *fkProtocol) respond(headers []kgo.RecordHeader, pk, hash, val []byte, ts int64, part int32, emit func(*kgo.Record)) {
	emit(&kgo.Record{Topic: fp.sub.response, Key: pk, Value: fkResponseWrapper(hash, val), Headers: headers,
		Timestamp: time.UnixMilli(ts), Partition: part})
}

// joins reports whether the join reads row, a table's row read from
// partition part of its topic: a left row always; a right row only in the
// task its key's subscriptions reach, the partition the registration
// topic's partitioner gives its key bytes (the topic is co-partitioned
// with the right table), where SubscriptionJoinProcessorSupplier looks it
// up and ForeignTableJoinProcessorSupplier's prefix scan of the task's
// subscription store answers its updates (apache/kafka 3.9.0-rc3
// kstream/internals/foreignkeyjoin). A right row a producer wrote to a
// partition its key does not hash to lives in a store no subscription
// reaches: the join never reads it. A right table ksqlDB rekeys reaches
// the join through a topic its key's bytes partition.
func (fp *fkProtocol) joins(row operators.InRow, part int32) bool {
	if row.Leaf != 1 || fp.plan.RightRekeyed {
		return true
	}
	fk, err := fp.rkey.Encode(pick(row.Vals, fp.plan.Right.KeyFrom))
	if err != nil {
		return true // the protocol refuses the row itself (apply)
	}
	return int32(fp.regPart.Partition(&kgo.Record{Key: fk}, int(fp.sub.rightTasks))) == part
}

// rightRow is a right row's key bytes, and its value's (nil for a delete).
func (fp *fkProtocol) rightRow(row operators.InRow) (fk, val []byte, err error) {
	if fk, err = fp.rkey.Encode(pick(row.Vals, fp.plan.Right.KeyFrom)); err != nil {
		return nil, nil, fmt.Errorf("foreign-key join right key: %w", err)
	}
	if row.Tombstone {
		return fk, nil, nil
	}
	if val, err = fp.rval.Encode(pick(row.Vals, fp.plan.Right.From)); err != nil {
		return nil, nil, fmt.Errorf("foreign-key join right value: %w", err)
	}
	return fk, val, nil
}

// applyRight answers every subscriber of a right update, in the store's
// key order, with the new value (none for a delete) at the right record's
// time and with its headers (ForeignTableJoinProcessorSupplier).
func (fp *fkProtocol) applyRight(in *kgo.Record, row operators.InRow, emit func(*kgo.Record)) error {
	fk, val, err := fp.rightRow(row)
	if err != nil {
		return err
	}
	fp.setRight(fk, val, row.TS)
	subs := fp.subs[string(fk)]
	for _, pk := range slices.Sorted(maps.Keys(subs)) {
		w := subs[pk]
		fp.respond(in.Headers, []byte(pk), fkWrapperHash(w), val, row.TS, fkWrapperPartition(w), emit)
	}
	return nil
}

func (fp *fkProtocol) setRight(fk, val []byte, ts int64) {
	if val == nil {
		delete(fp.right, string(fk))
		return
	}
	fp.right[string(fk)] = fkRightRow{val: val, ts: ts}
}

// fixedTopics are the topics whose records name their partition.
func (fp *fkProtocol) fixedTopics() []string {
	return []string{fp.sub.response, fp.sub.storeLog}
}

// owns reports one of the topics the protocol writes.
func (fp *fkProtocol) owns(topic string) bool {
	return topic == fp.sub.registration || topic == fp.sub.response || topic == fp.sub.storeLog
}

// reset forgets the tables and the store, before a restore.
func (fp *fkProtocol) reset() {
	clear(fp.left)
	clear(fp.right)
	clear(fp.subs)
}

// restoreRow takes a table row the query reads back on a restart into the
// tables' state, writing nothing.
func (fp *fkProtocol) restoreRow(row operators.InRow) {
	switch row.Leaf {
	case 0:
		if row.Tombstone {
			delete(fp.left, row.SrcKey)
			return
		}
		if lr, _, err := fp.leftRow(row); err == nil {
			fp.left[row.SrcKey] = lr
		}
	case 1:
		if fk, val, err := fp.rightRow(row); err == nil {
			fp.setRight(fk, val, row.TS)
		}
	}
}

// restoreStore reads the subscription store back from its changelog, as
// Kafka Streams restores it.
func (fp *fkProtocol) restoreStore(ctx context.Context, s *Server) error {
	return s.restoreChangelog(ctx, fp.sub.storeLog, func(r *kgo.Record) error {
		fk, pk, ok := fkSplitCombinedKey(r.Key)
		if !ok {
			return fmt.Errorf("subscription store key %x", r.Key)
		}
		subs := fp.subs[string(fk)]
		if r.Value == nil {
			delete(subs, string(pk))
			if len(subs) == 0 {
				delete(fp.subs, string(fk))
			}
			return nil
		}
		if subs == nil {
			subs = map[string][]byte{}
			fp.subs[string(fk)] = subs
		}
		subs[string(pk)] = slices.Clone(r.Value)
		return nil
	})
}
