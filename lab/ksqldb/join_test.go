package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// joinRec is a record with an explicit timestamp (milliseconds).
type joinRec struct {
	topic string
	ts    int64
	key   []byte
	value []byte // nil: a null value (tombstone on a table)
}

// produceJoin writes recs in the order given, each acknowledged before the
// next is sent: a producer keeps the order of one partition's records
// only, and one handed records of two topics at once may send a later
// record of one before an earlier one of the other (whose topic's
// metadata it is still loading), which a join reading both would then
// see in that order.
func (st *stack) produceJoin(recs ...joinRec) {
	st.t.Helper()
	for _, r := range recs {
		rec := &kgo.Record{Topic: r.topic, Key: r.key, Value: r.value, Timestamp: time.UnixMilli(r.ts)}
		if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			st.t.Fatalf("produce: %v", err)
		}
	}
}

// consumeJoin reads n records of topic from the start with their timestamps.
func (st *stack) consumeJoin(topic string, n int) []joinRec {
	st.t.Helper()
	var out []joinRec
	for _, r := range st.consumeRecords(topic, n) {
		out = append(out, joinRec{topic: r.Topic, ts: r.Timestamp.UnixMilli(), key: r.Key, value: r.Value})
	}
	return out
}

// runJoinQuery starts a stack, declares ddl's sources, writes inputs to
// them and runs query from the earliest offsets, as a query-validation
// test does.
func runJoinQuery(t *testing.T, ddl string, inputs []joinRec, query string) (*stack, string) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, ddl, nil)
	st.produceJoin(inputs...)
	mustKSQL(t, url, query, earliest())
	return st, url
}

func joinValue(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// joinSources declares a stream L and a table R, both keyed by an INT ID in
// the KAFKA format with JSON values, over single-partition topics.
const joinSources = `CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='left', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE r (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='right', PARTITIONS=1, VALUE_FORMAT='JSON');`

// The stream-table semantics table of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// ("Semantics of Stream-Table Joins"): every record has the same key and is
// processed in timestamp order; only stream records trigger the join, table
// tombstones delete the key, null stream values are ignored.
func TestStreamTableJoinFollowsTheDocumentedSemanticsTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	k := intKey(7)
	l := func(ts int64, v string) joinRec { return joinRec{"left", ts, k, joinValue(v)} }
	r := func(ts int64, v string) joinRec { return joinRec{"right", ts, k, joinValue(v)} }
	st.produceJoin(
		l(1, ""), r(2, ""), l(3, `{"v":"A"}`), r(4, `{"v":"a"}`), l(5, `{"v":"B"}`), r(6, `{"v":"b"}`),
		l(7, ""), r(8, ""), l(9, `{"v":"C"}`), r(10, `{"v":"c"}`), r(11, ""), l(12, ""), r(13, ""),
		r(14, `{"v":"d"}`), l(15, `{"v":"D"}`),
	)
	mustKSQL(t, url, `CREATE STREAM inner_j AS SELECT l.id, l.v, r.v FROM l JOIN r ON l.id = r.id;
CREATE STREAM left_j AS SELECT l.id, l.v, r.v FROM l LEFT JOIN r ON l.id = r.id;`, earliest())

	check := func(topic string, want []joinRec) {
		t.Helper()
		got := st.consumeJoin(topic, len(want))
		for i := range want {
			want[i].topic = topic
			if got[i].ts != want[i].ts || !slices.Equal(got[i].key, want[i].key) || string(got[i].value) != string(want[i].value) {
				t.Errorf("%s record %d: got ts %d key %x %s, want ts %d key %x %s", topic, i, got[i].ts, got[i].key, got[i].value, want[i].ts, want[i].key, want[i].value)
			}
		}
	}
	// L.ID and L.V / R.V clash between the sources, so ksqlDB names them
	// after their source (AstSanitizer, ColumnNames.generatedJoinColumnAlias).
	check("INNER_J", []joinRec{
		{ts: 5, key: k, value: []byte(`{"L_V":"B","R_V":"a"}`)},
		{ts: 15, key: k, value: []byte(`{"L_V":"D","R_V":"d"}`)},
	})
	check("LEFT_J", []joinRec{
		{ts: 3, key: k, value: []byte(`{"L_V":"A","R_V":null}`)},
		{ts: 5, key: k, value: []byte(`{"L_V":"B","R_V":"a"}`)},
		{ts: 9, key: k, value: []byte(`{"L_V":"C","R_V":null}`)},
		{ts: 15, key: k, value: []byte(`{"L_V":"D","R_V":"d"}`)},
	})
	desc := mustKSQL(t, url, "DESCRIBE LEFT_J;", nil)[0]["sourceDescription"].(map[string]any)
	var cols []string
	for _, f := range desc["fields"].([]any) {
		f := f.(map[string]any)
		cols = append(cols, fmt.Sprint(f["name"]))
	}
	if !slices.Equal(cols, []string{"L_ID", "L_V", "R_V"}) {
		t.Errorf("LEFT_J columns %v, want [L_ID L_V R_V]", cols)
	}
}

// The pageviews/users example of the same page: a stream joined on a value
// column (ksqlDB repartitions the stream by it), the table's key projected
// under an alias as the result's key, unqualified columns resolved to the
// one source that has them.
func TestStreamTableJoinOnAStreamValueColumnKeysTheResultByTheJoinKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (viewtime BIGINT KEY, userid STRING, pageid STRING) WITH (KAFKA_TOPIC='pageviews', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE users (userid STRING PRIMARY KEY, regionid STRING, gender STRING) WITH (KAFKA_TOPIC='users', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produceJoin(
		joinRec{"users", 1, []byte("User_1"), []byte(`{"regionid":"Region_1","gender":"FEMALE"}`)},
		joinRec{"users", 2, []byte("User_2"), []byte(`{"regionid":"Region_9","gender":"MALE"}`)},
		joinRec{"pageviews", 3, binary.BigEndian.AppendUint64(nil, 100), []byte(`{"userid":"User_2","pageid":"Page_1"}`)},
		joinRec{"pageviews", 4, binary.BigEndian.AppendUint64(nil, 101), []byte(`{"userid":"User_3","pageid":"Page_2"}`)},
		joinRec{"pageviews", 5, binary.BigEndian.AppendUint64(nil, 102), []byte(`{"userid":"User_1","pageid":"Page_3"}`)},
	)
	mustKSQL(t, url, `CREATE STREAM pageviews_enriched AS
  SELECT users.userid AS userid, pageid, regionid, gender
  FROM pageviews
    LEFT JOIN users ON pageviews.userid = users.userid
  EMIT CHANGES;`, earliest())
	got := st.consume("PAGEVIEWS_ENRICHED", 3)
	want := []kv{
		{[]byte("User_2"), []byte(`{"PAGEID":"Page_1","REGIONID":"Region_9","GENDER":"MALE"}`)},
		{[]byte("User_3"), []byte(`{"PAGEID":"Page_2","REGIONID":null,"GENDER":null}`)},
		{[]byte("User_1"), []byte(`{"PAGEID":"Page_3","REGIONID":"Region_1","GENDER":"FEMALE"}`)},
	}
	for i := range want {
		if string(got[i].key) != string(want[i].key) || string(got[i].value) != string(want[i].value) {
			t.Errorf("record %d: got %s %s, want %s %s", i, got[i].key, got[i].value, want[i].key, want[i].value)
		}
	}
}

func TestPushQueryOverAStreamTableJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"one"}`)}, joinRec{"left", 2, intKey(1), []byte(`{"v":"x"}`)},
		joinRec{"left", 3, intKey(2), []byte(`{"v":"y"}`)})
	code, body := post(t, url, "/query", "SELECT * FROM l LEFT JOIN r ON l.id = r.id EMIT CHANGES LIMIT 2;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 4 {
		t.Fatalf("want header, 2 rows, final message: %v %s", err, body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`L_ID` INTEGER, `L_V` STRING, `R_ID` INTEGER, `R_V` STRING" {
		t.Errorf("schema %v", s)
	}
	var rows []string
	for _, o := range out[1:3] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if strings.Join(rows, " ") != "[1 x 1 one] [2 y <nil> <nil>]" {
		t.Errorf("rows %v", rows)
	}
}

// Joins ksqlDB refuses, with its messages (LogicalPlanner.verifyJoin,
// verifyStreamTableJoin, JoinNode, Analyzer, AstSanitizer, PullQueryValidator
// of confluentinc/ksql 7.9.0).
func TestJoinsKsqlDBRefusesAreRefusedWithItsMessages(t *testing.T) {
	st := newStack(t)
	st.createTopic("right2", 2)
	_, url := st.serve()
	mustKSQL(t, url, joinSources+`
CREATE TABLE r2 (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='right2', VALUE_FORMAT='JSON');`, nil)
	cases := []struct{ name, ksql, msg string }{
		{"table on the left", "CREATE STREAM x AS SELECT * FROM r JOIN l ON r.id = l.id;",
			"Invalid join order: table-stream joins are not supported; only stream-table joins. Got R [INNER] JOIN L."},
		{"full outer stream-table", "CREATE STREAM x AS SELECT * FROM l FULL OUTER JOIN r ON l.id = r.id;",
			"Invalid join type: full-outer join not supported for stream-table join. Got L [FULL] OUTER JOIN R."},
		{"not on the table key", "CREATE STREAM x AS SELECT * FROM l JOIN r ON l.v = r.v;",
			"Invalid join condition: stream-table joins require to join on the table's primary key. Got L.V = R.V."},
		{"window on stream-table", "CREATE STREAM x AS SELECT * FROM l JOIN r WITHIN 1 MINUTE ON l.id = r.id;",
			"A window definition was provided for a Stream-Table join. These joins are not windowed. Please drop the window definition (ie. the WITHIN clause) and try to execute your join again."},
		{"self join", "CREATE STREAM x AS SELECT * FROM l JOIN l ON l.id = l.id;",
			"Can not join 'L' to 'L': self joins are not yet supported."},
		{"ambiguous column", "CREATE STREAM x AS SELECT id FROM l JOIN r ON l.id = r.id;",
			"Exception while preparing statement: Line: 1, Col: 27: Column 'ID' is ambiguous. Could be L.ID or R.ID."},
		{"not an equality", "CREATE STREAM x AS SELECT * FROM l JOIN r ON l.id > r.id;",
			"Only equality join criteria is supported."},
		{"not a comparison", "CREATE STREAM x AS SELECT * FROM l JOIN r ON l.id IS NULL;",
			"Unsupported join expression: (L.ID IS NULL)"},
		{"one side only", "CREATE STREAM x AS SELECT * FROM l JOIN r ON l.id = l.id;",
			"Each side of the join must reference exactly one source and not the same source. Left side references `L` and right references `L`"},
		{"key not projected", "CREATE STREAM x AS SELECT l.v, r.v FROM l JOIN r ON l.id = r.id;",
			"Key missing from projection (ie, SELECT). \nThe query used to build `X` must include the join expressions L.ID or R.ID in its projection (eg, SELECT L.ID...)."},
		{"partition counts differ", "CREATE STREAM x AS SELECT * FROM l JOIN r2 ON l.id = r2.id;",
			"Can't join `L` with `R2` since the number of partitions don't match. `L` partitions = 1; `R2` partitions = 2. Please repartition either one so that the number of partitions match."},
		{"join produces a stream", "CREATE TABLE x AS SELECT * FROM l JOIN r ON l.id = r.id;",
			"Invalid result type. Your SELECT query produces a STREAM. Please use CREATE STREAM AS SELECT statement instead."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.ksql)
			if code != 400 || e["error_code"] != float64(40001) || e["message"] != c.msg {
				t.Errorf("got %d %v %q\nwant 400 40001 %q", code, e["error_code"], e["message"], c.msg)
			}
		})
	}
	code, body := post(t, url, "/query", "SELECT * FROM r JOIN r2 ON r.id = r2.id;", nil)
	if code != 400 || !strings.Contains(string(body), "Pull queries don't support JOIN clauses.") {
		t.Errorf("pull join: %d %s", code, body)
	}
}

// After an engine restart, the table side is the table as it was: rebuilt
// from the table's topic up to where the query had read it, so a stream
// record that arrives after the restart still finds a key loaded before it,
// and a table update made while the engine was down is seen.
func TestStreamTableJoinKeepsTheTableAcrossARestart(t *testing.T) {
	for name, props := range guaranteeProps() {
		t.Run(name, func(t *testing.T) {
			st := newStack(t, kfake.DataDir(t.TempDir()))
			srv1, url1 := st.serve()
			mustKSQL(t, url1, joinSources, nil)
			st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"one"}`)}, joinRec{"right", 2, intKey(2), []byte(`{"v":"two"}`)},
				joinRec{"left", 3, intKey(1), []byte(`{"v":"a"}`)})
			mustKSQL(t, url1, "CREATE STREAM j AS SELECT l.id, l.v AS lv, r.v AS rv FROM l JOIN r ON l.id = r.id;", mergeProps(props, earliest()))
			st.consume("J", 1)
			if err := srv1.Close(); err != nil {
				t.Fatal(err)
			}
			st.produceJoin(joinRec{"right", 4, intKey(2), []byte(`{"v":"TWO"}`)})
			_, _ = st.serve()
			st.produceJoin(joinRec{"left", 5, intKey(1), []byte(`{"v":"b"}`)}, joinRec{"left", 6, intKey(2), []byte(`{"v":"c"}`)})
			got := values(st.consume("J", 3))
			want := []string{`{"LV":"a","RV":"one"}`, `{"LV":"b","RV":"one"}`, `{"LV":"c","RV":"TWO"}`}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func mergeProps(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// The stream-stream semantics table of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// ("Semantics of Stream-Stream Joins"): one key, timestamps in seconds, a
// 15-second window with a 5-second grace period. A join result carries the
// later of the two timestamps; a LEFT/OUTER record that found no partner
// is emitted once its window and grace period have passed, with its own
// timestamp. (The page's "FULL JOIN" column is left out: it contradicts its
// own "OUTER JOIN" column, which FULL OUTER JOIN is.)
func TestStreamStreamJoinFollowsTheDocumentedSemanticsTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='left', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM rs (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rs', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	k := intKey(7)
	l := func(s int64, v string) joinRec { return joinRec{"left", s * 1000, k, joinValue(v)} }
	r := func(s int64, v string) joinRec { return joinRec{"rs", s * 1000, k, joinValue(v)} }
	st.produceJoin(
		l(1, ""), r(2, ""), l(3, `{"v":"A"}`), r(4, `{"v":"a"}`), l(5, `{"v":"B"}`), r(6, `{"v":"b"}`),
		l(7, ""), r(8, ""), l(9, `{"v":"C"}`), r(10, `{"v":"c"}`), r(11, ""), l(12, ""), r(13, ""),
		r(14, `{"v":"d"}`), l(15, `{"v":"D"}`), l(40, `{"v":"E"}`), l(60, `{"v":"F"}`), r(80, `{"v":"f"}`), l(100, `{"v":"G"}`),
	)
	const window = " WITHIN 15 SECONDS GRACE PERIOD 5 SECONDS "
	mustKSQL(t, url, `CREATE STREAM inner_j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM l JOIN rs r`+window+`ON l.id = r.id;
CREATE STREAM left_j AS SELECT l.id AS id, l.v AS lv, r.v AS rv FROM l LEFT JOIN rs r`+window+`ON l.id = r.id;
CREATE STREAM outer_j AS SELECT ROWKEY AS id, l.v AS lv, r.v AS rv FROM l FULL OUTER JOIN rs r`+window+`ON l.id = r.id;`, earliest())

	pair := func(s int64, lv, rv string) joinRec {
		q := func(v string) string {
			if v == "" {
				return "null"
			}
			return `"` + v + `"`
		}
		return joinRec{ts: s * 1000, key: k, value: []byte(`{"LV":` + q(lv) + `,"RV":` + q(rv) + `}`)}
	}
	joined := []joinRec{
		pair(4, "A", "a"), pair(5, "B", "a"), pair(6, "A", "b"), pair(6, "B", "b"), pair(9, "C", "a"), pair(9, "C", "b"),
		pair(10, "A", "c"), pair(10, "B", "c"), pair(10, "C", "c"), pair(14, "A", "d"), pair(14, "B", "d"), pair(14, "C", "d"),
		pair(15, "D", "a"), pair(15, "D", "b"), pair(15, "D", "c"), pair(15, "D", "d"),
	}
	check := func(topic string, want []joinRec) {
		t.Helper()
		got := st.consumeJoin(topic, len(want))
		for i := range want {
			if got[i].ts != want[i].ts || !slices.Equal(got[i].key, want[i].key) || string(got[i].value) != string(want[i].value) {
				t.Errorf("%s record %d: got ts %d key %x %s, want ts %d key %x %s", topic, i, got[i].ts, got[i].key, got[i].value, want[i].ts, want[i].key, want[i].value)
			}
		}
	}
	check("INNER_J", joined)
	check("LEFT_J", append(slices.Clone(joined), pair(40, "E", ""), pair(60, "F", "")))
	check("OUTER_J", append(slices.Clone(joined), pair(40, "E", ""), pair(60, "F", ""), pair(80, "", "f")))
}

func TestStreamStreamJoinRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='left', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM rs (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rs', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	cases := []struct{ name, ksql, msg string }{
		{"no WITHIN", "CREATE STREAM x AS SELECT * FROM l JOIN rs ON l.id = rs.id;",
			"Stream-Stream joins must have a WITHIN clause specified. None was provided. To learn about how to specify a WITHIN clause with a stream-stream join, please visit: https://docs.confluent.io/current/ksql/docs/syntax-reference.html#create-stream-as-select"},
		{"synthetic key not projected", "CREATE STREAM x AS SELECT l.v AS lv FROM l FULL OUTER JOIN rs WITHIN 1 SECOND ON l.id = rs.id;",
			"Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `X` must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\nROWKEY was added as a synthetic key column because the join criteria did not match any source column. This expression must be included in the projection and may be aliased. "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.ksql)
			if code != 400 || e["error_code"] != float64(40001) || e["message"] != c.msg {
				t.Errorf("got %d %v %q\nwant 400 40001 %q", code, e["error_code"], e["message"], c.msg)
			}
		})
	}
}

const twoStreams = `CREATE STREAM l (id INT KEY, v STRING) WITH (KAFKA_TOPIC='left', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM rs (id INT KEY, v STRING) WITH (KAFKA_TOPIC='rs', PARTITIONS=1, VALUE_FORMAT='JSON');`

// Without a GRACE PERIOD ksqlDB builds the window with JoinWindows.of, and a
// LEFT/RIGHT record without a partner is emitted at once, then again with
// each partner that comes within the window (the docs' note: "If you don't
// specify a grace period, left/outer join results are emitted eagerly").
// A RIGHT JOIN pads the left side.
func TestStreamStreamOuterJoinsWithoutGraceEmitEagerly(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	k := intKey(1)
	st.produceJoin(joinRec{"left", 3000, k, []byte(`{"v":"A"}`)}, joinRec{"rs", 4000, k, []byte(`{"v":"a"}`)},
		joinRec{"rs", 60000, k, []byte(`{"v":"z"}`)})
	mustKSQL(t, url, `CREATE STREAM left_j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l LEFT JOIN rs WITHIN 15 SECONDS ON l.id = rs.id;
CREATE STREAM right_j AS SELECT rs.id AS id, l.v AS lv, rs.v AS rv FROM l RIGHT JOIN rs WITHIN 15 SECONDS ON l.id = rs.id;`, earliest())
	if got, want := values(st.consume("LEFT_J", 2)), []string{`{"LV":"A","RV":null}`, `{"LV":"A","RV":"a"}`}; !slices.Equal(got, want) {
		t.Errorf("LEFT_J %v, want %v", got, want)
	}
	if got, want := values(st.consume("RIGHT_J", 2)), []string{`{"LV":"A","RV":"a"}`, `{"LV":null,"RV":"z"}`}; !slices.Equal(got, want) {
		t.Errorf("RIGHT_J %v, want %v", got, want)
	}
}

// A record waiting in a stream-stream join's window survives an engine
// restart (the window stores are kept in the query's changelog).
func TestStreamStreamJoinKeepsItsWindowsAcrossARestart(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url1 := st.serve()
	mustKSQL(t, url1, twoStreams, nil)
	k := intKey(1)
	st.produceJoin(joinRec{"left", 1000, k, []byte(`{"v":"A"}`)}, joinRec{"rs", 2000, intKey(2), []byte(`{"v":"other"}`)})
	ents := mustKSQL(t, url1, "CREATE STREAM j AS SELECT l.id AS id, l.v AS lv, rs.v AS rv FROM l JOIN rs WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON l.id = rs.id;", earliest())
	st.awaitJoinChangelog(t, ents, 2, "both records in the join's changelog")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"rs", 3000, k, []byte(`{"v":"a"}`)})
	if got, want := values(st.consume("J", 1)), []string{`{"LV":"A","RV":"a"}`}; !slices.Equal(got, want) {
		t.Errorf("J %v, want %v", got, want)
	}
}

func TestPushQueryOverAFullOuterJoinLeadsWithTheSyntheticKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoStreams, nil)
	st.produceJoin(joinRec{"left", 1000, intKey(1), []byte(`{"v":"A"}`)}, joinRec{"rs", 2000, intKey(1), []byte(`{"v":"a"}`)})
	code, body := post(t, url, "/query", "SELECT * FROM l FULL OUTER JOIN rs WITHIN 10 SECONDS GRACE PERIOD 0 SECONDS ON l.id = rs.id EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("want header, a row, final message: %v %s", err, body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`ROWKEY` INTEGER, `L_ID` INTEGER, `L_V` STRING, `RS_ID` INTEGER, `RS_V` STRING" {
		t.Errorf("schema %v", s)
	}
	if row := fmt.Sprint(out[1]["row"].(map[string]any)["columns"]); row != "[1 1 A 1 a]" {
		t.Errorf("row %v", row)
	}
}

// The primary-key table-table semantics table of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// ("Semantics of Primary-Key Table-Table Joins"): every update of either
// side emits the new join result, or a tombstone when a result existed and
// no longer does.
func TestTableTableJoinFollowsTheDocumentedSemanticsTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE lt (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='lt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE rt (id INT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='rt', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	k := intKey(7)
	l := func(ts int64, v string) joinRec { return joinRec{"lt", ts, k, joinValue(v)} }
	r := func(ts int64, v string) joinRec { return joinRec{"rt", ts, k, joinValue(v)} }
	st.produceJoin(
		l(1, ""), r(2, ""), l(3, `{"v":"A"}`), r(4, `{"v":"a"}`), l(5, `{"v":"B"}`), r(6, `{"v":"b"}`),
		l(7, ""), r(8, ""), l(9, `{"v":"C"}`), r(10, `{"v":"c"}`), r(11, ""), l(12, ""), r(13, ""),
		r(14, `{"v":"d"}`), l(15, `{"v":"D"}`), r(17, `{"v":"d"}`),
	)
	mustKSQL(t, url, `CREATE TABLE inner_j AS SELECT lt.id AS id, lt.v AS lv, rt.v AS rv FROM lt JOIN rt ON lt.id = rt.id;
CREATE TABLE left_j AS SELECT lt.id AS id, lt.v AS lv, rt.v AS rv FROM lt LEFT JOIN rt ON lt.id = rt.id;
CREATE TABLE right_j AS SELECT rt.id AS id, lt.v AS lv, rt.v AS rv FROM lt RIGHT JOIN rt ON lt.id = rt.id;
CREATE TABLE outer_j AS SELECT ROWKEY AS id, lt.v AS lv, rt.v AS rv FROM lt FULL OUTER JOIN rt ON lt.id = rt.id;`, earliest())
	p := func(lv, rv string) string {
		q := func(v string) string {
			if v == "" {
				return "null"
			}
			return `"` + v + `"`
		}
		return `{"LV":` + q(lv) + `,"RV":` + q(rv) + `}`
	}
	const tomb = "<tombstone>"
	cases := map[string][]string{
		"INNER_J": {p("A", "a"), p("B", "a"), p("B", "b"), tomb, p("C", "c"), tomb, p("D", "d"), p("D", "d")},
		"LEFT_J":  {p("A", ""), p("A", "a"), p("B", "a"), p("B", "b"), tomb, p("C", ""), p("C", "c"), p("C", ""), tomb, p("D", "d"), p("D", "d")},
		"RIGHT_J": {p("A", "a"), p("B", "a"), p("B", "b"), p("", "b"), tomb, p("C", "c"), tomb, p("", "d"), p("D", "d"), p("D", "d")},
		"OUTER_J": {p("A", ""), p("A", "a"), p("B", "a"), p("B", "b"), p("", "b"), tomb, p("C", ""), p("C", "c"), p("C", ""), tomb, p("", "d"), p("D", "d"), p("D", "d")},
	}
	for topic, want := range cases {
		if got := values(st.consume(topic, len(want))); !slices.Equal(got, want) {
			t.Errorf("%s:\n got %v\nwant %v", topic, got, want)
		}
	}
}

func TestTableTableJoinRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE lt (id INT PRIMARY KEY, v STRING, n BIGINT) WITH (KAFKA_TOPIC='lt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE rt (id BIGINT PRIMARY KEY, v STRING) WITH (KAFKA_TOPIC='rt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE rt2 (id INT PRIMARY KEY, w STRING) WITH (KAFKA_TOPIC='rt2', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	cases := []struct{ name, ksql, msg string }{
		{"not the right table's key", "CREATE TABLE x AS SELECT * FROM lt JOIN rt ON lt.id = rt.v;",
			"Invalid join condition: table-table joins require to join on the primary key of the right input table. Got LT.ID = RT.V."},
		{"key types differ", "CREATE TABLE x AS SELECT * FROM lt JOIN rt ON lt.id = rt.id;",
			"Invalid join condition: types don't match. Got LT.ID{INTEGER} = RT.ID{BIGINT}."},
		{"window on table-table", "CREATE TABLE x AS SELECT * FROM lt JOIN rt2 WITHIN 1 SECOND ON lt.id = rt2.id;",
			"A window definition was provided for a Table-Table join. These joins are not windowed. Please drop the window definition (i.e. the WITHIN clause) and try to execute your Table-Table join again."},
		{"join produces a table", "CREATE STREAM x AS SELECT * FROM lt JOIN rt2 ON lt.id = rt2.id;",
			"Invalid result type. Your SELECT query produces a TABLE. Please use CREATE TABLE AS SELECT statement instead."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.ksql)
			if code != 400 || e["error_code"] != float64(40001) || e["message"] != c.msg {
				t.Errorf("got %d %v %q\nwant 400 40001 %q", code, e["error_code"], e["message"], c.msg)
			}
		})
	}
}

// The foreign-key table-table semantics table of
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/join-streams-and-tables/
// ("Semantics of Foreign-Key Table-Table Joins"): the left table joins on a
// value column to the right table's key; the result is keyed by the left
// table's key, and an update of a right row updates every left row that
// points at it.
func TestForeignKeyTableJoinFollowsTheDocumentedSemanticsTable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE lt (pk STRING PRIMARY KEY, fk STRING, n INT) WITH (KAFKA_TOPIC='lt', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE rt (pk STRING PRIMARY KEY, m INT) WITH (KAFKA_TOPIC='rt', PARTITIONS=2, VALUE_FORMAT='JSON');`, nil)
	l := func(ts int64, pk, v string) joinRec { return joinRec{"lt", ts, []byte(pk), joinValue(v)} }
	r := func(ts int64, pk, v string) joinRec { return joinRec{"rt", ts, []byte(pk), joinValue(v)} }
	st.produceJoin(
		l(1, "A", ""), r(2, "a", ""), l(3, "A", `{"fk":"a","n":1}`), r(4, "a", `{"m":10}`), r(5, "a", `{"m":11}`),
		l(6, "A", `{"fk":"a","n":2}`), l(7, "B", `{"fk":"a","n":3}`), r(8, "a", `{"m":12}`), r(9, "c", `{"m":13}`),
		l(10, "C", `{"fk":"c","n":4}`), l(11, "C", ""), r(12, "c", ""), r(13, "a", ""), l(14, "B", ""),
	)
	mustKSQL(t, url, `CREATE TABLE inner_j AS SELECT lt.pk AS pk, lt.fk AS fk, lt.n AS n, rt.m AS m FROM lt JOIN rt ON lt.fk = rt.pk;
CREATE TABLE left_j AS SELECT lt.pk AS pk, lt.fk AS fk, lt.n AS n, rt.m AS m FROM lt LEFT JOIN rt ON lt.fk = rt.pk;`, earliest())
	type rec struct{ key, value string }
	row := func(k, fk string, n int, m string) rec {
		return rec{k, fmt.Sprintf(`{"FK":"%s","N":%d,"M":%s}`, fk, n, m)}
	}
	tomb := func(k string) rec { return rec{k, "<tombstone>"} }
	cases := map[string][]rec{
		// B's left delete at 14, after its result went with a's right delete
		// at 13, is forwarded as a tombstone all the same: Kafka Streams
		// propagates every delete of an existing left row (its
		// KTableKTableForeignKeyJoinIntegrationTest
		// shouldEmitTombstoneWhenDeletingNonJoiningRecords; fk-join.json
		// "Should support inner join with left key-column expression"); in
		// the LEFT JOIN a deleted left row gets one too, as CP 7.9.4's Kafka
		// Streams does not answer the old key's unsubscription (see
		// TestForeignKeyLeftJoinResultsOfALeftRowLeavingItsRightRow)
		"INNER_J": {row("A", "a", 1, "10"), row("A", "a", 1, "11"), row("A", "a", 2, "11"), row("B", "a", 3, "11"),
			row("A", "a", 2, "12"), row("B", "a", 3, "12"), row("C", "c", 4, "13"), tomb("C"), tomb("A"), tomb("B"), tomb("B")},
		"LEFT_J": {row("A", "a", 1, "null"), row("A", "a", 1, "10"), row("A", "a", 1, "11"), row("A", "a", 2, "11"), row("B", "a", 3, "11"),
			row("A", "a", 2, "12"), row("B", "a", 3, "12"), row("C", "c", 4, "13"), tomb("C"), row("A", "a", 2, "null"), row("B", "a", 3, "null"),
			tomb("B")},
	}
	for topic, want := range cases {
		got := st.consume(topic, len(want))
		for i := range want {
			v := values(got[i : i+1])[0]
			if string(got[i].key) != want[i].key || v != want[i].value {
				t.Errorf("%s record %d: got %s %s, want %s %s", topic, i, got[i].key, v, want[i].key, want[i].value)
			}
		}
		ends, err := st.adm.ListEndOffsets(context.Background(), topic)
		if o, _ := ends.Lookup(topic, 0); err != nil || o.Offset != int64(len(want)) {
			t.Errorf("%s holds %d records, want %d (%v)", topic, o.Offset, len(want), err)
		}
	}
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE TABLE x AS SELECT lt.pk AS pk, rt.m FROM lt FULL OUTER JOIN rt ON lt.fk = rt.pk;",
			"Invalid join type: full-outer join not supported for foreign-key table-table join. Got LT [FULL] OUTER JOIN RT."},
		{"CREATE TABLE x AS SELECT lt.pk AS pk, rt.m FROM lt RIGHT JOIN rt ON lt.fk = rt.pk;",
			"RIGHT OUTER JOIN on a foreign key is not supported"},
		{"CREATE TABLE x AS SELECT lt.fk, rt.m FROM lt JOIN rt ON lt.fk = rt.pk;",
			"Primary key column missing in projection. For foreign-key table-table joins, the projection must include all primary key columns from the left input table (`LT`). Missing column: `PK`."},
		{"CREATE TABLE x AS SELECT lt.pk AS pk, rt.m FROM lt JOIN rt ON lt.n = rt.pk;",
			"Invalid join condition: types don't match. Got LT.N{INTEGER} = RT.PK{STRING}."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["message"] != c.msg {
			t.Errorf("%s: got %d %q, want %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

// The N-way example of the same page: a stream joined with two tables,
// each on the stream's column; SELECT * names every column after its
// source and keys the result by the first column equal to the join key.
func TestStreamJoinedWithTwoTables(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, qty INT) WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE b (product_id INT PRIMARY KEY, name STRING) WITH (KAFKA_TOPIC='b', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE c (purchased_id INT PRIMARY KEY, buyer STRING) WITH (KAFKA_TOPIC='c', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produceJoin(joinRec{"b", 1, intKey(1), []byte(`{"name":"apple"}`)}, joinRec{"c", 2, intKey(1), []byte(`{"buyer":"ann"}`)},
		joinRec{"b", 3, intKey(2), []byte(`{"name":"pear"}`)},
		joinRec{"a", 4, intKey(1), []byte(`{"qty":5}`)}, joinRec{"a", 5, intKey(2), []byte(`{"qty":6}`)})
	ents := mustKSQL(t, url, `CREATE STREAM joined AS SELECT * FROM a JOIN b ON a.id = b.product_id JOIN c ON a.id = c.purchased_id;`, earliest())
	if ents[0]["commandStatus"].(map[string]any)["status"] != "SUCCESS" {
		t.Fatalf("create: %v", ents)
	}
	if got := values(st.consume("JOINED", 1)); !slices.Equal(got, []string{`{"A_QTY":5,"B_PRODUCT_ID":1,"B_NAME":"apple","C_PURCHASED_ID":1,"C_BUYER":"ann"}`}) {
		t.Errorf("JOINED %v", got)
	}
	desc := mustKSQL(t, url, "DESCRIBE JOINED;", nil)[0]["sourceDescription"].(map[string]any)
	f := desc["fields"].([]any)[0].(map[string]any)
	if f["name"] != "A_ID" || f["type"] != "KEY" {
		t.Errorf("first field %v, want the key A_ID", f)
	}
}

// confluentinc/ksql 7.9.0 ksqldb-functional-tests historical_plans
// "joins_-_on_non-STRING_value_column" (7.1.0): a stream joined on a BIGINT
// value column; SELECT * keys the result by the stream's join column (S_SF)
// and keeps the table's key as the value column T_ID; the stream record
// that comes before its table row finds nothing.
func TestStreamTableJoinOnANonStringValueColumnAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT_STREAM (K STRING KEY, SF BIGINT) WITH (kafka_topic='stream_topic', PARTITIONS=1, value_format='JSON');
CREATE TABLE INPUT_TABLE (ID BIGINT PRIMARY KEY, TF INT) WITH (kafka_topic='table_topic', PARTITIONS=1, value_format='JSON');`, nil)
	long := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	st.produceJoin(joinRec{"table_topic", 0, long(26589), []byte(`{"TF":1}`)}, joinRec{"stream_topic", 100, []byte("a"), []byte(`{"SF":12589}`)},
		joinRec{"table_topic", 200, long(12589), []byte(`{"TF":12}`)}, joinRec{"stream_topic", 300, []byte("b"), []byte(`{"SF":12589}`)},
		joinRec{"stream_topic", 400, []byte("c"), []byte(`{"SF":null}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT *, S.ROWTIME, T.ROWTIME FROM INPUT_STREAM S JOIN INPUT_TABLE T on S.SF = T.ID;", earliest())
	got := st.consumeJoin("OUTPUT", 1)[0]
	var v map[string]any
	if err := json.Unmarshal(got.value, &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"S_K": "b", "S_ROWTIME": 300.0, "T_ROWTIME": 200.0, "T_ID": 12589.0, "T_TF": 12.0}
	if !slices.Equal(got.key, long(12589)) || got.ts != 300 || fmt.Sprint(v) != fmt.Sprint(want) {
		t.Errorf("got key %x ts %d %v, want key %x ts 300 %v", got.key, got.ts, v, long(12589), want)
	}
}

// produceInOrder produces records one at a time, each once the query's
// group has committed the one before, so that the query reads them in the
// order given whatever their timestamps (as ksqlDB's test driver pipes them).
func (st *stack) produceInOrder(group string, recs ...joinRec) {
	st.t.Helper()
	for _, r := range recs {
		res := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: r.topic, Key: r.key, Value: r.value, Timestamp: time.UnixMilli(r.ts)})
		if err := res.FirstErr(); err != nil {
			st.t.Fatalf("produce: %v", err)
		}
		rec := res[0].Record
		waitFor(st.t.(*testing.T), func() bool {
			offs, err := st.adm.FetchOffsets(context.Background(), group)
			o, ok := offs.Lookup(rec.Topic, rec.Partition)
			return err == nil && ok && o.Err == nil && o.At > rec.Offset
		}, "the query read "+r.topic)
	}
}

// stableGroup is the consumer group of the persistent query the entities
// of its CREATE ... AS SELECT name, once the query has joined it.
func (st *stack) stableGroup(ents []map[string]any) string {
	st.t.Helper()
	group := "_confluent-ksql-default_query_" + ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	waitFor(st.t.(*testing.T), func() bool {
		gs, err := st.adm.DescribeGroups(context.Background(), group)
		return err == nil && gs[group].State == "Stable"
	}, "the query joined its group")
	return group
}

// expectJoined checks that the single-partition topic holds exactly the
// records want, in order (timestamp, key and value).
func (st *stack) expectJoined(topic string, want []joinRec) {
	st.t.Helper()
	got := st.consumeJoin(topic, len(want))
	for i := range want {
		if got[i].ts != want[i].ts || !slices.Equal(got[i].key, want[i].key) || string(got[i].value) != string(want[i].value) {
			st.t.Errorf("%s record %d: got ts %d key %x %s, want ts %d key %x %s", topic, i, got[i].ts, got[i].key, got[i].value, want[i].ts, want[i].key, want[i].value)
		}
	}
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if o, _ := ends.Lookup(topic, 0); err != nil || o.Offset != int64(len(want)) {
		st.t.Errorf("%s holds %d records, want %d (%v)", topic, o.Offset, len(want), err)
	}
}

// confluentinc/ksql 7.9.0 ksqldb-functional-tests historical_plans
// "joins_-_stream_stream_full_outer_join_with_out_of_order_and_custom_grace_period_-_JSON"
// (7.1.0): records whose window had already closed when they came join
// nothing and come out at once, padded with nulls.
func TestStreamStreamFullOuterJoinOutOfOrderAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM LEFT_STREAM (ID BIGINT KEY, L1 varchar) WITH (kafka_topic='left_topic', PARTITIONS=1, value_format='JSON');
CREATE STREAM RIGHT_STREAM (ID BIGINT KEY, L2 varchar) WITH (kafka_topic='right_topic', PARTITIONS=1, value_format='JSON');`, nil)
	ents := mustKSQL(t, url, "CREATE STREAM OUTER_JOIN as SELECT ROWKEY as ID, t.id, tt.id, l1, l2 FROM LEFT_STREAM t full outer join RIGHT_STREAM tt WITHIN 1 minute GRACE PERIOD 1 minute on t.id = tt.id;", earliest())
	long := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	group := st.stableGroup(ents)
	st.produceInOrder(group,
		joinRec{"left_topic", 0, long(0), []byte(`{"L1":"A"}`)}, joinRec{"right_topic", 60000, long(0), []byte(`{"L2":"a"}`)},
		joinRec{"right_topic", 330000, long(1), []byte(`{"L2":"b"}`)}, joinRec{"right_topic", 90000, long(2), []byte(`{"L2":"c"}`)},
		joinRec{"left_topic", 90000, long(2), []byte(`{"L1":"C"}`)}, joinRec{"right_topic", 60000, long(3), []byte(`{"L2":"d"}`)},
		joinRec{"left_topic", 60000, long(3), []byte(`{"L1":"D"}`)})
	want := []joinRec{
		{ts: 60000, key: long(0), value: []byte(`{"T_ID":0,"TT_ID":0,"L1":"A","L2":"a"}`)},
		{ts: 90000, key: long(2), value: []byte(`{"T_ID":null,"TT_ID":2,"L1":null,"L2":"c"}`)},
		{ts: 90000, key: long(2), value: []byte(`{"T_ID":2,"TT_ID":null,"L1":"C","L2":null}`)},
		{ts: 60000, key: long(3), value: []byte(`{"T_ID":null,"TT_ID":3,"L1":null,"L2":"d"}`)},
		{ts: 60000, key: long(3), value: []byte(`{"T_ID":3,"TT_ID":null,"L1":"D","L2":null}`)},
	}
	st.expectJoined("OUTER_JOIN", want)
}

// confluentinc/ksql 7.9.0 ksqldb-functional-tests historical_plans
// "joins_-_stream_stream_inner_join_with_different_before_and_after_windows_-_JSON"
// (7.1.0): WITHIN (11 seconds, 10 seconds).
func TestStreamStreamJoinWithBeforeAndAfterAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (ID BIGINT KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', PARTITIONS=1, value_format='JSON');
CREATE STREAM TEST_STREAM (ID BIGINT KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', PARTITIONS=1, value_format='JSON');`, nil)
	long := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	st.produceJoin(
		joinRec{"left_topic", 0, long(0), []byte(`{"NAME":"zero","VALUE":0}`)}, joinRec{"right_topic", 11000, long(0), []byte(`{"F1":"blah","F2":50}`)},
		joinRec{"left_topic", 12000, long(10), []byte(`{"NAME":"100","VALUE":5}`)}, joinRec{"left_topic", 13000, long(0), []byte(`{"NAME":"foo","VALUE":100}`)},
		joinRec{"right_topic", 15000, long(0), []byte(`{"F1":"a","F2":10}`)}, joinRec{"right_topic", 16000, long(100), []byte(`{"F1":"newblah","F2":150}`)},
		joinRec{"left_topic", 17000, long(90), []byte(`{"NAME":"ninety","VALUE":90}`)}, joinRec{"left_topic", 30000, long(0), []byte(`{"NAME":"bar","VALUE":99}`)},
		joinRec{"right_topic", 100000, long(5), []byte(`{"F1":"end","F2":0}`)})
	mustKSQL(t, url, "CREATE STREAM INNER_JOIN as SELECT t.id, name, value, f1, f2 FROM test t join TEST_STREAM tt WITHIN (11 seconds, 10 seconds) on t.id = tt.id;", earliest())
	want := []joinRec{
		{ts: 13000, key: long(0), value: []byte(`{"NAME":"foo","VALUE":100,"F1":"blah","F2":50}`)},
		{ts: 15000, key: long(0), value: []byte(`{"NAME":"foo","VALUE":100,"F1":"a","F2":10}`)},
	}
	st.expectJoined("INNER_JOIN", want)
	ends, err := st.adm.ListEndOffsets(context.Background(), "INNER_JOIN")
	if o, _ := ends.Lookup("INNER_JOIN", 0); err != nil || o.Offset != 2 {
		t.Errorf("INNER_JOIN holds %d records, want 2 (%v)", o.Offset, err)
	}
}

// Key rules of confluentinc/ksql 7.9.0
// ksqldb-functional-tests/src/test/resources/query-validation-tests/joins.json:
// "inner join - with only right join column in projection", "left join -
// with right join column in projection" (a join on ABS(L.A) = R.A: only
// R.A carries the key), "left join - missing join columns in projection -
// with star" and "key in projection more than once".
func TestJoinKeyRulesAsKsqlDBsTestCases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', PARTITIONS=1, value_format='JSON');
CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', PARTITIONS=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"LEFT", 10, intKey(0), []byte(`{"B":1,"C":2}`)}, joinRec{"RIGHT", 11, intKey(0), []byte(`{"B":-1,"C":-2}`)})
	mustKSQL(t, url, `CREATE STREAM OUT1 AS SELECT L.B, L.C, R.* FROM L INNER JOIN R WITHIN 10 SECONDS ON L.A = R.A;
CREATE STREAM OUT2 AS SELECT L.*, R.* FROM L LEFT JOIN R WITHIN 10 SECONDS ON ABS(L.A) = R.A;`, earliest())
	for _, c := range []struct{ name, schema, value string }{
		{"OUT1", "R_A INTEGER KEY, L_B INTEGER, L_C INTEGER, R_B INTEGER, R_C INTEGER", `{"L_B":1,"L_C":2,"R_B":-1,"R_C":-2}`},
		// without a grace period the LEFT record goes out at once, then joined
		{"OUT2", "R_A INTEGER KEY, L_A INTEGER, L_B INTEGER, L_C INTEGER, R_B INTEGER, R_C INTEGER", `{"L_A":0,"L_B":1,"L_C":2,"R_B":null,"R_C":null} {"L_A":0,"L_B":1,"L_C":2,"R_B":-1,"R_C":-2}`},
	} {
		if got, _ := describeSchema(t, url, c.name); got != c.schema {
			t.Errorf("%s schema %s, want %s", c.name, got, c.schema)
		}
		want := strings.Split(c.value, " ")
		if got := values(st.consume(c.name, len(want))); !slices.Equal(got, want) {
			t.Errorf("%s values %s, want %s", c.name, got, want)
		}
	}
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM X AS SELECT l.*, r.B, r.C FROM L LEFT JOIN R WITHIN 10 SECONDS ON ABS(L.A) = R.A;",
			"The query used to build `X` must include the join expression R.A in its projection (eg, SELECT R.A...)."},
		{"CREATE STREAM X AS SELECT l.A, l.A AS KEY2, l.C, R.C FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.A;",
			"The projection contains a key column (`L_A`) more than once, aliased as: KEY2 and L_A."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || !strings.Contains(fmt.Sprint(e["message"]), c.msg) {
			t.Errorf("%s: got %d %q, want one containing %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

// More refusals of confluentinc/ksql 7.9.0 query-validation-tests/joins.json:
// "Should fail on unknown qualifier -- left join attribute", "on MAP
// column", "stream stream left join - invalid join field - contains
// literal", "should not allow complex join conditions".
func TestMoreJoinRefusalsAsKsqlDBsTestCases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM L (ID INT KEY, l0 MAP<STRING, INT>, l1 INT) WITH (kafka_topic='left_topic', PARTITIONS=1, value_format='JSON');
CREATE STREAM R (ID INT KEY, r0 MAP<STRING, INT>, r1 INT) WITH (kafka_topic='right_topic', PARTITIONS=1, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM OUTPUT AS SELECT * FROM L JOIN R WITHIN 1 SECOND ON unknown.id = R.id;",
			"Failed to prepare statement: 'UNKNOWN' is not a valid stream/table name or alias."},
		{"CREATE STREAM OUTPUT as SELECT L.l0, L.ID, L1, R1 FROM L join R WITHIN 11 SECONDS ON L.l0 = R.r0;",
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `L_L0`. Column type: MAP<STRING, INTEGER>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
		{"CREATE STREAM OUTPUT as SELECT * FROM L t left join R tt WITHIN 1 SECOND ON t.id = 0;",
			"Invalid comparison expression '0' in join '(T.ID = 0)'. Each side of the join comparision must contain references from exactly one source."},
		{"CREATE STREAM OUTPUT AS SELECT * FROM L INNER JOIN R WITHIN 10 SECONDS ON L.ID = R.ID AND L.ID = R.ID;",
			"Invalid join condition: joins on multiple conditions are not yet supported. Got ((L.ID = R.ID) AND (L.ID = R.ID))."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["message"] != c.msg {
			t.Errorf("%s:\n got %d %q\nwant %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

// confluentinc/ksql 7.9.0 query-validation-tests/joins.json "table table
// outer join" (JSON) and "table table join with where clause".
func TestTableTableJoinsAsKsqlDBsTestCases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TEST (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic', PARTITIONS=1, value_format='JSON');
CREATE TABLE TEST_TABLE (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', PARTITIONS=1, value_format='JSON');
CREATE TABLE TEST2 (id BIGINT PRIMARY KEY, name VARCHAR, value BIGINT) WITH (kafka_topic='left_topic2', PARTITIONS=1, value_format='JSON');
CREATE TABLE TEST_TABLE2 (id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic2', PARTITIONS=1, value_format='JSON');`, nil)
	long := func(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }
	st.produceJoin(
		joinRec{"left_topic", 0, long(0), []byte(`{"NAME":"zero","VALUE":0}`)}, joinRec{"right_topic", 10000, long(0), []byte(`{"F1":"blah","F2":50}`)},
		joinRec{"left_topic", 11000, long(10), []byte(`{"NAME":"100","VALUE":5}`)}, joinRec{"left_topic", 13000, long(0), []byte(`{"NAME":"foo","VALUE":100}`)},
		joinRec{"right_topic", 15000, long(0), []byte(`{"F1":"a","F2":10}`)}, joinRec{"right_topic", 15500, long(15), []byte(`{"F1":"c","F2":20}`)},
		joinRec{"left_topic", 16000, long(0), []byte(`{"NAME":"bar","VALUE":99}`)},

		joinRec{"left_topic2", 0, long(0), []byte(`{"NAME":"zero","VALUE":0}`)}, joinRec{"right_topic2", 10000, long(0), []byte(`{"F1":"blah","F2":4}`)},
		joinRec{"left_topic2", 13000, long(0), []byte(`{"NAME":"foo","VALUE":100}`)}, joinRec{"right_topic2", 15000, long(0), []byte(`{"F1":"a","F2":10}`)},
		joinRec{"left_topic2", 16000, long(0), []byte(`{"NAME":"bar","VALUE":99}`)}, joinRec{"left_topic2", 17000, long(90), []byte(`{"NAME":"ninety","VALUE":90}`)},
		joinRec{"right_topic2", 18000, long(90), []byte(`{"F1":"b","F2":10}`)}, joinRec{"right_topic2", 19000, long(90), nil},
	)
	mustKSQL(t, url, `CREATE TABLE OUTER_JOIN as SELECT ROWKEY AS ID, name, value, f1, f2 FROM test t FULL OUTER join TEST_TABLE tt on t.id = tt.id;
CREATE TABLE OUTPUT as SELECT t.id, name, tt.f1, f2 FROM test2 t JOIN test_table2 tt ON t.id = tt.id WHERE t.value > 10 AND tt.f2 > 5;`, earliest())
	check := st.expectJoined
	check("OUTER_JOIN", []joinRec{
		{ts: 0, key: long(0), value: []byte(`{"NAME":"zero","VALUE":0,"F1":null,"F2":null}`)},
		{ts: 10000, key: long(0), value: []byte(`{"NAME":"zero","VALUE":0,"F1":"blah","F2":50}`)},
		{ts: 11000, key: long(10), value: []byte(`{"NAME":"100","VALUE":5,"F1":null,"F2":null}`)},
		{ts: 13000, key: long(0), value: []byte(`{"NAME":"foo","VALUE":100,"F1":"blah","F2":50}`)},
		{ts: 15000, key: long(0), value: []byte(`{"NAME":"foo","VALUE":100,"F1":"a","F2":10}`)},
		{ts: 15500, key: long(15), value: []byte(`{"NAME":null,"VALUE":null,"F1":"c","F2":20}`)},
		{ts: 16000, key: long(0), value: []byte(`{"NAME":"bar","VALUE":99,"F1":"a","F2":10}`)},
	})
	check("OUTPUT", []joinRec{
		{ts: 15000, key: long(0), value: []byte(`{"NAME":"foo","F1":"a","F2":10}`)},
		{ts: 16000, key: long(0), value: []byte(`{"NAME":"bar","F1":"a","F2":10}`)},
		{ts: 18000, key: long(90), value: []byte(`{"NAME":"ninety","F1":"b","F2":10}`)},
		{ts: 19000, key: long(90), value: nil},
	})
}

// GROUP BY runs over the joined rows as over a single source.
func TestAggregateOverAStreamTableJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"odd"}`)}, joinRec{"right", 2, intKey(2), []byte(`{"v":"even"}`)},
		joinRec{"right", 3, intKey(3), []byte(`{"v":"odd"}`)},
		joinRec{"left", 4, intKey(1), []byte(`{"v":"a"}`)}, joinRec{"left", 5, intKey(2), []byte(`{"v":"b"}`)}, joinRec{"left", 6, intKey(3), []byte(`{"v":"c"}`)})
	mustKSQL(t, url, "CREATE TABLE by_parity AS SELECT r.v AS parity, COUNT(*) AS n FROM l JOIN r ON l.id = r.id GROUP BY r.v;", earliest())
	got := st.consume("BY_PARITY", 3)
	var last []string
	for _, r := range got {
		last = append(last, string(r.key)+"="+string(r.value))
	}
	if want := []string{`odd={"N":1}`, `even={"N":1}`, `odd={"N":2}`}; !slices.Equal(last, want) {
		t.Errorf("BY_PARITY %v, want %v", last, want)
	}
}

// awaitJoinChangelog waits until the window store changelogs of the query
// the CREATE ... AS SELECT answered with ents hold at least n records
// together (markers included).
func (st *stack) awaitJoinChangelog(t *testing.T, ents []map[string]any, n int64, what string) {
	t.Helper()
	qid := ents[0]["commandStatus"].(map[string]any)["queryId"].(string)
	prefix := "_confluent-ksql-default_query_" + qid + "-"
	waitFor(t, func() bool {
		td, err := st.adm.ListTopics(context.Background())
		if err != nil {
			return false
		}
		var logs []string
		for _, name := range td.Names() {
			if strings.HasPrefix(name, prefix) && strings.HasSuffix(name, "-store-changelog") {
				logs = append(logs, name)
			}
		}
		if len(logs) == 0 {
			return false
		}
		offs, err := st.adm.ListEndOffsets(context.Background(), logs...)
		var sum int64
		offs.Each(func(o kadm.ListedOffset) { sum += o.Offset })
		return err == nil && sum >= n
	}, what)
}
