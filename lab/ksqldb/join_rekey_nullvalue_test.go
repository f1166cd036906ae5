package ksqldb

import (
	"testing"
)

// A stream record with a null value that ksqlDB rekeys before a
// stream-stream join goes through the join's repartition topic and meets
// the join as one that was not rekeyed (join_nullvalue_test.go):
//
//   - confluentinc/ksql v7.9.0, ksqldb-streams/.../StreamSelectKeyBuilder
//     maps every record with PartitionByParamsFactory's mapper, which
//     computes the new key from the key alone where the key expression
//     reads only key columns and from the (null) value otherwise, and
//     passes the null value on; the repartition's filter passes every
//     record (KStreamImpl.createRepartitionedSource);
//   - apache/kafka 3.9.0, streams/.../kstream/internals/KStreamKStreamJoin
//     moves the join's shared stream time on with the record before it
//     skips it (StreamStreamJoinUtil.skipRecord).
//
// The statements are the historical plan
// joins_-_stream_stream_left_join_-_rekey_-_JSON's, with a GRACE PERIOD
// that makes the stream time visible: a record whose window stream time
// has already closed goes out at once, padded with nulls.
func TestARekeyedNullValueGoesThroughTheJoinRepartitionAndMovesTheStreamTimeOn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, ID bigint, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE STREAM TEST_STREAM (K STRING KEY, ID bigint, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`, nil)
	group := st.stableGroup(mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT t.id, name, value, f1, f2 FROM test t left join TEST_STREAM tt WITHIN 11 seconds GRACE PERIOD 1 SECOND ON t.id = tt.id;", earliest()))
	st.produceInOrder(group,
		joinRec{"left_topic", 1000, []byte("a"), []byte(`{"ID":1,"NAME":"A","VALUE":1}`)}, // waits for a partner
		joinRec{"left_topic", 60000, []byte("b"), nil},                                    // moves the stream time to 60000
		joinRec{"left_topic", 2000, []byte("c"), []byte(`{"ID":3,"NAME":"B","VALUE":2}`)}) // its window has closed: out at once
	// the value's ID is the new key: a null value gives a null key
	repartition := queryTopic(queryWriting(t, url, "OUTPUT"), "-Join-left-repartition")
	recs := st.records(repartition, 3)
	if r := recs[1]; r.Key != nil || r.Value != nil || r.Timestamp.UnixMilli() != 60000 {
		t.Errorf("%s record 1: key %q value %q @%d, want a null key and value @60000", repartition, r.Key, r.Value, r.Timestamp.UnixMilli())
	}
	st.expectJoined("OUTPUT", []joinRec{{ts: 2000, key: bigintKey(3), value: []byte(`{"NAME":"B","VALUE":2,"F1":null,"F2":null}`)}})
}
