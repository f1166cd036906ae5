package ksqldb

import (
	"context"
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"testing"

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
	st.produceJoin(
		joinRec{"right_topic", 0, longKey(0), []byte(`{"F1":"blah","F2":4}`)},
		joinRec{"left_topic", 10000, longKey(1), []byte(`{"NAME":"zero","FOREIGN_KEY":0}`)},
		joinRec{"left_topic", 11000, longKey(1), []byte(`{"NAME":"one","FOREIGN_KEY":5}`)},
		joinRec{"right_topic", 11500, longKey(5), []byte(`{"F1":"a","F2":6}`)},
		joinRec{"left_topic", 12000, longKey(1), nil},
	)
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
	v := "<null>"
	if r.value != nil {
		v = fmt.Sprintf("%x", r.value)
	}
	return fmt.Sprintf("p%d %x %s @%d", r.part, r.key, v, r.ts)
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
