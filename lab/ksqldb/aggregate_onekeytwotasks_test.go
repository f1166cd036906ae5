package ksqldb

import (
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A source written to partitions its keys do not hash to can bring one
// key to two tasks. A non-windowed aggregation grouping by the key has no
// repartition, so each source partition's task aggregates its records in
// its own store partition: apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/KStreamAggregate.java
// gets and puts the aggregate through the task's store, which
// processor/internals/ProcessorContextImpl.getStateStore gives each task
// (StreamTask) for itself, and the store's changelog record goes to the
// task's partition (ProcessorStateManager's changelogFor the task's
// partition). The key has an aggregate in each task, counted apart, and
// each emits its own.
//
// A pull query naming a key reads the store partition the key hashes to:
// ksqldb-streams KsLocator.getMetadataForKeys asks
// KafkaStreams.queryMetadataForKey (the default partitioner's murmur2 of
// the serialized key) and KsMaterializedTable.get / KsMaterializedWindowTable.get
// read that partition's store; a table scan reads every partition's.

// countsByUser counts taps by their key, which needs no repartition.
const countsByUser = `CREATE TABLE counts AS SELECT user_id, COUNT(*) AS n FROM taps GROUP BY user_id EMIT CHANGES;`

// Key 1 at 1 s in partition 0, at 2 s in partition 1, at 3 s in partition
// 0 again: task 0 counts 1 then 2, task 1 counts 1, and the store logs
// each count to its task's changelog partition.
func TestGroupByKeyInTwoTasksCountsEachTaskApart(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+countsByUser, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 1_000})
	st.consumeIntKeyed("COUNTS", 1)
	st.produceToPartition("taps", 1, timed{intKey(1), `{"region":0}`, 2_000})
	st.consumeIntKeyed("COUNTS", 2)
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 3_000})
	var got []string
	for _, r := range st.consumeIntKeyed("COUNTS", 3) {
		got = append(got, fmt.Sprintf("%d=%s/ts%d", r.key, r.value, r.ts))
	}
	if slices.Sort(got); !slices.Equal(got, []string{`1={"N":1}/ts1000`, `1={"N":1}/ts2000`, `1={"N":2}/ts3000`}) {
		t.Errorf("COUNTS: %v", got)
	}
	var parts []int32
	for _, r := range st.consumeRecords(storeTopic(t, url, "COUNTS"), 3) {
		parts = append(parts, r.Partition)
	}
	if slices.Sort(parts); !slices.Equal(parts, []int32{0, 0, 1}) {
		t.Errorf("store changelog records in partitions %v, want 0, 0 and 1", parts)
	}
}

// keyHashingTo is the first INT key from 1 up whose serialized form
// hashes to partition p of 2.
func keyHashingTo(p int32) int32 {
	k := int32(1)
	for hashPartition(intKey(k), 2) != p {
		k++
	}
	return k
}

// Key k, which hashes to partition h, twice in partition h and once in
// the other: a pull query naming k reads partition h's store (2), a table
// scan reads both, store partition 0 first; a restart restores each
// task's count from its changelog partition.
func TestPullQueryByKeyReadsTheStorePartitionTheKeyHashesTo(t *testing.T) {
	for _, h := range []int32{0, 1} {
		t.Run(fmt.Sprint("hash partition ", h), func(t *testing.T) {
			st := newStack(t, kfake.DataDir(t.TempDir()))
			srv1, url := st.serve()
			mustKSQL(t, url, tapsStream+countsByUser, earliest())
			k := keyHashingTo(h)
			st.produceToPartition("taps", h, timed{intKey(k), `{"region":0}`, 1_000}, timed{intKey(k), `{"region":0}`, 2_000})
			st.produceToPartition("taps", 1-h, timed{intKey(k), `{"region":0}`, 3_000})
			st.consumeIntKeyed("COUNTS", 3)
			scan := []string{fmt.Sprintf("[%d 2]", k), fmt.Sprintf("[%d 1]", k)}
			if h == 1 {
				slices.Reverse(scan)
			}
			check := func(when string) {
				t.Helper()
				if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT N FROM counts WHERE user_id = %d;", k)); !slices.Equal(rows, []string{"[2]"}) {
					t.Errorf("%s: by key: rows %v, want [[2]]", when, rows)
				}
				if _, rows, _ := pullRows(t, url, "SELECT USER_ID, N FROM counts;"); !slices.Equal(rows, scan) {
					t.Errorf("%s: scan: rows %v, want %v", when, rows, scan)
				}
			}
			check("running")
			if err := srv1.Close(); err != nil {
				t.Fatal(err)
			}
			_, url = st.serve()
			check("restarted")
		})
	}
}

// Key k, which hashes to partition h, at 1 s and 2 s in partition h and
// at 3 s in the other: both tasks have window [0,10) of k, and a pull
// query naming k reads the window in partition h's store alone.
func TestWindowedPullQueryByKeyReadsTheStorePartitionTheKeyHashesTo(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE per_ten AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	h := int32(1)
	k := keyHashingTo(h)
	st.produceToPartition("taps", h, timed{intKey(k), `{"region":0}`, 1_000}, timed{intKey(k), `{"region":0}`, 2_000})
	st.produceToPartition("taps", 1-h, timed{intKey(k), `{"region":0}`, 3_000})
	st.consumeWindowed("PER_TEN", 3)
	if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT WINDOWSTART, N FROM per_ten WHERE user_id = %d;", k)); !slices.Equal(rows, []string{"[0 2]"}) {
		t.Errorf("by key: rows %v, want [[0 2]]", rows)
	}
	if _, rows, _ := pullRows(t, url, "SELECT N FROM per_ten;"); !slices.Equal(rows, []string{"[1]", "[2]"}) {
		t.Errorf("scan: rows %v, want [[1] [2]]", rows)
	}
}
