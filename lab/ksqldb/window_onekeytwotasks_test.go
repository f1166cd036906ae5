package ksqldb

import (
	"fmt"
	"slices"
	"testing"
)

// A source written to partitions its keys do not hash to can bring one
// key to two tasks. Each task's windowed aggregation reads and writes its
// own store partition (apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/KStreamWindowAggregate.java
// and KStreamSessionWindowAggregate.java fetch and put through the
// task's windowStore / store, which ProcessorContextImpl.getStateStore
// gives each task for itself), so the key has a window, or session, in
// each task, counted apart, and each store logs its own to its changelog
// partition.

// Key 1 at 1 s in partition 0, then at 2 s in partition 1: two [0,10)
// windows of one record each, logged to changelog partitions 0 and 1.
func TestTumblingKeyInTwoTasksHasAWindowInEach(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE per_ten AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 1_000})
	st.consumeWindowed("PER_TEN", 1)
	st.produceToPartition("taps", 1, timed{intKey(1), `{"region":0}`, 2_000})
	checkWindowed(t, st.consumeWindowed("PER_TEN", 2), []string{`1@0={"N":1}/ts1000`, `1@0={"N":1}/ts2000`})
	var parts []int32
	for _, r := range st.consumeRecords(storeTopic(t, url, "PER_TEN"), 2) {
		parts = append(parts, r.Partition)
	}
	if slices.Sort(parts); !slices.Equal(parts, []int32{0, 1}) {
		t.Errorf("store changelog records in partitions %v, want 0 and 1", parts)
	}
}

// Key 1 at 1 s in partition 0, then at 2 s in partition 1, gap 5 s: each
// task starts a session of its own, and none is merged away.
func TestSessionKeyInTwoTasksHasASessionInEach(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceToPartition("taps", 0, timed{intKey(1), `{"region":0}`, 1_000})
	st.consumeSessions("VISITS", 1)
	st.produceToPartition("taps", 1, timed{intKey(1), `{"region":0}`, 2_000})
	got := st.consumeSessions("VISITS", 2)
	want := []string{`1@[1000,1000]={"N":1}/ts1000`, `1@[2000,2000]={"N":1}/ts2000`}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("VISITS"); n != 2 {
		t.Errorf("VISITS holds %d records, want 2", n)
	}
}

// A table scan of a windowed table reads store partition by store
// partition (ksqldb-streams KsMaterializedWindowTable scans each
// partition's store in turn; storeKeys), and a window is in the store of
// the task that took its record, not of the partition its key hashes to:
// key k, which hashes to partition 1, written to partition 0, comes before
// key m, which hashes to partition 0, written to partition 1.
func TestWindowedTableScanReadsWindowsInTheirTasksStores(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`
CREATE TABLE per_ten AS SELECT user_id, COUNT(*) AS n
  FROM taps WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	k, m := keyHashingTo(1), keyHashingTo(0)
	st.produceToPartition("taps", 0, timed{intKey(k), `{"region":0}`, 1_000})
	st.produceToPartition("taps", 1, timed{intKey(m), `{"region":0}`, 2_000})
	st.consumeWindowed("PER_TEN", 2)
	_, rows, _ := pullRows(t, url, "SELECT USER_ID FROM per_ten;")
	if want := []string{fmt.Sprintf("[%d]", k), fmt.Sprintf("[%d]", m)}; !slices.Equal(rows, want) {
		t.Errorf("scan: rows %v, want %v", rows, want)
	}
}
