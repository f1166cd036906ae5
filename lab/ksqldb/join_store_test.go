package ksqldb

import (
	"encoding/binary"
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A stream-stream join's stores are logged as Kafka Streams logs ksqlDB's
// (apache/kafka 3.9, streams/src/main/java/org/apache/kafka/streams):
// KStreamJoinWindow puts every record in its side's window store, which
// retains duplicates, so ChangeLoggingWindowBytesStore logs it keyed by
// WindowKeySchema.toStoreKeyBinary (the serialized key, the time in 8
// bytes, a sequence number in 4 counted from 1); an outer join with a
// GRACE PERIOD keeps its unmatched records in the OUTERSHARED store
// (KStreamKStreamJoin, OuterStreamJoinStoreFactory), keyed by
// TimestampedKeyAndJoinSideSerializer (the time, 1 for the "this" side,
// the key) with ChangeLoggingListValueBytesStore's list of
// LeftOrRightValueSerializer entries as the value. The value columns and
// store names are the historical plans' (confluentinc/ksql v7.9.0,
// joins.json "stream stream inner join" and "stream stream left join with
// out of order and custom grace period": KSTREAM-JOINTHIS-0000000008,
// KSTREAM-JOINOTHER-0000000009 / -OUTEROTHER-0000000009 and
// KSTREAM-OUTERSHARED-0000000008, the PrependAlias columns ALIAS_V,
// ALIAS_ROWTIME, ALIAS_ROWPARTITION, ALIAS_ROWOFFSET, ALIAS_ID).

// windowStoreKey is a window store changelog key: the join key, the time
// and the sequence number.
func windowStoreKey(key []byte, ts int64, seq uint32) string {
	return string(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(slices.Clone(key), uint64(ts)), seq))
}

// outerStoreKey is an outer store changelog key: the time, the side (1:
// Kafka Streams' "this") and the join key.
func outerStoreKey(ts int64, this bool, key []byte) string {
	side := byte(0)
	if this {
		side = 1
	}
	return string(append(append(binary.BigEndian.AppendUint64(nil, uint64(ts)), side), key...))
}

// outerStoreList is an outer store value: ListSerializer's variable-size
// flag and count, each entry's length then LeftOrRightValueSerializer's
// side flag and the row.
func outerStoreList(this bool, rows ...string) string {
	b := binary.BigEndian.AppendUint32([]byte{1}, uint32(len(rows)))
	for _, r := range rows {
		b = binary.BigEndian.AppendUint32(b, uint32(1+len(r)))
		flag := byte(0)
		if this {
			flag = 1
		}
		b = append(append(b, flag), r...)
	}
	return string(b)
}

// showLog prints changelog records as key, value and time.
func showLog(recs []*kgo.Record) []string {
	var out []string
	for _, r := range recs {
		v := "<null>"
		if r.Value != nil {
			v = fmt.Sprintf("%q", r.Value)
		}
		out = append(out, fmt.Sprintf("%q -> %s @%d", r.Key, v, r.Timestamp.UnixMilli()))
	}
	return out
}

func sameLog(t *testing.T, topic string, got []*kgo.Record, want []string) {
	t.Helper()
	if g := showLog(got); !slices.Equal(g, want) {
		t.Errorf("%s:\n got %q\nwant %q", topic, g, want)
	}
}

func logLine(key, value string, ts int64) string {
	v := "<null>"
	if value != "<null>" {
		v = fmt.Sprintf("%q", value)
	}
	return fmt.Sprintf("%q -> %s @%d", key, v, ts)
}

func TestStreamStreamJoinWindowStoresLogEachRecordByKeyTimeAndSequenceNumber(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 10 SECONDS ON l.id = rs.id;", earliest())
	k := intKey(1)
	st.produceJoin(joinRec{"left", 1000, k, []byte(`{"v":"A"}`)}, joinRec{"rs", 2000, k, []byte(`{"v":"a"}`)}, joinRec{"left", 3000, k, []byte(`{"v":"B"}`)})
	st.records("J", 2)
	id := queryWriting(t, url, "J")
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	sameLog(t, this, st.records(this, 2), []string{
		logLine(windowStoreKey(k, 1000, 1), `{"L_V":"A","L_ROWTIME":1000,"L_ROWPARTITION":0,"L_ROWOFFSET":0,"L_ID":1}`, 1000),
		logLine(windowStoreKey(k, 3000, 2), `{"L_V":"B","L_ROWTIME":3000,"L_ROWPARTITION":0,"L_ROWOFFSET":1,"L_ID":1}`, 3000),
	})
	other := queryTopic(id, "-KSTREAM-JOINOTHER-0000000009-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(k, 2000, 1), `{"RS_V":"a","RS_ROWTIME":2000,"RS_ROWPARTITION":0,"RS_ROWOFFSET":0,"RS_ID":1}`, 2000),
	})
	// StreamJoinedStoreFactory makes the window stores' changelogs delete
	// rather than compact; WindowedChangelogTopicConfig keeps them for the
	// stores' retention (JoinWindows.of: the window and 24 hours less it)
	// and a day
	for _, topic := range []string{this, other} {
		got := topicConfigs(t, st.adm, topic, "cleanup.policy", "retention.ms")
		if got["cleanup.policy"] != "delete" || got["retention.ms"] != "172800000" {
			t.Errorf("%s configs %v, want cleanup.policy delete, retention.ms 172800000", topic, got)
		}
	}
}

func TestAnOuterJoinWithAGracePeriodLogsItsUnmatchedRecordsInTheOuterSharedStore(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id;", earliest())
	st.produceJoin(
		joinRec{"left", 1000, intKey(1), []byte(`{"v":"A"}`)}, // waits, then joins a
		joinRec{"rs", 2000, intKey(1), []byte(`{"v":"a"}`)},
		joinRec{"left", 3000, intKey(2), []byte(`{"v":"B"}`)},  // waits, then goes out padded
		joinRec{"left", 20000, intKey(3), []byte(`{"v":"C"}`)}, // closes B's window, waits
	)
	st.records("J", 2)
	id := queryWriting(t, url, "J")
	outer := queryTopic(id, "-KSTREAM-OUTERSHARED-0000000008-store-changelog")
	row := func(v string, ts, off, id int) string {
		return fmt.Sprintf(`{"L_V":%q,"L_ROWTIME":%d,"L_ROWPARTITION":0,"L_ROWOFFSET":%d,"L_ID":%d}`, v, ts, off, id)
	}
	sameLog(t, outer, st.records(outer, 5), []string{
		logLine(outerStoreKey(1000, true, intKey(1)), outerStoreList(true, row("A", 1000, 0, 1)), 1000),
		logLine(outerStoreKey(1000, true, intKey(1)), "<null>", 2000), // joined by a
		logLine(outerStoreKey(3000, true, intKey(2)), outerStoreList(true, row("B", 3000, 1, 2)), 3000),
		logLine(outerStoreKey(3000, true, intKey(2)), "<null>", 20000), // emitted padded
		logLine(outerStoreKey(20000, true, intKey(3)), outerStoreList(true, row("C", 20000, 2, 3)), 20000),
	})
	if got := topicConfigs(t, st.adm, outer, "cleanup.policy"); got["cleanup.policy"] != "compact" {
		t.Errorf("%s cleanup.policy %q, want compact", outer, got["cleanup.policy"])
	}
	// a record waits in the "this" side's window store too
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	if n := len(st.records(this, 3)); n != 3 {
		t.Errorf("%s: %d records, want 3", this, n)
	}
}

// A FULL OUTER join with a GRACE PERIOD that restarts between its records
// gives what one run over them gives: the records waiting in its window
// and outer stores come back from their changelogs alone.
func TestAFullOuterJoinResumesFromItsStoreChangelogs(t *testing.T) {
	before := []joinRec{
		{"left", 1000, intKey(1), []byte(`{"v":"A"}`)},
		{"rs", 2000, intKey(2), []byte(`{"v":"b"}`)},
		{"left", 3000, intKey(3), []byte(`{"v":"C"}`)},
		{"left", 3000, intKey(3), []byte(`{"v":"D"}`)}, // one outer entry lists C and D
	}
	after := []joinRec{
		{"rs", 4000, intKey(1), []byte(`{"v":"a"}`)},   // joins A
		{"left", 5000, intKey(2), []byte(`{"v":"B"}`)}, // joins b
		{"rs", 30000, intKey(9), []byte(`{"v":"z"}`)},  // closes C's and D's window
	}
	const join = "CREATE STREAM j AS SELECT ROWKEY AS k, l.v AS lv, rs.v AS rv FROM l FULL OUTER JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id;"
	run := func(restart bool) []string {
		st := newStack(t, kfake.DataDir(t.TempDir()))
		srv, url := st.serve()
		mustKSQL(t, url, twoStreams, nil)
		st.produceJoin(before...)
		mustKSQL(t, url, join, earliest())
		if restart {
			id := queryWriting(t, url, "J")
			this := queryTopic(id, "-KSTREAM-OUTERTHIS-0000000008-store-changelog")
			st.records(this, 3)
			st.records(queryTopic(id, "-KSTREAM-OUTERSHARED-0000000008-store-changelog"), 4)
			if err := srv.Close(); err != nil {
				t.Fatal(err)
			}
			st.serve()
		}
		st.produceJoin(after...)
		var out []string
		for _, r := range st.records("J", 4) {
			out = append(out, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
		}
		return out
	}
	one, restarted := run(false), run(true)
	if !slices.Equal(one, restarted) {
		t.Errorf("results across a restart:\n got %q\nwant %q (one run)", restarted, one)
	}
}

// ksqlDB runs a RIGHT join as the right stream's LEFT join of the left one
// (StreamStreamJoinBuilder): the right stream's records are Kafka Streams'
// "this" side, in KSTREAM-JOINTHIS-0000000008-store and marked 1 in the
// outer store, the left stream's in KSTREAM-OUTEROTHER-0000000009-store
// (historical plan joins_-_stream_stream_right_join_with_out_of_order_and_custom_grace_period_-_JSON).
func TestARightJoinStoresTheRightStreamAsKafkaStreamsThisSide(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT rs.id AS id, l.v AS lv, rs.v AS rv FROM l RIGHT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id;", earliest())
	st.produceJoin(joinRec{"left", 1000, intKey(1), []byte(`{"v":"A"}`)}, joinRec{"rs", 2000, intKey(2), []byte(`{"v":"b"}`)})
	id := queryWriting(t, url, "J")
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	rsRow := `{"RS_V":"b","RS_ROWTIME":2000,"RS_ROWPARTITION":0,"RS_ROWOFFSET":0,"RS_ID":2}`
	sameLog(t, this, st.records(this, 1), []string{logLine(windowStoreKey(intKey(2), 2000, 1), rsRow, 2000)})
	other := queryTopic(id, "-KSTREAM-OUTEROTHER-0000000009-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{
		logLine(windowStoreKey(intKey(1), 1000, 1), `{"L_V":"A","L_ROWTIME":1000,"L_ROWPARTITION":0,"L_ROWOFFSET":0,"L_ID":1}`, 1000),
	})
	outer := queryTopic(id, "-KSTREAM-OUTERSHARED-0000000008-store-changelog")
	sameLog(t, outer, st.records(outer, 1), []string{logLine(outerStoreKey(2000, true, intKey(2)), outerStoreList(true, rsRow), 2000)})
}

// A later stream-stream step of a chain keeps the joined row so far as its
// left side: the Join step's schema, each stream's PrependAlias values in
// the order joined (historical plan
// multi-joins_-_stream-stream-stream_-_inner-inner_-_different_windows,
// schema Join.Left; stores KSTREAM-JOINTHIS-0000000016 and -JOINOTHER-0000000017).
func TestALaterStreamStreamStepStoresTheJoinedRowSoFar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, threeStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0 AS v2, s3.v0 AS v3 FROM s1 JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id;", earliest())
	k := kafkaInt(1)
	st.produceJoin(joinRec{"s1", 1000, k, []byte(`{"V0":10}`)}, joinRec{"s2", 2000, k, []byte(`{"V0":20}`)}, joinRec{"s3", 3000, k, []byte(`{"V0":30}`)})
	st.records("OUTPUT", 1)
	id := queryWriting(t, url, "OUTPUT")
	this := queryTopic(id, "-KSTREAM-JOINTHIS-0000000016-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{logLine(windowStoreKey(k, 2000, 1),
		`{"S1_V0":10,"S1_ROWTIME":1000,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":1,"S2_V0":20,"S2_ROWTIME":2000,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":1}`, 2000)})
	other := queryTopic(id, "-KSTREAM-JOINOTHER-0000000017-store-changelog")
	sameLog(t, other, st.records(other, 1), []string{logLine(windowStoreKey(k, 3000, 1),
		`{"S3_V0":30,"S3_ROWTIME":3000,"S3_ROWPARTITION":0,"S3_ROWOFFSET":0,"S3_ID":1}`, 3000)})
}

// Kafka Streams emits the records whose window closed as it iterates its
// outer store, in the order of the store's keys: by time, then side, then
// the serialized join key (KStreamKStreamJoin.emitNonJoinedOuterRecords,
// TimestampedKeyAndJoinSideSerializer), not in the order they came.
func TestClosedOuterRecordsGoOutInTheOuterStoresKeyOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id;", earliest())
	st.produceJoin(
		joinRec{"left", 1000, intKey(258), []byte(`{"v":"B"}`)}, // 00 00 01 02
		joinRec{"left", 1000, intKey(3), []byte(`{"v":"A"}`)},   // 00 00 00 03
		joinRec{"left", 20000, intKey(9), []byte(`{"v":"C"}`)},  // closes both windows
	)
	var got []string
	for _, r := range st.records("J", 2) {
		got = append(got, string(r.Value))
	}
	if want := []string{`{"LV":"A","RV":null}`, `{"LV":"B","RV":null}`}; !slices.Equal(got, want) {
		t.Errorf("J %v, want %v", got, want)
	}
}

// A join of session-windowed streams keys its window stores by the
// windowed key (SessionWindowedSerializer: the key, the session's end,
// then its start), then the record's time and the sequence number; the
// value carries the window bounds last (historical plan
// joins_-_matching_session-windowed, schema Join.Left).
func TestAJoinOfWindowedStreamsKeysItsWindowStoresByTheWindowedKey(t *testing.T) {
	session := func(id int32, start, end int64) []byte {
		k := binary.BigEndian.AppendUint32(nil, uint32(id))
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, uint64(end)), uint64(start))
	}
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM OUTPUT as SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;`, earliest())
	st.produceJoin(joinRec{"left_topic", 765, session(1, 234, 765), []byte(`{"V":1}`)})
	this := queryTopic(queryWriting(t, url, "OUTPUT"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	sameLog(t, this, st.records(this, 1), []string{logLine(windowStoreKey(session(1, 234, 765), 765, 1),
		`{"S1_V":1,"S1_ROWTIME":765,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":1,"S1_WINDOWSTART":234,"S1_WINDOWEND":765}`, 765)})
}

// A join's store changelog records go to the partition of their join key,
// the partition of the task that wrote them: the window stores' keys hash
// without the time and sequence number, the outer store's without the
// time and side (Kafka Streams' changelogs are partitioned as their
// tasks; a task of a join reads the co-partitioned inputs' partition).
func TestJoinStoreChangelogRecordsGoToTheirJoinKeysPartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='left', PARTITIONS=4, VALUE_FORMAT='JSON');
CREATE STREAM rs (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rs', PARTITIONS=4, VALUE_FORMAT='JSON');`, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id;", earliest())
	var recs []joinRec
	for i := int64(0); i < 6; i++ {
		recs = append(recs, joinRec{"left", 1000 + i*1000, intKey(7), []byte(`{"v":"A"}`)})
	}
	recs = append(recs, joinRec{"rs", 2500, intKey(7), []byte(`{"v":"a"}`)})
	st.produceJoin(recs...)
	want := basePartition(intKey(7), 4)
	id := queryWriting(t, url, "J")
	for topic, n := range map[string]int{
		queryTopic(id, "-KSTREAM-JOINTHIS-0000000008-store-changelog"):    6,
		queryTopic(id, "-KSTREAM-OUTEROTHER-0000000009-store-changelog"):  1,
		queryTopic(id, "-KSTREAM-OUTERSHARED-0000000008-store-changelog"): 4,
	} {
		for _, r := range st.records(topic, n) {
			if r.Partition != want {
				t.Errorf("%s record %x in partition %d, want %d", topic, r.Key, r.Partition, want)
			}
		}
	}
}
