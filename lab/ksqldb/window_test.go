package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// timed is a record to produce with its timestamp (milliseconds).
type timed struct {
	key   []byte
	value string
	ts    int64
}

func (st *stack) produceTimed(topic string, recs ...timed) {
	st.t.Helper()
	var out []*kgo.Record
	for _, r := range recs {
		out = append(out, &kgo.Record{Topic: topic, Key: r.key, Value: []byte(r.value), Timestamp: time.UnixMilli(r.ts)})
	}
	if err := st.cl.ProduceSync(context.Background(), out...).FirstErr(); err != nil {
		st.t.Fatalf("produce %s: %v", topic, err)
	}
}

// windowedOut is a record of a windowed table's topic, its key split as
// TimeWindowedSerializer writes it: an INT key then the window start.
type windowedOut struct {
	key   int32
	start int64
	value string
	ts    int64
}

func (o windowedOut) String() string {
	return fmt.Sprintf("%d@%d=%s/ts%d", o.key, o.start, o.value, o.ts)
}

// consumeWindowed reads n records of topic from the start.
func (st *stack) consumeWindowed(topic string, n int) []windowedOut {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []windowedOut
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			st.t.Fatalf("consume %s: got %d of %d records before timeout: %v", topic, len(out), n, out)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if len(r.Key) != 12 {
				st.t.Fatalf("key %x: want a 4-byte INT and an 8-byte window start", r.Key)
			}
			out = append(out, windowedOut{key: int32(binary.BigEndian.Uint32(r.Key)), start: int64(binary.BigEndian.Uint64(r.Key[4:])),
				value: string(r.Value), ts: r.Timestamp.UnixMilli()})
		})
	}
	return out
}

// recordCount is how many records topic holds (transaction markers not
// counted): it reads the topic to its end offsets.
func (st *stack) recordCount(topic string) int {
	st.t.Helper()
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if err != nil {
		st.t.Fatal(err)
	}
	want := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			want[o.Partition] = o.Offset
		}
	})
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	n := 0
	deadline := time.Now().Add(30 * time.Second)
	for len(want) > 0 && time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		fs := cl.PollFetches(ctx)
		cancel()
		if ctx.Err() != nil && n > 0 {
			break // only transaction markers remain
		}
		fs.EachRecord(func(r *kgo.Record) {
			n++
			if r.Offset+1 >= want[r.Partition] {
				delete(want, r.Partition)
			}
		})
	}
	return n
}

const clicksStream = `CREATE STREAM clicks (user_id INT KEY, page STRING) WITH (KAFKA_TOPIC='clicks', PARTITIONS=1, VALUE_FORMAT='JSON');`

func strs[T fmt.Stringer](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func checkWindowed(t *testing.T, got []windowedOut, want []string) {
	t.Helper()
	if g := strs(got); !slices.Equal(g, want) {
		t.Errorf("windowed rows:\n got %v\nwant %v", g, want)
	}
}

// A tumbling window counts per key and window; each update is keyed by the
// key followed by the window start, carries the largest timestamp of its
// window, and WINDOWSTART/WINDOWEND project into the value
// (docs: concepts/time-and-windows-in-ksqldb-queries, "Tumbling window";
// query-validation-tests window-bounds.json "table tumbling").
func TestTumblingWindowCountsPerKeyAndWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE per_minute AS SELECT user_id, WINDOWSTART AS ws, WINDOWEND AS we, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks",
		timed{intKey(1), `{"page":"a"}`, 10_000},
		timed{intKey(1), `{"page":"b"}`, 70_000},
		timed{intKey(2), `{"page":"c"}`, 65_000},
		timed{intKey(1), `{"page":"d"}`, 20_000}, // out of order, well within the default grace
	)
	checkWindowed(t, st.consumeWindowed("PER_MINUTE", 4), []string{
		`1@0={"WS":0,"WE":60000,"N":1}/ts10000`,
		`1@60000={"WS":60000,"WE":120000,"N":1}/ts70000`,
		`2@60000={"WS":60000,"WE":120000,"N":1}/ts65000`,
		`1@0={"WS":0,"WE":60000,"N":2}/ts20000`,
	})
}

// A record belongs to every hopping window that holds its timestamp:
// windows start at multiples of ADVANCE BY (Kafka Streams
// TimeWindows.windowsFor; docs: "Hopping window").
func TestHoppingWindowUpdatesEveryWindowHoldingTheRecord(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE hops AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW HOPPING (SIZE 30 SECONDS, ADVANCE BY 10 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks", timed{intKey(7), `{"page":"a"}`, 25_000}, timed{intKey(7), `{"page":"b"}`, 31_000})
	// 25 s is in [0,30), [10,40), [20,50); 31 s in [10,40), [20,50), [30,60)
	checkWindowed(t, st.consumeWindowed("HOPS", 6), []string{
		`7@0={"N":1}/ts25000`, `7@10000={"N":1}/ts25000`, `7@20000={"N":1}/ts25000`,
		`7@10000={"N":2}/ts31000`, `7@20000={"N":2}/ts31000`, `7@30000={"N":1}/ts31000`,
	})
	r := mustKSQL(t, url, "DESCRIBE hops;", nil)
	if wt := r[0]["sourceDescription"].(map[string]any)["windowType"]; wt != "HOPPING" {
		t.Errorf("DESCRIBE windowType %v, want HOPPING", wt)
	}
}

// A record whose window ended more than the grace period before stream time
// is dropped (KStreamWindowAggregate: "Skipping record for expired window";
// docs: "Out-of-order events" and select-push-query GRACE PERIOD example).
func TestGracePeriodDropsRecordsForClosedWindows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE graced AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 1_000},
		timed{intKey(1), `{}`, 16_000}, // stream time 16 s: [0,10) closed at 15 s
		timed{intKey(1), `{}`, 2_000},  // late: dropped
		timed{intKey(1), `{}`, 12_000},
		timed{intKey(1), `{}`, 9_000}, // late: dropped
		timed{intKey(1), `{}`, 14_000},
	)
	checkWindowed(t, st.consumeWindowed("GRACED", 4), []string{
		`1@0={"N":1}/ts1000`, `1@10000={"N":1}/ts16000`, `1@10000={"N":2}/ts16000`, `1@10000={"N":3}/ts16000`,
	})
	if n := st.recordCount("GRACED"); n != 4 {
		t.Errorf("GRACED holds %d records, want 4: late records must not update closed windows", n)
	}
}

// With no GRACE PERIOD ksqlDB 0.29 keeps a window open for 24 hours minus
// its size (StreamAggregateBuilder.defaultGrace).
func TestDefaultGraceIsADayMinusTheWindowSize(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE daily AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 1 HOUR) GROUP BY user_id EMIT CHANGES;`, earliest())
	const hour = 3_600_000
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 0},
		timed{intKey(1), `{}`, 24*hour - 1}, // [0,1h) closes at 1h + 23h = 24h
		timed{intKey(1), `{}`, 10},          // still open: counted
		timed{intKey(1), `{}`, 24 * hour},   // closes [0,1h)
		timed{intKey(1), `{}`, 20},          // dropped
		timed{intKey(2), `{}`, 24*hour + 1},
	)
	checkWindowed(t, st.consumeWindowed("DAILY", 5), []string{
		`1@0={"N":1}/ts0`, `1@82800000={"N":1}/ts86399999`, `1@0={"N":2}/ts10`, `1@86400000={"N":1}/ts86400000`, `2@86400000={"N":1}/ts86400001`,
	})
}

// EMIT FINAL writes one row per window, once stream time passes its end
// plus the grace period, and nothing before (docs select-push-query
// "FINAL"; query-validation-tests suppress.json, which emits on every
// record).
func TestEmitFinalWritesOneRowPerClosedWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(2), `{}`, 5_000},
		timed{intKey(1), `{}`, 1_000},
		timed{intKey(1), `{}`, 9_000},
		timed{intKey(1), `{}`, 11_000}, // stream time 11 s: [0,10) closes at 12 s
	)
	st.produceTimed("clicks",
		timed{intKey(2), `{}`, 12_000}, // closes [0,10)
		timed{intKey(1), `{}`, 3_000},  // late: dropped
		timed{intKey(1), `{}`, 22_000}, // closes [10,20)
	)
	checkWindowed(t, st.consumeWindowed("FINALS", 4), []string{
		`1@0={"N":2}/ts9000`, `2@0={"N":1}/ts5000`, `1@10000={"N":1}/ts11000`, `2@10000={"N":1}/ts12000`,
	})
	if n := st.recordCount("FINALS"); n != 4 {
		t.Errorf("FINALS holds %d records, want 4 (the open window [20,30) has no row yet)", n)
	}
}

// Push queries with a WINDOW return the window bounds they select, as
// columns (docs select-push-query, "TUMBLING window" example).
func TestPushQueryReturnsSelectedWindowBounds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream, nil)
	st.produceTimed("clicks", timed{intKey(3), `{}`, 61_000}, timed{intKey(3), `{}`, 62_000})
	code, body := post(t, url, "/query", "SELECT windowstart, windowend, user_id, COUNT(*) FROM clicks WINDOW TUMBLING (SIZE 20 SECONDS) GROUP BY user_id EMIT CHANGES LIMIT 2;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("push body: %v\n%s", err, body)
	}
	if len(out) != 4 {
		t.Fatalf("want header, 2 rows, final message; got %s", body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`WINDOWSTART` BIGINT, `WINDOWEND` BIGINT, `USER_ID` INTEGER, `KSQL_COL_0` BIGINT" {
		t.Errorf("schema %v", s)
	}
	var rows []string
	for _, o := range out[1:3] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if strings.Join(rows, " ") != "[60000 80000 3 1] [60000 80000 3 2]" {
		t.Errorf("rows %v", rows)
	}
}

// What ksqlDB refuses about windows, with its messages (LogicalPlanner,
// SchemaKGroupedTable, AggregateAnalyzer, Analyzer, PushQueryValidator,
// Kafka Streams TimeWindows; query-validation-tests suppress.json,
// window-bounds.json, windowed-source.json).
func TestWindowStatementsKsqlDBRefuses(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE users (id INT PRIMARY KEY, region STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE w AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id;`, nil)
	cases := map[string]string{
		"CREATE TABLE f AS SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT FINAL;":                                              "EMIT FINAL is only supported for windowed aggregations.",
		"CREATE STREAM s AS SELECT * FROM clicks WINDOW TUMBLING (SIZE 30 SECONDS);":                                                            "Line: 1, Col: 48: WINDOW clause requires a GROUP BY clause.",
		"CREATE TABLE r AS SELECT region, COUNT(*) AS n FROM users WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY region;":                            "Windowing not supported for table aggregations.",
		"CREATE TABLE g AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id, WINDOWSTART;":            "Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations",
		"CREATE TABLE m AS SELECT user_id, MIN(windowend) AS m FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id;":                   "Window bounds column WINDOWEND can only be used in the SELECT clause of windowed aggregations",
		"CREATE TABLE h AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id HAVING windowstart > 1;":  "Window bounds column WINDOWSTART can only be used in the SELECT clause of windowed aggregations",
		"CREATE TABLE u AS SELECT user_id, WINDOWSTART, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id;":            "Reserved column name in select: `WINDOWSTART`. Please remove or alias the column.",
		"CREATE TABLE a AS SELECT user_id, COUNT(*) AS windowend FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id;":                 "`WINDOWEND` is a reserved column name. You cannot use it as an alias for a column.",
		"CREATE TABLE v AS SELECT user_id, windowend AS windowend, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user_id;": "Reserved column name in select: `WINDOWEND`. Please remove or alias the column.",
		"CREATE TABLE p AS SELECT * FROM w;": "KSQL does not support persistent queries on windowed tables.",
		"CREATE TABLE b AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW HOPPING (SIZE 1 SECOND, ADVANCE BY 2 SECONDS) GROUP BY user_id;":                          "Window advancement interval should be more than zero and less than window duration which is 1000 ms, but given advancement interval is: 2000 ms",
		"CREATE TABLE big AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 9223372036854775807 DAYS) GROUP BY user_id;":                             "a WINDOW time over 100000 days is not supported by this ksqlDB server",
		"CREATE TABLE many AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW HOPPING (SIZE 1 DAY, ADVANCE BY 1 MILLISECOND) GROUP BY user_id;":                      "more than 10000 windows (SIZE / ADVANCE BY) is not supported by this ksqlDB server",
		"CREATE TABLE z AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 0 SECONDS) GROUP BY user_id;":                                              "Window size (sizeMs) must be larger than zero.",
		"CREATE TABLE q AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE, RETENTION 30 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id;": "must be no smaller than its window size plus the grace period",
	}
	for ksql, want := range cases {
		code, e := stmtErr(t, url, ksql)
		if code != 400 || e["error_code"] != float64(40001) || !strings.Contains(fmt.Sprint(e["message"]), want) {
			t.Errorf("%s\n got %d %v\nwant 400 40001 %q", ksql, code, e["message"], want)
		}
	}
}

// A table declared over a windowed topic with WINDOW_TYPE and WINDOW_SIZE
// reads each key's window from the key bytes; SELECT * lists the key, then
// WINDOWSTART and WINDOWEND, then the values (docs: create-table WITH
// properties WINDOW_TYPE, WINDOW_SIZE; query-validation-tests
// tumbling-windows.json "import tumbling stream").
func TestTableOverAWindowedTopicReadsTheWindowFromTheKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	key := func(id int32, start int64) []byte { return binary.BigEndian.AppendUint64(intKey(id), uint64(start)) }
	mustKSQL(t, url, `CREATE TABLE imported (user_id INT PRIMARY KEY, n BIGINT)
  WITH (KAFKA_TOPIC='imported', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='tumbling', WINDOW_SIZE='30 SECONDS');`, nil)
	st.produceTimed("imported", timed{key(5, 60_000), `{"N":3}`, 61_000}, timed{key(6, 90_000), `{"N":1}`, 95_000})
	code, body := post(t, url, "/query", "SELECT * FROM imported EMIT CHANGES LIMIT 2;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 4 {
		t.Fatalf("want header, 2 rows, final message; got %s", body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`USER_ID` INTEGER, `WINDOWSTART` BIGINT, `WINDOWEND` BIGINT, `N` BIGINT" {
		t.Errorf("schema %v", s)
	}
	var rows []string
	for _, o := range out[1:3] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if strings.Join(rows, " ") != "[5 60000 90000 3] [6 90000 120000 1]" {
		t.Errorf("rows %v", rows)
	}
	r := mustKSQL(t, url, "DESCRIBE imported;", nil)
	if wt := r[0]["sourceDescription"].(map[string]any)["windowType"]; wt != "TUMBLING" {
		t.Errorf("DESCRIBE windowType %v, want TUMBLING", wt)
	}
}

// WINDOW_TYPE and WINDOW_SIZE are checked as CreateSourceProperties and
// DurationParser check them.
func TestWindowedSourcePropertiesKsqlDBRefuses(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	cases := map[string]string{
		"CREATE TABLE t1 (k STRING PRIMARY KEY, v BIGINT) WITH (KAFKA_TOPIC='t1', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Hopping');":                           "HOPPING windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'",
		"CREATE TABLE t2 (k STRING PRIMARY KEY, v BIGINT) WITH (KAFKA_TOPIC='t2', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Session', WINDOW_SIZE='30 seconds');": "'WINDOW_SIZE' should not be set for SESSION windows.",
		"CREATE TABLE t3 (k STRING PRIMARY KEY, v BIGINT) WITH (KAFKA_TOPIC='t3', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='Hopping', WINDOW_SIZE='30 bobs');":    "Configuration WINDOW_SIZE is invalid: Invalid duration: '30 bobs'. Unknown time unit: 'BOBS'",
		"CREATE TABLE t4 (k STRING PRIMARY KEY, v BIGINT) WITH (KAFKA_TOPIC='t4', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='sliding', WINDOW_SIZE='1 SECOND');":   "Unknown window type: 'sliding'",
		"CREATE STREAM s5 (v BIGINT) WITH (KAFKA_TOPIC='s5', PARTITIONS=1, VALUE_FORMAT='JSON', WINDOW_TYPE='SESSION');":                                                "Windowed sources require a key column.",
	}
	for ksql, want := range cases {
		code, e := stmtErr(t, url, ksql)
		if code != 400 || e["error_code"] != float64(40001) || !strings.Contains(fmt.Sprint(e["message"]), want) {
			t.Errorf("%s\n got %d %v\nwant 400 40001 %q", ksql, code, e["message"], want)
		}
	}
}

// A pull query on a windowed table returns a row per key and window, with
// WINDOWSTART and WINDOWEND after the key, marked KEY in the header, and
// can filter on them (docs: select-pull-query, "Pull queries on windowed
// tables"; rest-query-validation-tests
// pull-queries-against-materialized-aggregates.json "windowed - select star").
func TestPullQueryOnAWindowedTableListsEveryWindow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE per_minute AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks",
		timed{intKey(1), `{}`, 10_000}, timed{intKey(1), `{}`, 70_000}, timed{intKey(2), `{}`, 65_000}, timed{intKey(1), `{}`, 20_000})
	st.consumeWindowed("PER_MINUTE", 4)
	code, body := post(t, url, "/query", "SELECT * FROM per_minute WHERE user_id = 1;", nil)
	if code != 200 {
		t.Fatalf("pull: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("want header and 2 rows; got %s", body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`USER_ID` INTEGER KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `N` BIGINT" {
		t.Errorf("schema %v", s)
	}
	var rows []string
	for _, o := range out[1:] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if strings.Join(rows, " ") != "[1 0 60000 2] [1 60000 120000 1]" {
		t.Errorf("rows %v", rows)
	}
	// a push query reads the window back from the table's keys
	code, body = post(t, url, "/query", "SELECT * FROM per_minute EMIT CHANGES LIMIT 4;", earliest())
	if code != 200 || !strings.Contains(string(body), `"columns":[1,0,60000,1]`) || !strings.Contains(string(body), `"columns":[2,60000,120000,1]`) ||
		!strings.Contains(string(body), `"columns":[1,0,60000,2]`) {
		t.Errorf("push on the windowed table: %d %s", code, body)
	}
	tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any)
	if len(tables) != 1 || tables[0].(map[string]any)["isWindowed"] != true {
		t.Errorf("SHOW TABLES: %v, want PER_MINUTE with isWindowed true", tables)
	}
	code, body = post(t, url, "/query", "SELECT user_id, n FROM per_minute WHERE WINDOWSTART >= 60000;", nil)
	if code != 200 || !strings.Contains(string(body), `[1,1]`) || !strings.Contains(string(body), `[2,1]`) || strings.Contains(string(body), `[1,2]`) {
		t.Errorf("pull with WINDOWSTART bound: %d %s", code, body)
	}
}

// consumeSessions reads n records of a SESSION-windowed table's topic: an
// INT key, then the session end and start (SessionWindowedSerializer).
func (st *stack) consumeSessions(topic string, n int) []string {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
		kgo.FetchIsolationLevel(kgo.ReadCommitted())) // an exactly_once_v2 query's aborted records are not its output
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []string
	for len(out) < n {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			st.t.Fatalf("consume %s: got %d of %d records before timeout: %v", topic, len(out), n, out)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if len(r.Key) != 20 {
				st.t.Fatalf("key %x: want a 4-byte INT, an 8-byte end and an 8-byte start", r.Key)
			}
			v := string(r.Value)
			if r.Value == nil {
				v = "<tombstone>"
			}
			out = append(out, fmt.Sprintf("%d@[%d,%d]=%s/ts%d", int32(binary.BigEndian.Uint32(r.Key)),
				int64(binary.BigEndian.Uint64(r.Key[12:])), int64(binary.BigEndian.Uint64(r.Key[4:12])), v, r.Timestamp.UnixMilli()))
		})
	}
	return out
}

// A record within the inactivity gap of a key's sessions merges them into
// one: each merged-away session gets a tombstone, then the merged session
// its row, timestamped with the session end (KStreamSessionWindowAggregate;
// docs: "Session window"; query-validation-tests window-bounds.json
// "table session").
func TestSessionWindowsMergeAndTombstoneMergedSessions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE visits AS SELECT user_id, WINDOWSTART AS ws, WINDOWEND AS we, COUNT(*) AS n
  FROM clicks WINDOW SESSION (30 SECONDS) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("clicks",
		timed{intKey(0), `{}`, 0},
		timed{intKey(0), `{}`, 10_000},
		timed{intKey(1), `{}`, 10_000},
		timed{intKey(0), `{}`, 100_000}, // more than the gap after 10 s: a new session
		timed{intKey(0), `{}`, 70_000},  // within the gap before 100 s
		timed{intKey(0), `{}`, 40_000},  // bridges [0,10] and [70,100]
	)
	got := st.consumeSessions("VISITS", 10)
	want := []string{
		`0@[0,0]={"WS":0,"WE":0,"N":1}/ts0`,
		`0@[0,0]=<tombstone>/ts0`,
		`0@[0,10000]={"WS":0,"WE":10000,"N":2}/ts10000`,
		`1@[10000,10000]={"WS":10000,"WE":10000,"N":1}/ts10000`,
		`0@[100000,100000]={"WS":100000,"WE":100000,"N":1}/ts100000`,
		`0@[100000,100000]=<tombstone>/ts100000`,
		`0@[70000,100000]={"WS":70000,"WE":100000,"N":2}/ts100000`,
		`0@[0,10000]=<tombstone>/ts10000`,
		`0@[70000,100000]=<tombstone>/ts100000`,
		`0@[0,100000]={"WS":0,"WE":100000,"N":5}/ts100000`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
	if n := st.recordCount("VISITS"); n != 10 {
		t.Errorf("VISITS holds %d records, want 10", n)
	}
	r := mustKSQL(t, url, "DESCRIBE visits;", nil)
	if wt := r[0]["sourceDescription"].(map[string]any)["windowType"]; wt != "SESSION" {
		t.Errorf("DESCRIBE windowType %v, want SESSION", wt)
	}
}

// EMIT FINAL on SESSION windows writes each session once it ends more than
// grace + gap before stream time; a record that would extend a closed
// session is dropped (query-validation-tests suppress.json "should support
// final results for session windows").
func TestSessionWindowsEmitFinal(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n
  FROM clicks WINDOW SESSION (10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY user_id EMIT FINAL;`, emitEveryRecord())
	st.produceTimed("clicks",
		timed{intKey(3), `{}`, 1_000},
		timed{intKey(3), `{}`, 8_000},
		timed{intKey(3), `{}`, 20_000}, // [1,8] ends 12 s before: gap passed, grace not
		timed{intKey(3), `{}`, 24_000}, // close time 9 s: [1,8] closed
		timed{intKey(3), `{}`, 17_000}, // would merge [1,8]: dropped; joins [20,24]
		timed{intKey(3), `{}`, 60_000}, // closes [17,24]
	)
	got := st.consumeSessions("VISITS", 2)
	want := []string{`3@[1000,8000]={"N":2}/ts8000`, `3@[17000,24000]={"N":3}/ts24000`}
	if !slices.Equal(got, want) {
		t.Errorf("VISITS:\n got %v\nwant %v", got, want)
	}
}

// Windowed state survives an engine restart: windows, their timestamps,
// the store's time and the close time of the last EMIT FINAL emit (so a
// window still in the store goes out once) are restored, under both
// processing guarantees. Stream time is not: as in Kafka Streams 3.9, a
// restarted processor's observedStreamTime starts at NO_TIMESTAMP
// (apache/kafka 3.9.0-rc3 AbstractKStreamTimeWindowAggregateProcessor.java;
// see restart_stream_time_test.go), so the record at 2 s, late for the
// stream time of 16 s before the restart, counts in HOPS' [0,10), which
// its store (retention 15 s, its time the latest window start, 10 s) still
// holds; FINALS takes it too, but [0,10) went out before and does not
// again.
func TestRestartResumesWindowedState(t *testing.T) {
	for name, props := range guaranteeProps() {
		t.Run(name, func(t *testing.T) {
			st := newStack(t, kfake.DataDir(t.TempDir()))
			srv1, url1 := st.serve()
			props := maps.Clone(props)
			props["ksql.streams.auto.offset.reset"] = "earliest"
			props["ksql.streams.__emit.interval.ms.kstreams.windowed.aggregation__"] = 0
			mustKSQL(t, url1, clicksStream+`
CREATE TABLE hops AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 5 SECONDS) GROUP BY user_id EMIT CHANGES;
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 1 HOUR, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL;
CREATE TABLE visits AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW SESSION (5 SECONDS) GROUP BY user_id EMIT CHANGES;`, props)
			st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(1), `{}`, 16_000})
			st.consumeWindowed("HOPS", 2)
			st.consumeWindowed("FINALS", 1) // [0,10) closed at 16 s
			st.consumeSessions("VISITS", 2)
			if err := srv1.Close(); err != nil {
				t.Fatal(err)
			}
			_, url2 := st.serve()
			if n := len(mustKSQL(t, url2, "SHOW QUERIES;", nil)[0]["queries"].([]any)); n != 3 {
				t.Fatalf("%d queries after restart, want 3", n)
			}
			st.produceTimed("clicks",
				timed{intKey(1), `{}`, 2_000},  // the first record after the restart: on time
				timed{intKey(1), `{}`, 18_000}, // [10,20) again; session [16,18]
				timed{intKey(1), `{}`, 40_000}, // closes [10,20) for FINALS
			)
			checkWindowed(t, st.consumeWindowed("HOPS", 5), []string{
				`1@0={"N":1}/ts1000`, `1@10000={"N":1}/ts16000`, `1@0={"N":2}/ts2000`, `1@10000={"N":2}/ts18000`, `1@40000={"N":1}/ts40000`,
			})
			checkWindowed(t, st.consumeWindowed("FINALS", 2), []string{`1@0={"N":1}/ts1000`, `1@10000={"N":2}/ts18000`})
			got := st.consumeSessions("VISITS", 7)
			// the default grace of a 5 s session is a day less 5 s: 2 s still joins [1,1]
			want := []string{`1@[1000,1000]={"N":1}/ts1000`, `1@[16000,16000]={"N":1}/ts16000`,
				`1@[1000,1000]=<tombstone>/ts1000`, `1@[1000,2000]={"N":2}/ts2000`,
				`1@[16000,16000]=<tombstone>/ts16000`, `1@[16000,18000]={"N":2}/ts18000`, `1@[40000,40000]={"N":1}/ts40000`}
			if !slices.Equal(got, want) {
				t.Errorf("VISITS:\n got %v\nwant %v", got, want)
			}
			for topic, n := range map[string]int{"HOPS": 5, "FINALS": 2, "VISITS": 7} {
				if got := st.recordCount(topic); got != n {
					t.Errorf("%s holds %d records, want %d", topic, got, n)
				}
			}
		})
	}
}

// With WITH (TIMESTAMP='col') a stream's records take their time from that
// BIGINT column: windows, ROWTIME and the output timestamps follow it, and a
// record without it is skipped (docs: time-and-windows "Timestamp
// assignment"; TimestampExtractionPolicyFactory, LoggingTimestampExtractor).
func TestTimestampPropertyDrivesWindows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM events (user_id INT KEY, event_ts BIGINT) WITH (KAFKA_TOPIC='events', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='event_ts');
CREATE TABLE per_minute AS SELECT user_id, COUNT(*) AS n, MAX(ROWTIME) AS last
  FROM events WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;`, earliest())
	st.produceTimed("events",
		timed{intKey(1), `{"event_ts":61000}`, 5_000_000}, // the record's own time is ignored
		timed{intKey(1), `{}`, 5_000_001},                 // no event_ts: skipped
		timed{intKey(1), `{"event_ts":65000}`, 1},
	)
	checkWindowed(t, st.consumeWindowed("PER_MINUTE", 2), []string{
		`1@60000={"N":1,"LAST":61000}/ts61000`, `1@60000={"N":2,"LAST":65000}/ts65000`,
	})
	r := mustKSQL(t, url, "DESCRIBE events;", nil)
	if ts := r[0]["sourceDescription"].(map[string]any)["timestamp"]; ts != "EVENT_TS" {
		t.Errorf("DESCRIBE timestamp %v, want EVENT_TS", ts)
	}
	cases := map[string]string{
		"CREATE STREAM e2 (v BIGINT) WITH (KAFKA_TOPIC='e2', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='nope');": "The TIMESTAMP column set in the WITH clause does not exist in the schema: 'NOPE'",
		"CREATE STREAM e3 (v INT) WITH (KAFKA_TOPIC='e3', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='v');":       "Timestamp column, `V`, should be LONG(INT64), TIMESTAMP, or a String with a timestamp_format specified.",
		"CREATE STREAM e4 (v STRING) WITH (KAFKA_TOPIC='e4', PARTITIONS=1, VALUE_FORMAT='JSON', TIMESTAMP='v');":    "A String timestamp field has been specified without also specifying the timestamp_format",
	}
	for ksql, want := range cases {
		code, e := stmtErr(t, url, ksql)
		if code != 400 || !strings.Contains(fmt.Sprint(e["message"]), want) {
			t.Errorf("%s\n got %d %v\nwant 400 %q", ksql, code, e["message"], want)
		}
	}
}

// /query-stream runs windowed push queries too: EMIT FINAL answers one row
// per closed window, with the window bounds the query selects (docs:
// select-push-query "FINAL"; the streaming endpoint's delimited format).
func TestQueryStreamEmitFinalPushQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream, nil)
	st.produceTimed("clicks",
		timed{intKey(4), `{}`, 1_000}, timed{intKey(4), `{}`, 9_000}, timed{intKey(5), `{}`, 12_000}, timed{intKey(5), `{}`, 25_000})
	push := `{"sql":"SELECT WINDOWSTART, WINDOWEND, user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL LIMIT 2;","properties":{"auto.offset.reset":"earliest","__emit.interval.ms.kstreams.windowed.aggregation__":0}}`
	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", push, map[string]string{"Accept": restapi.MediaDelimited})
	lines := strings.Split(strings.TrimSuffix(string(r.body), "\n"), "\n")
	if r.code != 200 || len(lines) != 3 {
		t.Fatalf("push: %d %q", r.code, r.body)
	}
	var md restapi.QueryMetadata
	if err := json.Unmarshal([]byte(lines[0]), &md); err != nil || strings.Join(md.ColumnNames, ",") != "WINDOWSTART,WINDOWEND,USER_ID,N" ||
		strings.Join(md.ColumnTypes, ",") != "BIGINT,BIGINT,INTEGER,BIGINT" {
		t.Errorf("metadata %q", lines[0])
	}
	// stream time 12 s closes [0,10); 25 s closes [10,20)
	if got := strings.Join(lines[1:], " "); got != "[0,10000,4,2] [10000,20000,5,1]" {
		t.Errorf("rows %s", got)
	}
}

// Window bounds are ordinary BIGINT values in the SELECT clause: qualified
// with the source, in arithmetic with group keys and with aggregates
// (query-validation-tests window-bounds.json "in expressions" and "window
// bounds used in expression with aggregate in SELECT").
func TestWindowBoundsInSelectExpressions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE exprs AS SELECT user_id, clicks.WindowStart / 2 AS half, WindowEnd / user_id AS per, COUNT(1) * windowend AS weighted
  FROM clicks WINDOW TUMBLING (SIZE 30 SECONDS) GROUP BY user_id;`, earliest())
	st.produceTimed("clicks", timed{intKey(2), `{}`, 31_000}, timed{intKey(2), `{}`, 32_000})
	checkWindowed(t, st.consumeWindowed("EXPRS", 2), []string{
		`2@30000={"HALF":15000,"PER":30000,"WEIGHTED":60000}/ts31000`,
		`2@30000={"HALF":15000,"PER":30000,"WEIGHTED":120000}/ts32000`,
	})
}
