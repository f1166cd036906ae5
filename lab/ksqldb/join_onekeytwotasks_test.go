package ksqldb

import (
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// The tables a join reads are kept per task, as Kafka Streams keeps every
// store: a join's task of partition p reads partition p of each input
// topic, puts a table's rows in its own store (apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/KTableSource.java,
// the store ProcessorContextImpl.getStateStore gives the task) and looks
// the table up through that store alone:
// KStreamKTableJoinProcessor.process gets the table's value for the
// stream record's key from its valueGetter, a KTableSourceValueGetter
// that KTableSourceValueGetterSupplier inits with the task's context
// (KeyValueStoreWrapper(context, storeName)); KTableKTableInnerJoin's
// KTableKTableJoinProcessor gets the other table's row the same way. A key
// a producer wrote to two partitions of a table (one it does not hash to)
// has a row in each task's store, and a record of another partition does
// not see it. The store logs each row to its task's changelog partition
// (ProcessorStateManager's changelog partition is the task's).

// Key k, which hashes to partition 0, is "a" in partition 1 of users
// only: a tap of k in partition 0 finds no user (a LEFT JOIN pads it),
// one in partition 1 finds "a"; the store's changelog record is in
// partition 1, and after a restart, restored from the table's topic, the
// tasks look their own rows up again.
func TestStreamTableJoinLooksTheTableUpInTheStreamRecordsTask(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, tapsStream+usersTable, nil)
	k := keyHashingTo(0)
	st.produceToPartition("users", 1, timed{intKey(k), `{"NAME":"a"}`, 1_000})
	st.produceToPartition("taps", 0, timed{intKey(k), `{"REGION":1}`, 2_000})
	st.produceToPartition("taps", 1, timed{intKey(k), `{"REGION":2}`, 3_000})
	mustKSQL(t, url, `CREATE STREAM enriched AS SELECT t.user_id, t.region, u.name FROM taps t LEFT JOIN users u ON t.user_id = u.id;`, earliest())
	want := []keyedRec{{k, `{"REGION":1,"NAME":null}`, 2_000}, {k, `{"REGION":2,"NAME":"a"}`, 3_000}}
	if got := sortedByTime(st.consumeIntKeyed("ENRICHED", 2)); !slices.Equal(got, want) {
		t.Errorf("ENRICHED: %v, want %v", got, want)
	}
	for _, r := range st.consumeRecords(sinkQueryTopic(t, url, "ENRICHED", "-KafkaTopic_Right-Reduce-changelog"), 1) {
		if r.Partition != 1 {
			t.Errorf("the table store's changelog record of %d in partition %d, want 1", k, r.Partition)
		}
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceToPartition("taps", 0, timed{intKey(k), `{"REGION":3}`, 4_000})
	st.produceToPartition("taps", 1, timed{intKey(k), `{"REGION":4}`, 5_000})
	want = append(want, keyedRec{k, `{"REGION":3,"NAME":null}`, 4_000}, keyedRec{k, `{"REGION":4,"NAME":"a"}`, 5_000})
	if got := sortedByTime(st.consumeIntKeyed("ENRICHED", 4)); !slices.Equal(got, want) {
		t.Errorf("ENRICHED after a restart: %v, want %v", got, want)
	}
}

// sortedByTime are recs in timestamp order: the records of two tasks
// come in no order of their own.
func sortedByTime(recs []keyedRec) []keyedRec {
	slices.SortStableFunc(recs, func(a, b keyedRec) int { return int(a.ts - b.ts) })
	return recs
}

// abTables are tables a and b over two partitions keyed by INT ids.
const abTables = `CREATE TABLE a (id INT PRIMARY KEY, x INT) WITH (KAFKA_TOPIC='a', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE TABLE b (id INT PRIMARY KEY, y INT) WITH (KAFKA_TOPIC='b', PARTITIONS=2, VALUE_FORMAT='JSON');`

// Key k, which hashes to partition 0, has a row of a in partition 0 and
// a row of b in partition 1: no task holds both, so an INNER JOIN has no
// result until b's row comes in partition 0 too.
func TestTableTableJoinJoinsTheRowsOfOneTask(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, abTables, nil)
	k := keyHashingTo(0)
	st.produceToPartition("a", 0, timed{intKey(k), `{"X":1}`, 1_000})
	st.produceToPartition("b", 1, timed{intKey(k), `{"Y":2}`, 2_000})
	st.produceToPartition("b", 0, timed{intKey(k), `{"Y":3}`, 3_000})
	mustKSQL(t, url, `CREATE TABLE ab AS SELECT a.id AS id, a.x, b.y FROM a JOIN b ON a.id = b.id;`, earliest())
	if got, want := st.consumeIntKeyed("AB", 1), []keyedRec{{k, `{"X":1,"Y":3}`, 3_000}}; !slices.Equal(got, want) {
		t.Errorf("AB: %v, want %v", got, want)
	}
	if n := st.recordCount("AB"); n != 1 {
		t.Errorf("AB holds %d records, want 1", n)
	}
}

// A chain whose second join reads another column of the first join's
// result rekeys that result through the second join's repartition topic
// (L_Join-repartition here), and the second join runs in the task of the
// partition the new key hashes to: a region r, which hashes to partition
// 1, is "north" in task 1's store of regions and "south" in task 0's,
// and a tap from partition 0 finds "north".
func TestChainedJoinLooksTheTableUpInTheTaskOfItsRepartitionedKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+usersTable+`
CREATE TABLE regions (rid INT PRIMARY KEY, label STRING) WITH (KAFKA_TOPIC='regions', PARTITIONS=2, VALUE_FORMAT='JSON');`, nil)
	k, r := keyHashingTo(0), keyHashingTo(1)
	st.produceToPartition("users", 0, timed{intKey(k), `{"NAME":"a"}`, 1_000})
	st.produceToPartition("regions", 1, timed{intKey(r), `{"LABEL":"north"}`, 1_000})
	st.produceToPartition("regions", 0, timed{intKey(r), `{"LABEL":"south"}`, 1_500})
	st.produceToPartition("taps", 0, timed{intKey(k), fmt.Sprintf(`{"REGION":%d}`, r), 2_000})
	mustKSQL(t, url, `CREATE STREAM labelled AS SELECT t.region, u.name, g.label
  FROM taps t JOIN users u ON t.user_id = u.id JOIN regions g ON t.region = g.rid;`, earliest())
	if got, want := st.consumeIntKeyed("LABELLED", 1), []keyedRec{{r, `{"NAME":"a","LABEL":"north"}`, 2_000}}; !slices.Equal(got, want) {
		t.Errorf("LABELLED: %v, want %v", got, want)
	}
}

// The result of a table-table join is a table each task keeps in its own
// store too (ksqlDB materializes the join's result through the task's
// store, as any table's projection: TableSelectBuilder, ksql v7.9.0): key k,
// which hashes to partition 0, joined in both tasks, has a result in
// each; a pull query naming k reads task 0's and a scan reads both, and a
// tombstone of a's row in partition 1 deletes task 1's result alone.
func TestTableTableJoinResultOfAKeyInTwoTasksHasARowInEach(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, abTables+`
CREATE TABLE ab AS SELECT a.id AS id, a.x, b.y FROM a JOIN b ON a.id = b.id;`, earliest())
	k := keyHashingTo(0)
	for p := range int32(2) {
		st.produceToPartition("a", p, timed{intKey(k), fmt.Sprintf(`{"X":%d}`, p+1), 1_000})
		st.produceToPartition("b", p, timed{intKey(k), fmt.Sprintf(`{"Y":%d}`, p+1), 1_000})
	}
	st.consumeIntKeyed("AB", 2)
	pull := func(when string, scan ...string) {
		t.Helper()
		if _, rows, _ := pullRows(t, url, fmt.Sprintf("SELECT X, Y FROM ab WHERE id = %d;", k)); !slices.Equal(rows, []string{"[1 1]"}) {
			t.Errorf("%s: by key: rows %v, want [[1 1]]", when, rows)
		}
		if _, rows, _ := pullRows(t, url, "SELECT X, Y FROM ab;"); !slices.Equal(rows, scan) {
			t.Errorf("%s: scan: rows %v, want %v", when, rows, scan)
		}
	}
	pull("both", "[1 1]", "[2 2]")
	st.produceToPartition("a", 1, timed{intKey(k), ``, 2_000})
	if got := st.consumeIntKeyed("AB", 3)[2]; got != (keyedRec{k, "", 2_000}) {
		t.Errorf("AB's third record: %v, want a tombstone of %d at 2000", got, k)
	}
	pull("deleted in partition 1", "[1 1]")
}

// A windowed aggregation of a join runs in the tasks of its
// Aggregate-GroupBy-repartition topic (the EXPLAIN of such a query shows
// the topic feeding a sub-topology of its own), whose records the default
// partitioner puts in the partition their grouping key hashes to: the
// windows of region g, its stream time (apache/kafka 3.9.0-rc3
// KStreamWindowAggregate measures the grace on the task's
// InternalProcessorContext.currentStreamTimeMs) and its store's
// changelog records (the task's partition) are those of that task,
// whichever partitions the joined taps came from. Region g hashes to
// partition 1: a tap at 20 s from partition 0 moves task 1's stream time
// to 20 s, so a tap at 1 s from partition 1 is late for window [0,10)
// (grace 0) and dropped, and one at 21 s counts 2 in window [20,30).
func TestJoinWindowedAggregationRunsInTheTaskOfItsGroupingKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, tapsStream+usersTable, nil)
	k0, k1, g := keyHashingTo(0), keyHashingTo(1), keyHashingTo(1)
	st.produceToPartition("users", 0, timed{intKey(k0), `{"NAME":"a"}`, 0})
	st.produceToPartition("users", 1, timed{intKey(k1), `{"NAME":"b"}`, 0})
	mustKSQL(t, url, `CREATE TABLE per_region AS SELECT t.region, COUNT(*) AS n
  FROM taps t JOIN users u ON t.user_id = u.id
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY t.region EMIT CHANGES;`, earliest())
	tap := func(partition, user int32, ts int64) {
		st.produceToPartition("taps", partition, timed{intKey(user), fmt.Sprintf(`{"REGION":%d}`, g), ts})
	}
	tap(0, k0, 20_000)
	st.consumeWindowed("PER_REGION", 1)
	tap(1, k1, 1_000)
	tap(0, k0, 21_000)
	got := st.consumeWindowed("PER_REGION", 2)
	want := []windowedOut{{g, 20_000, `{"N":1}`, 20_000}, {g, 20_000, `{"N":2}`, 21_000}}
	if !slices.Equal(got, want) {
		t.Errorf("PER_REGION: %v, want %v", got, want)
	}
	var parts []int32
	for _, r := range st.consumeRecords(storeTopic(t, url, "PER_REGION"), 2) {
		parts = append(parts, r.Partition)
	}
	if !slices.Equal(parts, []int32{1, 1}) {
		t.Errorf("store changelog records in partitions %v, want 1 and 1", parts)
	}
}

// A foreign-key join reads a right row only in the task its key's
// subscriptions reach: a left row's subscription goes to the partition of
// the registration topic its foreign key hashes to (co-partitioned with
// the right table), where SubscriptionReceiveProcessorSupplier keeps it
// in that task's subscription store and SubscriptionJoinProcessorSupplier
// looks the right row up in that task's store; a right row's update is
// answered from its own task's subscription store
// (ForeignTableJoinProcessorSupplier's prefix scan), which holds no
// subscription to a key that hashes elsewhere (apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/foreignkeyjoin/).
// Key k, which hashes to partition 0, is 2 in partition 1 of the right
// table, never joined, then 3 in partition 0: the left row subscribed to
// k joins 3 alone, also after a restart that restores the right table
// from its topic.
func TestForeignKeyJoinReadsARightRowOnlyInTheTaskItsKeyHashesTo(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE l (id INT PRIMARY KEY, fk INT) WITH (KAFKA_TOPIC='l', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE TABLE r (id INT PRIMARY KEY, y INT) WITH (KAFKA_TOPIC='r', PARTITIONS=2, VALUE_FORMAT='JSON');`, nil)
	k := keyHashingTo(0)
	fk := fmt.Sprintf(`{"FK":%d}`, k)
	st.produceToPartition("r", 1, timed{intKey(k), `{"Y":2}`, 1_000})
	st.produceToPartition("l", 0, timed{intKey(k), fk, 2_000})
	st.produceToPartition("r", 0, timed{intKey(k), `{"Y":3}`, 3_000})
	mustKSQL(t, url, `CREATE TABLE lr AS SELECT l.id AS id, l.fk, r.y FROM l JOIN r ON l.fk = r.id;`, earliest())
	want := []keyedRec{{k, fmt.Sprintf(`{"FK":%d,"Y":3}`, k), 3_000}}
	if got := st.consumeIntKeyed("LR", 1); !slices.Equal(got, want) {
		t.Errorf("LR: %v, want %v", got, want)
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	if n := st.recordCount("LR"); n != 1 {
		t.Errorf("LR holds %d records, want 1", n)
	}
	st.serve()
	st.produceToPartition("l", 0, timed{intKey(k), fk, 4_000})
	want = append(want, keyedRec{k, fmt.Sprintf(`{"FK":%d,"Y":3}`, k), 4_000})
	if got := st.consumeIntKeyed("LR", 2); !slices.Equal(got, want) {
		t.Errorf("LR after a restart: %v, want %v", got, want)
	}
}
