package ksqldb

import (
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// A stream-stream join keeps its stream time and window stores per task
// (partition of its co-partitioned inputs): apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/KStreamImplJoin.java
// hands each task its own TimeTracker (TimeTrackerSupplier.get(taskId)),
// on which KStreamKStreamJoin emits an outer record's null-padded result
// once the task's stream time passes its window and grace; each task's
// window store partition fetches on the times written to it. Task 0 takes
// left key 1 at 1 s; task 1 then left key 2 at 100 s, which moves task 1's
// stream time only, so key 1's left record still waits in task 0
// (1 s + 1 s + no grace is past no stream time of task 0); the right key 1
// at 1.5 s then joins it, and the one result is the joined row, at 1.5 s
// (the later of the pair). Key 2's record waits in task 1.
func TestStreamStreamJoinKeepsStreamTimePerTask(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM lefts (id INT KEY, v STRING) WITH (KAFKA_TOPIC='lefts', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM rights (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rights', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM lefts l LEFT JOIN rights r WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON l.id = r.id;`, earliest())
	this := queryTopic(queryWriting(t, url, "J"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	st.produceToPartition("lefts", 0, timed{intKey(1), `{"v":"A"}`, 1_000})
	st.records(this, 1) // the join took it
	st.produceToPartition("lefts", 1, timed{intKey(2), `{"v":"B"}`, 100_000})
	st.records(this, 2)
	st.produceToPartition("rights", 0, timed{intKey(1), `{"v":"a"}`, 1_500})
	r := st.consumeJoin("J", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", r.key, r.value, r.ts), fmt.Sprintf("%x %s @%d", intKey(1), `{"LV":"A","RV":"a"}`, 1_500); got != want {
		t.Errorf("J: got %s, want %s", got, want)
	}
	if n := st.recordCount("J"); n != 1 {
		t.Errorf("J holds %d records, want 1: key 1's left record is joined, key 2's waits", n)
	}
}

// A restarted join takes each task's window records back from its store
// changelog partitions, which are the task's whatever partition the join
// key hashes to (ProcessorContextImpl.logChange sends to the store's
// changelog partition), and each task's stream time from them. As above,
// with the restart between the left records and the right one, and keys
// the default partitioner would put in the other partition: key a's left
// record (task 0, 1 s) still joins the right a at 1.5 s after the restart,
// though task 1 holds key b's left record at 100 s.
func TestStreamStreamJoinRestoresEachTasksWindows(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM lefts (id INT KEY, v STRING) WITH (KAFKA_TOPIC='lefts', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM rights (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rights', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM lefts l LEFT JOIN rights r WITHIN 1 SECOND GRACE PERIOD 0 SECONDS ON l.id = r.id;`, earliest())
	a, b := int32(1), int32(1)
	for hashPartition(intKey(a), 2) != 1 {
		a++
	}
	for hashPartition(intKey(b), 2) != 0 {
		b++
	}
	this := queryTopic(queryWriting(t, url, "J"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	st.produceToPartition("lefts", 0, timed{intKey(a), `{"v":"A"}`, 1_000})
	st.records(this, 1)
	st.produceToPartition("lefts", 1, timed{intKey(b), `{"v":"B"}`, 100_000})
	for _, r := range st.records(this, 2) {
		if want := int32(1 - hashPartition(r.Key[:4], 2)); r.Partition != want {
			t.Errorf("%s: key %x in partition %d, want its task's, %d", this, r.Key[:4], r.Partition, want)
		}
	}
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceToPartition("rights", 0, timed{intKey(a), `{"v":"a"}`, 1_500})
	r := st.consumeJoin("J", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", r.key, r.value, r.ts), fmt.Sprintf("%x %s @%d", intKey(a), `{"LV":"A","RV":"a"}`, 1_500); got != want {
		t.Errorf("J: got %s, want %s", got, want)
	}
	if n := st.recordCount("J"); n != 1 {
		t.Errorf("J holds %d records, want 1", n)
	}
}
