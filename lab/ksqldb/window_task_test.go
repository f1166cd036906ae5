package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Kafka Streams runs a windowed aggregation in one task per partition of
// the sub-topology's input (the source topic's when the aggregation groups
// by the key, else its repartition topic's), and each task has its own
// processor: apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/AbstractKStreamTimeWindowAggregateProcessor.java
// keeps observedStreamTime, lastEmitWindowCloseTime and the emit throttle
// (timeTracker) as fields of the processor instance, and
// KStreamWindowAggregate / KStreamSessionWindowAggregate measure the grace
// (a late record is dropped) and EMIT FINAL's close time on them. A record
// late for one task's stream time is on time for another's.

// tapsStream is a stream over two partitions, keyed and valued by INTs.
const tapsStream = `CREATE STREAM taps (user_id INT KEY, region INT) WITH (KAFKA_TOPIC='taps', PARTITIONS=2, VALUE_FORMAT='JSON');`

// produceToPartition writes recs to one partition of topic, in order; an
// empty value is written as null (a tombstone).
func (st *stack) produceToPartition(topic string, partition int32, recs ...timed) {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ProducerLinger(0), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	var out []*kgo.Record
	for _, r := range recs {
		var v []byte
		if r.value != "" {
			v = []byte(r.value)
		}
		out = append(out, &kgo.Record{Topic: topic, Partition: partition, Key: r.key, Value: v, Timestamp: time.UnixMilli(r.ts)})
	}
	if err := cl.ProduceSync(context.Background(), out...).FirstErr(); err != nil {
		st.t.Fatalf("produce %s[%d]: %v", topic, partition, err)
	}
}

// hashPartition is the partition of n the Java producer's default
// partitioner gives key (murmur2).
func hashPartition(key []byte, n int) int32 {
	return int32(kgo.StickyKeyPartitioner(nil).ForTopic("").Partition(&kgo.Record{Key: key}, n))
}

// sortedStrs are the rows as strings, sorted: rows of different partitions
// come in no order of their own.
func sortedStrs[T interface{ String() string }](xs []T) []string {
	out := strs(xs)
	slices.Sort(out)
	return out
}

// Grouped by its key, a TUMBLING aggregation runs one task per source
// partition. Task 0 takes key 1 at 100 s; task 1 then takes key 2 at 5 s:
// its stream time is 5 s, so with no grace [0,10) is open there (closed
// only once stream time - grace >= its end) and the record counts. Task 1
// then takes key 2 at 30 s and at 9 s: at 30 s its stream time closes
// [0,10), and the 9 s record is dropped.
func TestTumblingGraceIsMeasuredOnEachTasksStreamTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE per_ten AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 100_000})
	st.consumeWindowed("PER_TEN", 1)
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 5_000})
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 30_000}, timed{intKey(2), `{"region":0}`, 9_000})
	want := []string{`1@100000={"N":1}/ts100000`, `2@0={"N":1}/ts5000`, `2@30000={"N":1}/ts30000`}
	if got := sortedStrs(st.consumeWindowed("PER_TEN", 3)); !slices.Equal(got, want) {
		t.Errorf("PER_TEN:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("PER_TEN"); n != 3 {
		t.Errorf("PER_TEN holds %d records, want 3: the 9 s record is late for task 1", n)
	}
}

// A HOPPING record goes to each of its windows that its task's stream time
// has not closed: task 1's first record, at 7 s, opens [0,10) and [5,15)
// though task 0 is at 100 s (windows [95,105) and [100,110)).
func TestHoppingGraceIsMeasuredOnEachTasksStreamTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE hops AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW HOPPING (SIZE 10 SECONDS, ADVANCE BY 5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 100_000})
	st.consumeWindowed("HOPS", 2)
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 7_000})
	want := []string{`1@100000={"N":1}/ts100000`, `1@95000={"N":1}/ts100000`, `2@0={"N":1}/ts7000`, `2@5000={"N":1}/ts7000`}
	if got := sortedStrs(st.consumeWindowed("HOPS", 4)); !slices.Equal(got, want) {
		t.Errorf("HOPS:\n got %v\nwant %v", got, want)
	}
}

// A SESSION record is late when its session ends before its task's stream
// time less grace and gap (KStreamSessionWindowAggregate): task 1's first
// record, at 5 s, starts a session though task 0 is at 100 s.
func TestSessionGraceIsMeasuredOnEachTasksStreamTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW SESSION (10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 100_000})
	st.consumeSessions("VISITS", 1)
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 5_000})
	got := st.consumeSessions("VISITS", 2)
	slices.Sort(got)
	want := []string{`1@[100000,100000]={"N":1}/ts100000`, `2@[5000,5000]={"N":1}/ts5000`}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
}

// EMIT FINAL closes each task's windows on its own stream time. Task 0
// takes key 1 at 1 s and 15 s: its close time 15 s closes [0,10), which
// goes out. Task 1 takes key 2 at 2 s and 8 s, both on time at its stream
// time, and its [0,10) stays open until its own 12 s record closes it; the
// [10,20) windows of both tasks stay open (emitfinal.go has the fetch).
func TestEmitFinalClosesEachTasksWindowsOnItsStreamTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 1_000}, timed{intKey(1), `{"region":0}`, 15_000})
	checkWindowed(t, st.consumeWindowed("FINALS", 1), []string{`1@0={"N":1}/ts1000`})
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 2_000}, timed{intKey(2), `{"region":0}`, 8_000})
	st.produceToPartition("taps", 1, timed{intKey(2), `{"region":0}`, 12_000})
	want := []string{`1@0={"N":1}/ts1000`, `2@0={"N":2}/ts8000`}
	if got := sortedStrs(st.consumeWindowed("FINALS", 2)); !slices.Equal(got, want) {
		t.Errorf("FINALS:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("FINALS"); n != 2 {
		t.Errorf("FINALS holds %d records, want 2: the [10,20) windows are open", n)
	}
}

// Grouped by a value column, the aggregation reads its repartition topic
// (two partitions, as the source), one task per partition; a grouping key
// goes to the partition the Java producer's default partitioner gives its
// serialized key (murmur2), which the spec reads back from the topic. The
// region landing in one partition is counted at 100 s, then the region
// landing in the other at 5 s: its task's stream time is 5 s, so it counts.
func TestRepartitionedWindowsKeepStreamTimePerRepartitionPartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	// two regions whose 4-byte INT keys land in different partitions
	first, second := int32(1), int32(2)
	for hashPartition(intKey(second), 2) == hashPartition(intKey(first), 2) {
		second++
	}
	mustKSQL(t, url, tapsStream+`
CREATE TABLE per_region AS SELECT region, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY region EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":` + fmt.Sprint(first) + `}`, 100_000})
	st.consumeWindowed("PER_REGION", 1)
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":` + fmt.Sprint(second) + `}`, 5_000})
	want := []string{fmt.Sprint(first) + `@100000={"N":1}/ts100000`, fmt.Sprint(second) + `@0={"N":1}/ts5000`}
	slices.Sort(want)
	if got := sortedStrs(st.consumeWindowed("PER_REGION", 2)); !slices.Equal(got, want) {
		t.Errorf("PER_REGION:\n got %v\nwant %v", got, want)
	}
	recs := st.consumeRecords(sinkQueryTopic(t, url, "PER_REGION", "-Aggregate-GroupBy-repartition"), 2)
	if recs[0].Partition == recs[1].Partition {
		t.Errorf("regions %d and %d share repartition partition %d: the spec needs two tasks", first, second, recs[0].Partition)
	}
}

// Each task commits its own EMIT FINAL close time with the offsets of its
// partitions, and a restarted task reads back its own partitions' metadata
// (StreamTask.initializeTaskTimeAndProcessorMetadata; commitmeta.go has
// the layout); its windows come back from its store's changelog
// partition, the task's own, whatever partition the key hashes to
// (ProcessorContextImpl.logChange sends to the store's changelog
// partition). Task 1 takes key k at 2 s, k a key the default partitioner
// would put in partition 0; task 0 takes key 1 at 1 s and 15 s, which
// closes and emits its [0,10) (close time 15 s). After a restart, task 1,
// whose commits carry no close time, takes key k at 12 s: its close time
// 12 s closes its [0,10), still in its store, and the window goes out.
func TestEmitFinalRestartRestoresEachTasksLastEmit(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url1 := st.serve()
	props := emitEveryRecord()
	mustKSQL(t, url1, tapsStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 HOUR, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL;`, props)
	k := int32(2)
	for hashPartition(intKey(k), 2) != 0 {
		k++
	}
	st.produceToPartition("taps", 1, timed{intKey(k), `{"region":0}`, 2_000})
	if p := st.consumeRecords(storeTopic(t, url1, "FINALS"), 1)[0].Partition; p != 1 {
		t.Errorf("task 1's window went to changelog partition %d, want 1", p)
	}
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 1_000}, timed{intKey(1), `{"region":0}`, 15_000})
	checkWindowed(t, st.consumeWindowed("FINALS", 1), []string{`1@0={"N":1}/ts1000`})
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceToPartition("taps", 1, timed{intKey(k), `{"region":0}`, 12_000})
	want := []string{`1@0={"N":1}/ts1000`, fmt.Sprint(k) + `@0={"N":1}/ts2000`}
	if got := sortedStrs(st.consumeWindowed("FINALS", 2)); !slices.Equal(got, want) {
		t.Errorf("FINALS:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("FINALS"); n != 2 {
		t.Errorf("FINALS holds %d records, want 2", n)
	}
}
