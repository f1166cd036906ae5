package ksqldb

import (
	"slices"
	"testing"
)

// An EMIT CHANGES time window aggregation keeps its windows in a segmented
// window store, which measures retention on its own time, the latest
// window start put (apache/kafka 3.9.0-rc3
// streams/src/main/java/org/apache/kafka/streams/state/internals/AbstractRocksDBSegmentedBytesStore.java:
// put moves observedStreamTime to WindowKeySchema's segment timestamp, the
// window start; get and fetch show only windows starting after
// observedStreamTime - retentionPeriod, getActualFrom), not on the
// processor's stream time. A pull query reads that store
// (ksqldb-streams KsMaterializedWindowTable.get fetches it).
// TUMBLING 10 s, grace 5 s, retention 15 s: records at 1 s and 19 s put
// windows [0,10) and [10,20); the store's time is 10 s, so [0,10) is still
// shown (stream time, 19 s, is past its start plus the retention). A record
// at 20 s puts [20,30), and the store no longer shows [0,10).
func TestWindowRetentionIsMeasuredOnTheStoresLatestWindowStart(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE tens AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 15 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	const pull = "SELECT WINDOWSTART, N FROM tens WHERE user_id = 1;"
	st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(1), `{}`, 19_000})
	st.consumeWindowed("TENS", 2)
	if _, rows, _ := pullRows(t, url, pull); !slices.Equal(rows, []string{"[0 1]", "[10000 1]"}) {
		t.Errorf("store time 10 s: rows %v, want [0 1] [10000 1]", rows)
	}
	st.produceTimed("clicks", timed{intKey(1), `{}`, 20_000})
	st.consumeWindowed("TENS", 3)
	if _, rows, _ := pullRows(t, url, pull); !slices.Equal(rows, []string{"[10000 1]", "[20000 1]"}) {
		t.Errorf("store time 20 s: rows %v, want [10000 1] [20000 1]", rows)
	}
}

// A session store (RocksDBSessionStore over
// AbstractRocksDBSegmentedBytesStore with SessionKeySchema, retention gap +
// grace: SessionStoreMaterializer.retentionPeriod) finds only sessions
// ending at or after its latest session end less the retention plus one
// (getActualFrom). SESSION gap 5 s, no grace: key 1 at 1 s, then key 2 at
// 6 s moves the store's time to 6 s, so [1,1] (ending at 6 s - 5 s) is no
// longer found; key 1 at 1 s again, not late (close time 6 s - 5 s = 1 s
// is not after its end), starts [1,1] afresh, and goes out as N=1.
func TestSessionRetentionHidesASessionEndingRetentionBeforeTheStoresTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW SESSION (5 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(2), `{}`, 6_000}, timed{intKey(1), `{}`, 1_000})
	got := st.consumeSessions("VISITS", 3)
	want := []string{`1@[1000,1000]={"N":1}/ts1000`, `2@[6000,6000]={"N":1}/ts6000`, `1@[1000,1000]={"N":1}/ts1000`}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
}
