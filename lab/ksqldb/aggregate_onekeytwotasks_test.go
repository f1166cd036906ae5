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
			waitRestored(t, url, "SELECT * FROM counts;")
			check("restarted")
		})
	}
}

// waitRestored waits for a restarted query's store to answer the pull
// query scan with a row: the query restores it from its changelog after
// the server starts.
func waitRestored(t *testing.T, url, scan string) {
	t.Helper()
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, scan)
		return len(rows) > 0
	}, "rows of "+scan)
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

// A table over a topic keeps its rows in the task's store too: apache/kafka
// 3.9.0-rc3 streams/src/main/java/org/apache/kafka/streams/kstream/internals/KTableSource.java
// gets the old row and puts the new one through the store of the task
// processing the record, and ksqlDB materializes a table's source so
// (SourceBuilder, the KsqlTopic-Reduce store). A key written to two
// partitions has a row in each task's store, each with its own updates and
// deletes, and each store logs to its task's changelog partition.

// usersTable is a table over two partitions keyed by INT ids.
const usersTable = `CREATE TABLE users (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=2, VALUE_FORMAT='JSON');`

// Key k, which hashes to partition 1, is "a" in partition 1 and then "b"
// in partition 0: the projection of the table emits each task's row, a
// pull query naming k reads partition 1's ("a") and a scan reads both,
// partition 0's first. A tombstone of k in partition 0 deletes that task's
// row alone, and a restart restores partition 1's from its changelog
// partition.
func TestTableKeyInTwoTasksHasARowInEach(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, usersTable+`CREATE TABLE copy AS SELECT * FROM users;`, earliest())
	k := keyHashingTo(1)
	st.produceToPartition("users", 1, timed{intKey(k), `{"NAME":"a"}`, 1_000})
	st.consumeIntKeyed("COPY", 1)
	st.produceToPartition("users", 0, timed{intKey(k), `{"NAME":"b"}`, 2_000})
	got := st.consumeIntKeyed("COPY", 2)
	if want := []keyedRec{{k, `{"NAME":"a"}`, 1_000}, {k, `{"NAME":"b"}`, 2_000}}; !slices.Equal(got, want) {
		t.Errorf("COPY: %v, want %v", got, want)
	}
	var parts []int32
	for _, r := range st.consumeRecords(sinkQueryTopic(t, url, "COPY", "-KsqlTopic-Reduce-changelog"), 2) {
		parts = append(parts, r.Partition)
	}
	if slices.Sort(parts); !slices.Equal(parts, []int32{0, 1}) {
		t.Errorf("store changelog records in partitions %v, want 0 and 1", parts)
	}
	pull := func(when string, scan ...string) {
		t.Helper()
		if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT NAME FROM copy WHERE id = %d;", k)); !slices.Equal(rows, []string{"[a]"}) {
			t.Errorf("%s: by key: rows %v, want [[a]]", when, rows)
		}
		if _, rows, _ := pullRows(t, url, "SELECT NAME FROM copy;"); !slices.Equal(rows, scan) {
			t.Errorf("%s: scan: rows %v, want %v", when, rows, scan)
		}
	}
	pull("both", "[b]", "[a]")
	st.produceToPartition("users", 0, timed{intKey(k), ``, 3_000})
	st.consumeIntKeyed("COPY", 3)
	pull("deleted in partition 0", "[a]")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	waitRestored(t, url, "SELECT * FROM copy;")
	pull("restarted", "[a]")
}

// An aggregation of a table takes an update of a key out of the group of
// that key's row in the same task (KTableSource's old value, which
// KTableRepartitionMap sends as the Change's old row): key 1 is "a" in
// partition 0, "b" in partition 1, then "c" in partition 0, so "a" goes
// back to 0 (count.json "count table": a count taken back to 0 stays) when
// "c" comes, and "b" keeps its 1.
func TestTableAggregationRetractsTheRowOfTheTasksStore(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, usersTable+`CREATE TABLE by_name AS SELECT name, COUNT(*) AS n FROM users GROUP BY name;`, earliest())
	step := func(partition int32, name string, ts int64, n int) []kv {
		t.Helper()
		st.produceToPartition("users", partition, timed{intKey(1), `{"NAME":"` + name + `"}`, ts})
		return st.consume("BY_NAME", n)
	}
	step(0, "a", 1_000, 1)
	step(1, "b", 2_000, 2)
	var got []string
	for _, r := range step(0, "c", 3_000, 4) {
		got = append(got, string(r.key)+"="+string(r.value))
	}
	slices.Sort(got)
	if want := []string{`a={"N":0}`, `a={"N":1}`, `b={"N":1}`, `c={"N":1}`}; !slices.Equal(got, want) {
		t.Errorf("BY_NAME: %v, want %v", got, want)
	}
	if n := st.recordCount("BY_NAME"); n != 4 {
		t.Errorf("BY_NAME holds %d records, want 4", n)
	}
}

// A source table's query (CST_) materializes the table likewise: key k,
// which hashes to partition 0, is "a" in partition 0 and "b" in partition
// 1, and a pull query naming k reads partition 0's row.
func TestSourceTableKeyInTwoTasksIsLookedUpInItsHashPartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE SOURCE TABLE users (id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=2, VALUE_FORMAT='JSON');`, earliest())
	k := keyHashingTo(0)
	st.produceToPartition("users", 1, timed{intKey(k), `{"NAME":"b"}`, 1_000})
	st.produceToPartition("users", 0, timed{intKey(k), `{"NAME":"a"}`, 2_000})
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT NAME FROM users;")
		return len(rows) == 2
	}, "both rows of USERS")
	if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT NAME FROM users WHERE id = %d;", k)); !slices.Equal(rows, []string{"[a]"}) {
		t.Errorf("by key: rows %v, want [[a]]", rows)
	}
	if _, rows, _ := pullRows(t, url, "SELECT NAME FROM users;"); !slices.Equal(rows, []string{"[a]", "[b]"}) {
		t.Errorf("scan: rows %v, want [[a] [b]]", rows)
	}
}

// The partition a pull query's key hashes to is counted over the store's
// tasks, the partitions of the query's source topic (apache/kafka 3.9.0-rc3
// streams/.../processor/internals/StreamsMetadataState.java
// getKeyQueryMetadataForKey hashes the key over SourceTopicsInfo's
// maxPartitions, of the store's source topics), not over
// the table's own topic: a count of taps (2 partitions) into a topic of 4
// partitions finds a key written by the default partitioner whose
// partition of 4 is not its partition of 2.
func TestPullQueryByKeyHashesOverTheSourcePartitions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+`CREATE TABLE counts WITH (PARTITIONS=4) AS SELECT user_id, COUNT(*) AS n FROM taps GROUP BY user_id EMIT CHANGES;`, earliest())
	k := int32(1)
	for hashPartition(intKey(k), 4) == hashPartition(intKey(k), 2) {
		k++
	}
	st.produceToPartition("taps", hashPartition(intKey(k), 2), timed{intKey(k), `{"region":0}`, 1_000})
	st.consumeIntKeyed("COUNTS", 1)
	if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT N FROM counts WHERE user_id = %d;", k)); !slices.Equal(rows, []string{"[1]"}) {
		t.Errorf("by key: rows %v, want [[1]]", rows)
	}
}

// An aggregation of a join runs in the tasks of its repartition topic
// (the EXPLAIN of such a query shows Aggregate-GroupBy-repartition feeding
// a sub-topology of its own), whose records the default partitioner puts
// in the partition their grouping key hashes to: the store's changelog
// record of a group goes there, whatever partition the joined records
// were in. Tables a and b joined on their key k, grouped by X, whose value
// 7 hashes to partition 1, from records in partition 0.
func TestJoinAggregationLogsAGroupToItsKeysPartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, abTables+`
CREATE TABLE agg AS SELECT a.x, COUNT(*) AS n FROM a JOIN b ON a.id = b.id GROUP BY a.x;`, earliest())
	x := keyHashingTo(1)
	k := keyHashingTo(0)
	st.produceToPartition("a", 0, timed{intKey(k), fmt.Sprintf(`{"X":%d}`, x), 1_000})
	st.produceToPartition("b", 0, timed{intKey(k), `{"Y":1}`, 1_000})
	st.consumeIntKeyed("AGG", 1)
	for _, r := range st.consumeRecords(storeTopic(t, url, "AGG"), 1) {
		if r.Partition != 1 {
			t.Errorf("store changelog record of X=%d in partition %d, want 1", x, r.Partition)
		}
	}
}
