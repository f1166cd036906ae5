package ksqldb

import (
	"fmt"
	"slices"
	"testing"
)

// Each task of a stream-stream join opens its own window stores, and each
// store counts the sequence numbers of the duplicates it keeps from 1:
// apache/kafka 3.9.0-rc3 streams/src/main/java/org/apache/kafka/streams/
// state/internals/ChangeLoggingWindowBytesStore.java holds seqnum as a
// field of the store instance, one per task (partition), and appends it to
// each changelog key (WindowKeySchema.toStoreKeyBinary). Three left records
// go to partitions 0, 1 and 0 of a two-partition join: the THIS store's
// changelog partition 0 numbers its records 1 and 2, partition 1 its one
// record 1, not 2 as one count shared by both tasks would.
func TestEachTasksWindowStoreCountsItsOwnSequenceNumbers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM lefts (id INT KEY, v STRING) WITH (KAFKA_TOPIC='lefts', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM rights (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rights', PARTITIONS=2, VALUE_FORMAT='JSON');
CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM lefts l JOIN rights r WITHIN 10 SECONDS ON l.id = r.id;`, earliest())
	this := queryTopic(queryWriting(t, url, "J"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	st.produceToPartition("lefts", 0, timed{intKey(1), `{"v":"A"}`, 1_000})
	st.records(this, 1)
	st.produceToPartition("lefts", 1, timed{intKey(2), `{"v":"B"}`, 2_000})
	st.records(this, 2)
	st.produceToPartition("lefts", 0, timed{intKey(3), `{"v":"C"}`, 3_000})
	var got []string
	for _, r := range st.records(this, 3) {
		got = append(got, fmt.Sprintf("p%d %x", r.Partition, r.Key))
	}
	want := []string{
		fmt.Sprintf("p0 %x", windowStoreKey(intKey(1), 1_000, 1)),
		fmt.Sprintf("p0 %x", windowStoreKey(intKey(3), 3_000, 2)),
		fmt.Sprintf("p1 %x", windowStoreKey(intKey(2), 2_000, 1)),
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s keys by partition:\n got %q\nwant %q", this, got, want)
	}
}
