package ksqldb

import (
	"slices"
	"testing"
)

// ksqlDB runs a RIGHT join as the right stream's LEFT join of the left one
// with the JoinWindows it builds from WITHIN (before, after) unchanged
// (StreamStreamJoinBuilder: JoinWindows.of...(before).after(after), then
// right.leftJoin(left)), so Kafka Streams' KStreamKStreamJoin matches a
// right record at T with left records in [T-before, T+after], and a left
// record at T with right records in [T-after, T+before].
func TestARightJoinsWindowIsTheRightStreamsBeforeAndAfter(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	mustKSQL(t, url, "CREATE STREAM j AS SELECT rs.id AS id, l.v AS lv, rs.v AS rv FROM l RIGHT JOIN rs WITHIN (1 SECOND, 10 SECONDS) GRACE PERIOD 0 SECONDS ON l.id = rs.id;", earliest())
	st.produceJoin(
		joinRec{"rs", 10000, intKey(1), []byte(`{"v":"a"}`)},
		joinRec{"left", 15000, intKey(1), []byte(`{"v":"A"}`)}, // 5 seconds after a: within a's 10 seconds after
		joinRec{"rs", 20000, intKey(2), []byte(`{"v":"b"}`)},
		joinRec{"left", 18000, intKey(2), []byte(`{"v":"B"}`)}, // 2 seconds before b: past b's 1 second before
		joinRec{"rs", 60000, intKey(9), []byte(`{"v":"z"}`)},   // closes b's window
	)
	var got []string
	for _, r := range st.records("J", 2) {
		got = append(got, string(r.Value))
	}
	if want := []string{`{"LV":"A","RV":"a"}`, `{"LV":null,"RV":"b"}`}; !slices.Equal(got, want) {
		t.Errorf("J %v, want %v", got, want)
	}
}
