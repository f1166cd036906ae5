package ksqldb

import (
	"encoding/binary"
	"maps"
	"slices"
	"testing"
)

// A push join of two windowed streams keeps the persistent join's window
// stores (QueryBuilder.buildTransientQuery, see
// transient_internal_test.go): the historical plan
// joins_-_matching_session-windowed lists KSTREAM-JOINTHIS-0000000008 and
// KSTREAM-JOINOTHER-0000000009's changelogs, keyed by the windowed key
// (TestAJoinOfWindowedStreamsKeysItsWindowStoresByTheWindowedKey), under
// the transient application id; the query's LIMIT takes them away.
func TestATransientJoinOfWindowedStreamsLogsItsWindowStoresUntilItsLimit(t *testing.T) {
	session := func(id int32, start, end int64) []byte {
		k := binary.BigEndian.AppendUint32(nil, uint32(id))
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(k, uint64(end)), uint64(start))
	}
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("left_topic", 1)
	st.createTopic("right_topic", 1)
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');
CREATE STREAM S2 (ID INT KEY, V bigint) WITH (kafka_topic='right_topic', value_format='JSON', WINDOW_TYPE='SESSION');`, nil)
	st.produceJoin(joinRec{"left_topic", 765, session(1, 234, 765), []byte(`{"V":1}`)},
		joinRec{"right_topic", 765, session(1, 234, 765), []byte(`{"V":3}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT S1.ID, S1.V, S2.V FROM S1 JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID EMIT CHANGES LIMIT 2;")
	readLine(t, rd)
	app, topics := transientTopics(t, st, qid)
	this, other := app+"-KSTREAM-JOINTHIS-0000000008-store-changelog", app+"-KSTREAM-JOINOTHER-0000000009-store-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{other, this}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	sameLog(t, this, st.records(this, 1), []string{logLine(windowStoreKey(session(1, 234, 765), 765, 1),
		`{"S1_V":1,"S1_ROWTIME":765,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":1,"S1_WINDOWSTART":234,"S1_WINDOWEND":765}`, 765)})
	sameLog(t, other, st.records(other, 1), []string{logLine(windowStoreKey(session(1, 234, 765), 765, 1),
		`{"S2_V":3,"S2_ROWTIME":765,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":1,"S2_WINDOWSTART":234,"S2_WINDOWEND":765}`, 765)})
	st.produceJoin(joinRec{"left_topic", 800, session(1, 234, 765), []byte(`{"V":2}`)})
	readLine(t, rd)
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}
