package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// EMIT FINAL runs as Kafka Streams 3.9's ON_WINDOW_CLOSE emit strategy
// (AbstractKStreamTimeWindowAggregateProcessor, KStreamWindowAggregate,
// KStreamSessionWindowAggregate): on each record it fetches the windows
// that closed since its last emit from a time-ordered window store, which
// hides windows starting more than the retention before the latest window
// it was written. The emits are throttled by the wall clock
// (__emit.interval.ms.kstreams.windowed.aggregation__, 1000 ms by default).

// emitEveryRecord are the properties query-validation-tests suppress.json
// runs EMIT FINAL with: earliest offsets and no throttle on final emits.
func emitEveryRecord() map[string]any {
	p := earliest()
	p["ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__"] = 0
	return p
}

// A window that closed before any final emit, and that the store no longer
// shows once stream time has moved on, never goes out; a later window that
// closes in the same emit does (query-validation-tests suppress.json
// "should support final results for tumbling windows", "should suppress
// multiple keys").
func TestEmitFinalSkipsWindowsPastRetentionAtFirstEmit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 0}, timed{intKey(2), `{}`, 1}, timed{intKey(1), `{}`, 2},
		timed{intKey(1), `{}`, 1}, timed{intKey(2), `{}`, 0},
		timed{intKey(1), `{}`, 5},                            // closes [0,2) and [2,4); the store shows starts from 4-3 on
		timed{intKey(1), `{}`, 0}, timed{intKey(2), `{}`, 2}, // late: dropped
		timed{intKey(1), `{}`, 7}, // closes [4,6)
	)
	checkWindowed(t, st.consumeWindowed("FINALS", 2), []string{`1@2={"N":1}/ts2`, `1@4={"N":1}/ts5`})
	if n := st.recordCount("FINALS"); n != 2 {
		t.Errorf("FINALS holds %d records, want 2", n)
	}
}

// Each emit of a HOPPING aggregation covers the window starts after those
// the last emit covered, up to the closed ones the store still shows
// (query-validation-tests suppress.json "should support final results for
// hopping windows").
func TestEmitFinalHoppingEmitsFromTheLastEmit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW HOPPING (SIZE 5 MILLISECONDS, ADVANCE BY 2 MILLISECONDS, GRACE PERIOD 1 MILLISECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(7), `{}`, 0}, timed{intKey(7), `{}`, 1}, timed{intKey(7), `{}`, 2}, timed{intKey(7), `{}`, 1},
		timed{intKey(7), `{}`, 6},  // closes [0,5)
		timed{intKey(7), `{}`, 5},  // close time unchanged: no emit
		timed{intKey(7), `{}`, 10}, // closes [2,7), which the store no longer shows, and [4,9)
	)
	checkWindowed(t, st.consumeWindowed("FINALS", 2), []string{`7@0={"N":4}/ts2`, `7@4={"N":2}/ts6`})
	if n := st.recordCount("FINALS"); n != 2 {
		t.Errorf("FINALS holds %d records, want 2", n)
	}
}

// EMIT FINAL without a GRACE PERIOD has none: a window closes at its end,
// a session once the gap has passed (RewrittenAnalysis.getWindowExpression;
// query-validation-tests suppress.json "should emit at window end if no
// grace period given").
func TestEmitFinalWithoutGraceClosesAtWindowEnd(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 2 MILLISECONDS) GROUP BY user_id EMIT FINAL;
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW SESSION (3 MILLISECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 0}, timed{intKey(1), `{}`, 1},
		timed{intKey(1), `{}`, 2}, // closes [0,2)
		timed{intKey(1), `{}`, 4}, // closes [2,4)
		timed{intKey(1), `{}`, 8}, // closes the session [0,4]
	)
	checkWindowed(t, st.consumeWindowed("FINALS", 2), []string{`1@0={"N":2}/ts1`, `1@2={"N":1}/ts2`})
	if got := st.consumeSessions("VISITS", 1); !slices.Equal(got, []string{`1@[0,4]={"N":4}/ts4`}) {
		t.Errorf("VISITS %v", got)
	}
}

// Final rows go out with the headers of the record whose processing
// emitted them (AbstractKStreamTimeWindowAggregateProcessor.fetchAndEmit,
// record.withHeaders).
func TestEmitFinalRowsCarryTheClosingRecordsHeaders(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 10 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	recs := []*kgo.Record{
		{Topic: "clicks", Key: intKey(1), Value: []byte(`{}`), Timestamp: time.UnixMilli(1), Headers: []kgo.RecordHeader{{Key: "from", Value: []byte("first")}}},
		{Topic: "clicks", Key: intKey(2), Value: []byte(`{}`), Timestamp: time.UnixMilli(12), Headers: []kgo.RecordHeader{{Key: "from", Value: []byte("closer")}}},
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	got := st.records("FINALS", 1)[0]
	if h := fmt.Sprint(got.Headers); h != "[{from [99 108 111 115 101 114]}]" {
		t.Errorf("headers %s, want the closing record's from=closer", h)
	}
}

// Final SESSION rows of one emit go out in session-end order, the order
// of the time-ordered session store (TimeFirstSessionKeySchema), each
// timestamped with its end (query-validation-tests suppress.json "should
// support final results for session windows").
func TestEmitFinalSessionsGoOutByEnd(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW SESSION (5 MILLISECONDS, GRACE PERIOD 0 MILLISECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 0}, timed{intKey(2), `{}`, 2}, timed{intKey(2), `{}`, 3}, timed{intKey(1), `{}`, 4}, timed{intKey(1), `{}`, 8},
		timed{intKey(3), `{}`, 30}, // close time 25 closes [0,8] and [2,3]
	)
	want := []string{`2@[2,3]={"N":2}/ts3`, `1@[0,8]={"N":3}/ts8`}
	if got := st.consumeSessions("VISITS", 2); !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
}

// Final emits are tried at most once per emit interval of wall-clock time
// (StreamsConfig EMIT_INTERVAL_MS_KSTREAMS_WINDOWED_AGGREGATION, 1000 ms by
// default; AbstractKStreamTimeWindowAggregateProcessor.shouldEmitFinal): a
// record processed within the interval of the last try emits nothing,
// whatever closed; the first one after it emits what closed since the last
// emit. Each record is read before the next is produced, so only the
// intervals' lengths matter, not the machine's speed.
func TestEmitFinalIsThrottledByTheEmitInterval(t *testing.T) {
	run := func(t *testing.T, intervalMs int, recs ...joinRec) (*stack, string) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, clicksStream, nil)
		props := earliest()
		props["ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__"] = intervalMs
		ents := mustKSQL(t, url, `CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL;`, props)
		group := st.stableGroup(ents)
		st.produceInOrder(group, recs...)
		return st, group
	}
	first := joinRec{"clicks", 1_000, intKey(1), []byte(`{}`)}    // the first try: nothing closed
	closing := joinRec{"clicks", 15_000, intKey(1), []byte(`{}`)} // closes [0,10)
	t.Run("within the interval nothing goes out", func(t *testing.T) {
		st, _ := run(t, 600_000, first, closing)
		if n := st.recordCount("FINALS"); n != 0 {
			t.Errorf("FINALS holds %d records within the emit interval, want 0", n)
		}
	})
	t.Run("the first record after the interval emits what closed", func(t *testing.T) {
		st, group := run(t, 1_000, first, closing)
		// a whole second past the interval: the closing record's try is
		// timed when it is processed, which under load can come well
		// after produceInOrder saw it read
		time.Sleep(2 * time.Second)
		st.produceInOrder(group, joinRec{"clicks", 16_000, intKey(1), []byte(`{}`)})
		checkWindowed(t, st.consumeWindowed("FINALS", 1), []string{`1@0={"N":1}/ts1000`})
	})
}
