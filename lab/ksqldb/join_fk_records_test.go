package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// What Kafka Streams writes to a foreign-key join's subscription topics
// and the subscription store's changelog (apache/kafka 3.9.0-rc3,
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/):
//
//   - KTableImpl.doJoinOnForeignKey: the registration topic is keyed by the
//     foreign key in the right table's key serde, written by the default
//     partitioner (no TableJoined partitioner: ksqlDB's
//     ForeignKeyTableTableJoinBuilder calls join(other, extractor, joiner,
//     materialized)); the response topic is keyed by the left key in the
//     left table's key serde, sent to the left record's partition
//     (subscriptionResponseWrapper.getPrimaryPartition()).
//   - foreignkeyjoin/SubscriptionSendProcessorSupplier.defaultJoinInstructions:
//     an insert subscribes with PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE (3), an
//     update that changes the key unsubscribes the old one with
//     DELETE_KEY_NO_PROPAGATE (0) then subscribes the new one with
//     PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE (2), a delete sends
//     DELETE_KEY_AND_PROPAGATE (1); each wrapper carries the Murmur3.hash128
//     of the new left value (none for a delete) in the left KTable's value
//     serde (ksqlDB's PrependAliasLeft TableSelect, whose serdes
//     TableSelectBuilder builds from its internalFormats; confluentinc/ksql
//     v7.9.0) and the left record's partition, with the left record's time.
//   - foreignkeyjoin/SubscriptionWrapperSerde: {version 1, bit 0x80 set
//     when the hash is null}{instruction}{16-byte hash}{primary key}{int
//     primary partition}.
//   - foreignkeyjoin/SubscriptionReceiveProcessorSupplier and
//     CombinedKeySchema.toBytes: the store puts {int foreign key
//     length}{foreign key}{primary key} -> wrapper at the subscription's
//     time, or deletes it for the two DELETE instructions; a timestamped
//     store logs the plain value with the time as the record's
//     (ChangeLoggingTimestampedKeyValueBytesStore), a delete as a
//     tombstone.
//   - foreignkeyjoin/SubscriptionJoinProcessorSupplier answers with the
//     right row (PrependAliasRight's value) at the later of the two times,
//     ForeignTableJoinProcessorSupplier answers every subscriber of a
//     right update at the right record's time, and
//     SubscriptionResponseWrapperSerde writes {version 0, bit 0x80 set when
//     the hash is null}{16-byte hash}{foreign value, absent when null}.
//
// The case is fk-join.json's "Should allow partition count mismatch"
// tables (confluentinc/ksql v7.9.0; startFKJoin: left_topic 1 partition,
// right_topic 2) with an insert, a change of foreign key, a right update
// and a delete.
func TestAForeignKeyJoinWritesKafkaStreamsSubscriptionRecords(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	// The two tables' topics are read apart, so each step waits until the
	// step before it has been processed (its store or subscription record
	// written): which table's record comes first decides the answers, in
	// Kafka Streams too.
	st.produceJoin(joinRec{"right_topic", 0, longKey(0), []byte(`{"F1":"blah","F2":4}`)})
	st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
	st.produceJoin(
		joinRec{"left_topic", 10000, longKey(1), []byte(`{"NAME":"zero","FOREIGN_KEY":0}`)},
		joinRec{"left_topic", 11000, longKey(1), []byte(`{"NAME":"one","FOREIGN_KEY":5}`)},
	)
	st.records(queryTopic(id, fkResponseTopic), 2)
	st.produceJoin(joinRec{"right_topic", 11500, longKey(5), []byte(`{"F1":"a","F2":6}`)})
	st.records(queryTopic(id, fkResponseTopic), 3)
	st.produceJoin(joinRec{"left_topic", 12000, longKey(1), nil})
	rightPart := func(k uint64) int32 {
		return int32(kgo.StickyKeyPartitioner(nil).ForTopic("right_topic").Partition(&kgo.Record{Key: longKey(k)}, 2))
	}
	p0, p5 := rightPart(0), rightPart(5)
	off5 := 0
	if p5 == p0 {
		off5 = 1
	}
	insert := fkHash(`{"LEFT_TABLE_NAME":"zero","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":10000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	update := fkHash(`{"LEFT_TABLE_NAME":"one","LEFT_TABLE_FOREIGN_KEY":5,"LEFT_TABLE_ROWTIME":11000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":1,"LEFT_TABLE_L_ID":1}`)
	pk := longKey(1)
	sub := func(instr byte, hash []byte) []byte {
		head := byte(1)
		if hash == nil {
			head |= 0x80
		}
		out := append([]byte{head, instr}, hash...)
		return binary.BigEndian.AppendUint32(append(out, pk...), 0) // the left record's partition
	}
	combined := func(fk uint64) []byte {
		return append(binary.BigEndian.AppendUint32(nil, 8), append(longKey(fk), pk...)...)
	}
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 4)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 4)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 4)
	t.Run("the left table's updates register on the registration topic by foreign key", func(t *testing.T) {
		want := []fkRec{
			{p0, longKey(0), sub(3, insert), 10000},
			{p0, longKey(0), sub(0, update), 11000},
			{p5, longKey(5), sub(2, update), 11000},
			{p5, longKey(5), sub(1, nil), 12000},
		}
		fkSameRecords(t, registrations, want)
	})
	t.Run("the subscription store logs each subscription by foreign and primary key", func(t *testing.T) {
		want := []fkRec{
			{p0, combined(0), sub(3, insert), 10000},
			{p0, combined(0), nil, 11000},
			{p5, combined(5), sub(2, update), 11000},
			{p5, combined(5), nil, 12000},
		}
		fkSameRecords(t, entries, want)
	})
	t.Run("the right table answers on the response topic by primary key", func(t *testing.T) {
		right0 := fmt.Sprintf(`{"RIGHT_TABLE_F1":"blah","RIGHT_TABLE_F2":4,"RIGHT_TABLE_ROWTIME":0,"RIGHT_TABLE_ROWPARTITION":%d,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":0}`, p0)
		right5 := fmt.Sprintf(`{"RIGHT_TABLE_F1":"a","RIGHT_TABLE_F2":6,"RIGHT_TABLE_ROWTIME":11500,"RIGHT_TABLE_ROWPARTITION":%d,"RIGHT_TABLE_ROWOFFSET":%d,"RIGHT_TABLE_R_ID":5}`, p5, off5)
		want := []fkRec{
			{0, pk, append(append([]byte{0}, insert...), right0...), 10000},
			{0, pk, append([]byte{0}, update...), 11000}, // no right row for 5 yet
			{0, pk, append(append([]byte{0}, update...), right5...), 11500},
			{0, pk, []byte{0x80}, 12000}, // the later of the delete's time and the right row's
		}
		fkSameRecords(t, responses, want)
	})
}

// fkHash is the 16 bytes a subscription carries for a left value: the
// value's Murmur3.hash128 with Kafka Streams' default seed, two big-endian
// longs.
func fkHash(value string) []byte {
	h := murmur3Hash128([]byte(value), murmur3Seed)
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(h[0])), uint64(h[1]))
}

// fkRec is a record of a subscription topic or store changelog as the
// specs compare them; a nil value is a tombstone.
type fkRec struct {
	part       int32
	key, value []byte
	ts         int64
}

func (r fkRec) String() string {
	return fmt.Sprintf("p%d %s %s @%d", r.part, fkBytes(r.key), fkBytes(r.value), r.ts)
}

// fkBytes is b in hex, "<null>" for null bytes (an empty key is not null).
func fkBytes(b []byte) string {
	if b == nil {
		return "<null>"
	}
	return fmt.Sprintf("%x", b)
}

// fkRecords reads the n records of topic, checking it holds no more.
func fkRecords(t *testing.T, st *stack, topic string, n int) []fkRec {
	t.Helper()
	var got []fkRec
	for _, r := range st.records(topic, n) {
		got = append(got, fkRec{r.Partition, r.Key, r.Value, r.Timestamp.UnixMilli()})
	}
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	ends.Each(func(o kadm.ListedOffset) { total += o.Offset })
	if total != int64(n) {
		t.Errorf("%s holds %d records, want %d", topic, total, n)
	}
	return got
}

// fkSameRecords checks that got holds the records of want in their order
// within each partition.
func fkSameRecords(t *testing.T, got, want []fkRec) {
	t.Helper()
	byPart := func(recs []fkRec) map[int32][]string {
		out := map[int32][]string{}
		for _, r := range recs {
			out[r.part] = append(out[r.part], r.String())
		}
		return out
	}
	g, w := byPart(got), byPart(want)
	parts := append(slices.Collect(maps.Keys(g)), slices.Collect(maps.Keys(w))...)
	slices.Sort(parts)
	for _, p := range slices.Compact(parts) {
		if !slices.Equal(g[p], w[p]) {
			t.Errorf("partition %d:\n got %q\nwant %q", p, g[p], w[p])
		}
	}
}

// A subscription carries the left record's headers to the registration
// topic and its answer to the response topic, and a right update's answer
// carries the right record's: each processor forwards the record it
// received with a new key and value (Record.withKey, withValue), headers
// kept, and the sinks write them. The store's changelog has none
// (ProcessorContextImpl.logChange: headers only with the IQ consistency
// vector, which ksqlDB does not enable). apache/kafka 3.9.0-rc3,
// streams/.../foreignkeyjoin/SubscriptionSendProcessorSupplier.forward,
// SubscriptionJoinProcessorSupplier, ForeignTableJoinProcessorSupplier.
func TestAForeignKeyJoinsSubscriptionRecordsCarryTheirTableRecordsHeaders(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	produce := func(topic string, ts int64, key uint64, value, header string) {
		rec := &kgo.Record{Topic: topic, Key: longKey(key), Value: []byte(value), Timestamp: time.UnixMilli(ts),
			Headers: []kgo.RecordHeader{{Key: header, Value: []byte(topic)}}}
		if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatalf("produce: %v", err)
		}
	}
	// each after the one before it is processed (the tables' topics are
	// read apart)
	produce("right_topic", 0, 0, `{"F1":"blah","F2":4}`, "r0")
	st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
	produce("left_topic", 1000, 1, `{"NAME":"zero","FOREIGN_KEY":0}`, "l1")
	st.records(queryTopic(id, fkResponseTopic), 1)
	produce("right_topic", 2000, 0, `{"F1":"a","F2":5}`, "r2")
	headers := func(rs []*kgo.Record) []string {
		var out []string
		for _, r := range rs {
			var hs []string
			for _, h := range r.Headers {
				hs = append(hs, h.Key+"="+string(h.Value))
			}
			out = append(out, fmt.Sprint(hs))
		}
		return out
	}
	reg := headers(st.records(queryTopic(id, fkRegistrationTopic), 1))
	entries := headers(st.records(queryTopic(id, fkSubscriptionLog), 1))
	answers := headers(st.records(queryTopic(id, fkResponseTopic), 2))
	t.Run("the subscription carries the left record's headers", func(t *testing.T) {
		if want := []string{"[l1=left_topic]"}; !slices.Equal(reg, want) {
			t.Errorf("registration headers %q, want %q", reg, want)
		}
	})
	t.Run("the store's changelog entry has no headers", func(t *testing.T) {
		if want := []string{"[]"}; !slices.Equal(entries, want) {
			t.Errorf("store changelog headers %q, want %q", entries, want)
		}
	})
	t.Run("each answer carries the headers of the record it answers", func(t *testing.T) {
		if want := []string{"[l1=left_topic]", "[r2=right_topic]"}; !slices.Equal(answers, want) {
			t.Errorf("response headers %q, want %q", answers, want)
		}
	})
}

// In a LEFT JOIN a left row always subscribes
// (SubscriptionSendProcessorSupplier.leftJoinInstructions), a null foreign
// key too: ksqlDB's KsqlKeyExtractor hands Kafka Streams
// GenericKey.genericKey(null), never a null key, which the right table's
// key serde writes as null bytes (KAFKA: KafkaSerdeFactory's RowSerializer
// over a LongSerializer), so the registration record has a null key, and
// the right sub-topology answers it with no right row and keeps no store
// entry, or drops it but for PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE
// (SubscriptionReceiveProcessorSupplier.process). A change of key first
// unsubscribes the old one with DELETE_KEY_NO_PROPAGATE, a delete as
// well, whose new key is null, then subscribes the new one (confluentinc/ksql
// v7.9.0 ksqldb-streams/.../KsqlKeyExtractor.java; apache/kafka 3.9.0-rc3;
// the old key's instruction as CP 7.9.4's Kafka Streams sends it,
// confluentinc/kafka v7.9.4-ccs KAFKA-18713, where 3.9.0 sent
// DELETE_KEY_AND_PROPAGATE).
func TestALeftForeignKeyJoinSubscribesANullForeignKeyWithANullKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;`)
	st.produceJoin(
		joinRec{"left_topic", 1000, longKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":null}`)},
		joinRec{"left_topic", 2000, longKey(1), []byte(`{"NAME":"b","FOREIGN_KEY":0}`)},
		joinRec{"left_topic", 3000, longKey(1), nil},
	)
	first := fkHash(`{"LEFT_TABLE_NAME":"a","LEFT_TABLE_FOREIGN_KEY":null,"LEFT_TABLE_ROWTIME":1000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	second := fkHash(`{"LEFT_TABLE_NAME":"b","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":2000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":1,"LEFT_TABLE_L_ID":1}`)
	pk := longKey(1)
	sub := func(instr byte, hash []byte) []byte {
		head := byte(1)
		if hash == nil {
			head |= 0x80
		}
		return binary.BigEndian.AppendUint32(append(append([]byte{head, instr}, hash...), pk...), 0)
	}
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 5)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 2)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 3)
	t.Run("every update subscribes, a null foreign key under a null key", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{
			{0, nil, sub(2, first), 1000},
			{0, nil, sub(0, second), 2000}, // the old, null, key unsubscribed
			{0, longKey(0), sub(2, second), 2000},
			{0, longKey(0), sub(0, nil), 3000},
			{0, nil, sub(2, nil), 3000}, // the delete's new, null, key
		})
	})
	t.Run("only a non-null foreign key has a store entry", func(t *testing.T) {
		ck := append(binary.BigEndian.AppendUint32(nil, 8), append(longKey(0), pk...)...)
		fkSameRecords(t, entries, []fkRec{{0, ck, sub(2, second), 2000}, {0, ck, nil, 3000}})
	})
	t.Run("a null key's PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE is answered, an old key's DELETE_KEY_NO_PROPAGATE not", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{
			{0, pk, append([]byte{0}, first...), 1000},
			{0, pk, append([]byte{0}, second...), 2000},
			{0, pk, []byte{0x80}, 3000},
		})
	})
}

// A PROTOBUF_NOSR key has no UNWRAP_SINGLES either (see
// TestAProtobufLeftForeignKeyJoinKeysANullForeignKeyAsAnEmptyMessage): the
// right table's key serializer writes KsqlKeyExtractor's
// GenericKey.genericKey(null) as a message with no field set, which
// without the schema registry's framing is zero bytes, not null bytes, so
// a LEFT JOIN's subscription with a null foreign key has an empty key and
// a store entry (confluentinc/ksql v7.9.0 ProtobufNoSRSerdeFactory,
// KsqlConnectSerializer; apache/kafka 3.9.0-rc3
// SubscriptionReceiveProcessorSupplier).
func TestALeftForeignKeyJoinOfAProtobufNoSRKeyedTableKeysANullForeignKeyAsEmptyBytes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', key_format='PROTOBUF_NOSR', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;`)
	st.produceJoin(joinRec{"left_topic", 1000, longKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":null}`)})
	hash := fkHash(`{"LEFT_TABLE_NAME":"a","LEFT_TABLE_FOREIGN_KEY":null,"LEFT_TABLE_ROWTIME":1000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	pk := longKey(1)
	sub := binary.BigEndian.AppendUint32(append(append([]byte{1, 2}, hash...), pk...), 0)
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 1)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 1)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 1)
	t.Run("the subscription has an empty key", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{{0, []byte{}, sub, 1000}})
	})
	t.Run("the store keeps the subscription under the empty foreign key", func(t *testing.T) {
		fkSameRecords(t, entries, []fkRec{{0, append(binary.BigEndian.AppendUint32(nil, 0), pk...), sub, 1000}})
	})
	t.Run("the answer has no right row", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{{0, pk, append([]byte{0}, hash...), 1000}})
	})
}

// On a restart the right table's sub-topology restores the subscription
// store from its changelog (a logged store), and both tables' stores from
// theirs: a right update then answers the subscriptions made before the
// restart with their hash and partition, and a left update unsubscribes
// its old foreign key (ForeignTableJoinProcessorSupplier's prefix scan of
// the store; SubscriptionSendProcessorSupplier's old value).
func TestAForeignKeyJoinAnswersSubscriptionsMadeBeforeARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`)
	// each step waits for the one before it to be processed: the tables'
	// topics are read apart (see TestAForeignKeyJoinWritesKafkaStreamsSubscriptionRecords)
	st.produceJoin(joinRec{"right_topic", 1000, []byte("0"), []byte(`{"F1":"r"}`)})
	st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
	st.produceJoin(joinRec{"left_topic", 2000, []byte("1"), []byte(`{"NAME":"a","FOREIGN_KEY":0}`)})
	fkRecords(t, st, queryTopic(id, fkResponseTopic), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"right_topic", 3000, []byte("0"), []byte(`{"F1":"s"}`)})
	fkRecords(t, st, queryTopic(id, fkResponseTopic), 2)
	st.produceJoin(joinRec{"left_topic", 4000, []byte("1"), []byte(`{"NAME":"b","FOREIGN_KEY":7}`)})
	before := fkHash(`{"LEFT_TABLE_NAME":"a","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":2000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	after := fkHash(`{"LEFT_TABLE_NAME":"b","LEFT_TABLE_FOREIGN_KEY":7,"LEFT_TABLE_ROWTIME":4000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":1,"LEFT_TABLE_L_ID":1}`)
	sub := func(instr byte, hash []byte) []byte {
		return binary.BigEndian.AppendUint32(append(append([]byte{1, instr}, hash...), '1'), 0)
	}
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 3)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 3)
	t.Run("a left update after the restart unsubscribes the old foreign key", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{
			{0, []byte("0"), sub(3, before), 2000},
			{0, []byte("0"), sub(0, after), 4000},
			{0, []byte("7"), sub(2, after), 4000},
		})
	})
	t.Run("a right update after the restart answers the subscription made before it", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{
			{0, []byte("1"), append(append([]byte{0}, before...), `{"RIGHT_TABLE_F1":"r","RIGHT_TABLE_ROWTIME":1000,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":0}`...), 2000},
			{0, []byte("1"), append(append([]byte{0}, before...), `{"RIGHT_TABLE_F1":"s","RIGHT_TABLE_ROWTIME":3000,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":1,"RIGHT_TABLE_R_ID":0}`...), 3000},
			{0, []byte("1"), append([]byte{0}, after...), 4000},
		})
	})
}

// A push query's foreign-key join runs the persistent join's steps under
// its transient application id (see TestATransientForeignKeyJoinHasTheSubscriptionTopicsUntilItEnds),
// so Kafka Streams writes the same subscription there.
func TestATransientForeignKeyJoinWritesItsSubscriptions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"right_topic", 0, longKey(0), []byte(`{"F1":"blah","F2":4}`)},
		joinRec{"left_topic", 10000, longKey(1), []byte(`{"NAME":"zero","FOREIGN_KEY":0}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[1,0,"zero","blah"]` {
		t.Errorf("push row %s, want [1,0,\"zero\",\"blah\"]", got)
	}
	app, _ := transientTopics(t, st, qid)
	got := fkRecords(t, st, app+fkRegistrationTopic, 1)
	hash := fkHash(`{"LEFT_TABLE_NAME":"zero","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":10000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	wrapper := binary.BigEndian.AppendUint32(append(append([]byte{1, 3}, hash...), longKey(1)...), 0)
	fkSameRecords(t, got, []fkRec{{0, longKey(0), wrapper, 10000}})
	st.produceJoin(joinRec{"right_topic", 11000, longKey(0), []byte(`{"F1":"a","F2":5}`)})
	readLine(t, rd)
}
