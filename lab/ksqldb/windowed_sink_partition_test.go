package ksqldb

import (
	"encoding/binary"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// basePartition is the partition the Java producer's default partitioner
// gives key among n: murmur2 of its bytes.
func basePartition(key []byte, n int) int32 {
	return int32(kgo.StickyKeyPartitioner(nil).ForTopic("").Partition(&kgo.Record{Key: key}, n))
}

// A query writes a windowed key to the partition of the key without its
// window, so every window of one key shares a partition: Kafka Streams'
// StreamSinkNode writes a key of a WindowedSerializer through
// WindowedStreamPartitioner, which hashes serializeBaseKey (rest-query-
// validation-tests push-queries.json "windowed join - with
// rowpartition/rowoffset": all three rows of key 1, in two windows, read
// back from partition 0 at offsets 0, 1 and 2).
func TestWindowedSinkPartitionsByKeyWithoutWindow(t *testing.T) {
	t.Run("windowed aggregation", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE STREAM clicks (user STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=4);
CREATE TABLE per_second AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user;`, earliest())
		for i := int64(0); i < 8; i++ {
			st.produceAt("clicks", []byte("ann"), []byte(`{"page":"home"}`), i*1000)
		}
		want := basePartition([]byte("ann"), 4)
		for _, r := range st.consumeRecords("PER_SECOND", 8) {
			if r.Partition != want {
				t.Errorf("window %x of ann in partition %d, want %d", r.Key[len(r.Key)-8:], r.Partition, want)
			}
		}
	})
	t.Run("session windows", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE STREAM clicks (user STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=4);
CREATE TABLE visits AS SELECT user, COUNT(*) AS n FROM clicks WINDOW SESSION (1 SECOND) GROUP BY user;`, earliest())
		for i := int64(0); i < 8; i++ {
			st.produceAt("clicks", []byte("ann"), []byte(`{"page":"home"}`), i*10000)
		}
		want := basePartition([]byte("ann"), 4)
		for _, r := range st.consumeRecords("VISITS", 8) {
			if r.Partition != want {
				t.Errorf("session %x of ann in partition %d, want %d", r.Key[len(r.Key)-16:], r.Partition, want)
			}
		}
	})
	t.Run("windowed stream projection", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE STREAM hits (k INT KEY, id BIGINT) WITH (kafka_topic='hits', value_format='JSON', window_type='Tumbling', window_size='2 SECONDS', partitions=1);
CREATE STREAM hits_copy WITH (partitions=4) AS SELECT * FROM hits;`, earliest())
		for i := int64(0); i < 8; i++ {
			key := binary.BigEndian.AppendUint64(intKey(1), uint64(i*2000))
			st.produceAt("hits", key, []byte(`{"ID":1}`), i*2000)
		}
		want := basePartition(intKey(1), 4)
		for _, r := range st.consumeRecords("HITS_COPY", 8) {
			if r.Partition != want {
				t.Errorf("window %x of key 1 in partition %d, want %d", r.Key[4:], r.Partition, want)
			}
		}
	})
}
