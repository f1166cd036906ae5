package ksqldb

import (
	"fmt"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// After a restart a windowed processor starts its stream time over: in
// apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/kstream/internals/AbstractKStreamTimeWindowAggregateProcessor.java
// (KStreamWindowAggregate) and KStreamSessionWindowAggregate.java,
// observedStreamTime is a field initialized to ConsumerRecord.NO_TIMESTAMP
// that init() does not restore (only ON_WINDOW_CLOSE's
// lastEmitWindowCloseTime is read back, from the processor metadata), and
// KStreamImplJoin.TimeTracker.streamTime starts at NO_TIMESTAMP too. The
// store alone restores its time from its changelog
// (state/internals/AbstractRocksDBSegmentedBytesStore.java: restoring puts
// move observedStreamTime to the latest window start, or session end, read
// back), and measures retention on it (getActualFrom, get). So the first
// record after a restart measures the grace on its own time: a record late
// for the stream time before the restart but whose window the store still
// holds is taken, where a running query drops it.

// A TUMBLING count with no grace over records at 1 s and 16 s; after a
// restart a record at 2 s is late for the old stream time (16 s closes
// [0,10)), but the restarted processor's stream time is 2 s and the store
// (retention 1 hour) still holds [0,10): it counts, and goes out as N=2.
func TestRestartedWindowAggregationStartsStreamTimeAnew(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE tens AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 HOUR, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(1), `{}`, 16_000})
	st.consumeWindowed("TENS", 2)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceTimed("clicks", timed{intKey(1), `{}`, 2_000}, timed{intKey(1), `{}`, 17_000})
	checkWindowed(t, st.consumeWindowed("TENS", 4), []string{
		`1@0={"N":1}/ts1000`, `1@10000={"N":1}/ts16000`, `1@0={"N":2}/ts2000`, `1@10000={"N":2}/ts17000`,
	})
	if n := st.recordCount("TENS"); n != 4 {
		t.Errorf("TENS holds %d records, want 4", n)
	}
}

// A SESSION count (gap 5 s, no grace) over records at 1 s and 16 s; after
// a restart a record at 2 s is late for the old stream time (16 s less the
// gap closes sessions ending before 11 s), but the restarted processor's
// close time is 2 s - 5 s. The store (retention gap + grace, 5 s) no
// longer shows [1,1] (its end is before its latest end, 16 s, less the
// retention), so the record starts a session of its own, [2,2].
func TestRestartedSessionAggregationStartsStreamTimeAnew(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(1), `{}`, 16_000})
	st.consumeSessions("VISITS", 2)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceTimed("clicks", timed{intKey(1), `{}`, 2_000}, timed{intKey(1), `{}`, 18_000})
	got := st.consumeSessions("VISITS", 5)
	want := []string{`1@[1000,1000]={"N":1}/ts1000`, `1@[16000,16000]={"N":1}/ts16000`,
		`1@[2000,2000]={"N":1}/ts2000`, `1@[16000,16000]=<tombstone>/ts16000`, `1@[16000,18000]={"N":2}/ts18000`}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("VISITS"); n != 5 {
		t.Errorf("VISITS holds %d records, want 5", n)
	}
}

// A LEFT JOIN WITHIN 1 s GRACE PERIOD 10 s (window stores kept 12 s): a
// left record at 10 s waits for its null-padded result. After a restart
// a left record of key 2 at 3 s has a window that closed on the old stream
// time (3 s + 1 s < 10 s), where KStreamKStreamJoin forwards it padded with
// nulls at once; but the restarted join's stream time is 3 s, so it waits
// in the outer store, and the right record of key 2 at 3.5 s joins it
// (the left store, at 10 s less 12 s, still shows it): one result, the
// joined row, at 3.5 s.
func TestRestartedStreamStreamJoinStartsStreamTimeAnew(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM lefts (id INT KEY, v STRING) WITH (KAFKA_TOPIC='lefts', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM rights (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rights', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM lefts l LEFT JOIN rights r WITHIN 1 SECOND GRACE PERIOD 10 SECONDS ON l.id = r.id;`, earliest())
	this := queryTopic(queryWriting(t, url, "J"), "-KSTREAM-JOINTHIS-0000000008-store-changelog")
	st.produceTimed("lefts", timed{intKey(1), `{"v":"A"}`, 10_000})
	st.records(this, 1)
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceTimed("lefts", timed{intKey(2), `{"v":"B"}`, 3_000})
	st.produceTimed("rights", timed{intKey(2), `{"v":"b"}`, 3_500})
	r := st.consumeJoin("J", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", r.key, r.value, r.ts), fmt.Sprintf("%x %s @%d", intKey(2), `{"LV":"B","RV":"b"}`, 3_500); got != want {
		t.Errorf("J: got %s, want %s", got, want)
	}
	if n := st.recordCount("J"); n != 1 {
		t.Errorf("J holds %d records, want 1: key 2's left record is joined, key 1's waits", n)
	}
}
