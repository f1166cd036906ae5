package ksqldb

import (
	"testing"
)

// A stream record with a key and a null value meets a stream-stream join as
// Kafka Streams 3.9 (the version under Confluent Platform 7.9) treats it;
// ksqlDB passes it on to the join (confluentinc/ksql v7.9.0: SourceBuilder's
// transformers return a null row as it is, StreamStreamJoinBuilder calls
// KStream#join, #leftJoin and #outerJoin directly).
//
// apache/kafka 3.9.0, streams/src/main/java/org/apache/kafka/streams:
//   - kstream/internals/KStreamJoinWindow puts every record with a key in
//     its window store, one with a null value too: the RocksDB store skips
//     that put (state/internals/RocksDBWindowStore.put), the changelogging
//     store logs it with a null value under the next sequence number
//     (state/internals/ChangeLoggingWindowBytesStore.put);
//   - kstream/internals/KStreamKStreamJoin.process moves the join's shared
//     stream time on with every record before it skips one with a null
//     value (StreamStreamJoinUtil.skipRecord).
// ksqlDB's own test cases show only the skip ("stream to stream unwrapped
// single field value schema on inputs" in joins.json).

// A null value skipped by KStreamKStreamJoin has moved the shared stream
// time on all the same.
func TestANullValueMovesAStreamStreamJoinsStreamTimeOn(t *testing.T) {
	st, group := startTwoStreamJoin(t, graceLeftJoin)
	st.produceInOrder(group,
		joinRec{"left", 1000, intKey(1), []byte(`{"v":"A"}`)},
		joinRec{"rs", 60000, intKey(2), nil},
		joinRec{"left", 2000, intKey(3), []byte(`{"v":"B"}`)})
	st.expectJoined("J", []joinRec{{ts: 2000, key: intKey(3), value: []byte(`{"LV":"B","RV":null}`)}})
}

// KStreamJoinWindow puts a keyed null value in its window store, which
// logs it with a null value under the next sequence number; a record with
// a null key is not put at all (join_nullkey_test.go).
func TestAStreamStreamJoinsWindowStoreLogsANullValueAndNoNullKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	group := st.stableGroup(mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 10 SECONDS ON l.id = rs.id;", earliest()))
	k := intKey(1)
	st.produceInOrder(group,
		joinRec{"left", 1000, k, []byte(`{"v":"A"}`)},
		joinRec{"left", 1500, nil, []byte(`{"v":"n"}`)},
		joinRec{"left", 2000, k, nil},
		joinRec{"left", 3000, k, []byte(`{"v":"B"}`)},
		joinRec{"rs", 3500, k, []byte(`{"v":"a"}`)})
	st.expectJoined("J", []joinRec{
		{ts: 3500, key: k, value: []byte(`{"LV":"A","RV":"a"}`)},
		{ts: 3500, key: k, value: []byte(`{"LV":"B","RV":"a"}`)},
	})
	this := queryTopic(queryWriting(t, url, "J"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	sameLog(t, this, st.records(this, 3), []string{
		logLine(windowStoreKey(k, 1000, 1), `{"L_V":"A","L_ROWTIME":1000,"L_ROWPARTITION":0,"L_ROWOFFSET":0,"L_ID":1}`, 1000),
		logLine(windowStoreKey(k, 2000, 2), "<null>", 2000),
		logLine(windowStoreKey(k, 3000, 3), `{"L_V":"B","L_ROWTIME":3000,"L_ROWPARTITION":0,"L_ROWOFFSET":3,"L_ID":1}`, 3000),
	})
}
