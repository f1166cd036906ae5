package ksqldb

import (
	"encoding/binary"
	"testing"
)

// Each side of a stream-stream join keeps its records in its own window
// store, which forgets what is older than its retention (the window plus
// the grace period) behind the largest timestamp that store has seen,
// not behind the join's stream time: a late record of one side still
// finds the other side's record of the same age when that side has seen
// nothing later. Kafka Streams 3.9 AbstractRocksDBSegmentedBytesStore
// (fetch from observedStreamTime - retentionPeriod + 1) and
// KStreamKStreamJoin; confluentinc/ksql 7.9.0 query-validation-tests
// joins.json "stream stream right join with out of order and custom grace
// period": the left store has seen 330000, so the right record at 90000
// misses the left one at 90000 and goes out padded with nulls, while the
// right store has seen only 90000, so the left record at 90000 finds the
// right one at 60000.
func TestStreamStreamJoinWindowStoresExpireByTheirOwnStreamTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM LS (ID BIGINT KEY, L1 STRING) WITH (kafka_topic='ls', PARTITIONS=1, value_format='JSON');
CREATE STREAM RS (ID BIGINT KEY, L2 STRING) WITH (kafka_topic='rs', PARTITIONS=1, value_format='JSON');`, nil)
	ents := mustKSQL(t, url, "CREATE STREAM RJ AS SELECT l.id, l1, l2 FROM LS l RIGHT JOIN RS r WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON l.id = r.id;", earliest())
	long := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	group := st.stableGroup(ents)
	st.produceInOrder(group,
		joinRec{"ls", 0, long(7), []byte(`{"L1":"p"}`)}, joinRec{"rs", 60000, long(7), []byte(`{"L2":"q"}`)},
		joinRec{"ls", 330000, long(8), []byte(`{"L1":"late"}`)}, joinRec{"ls", 90000, long(9), []byte(`{"L1":"r"}`)},
		joinRec{"rs", 90000, long(9), []byte(`{"L2":"s"}`)}, joinRec{"rs", 60000, long(5), []byte(`{"L2":"t"}`)},
		joinRec{"ls", 90000, long(5), []byte(`{"L1":"u"}`)})
	want := []joinRec{
		{ts: 60000, key: long(7), value: []byte(`{"L1":"p","L2":"q"}`)},
		{ts: 90000, key: long(9), value: []byte(`{"L1":null,"L2":"s"}`)},
		{ts: 60000, key: long(5), value: []byte(`{"L1":null,"L2":"t"}`)},
		{ts: 90000, key: long(5), value: []byte(`{"L1":"u","L2":"t"}`)},
	}
	st.expectJoined("RJ", want)
}
