package ksqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// N-way joins with stream-stream and table-table steps, as the cases of
// confluentinc/ksql 7.9.0
// ksqldb-functional-tests/src/test/resources/query-validation-tests/multi-joins.json
// run them. Every case's sources are keyed by an INT (KAFKA key format) with
// JSON values; each case below names the upstream test it was written from.

// nwayIn is one input record: an INT key (nil: a null key), a JSON value
// (empty: a tombstone) and a timestamp.
type nwayIn struct {
	topic string
	key   int32
	value string
	ts    int64
}

// nwayOut is one expected sink record.
type nwayOut struct {
	key   int32
	value string // empty: a tombstone
	ts    int64
}

// nwayCase is one upstream test: its declarations, its query (creating
// OUTPUT), its inputs and the sink's expected schema (as DESCRIBE lists
// it) and records.
type nwayCase struct {
	upstream string // the test's name in multi-joins.json
	ddl      string
	query    string
	inputs   []nwayIn
	schema   string // "": the upstream test does not state it
	outputs  []nwayOut
	// keyBytes encodes the keys of inputs and outputs; nil: an INT in the
	// KAFKA format
	keyBytes func(int32) []byte
	// topicKeys encodes the keys of the inputs of a topic whose key format
	// differs from the sink's
	topicKeys map[string]func(int32) []byte
	// inOrder: the query reads each input before the next is produced, in
	// the order given rather than by timestamp (as the upstream test
	// driver pipes them)
	inOrder bool
	// whileJoining: the inputs are produced, in the order given, while the
	// query's consumers wait for the broker to let them join their group,
	// so that the query finds them all when it first fetches
	whileJoining bool
	// whileStarting: the inputs are produced, in the order given, as soon
	// as the query is created, while it starts
	whileStarting bool
	// gap: once the query has joined its group, the inputs are produced
	// in the order given, gap apart, without waiting for the query
	gap time.Duration
	// internal: the query's topics after its application id, as the
	// upstream test's post.topics lists them (nil: not checked)
	internal []string
}

// runNway runs a case on a fresh server and compares OUTPUT's schema and
// records (and that it holds no more) with the expectations.
func runNway(t *testing.T, c nwayCase) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, c.ddl, nil)
	key := c.keyBytes
	if key == nil {
		key = intKey
	}
	var recs []joinRec
	for _, in := range c.inputs {
		k := key
		if tk, ok := c.topicKeys[in.topic]; ok {
			k = tk
		}
		recs = append(recs, joinRec{in.topic, in.ts, k(in.key), joinValue(in.value)})
	}
	if !c.inOrder && !c.whileJoining && !c.whileStarting && c.gap == 0 {
		st.produceJoin(recs...)
	}
	var release func()
	if c.whileJoining {
		release = st.holdJoins("_confluent-ksql-default_query_")
	}
	ents := mustKSQL(t, url, c.query, earliest())
	status := ents[0]["commandStatus"].(map[string]any)
	if status["status"] != "SUCCESS" {
		t.Fatalf("%s: create: %v", c.upstream, ents)
	}
	if c.whileStarting {
		st.produceJoin(recs...)
	}
	if c.inOrder || c.gap > 0 {
		group := "_confluent-ksql-default_query_" + status["queryId"].(string)
		waitFor(t, func() bool {
			gs, err := st.adm.DescribeGroups(context.Background(), group)
			return err == nil && gs[group].State == "Stable"
		}, "the query joined its group")
		if c.gap > 0 {
			st.produceApart(c.gap, recs...)
		} else {
			st.produceInOrder(group, recs...)
		}
	}
	if c.whileJoining {
		st.produceJoin(recs...)
		release()
	}
	if got, _ := describeSchema(t, url, "OUTPUT"); c.schema != "" && got != c.schema {
		t.Errorf("%s: schema %s, want %s", c.upstream, got, c.schema)
	}
	got := st.consumeJoin("OUTPUT", len(c.outputs))
	for i, want := range c.outputs {
		if got[i].ts != want.ts || string(got[i].key) != string(key(want.key)) || string(got[i].value) != want.value {
			t.Errorf("%s: record %d: got ts %d key %x %s, want ts %d key %x %s", c.upstream, i, got[i].ts, got[i].key, got[i].value, want.ts, key(want.key), want.value)
		}
	}
	ends, err := st.adm.ListEndOffsets(context.Background(), "OUTPUT")
	if o, _ := ends.Lookup("OUTPUT", 0); err != nil || o.Offset != int64(len(c.outputs)) {
		t.Errorf("%s: OUTPUT holds %d records, want %d (%v)", c.upstream, o.Offset, len(c.outputs), err)
	}
	if c.internal != nil {
		if got := internalTopics(t, st, status["queryId"].(string)); !slices.Equal(got, c.internal) {
			t.Errorf("%s: internal topics %q, want %q", c.upstream, got, c.internal)
		}
	}
}

// nwayStreams declares S1 and S2, streams keyed by ID with a BIGINT V0 (and
// an INT K when withK), and the table T3, over the topics left, right and
// right2.
func nwayStreams(withK bool) string {
	k := ""
	if withK {
		k = "K INT, "
	}
	return `CREATE STREAM S1 (ID INT KEY, ` + k + `V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, ` + k + `V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`
}

// The inputs the stream-stream-table cases share: T3's row first, then the
// streams; the records at 100000 and 100001 join each other only.
func nwayStreamStreamTableInputs(leftKey, rightKey int32, k string) []nwayIn {
	return []nwayIn{
		{"right2", 0, `{"V0":3}`, 10},
		{"right", rightKey, `{` + k + `"V0":2}`, 11},
		{"left", leftKey, `{` + k + `"V0":1}`, 12},
		{"right", rightKey, `{` + k + `"V0":4}`, 13},
		{"left", leftKey, `{` + k + `"V0":5}`, 100000},
		{"right", rightKey, `{` + k + `"V0":6}`, 100001},
	}
}

// A stream-stream join followed by a stream-table join: each windowed pair
// looks the table up, keyed as the stream-stream join keys it or rekeyed on
// a value column. multi-joins.json "stream-stream-table - inner-inner",
// "... - inner-inner - rekey left", "... - inner-inner - rekey left and
// right", "... - inner-inner - cascading join criteria".
func TestStreamStreamThenTableJoinsAsKsqlDBsTestCases(t *testing.T) {
	inner := []nwayOut{
		{0, `{"S1_V0":1,"S2_V0":2,"T3_V0":3}`, 12},
		{0, `{"S1_V0":1,"S2_V0":4,"T3_V0":3}`, 13},
		{0, `{"S1_V0":5,"S2_V0":6,"T3_V0":3}`, 100001},
	}
	for _, c := range []nwayCase{{
		upstream: "stream-stream-table - inner-inner",
		ddl:      nwayStreams(false),
		query:    "CREATE STREAM OUTPUT as SELECT S2.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(0, 0, ""),
		schema:   "S2_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs:  inner,
	}, {
		upstream: "stream-stream-table - inner-inner - rekey left",
		ddl: `CREATE STREAM S1 (ID INT KEY, K INT, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`,
		query: "CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.ID JOIN T3 ON S1.K = T3.ID;",
		inputs: []nwayIn{
			{"right2", 0, `{"V0":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 1, `{"K":0,"V0":1}`, 12},
			{"right", 0, `{"V0":4}`, 13}, {"left", 1, `{"K":0,"V0":5}`, 100000}, {"right", 0, `{"V0":6}`, 100001},
		},
		schema:  "K INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs: inner,
	}, {
		upstream: "stream-stream-table - inner-inner - rekey left and right",
		ddl:      nwayStreams(true),
		query:    "CREATE STREAM OUTPUT as SELECT T3.ID, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S1.K = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(1, 2, `"K":0,`),
		schema:   "T3_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs:  inner,
	}, {
		upstream: "stream-stream-table - inner-inner - cascading join criteria",
		ddl:      nwayStreams(true),
		query:    "CREATE STREAM OUTPUT as SELECT s1.k, s1.V0, s2.V0, t3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.K = S2.K JOIN T3 ON S2.K = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(1, 2, `"K":0,`),
		schema:   "S1_K INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs:  inner,
		// the plan's topics: S2.K equals the stream-stream join's key, so
		// only its streams are repartitioned
		internal: []string{"KSTREAM-JOINOTHER-0000000023-store-changelog", "KSTREAM-JOINTHIS-0000000022-store-changelog",
			"KafkaTopic_Right-Reduce-changelog", "L_Join-left-repartition", "L_Join-right-repartition"},
	}} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// An outer stream-stream join followed by a stream-table join: without a
// grace period the unmatched left record goes out at once, padded with
// nulls, and is looked up in the table; a FULL join's right-only records
// carry no S1.ID and find nothing. multi-joins.json "stream-stream-table -
// left-inner", "... - full-inner", "... - full-inner - select *".
func TestOuterStreamStreamThenTableJoinsAsKsqlDBsTestCases(t *testing.T) {
	outer := []nwayOut{
		{0, `{"S1_V0":1,"S2_V0":2,"T3_V0":3}`, 12},
		{0, `{"S1_V0":1,"S2_V0":4,"T3_V0":3}`, 13},
		{0, `{"S1_V0":5,"S2_V0":null,"T3_V0":3}`, 100000},
		{0, `{"S1_V0":5,"S2_V0":6,"T3_V0":3}`, 100001},
	}
	for _, c := range []nwayCase{{
		upstream: "stream-stream-table - left-inner",
		ddl:      nwayStreams(false),
		query:    "CREATE STREAM OUTPUT as SELECT s1.V0, s2.V0, t3.V0, S2.ID FROM S1 LEFT JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(0, 0, ""),
		schema:   "S2_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs:  outer,
	}, {
		upstream: "stream-stream-table - full-inner",
		ddl:      nwayStreams(false),
		query:    "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, t3.V0 FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(0, 0, ""),
		schema:   "S1_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, T3_V0 BIGINT",
		outputs:  outer,
	}, {
		upstream: "stream-stream-table - full-inner - select *",
		ddl:      nwayStreams(false),
		query:    "CREATE STREAM OUTPUT as SELECT * FROM S1 FULL JOIN S2 WITHIN 10 seconds ON S1.ID = S2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   nwayStreamStreamTableInputs(0, 0, ""),
		schema:   "S1_ID INTEGER KEY, S1_V0 BIGINT, S2_ID INTEGER, S2_V0 BIGINT, T3_ID INTEGER, T3_V0 BIGINT",
		outputs: []nwayOut{
			{0, `{"S1_V0":1,"S2_ID":0,"S2_V0":2,"T3_ID":0,"T3_V0":3}`, 12},
			{0, `{"S1_V0":1,"S2_ID":0,"S2_V0":4,"T3_ID":0,"T3_V0":3}`, 13},
			{0, `{"S1_V0":5,"S2_ID":null,"S2_V0":null,"T3_ID":0,"T3_V0":3}`, 100000},
			{0, `{"S1_V0":5,"S2_ID":0,"S2_V0":6,"T3_ID":0,"T3_V0":3}`, 100001},
		},
	}} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// Refusals of N-way joins: ksqlDB's own (multi-joins.json "table-table-stream
// - Invalid", "duplicate source", "self join with multiple sources", whose
// Analyzer checks every join's criteria before the first join is planned,
// "criteria that does not use the joined source", "partition count
// mismatch"; its messages are matched as its test driver matches them, as a
// part), and this server's "not supported" for a table-table join after a
// FULL OUTER one.
func TestNwayJoinRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');
CREATE TABLE T4 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right3', PARTITIONS=1, value_format='JSON');
CREATE TABLE T5 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right4', PARTITIONS=2, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T5 ON S1.ID = T5.ID;",
			"Can't join `S1` with `T5` since the number of partitions don't match. `S1` partitions = 1; `T5` partitions = 2. Please repartition either one so that the number of partitions match."},
		{"CREATE STREAM OUTPUT as SELECT * FROM T2 JOIN T3 ON T2.ID = T3.ID JOIN S1 ON T2.ID = S1.ID;",
			"Invalid join order: table-stream joins are not supported; only stream-table joins. Got T2 [INNER] JOIN S1."},
		{"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T2 ON S1.V0 = T2.V0;",
			"N-way joins do not support multiple occurrences of the same source. Source: 'T2'"},
		{"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN T2 ON S1.V0 = T2.V0 JOIN T3 ON S1.V0 = S1.V0;",
			"Each side of the join must reference exactly one source and not the same source. Left side references `S1` and right references `S1`"},
		{"CREATE STREAM OUTPUT as SELECT * FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T2.ID;",
			"A join criteria is expected to reference the source (`T3`) in the FROM clause, instead the right source references `T2` and the left source references `S1`"},
		{"CREATE TABLE OUTPUT as SELECT ROWKEY AS ID, T2.V0, T3.V0, T4.V0 FROM T2 FULL JOIN T3 ON T2.ID = T3.ID JOIN T4 ON T2.ID = T4.ID;",
			"a table-table join after a FULL OUTER join of tables is not supported by this ksqlDB server"},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || !strings.Contains(fmt.Sprint(e["message"]), c.msg) {
			t.Errorf("%s:\n got %d %q\nwant one containing %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

// nwayTables declares the tables T1, T2, T3 (and T4), keyed by an INT ID
// with a BIGINT V0, over the topics left, right, right2 (and right3).
const nwayTables = `CREATE TABLE T1 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');
CREATE TABLE T4 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right3', PARTITIONS=1, value_format='JSON');`

// Chains of primary-key table-table joins: a key's result exists once every
// table an [INNER] JOIN needs has its row and changes with any of them; a
// FULL OUTER step keeps the other side's row alone, without the rows of a
// left side whose own join has no result, and keys the result by ROWKEY.
// multi-joins.json "table-table-table - inner-inner", "... - inner-full",
// "... - inner-inner - aliasing", "table-table-table-table - qualified
// select *".
func TestTableTableChainsAsKsqlDBsTestCases(t *testing.T) {
	for _, c := range []nwayCase{{
		upstream: "table-table-table - inner-inner",
		ddl:      nwayTables,
		query:    "CREATE TABLE OUTPUT as SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;",
		inputs:   []nwayIn{{"left", 0, `{"V0":1}`, 0}, {"right", 0, `{"V0":2}`, 1}, {"right2", 0, `{"V0":3}`, 2}, {"left", 0, `{"V0":4}`, 1000}},
		schema:   "T1_ID INTEGER KEY, T1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT",
		outputs: []nwayOut{
			{0, `{"T1_V0":1,"T2_V0":2,"T3_V0":3}`, 2},
			{0, `{"T1_V0":4,"T2_V0":2,"T3_V0":3}`, 1000},
		},
	}, {
		upstream: "table-table-table - inner-full",
		ddl:      nwayTables,
		query:    "CREATE TABLE OUTPUT as SELECT ROWKEY AS ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID FULL JOIN T3 ON T1.ID = T3.ID;",
		inputs:   []nwayIn{{"left", 0, `{"V0":1}`, 0}, {"right2", 0, `{"V0":3}`, 2}, {"right", 0, `{"V0":2}`, 3}, {"left", 0, `{"V0":4}`, 1000}},
		schema:   "ID INTEGER KEY, T1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT",
		outputs: []nwayOut{
			{0, `{"T1_V0":null,"T2_V0":null,"T3_V0":3}`, 2},
			{0, `{"T1_V0":1,"T2_V0":2,"T3_V0":3}`, 3},
			{0, `{"T1_V0":4,"T2_V0":2,"T3_V0":3}`, 1000},
		},
	}, {
		upstream: "table-table-table - inner-inner - aliasing",
		ddl: `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, f1 BIGINT) WITH (kafka_topic='left_topic', PARTITIONS=1, format='JSON');
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', PARTITIONS=1, format='JSON');
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', PARTITIONS=1, format='JSON');`,
		query:    "CREATE TABLE output AS SELECT l_id, as_value(m_id) as m_id, f1, mt.f2, f3 FROM left_table AS lt JOIN middle_table AS mt ON lt.l_id = mt.m_id JOIN right_table AS rt ON lt.l_id = r_id;",
		inputs:   []nwayIn{{"left_topic", 0, `{"f1":1}`, 0}, {"middle_topic", 0, `{"f2":2}`, 1}, {"right_topic", 0, `{"f3":3}`, 2}},
		schema:   "L_ID BIGINT KEY, M_ID BIGINT, F1 BIGINT, F2 BIGINT, F3 BIGINT",
		outputs:  []nwayOut{{0, `{"M_ID":0,"F1":1,"F2":2,"F3":3}`, 2}},
		keyBytes: textKey, // JSON keys
	}, {
		upstream: "table-table-table-table - qualified select *",
		ddl:      nwayTables,
		query:    "CREATE TABLE OUTPUT as SELECT T1.ID, T2.*, T3.V0, T4.* FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID JOIN T4 ON T1.ID = T4.ID;",
		inputs:   []nwayIn{{"left", 0, `{"V0":1}`, 0}, {"right", 0, `{"V0":2}`, 1}, {"right2", 0, `{"V0":3}`, 2}, {"right3", 0, `{"V0":4}`, 3}},
		schema:   "T1_ID INTEGER KEY, T2_ID INTEGER, T2_V0 BIGINT, T3_V0 BIGINT, T4_ID INTEGER, T4_V0 BIGINT",
		outputs:  []nwayOut{{0, `{"T2_ID":0,"T2_V0":2,"T3_V0":3,"T4_ID":0,"T4_V0":4}`, 3}},
	}} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// Stream-stream joins after the first step: each step keeps its own window
// stores, its left input the results of the steps before it as they come.
// multi-joins.json "stream-table-stream - inner-inner", "... - left-inner"
// (its table row comes after the stream record that misses it),
// "stream-stream-stream - outer-outer", "... - left-left", "... -
// inner-inner - different windows", "only viable in projection", "scoped
// include all columns".
func TestLaterStreamStreamJoinsAsKsqlDBsTestCases(t *testing.T) {
	s1t2s3 := `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`
	s1s2s3 := `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`
	fourIn := []nwayIn{{"left", 0, `{"V0":1}`, 0}, {"right", 0, `{"V0":2}`, 1}, {"right2", 0, `{"V0":3}`, 2}, {"left", 0, `{"V0":4}`, 3}}
	outerOut := []nwayOut{
		{0, `{"S1_V0":1,"S2_V0":null,"S3_V0":null}`, 0},
		{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":null}`, 1},
		{0, `{"S1_V0":1,"S2_V0":null,"S3_V0":3}`, 2},
		{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":3}`, 2},
		{0, `{"S1_V0":4,"S2_V0":2,"S3_V0":3}`, 3},
	}
	for _, c := range []nwayCase{{
		upstream: "stream-table-stream - inner-inner",
		ddl:      s1t2s3,
		query:    "CREATE STREAM OUTPUT as SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		inputs: []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 0, `{"V0":1}`, 12},
			{"right", 0, `{"V0":4}`, 13}, {"left", 0, `{"V0":5}`, 100000}, {"right2", 0, `{"V0":6}`, 100001}},
		schema:  "S3_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, S3_V0 BIGINT",
		outputs: []nwayOut{{0, `{"S1_V0":1,"T2_V0":2,"S3_V0":3}`, 12}, {0, `{"S1_V0":5,"T2_V0":4,"S3_V0":6}`, 100001}},
	}, {
		upstream: "stream-table-stream - left-inner",
		ddl:      s1t2s3,
		query:    "CREATE STREAM OUTPUT as SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		inputs: []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"left", 0, `{"V0":1}`, 12}, {"right", 0, `{"V0":2}`, 11},
			{"right", 0, `{"V0":4}`, 13}, {"left", 0, `{"V0":5}`, 100000}, {"right2", 0, `{"V0":6}`, 100001}},
		schema:  "S3_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, S3_V0 BIGINT",
		outputs: []nwayOut{{0, `{"S1_V0":1,"T2_V0":null,"S3_V0":3}`, 12}, {0, `{"S1_V0":5,"T2_V0":4,"S3_V0":6}`, 100001}},
		inOrder: true,
	}, {
		upstream: "stream-stream-stream - outer-outer",
		ddl:      s1s2s3,
		query:    "CREATE STREAM OUTPUT as SELECT ROWKEY, s1.V0, s2.V0, s3.V0 FROM S1 FULL OUTER JOIN S2 WITHIN 5 seconds ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		inputs:   fourIn,
		schema:   "ROWKEY INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT",
		outputs:  outerOut,
	}, {
		upstream: "stream-stream-stream - left-left",
		ddl:      s1s2s3,
		query:    "CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM s1 LEFT JOIN s2 WITHIN 5 SECONDS ON s1.id = s2.id LEFT JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id;",
		inputs:   fourIn,
		schema:   "S2_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT",
		outputs:  outerOut,
	}, {
		upstream: "stream-stream-stream - inner-inner - different windows",
		ddl:      s1s2s3,
		query:    "CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM S1 JOIN S2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id;",
		inputs: append(fourIn, nwayIn{"left", 0, `{"V0":5}`, 4000}, nwayIn{"right2", 0, `{"V0":6}`, 6000},
			nwayIn{"left", 0, `{"V0":7}`, 6001}, nwayIn{"right2", 0, `{"V0":8}`, 7000}),
		schema: "S2_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT",
		outputs: []nwayOut{
			{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":3}`, 2},
			{0, `{"S1_V0":4,"S2_V0":2,"S3_V0":3}`, 3},
			{0, `{"S1_V0":5,"S2_V0":2,"S3_V0":3}`, 4000},
			{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":6}`, 6000},
			{0, `{"S1_V0":4,"S2_V0":2,"S3_V0":6}`, 6000},
			{0, `{"S1_V0":5,"S2_V0":2,"S3_V0":6}`, 6000},
			{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":8}`, 7000},
			{0, `{"S1_V0":4,"S2_V0":2,"S3_V0":8}`, 7000},
			{0, `{"S1_V0":5,"S2_V0":2,"S3_V0":8}`, 7000},
		},
	}, {
		upstream: "only viable in projection",
		ddl:      s1s2s3,
		query:    "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = abs(S2.ID) JOIN S3 WITHIN 10 seconds ON abs(S2.ID) = abs(S3.ID);",
		inputs:   []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 0, `{"V0":1}`, 12}},
		schema:   "S1_ID INTEGER KEY, S1_V0 BIGINT, S2_V0 BIGINT, S3_V0 BIGINT",
		outputs:  []nwayOut{{0, `{"S1_V0":1,"S2_V0":2,"S3_V0":3}`, 12}},
	}, {
		upstream: "scoped include all columns",
		ddl: `CREATE STREAM S1 (A INT KEY, B INT) WITH (kafka_topic='S1', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (A INT KEY, B INT) WITH (kafka_topic='S2', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (A INT KEY, B INT) WITH (kafka_topic='S3', PARTITIONS=1, value_format='JSON');`,
		query:   "CREATE STREAM OUTPUT AS SELECT s1.*, s2.*, s3.* FROM S1 INNER JOIN S2 WITHIN 10 SECONDS ON S1.A = S2.A INNER JOIN S3 WITHIN 10 SECONDS ON S1.A = S3.A WHERE S1.B < 5;",
		inputs:  []nwayIn{{"S1", 0, `{"B":1}`, 10}, {"S2", 0, `{"B":-1}`, 11}, {"S3", 0, `{"B":9}`, 12}, {"S1", 0, `{"B":9}`, 13}},
		outputs: []nwayOut{{0, `{"S1_B":1,"S2_A":0,"S2_B":-1,"S3_A":0,"S3_B":9}`, 12}},
	}} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// A joined pair waiting in the window store of a later stream-stream step
// survives an engine restart: every step's window stores are kept in the
// query's changelog.
func TestLaterStreamStreamStepKeepsItsWindowsAcrossARestart(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv1, url1 := st.serve()
	mustKSQL(t, url1, `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left", 1000, intKey(1), []byte(`{"V0":1}`)}, joinRec{"right", 2000, intKey(1), []byte(`{"V0":2}`)})
	ents := mustKSQL(t, url1, "CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0 AS A, S2.V0 AS B, S3.V0 AS C FROM S1 JOIN S2 WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON S1.ID = S2.ID JOIN S3 WITHIN 1 MINUTE GRACE PERIOD 1 MINUTE ON S1.ID = S3.ID;", earliest())
	// S1's and S2's records, S1's marked joined, and the pair
	st.awaitJoinChangelog(t, ents, 4, "the pair in the second step's window store")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"right2", 3000, intKey(1), []byte(`{"V0":3}`)})
	if got, want := values(st.consume("OUTPUT", 1)), []string{`{"A":1,"B":2,"C":3}`}; !slices.Equal(got, want) {
		t.Errorf("OUTPUT %v, want %v", got, want)
	}
}

// textKey encodes an INT key in the JSON or DELIMITED format.
func textKey(n int32) []byte { return []byte(strconv.Itoa(int(n))) }

// Sources whose key formats differ join on their key values; the result
// takes the first source's key format (its sink's formats in the
// historical plans multi-joins_-_stream-table-table_-_table_key_format_mismatch
// and multi-joins_-_table-table-table_-_key_format_mismatch), and each
// table keyed otherwise is rekeyed into it through its
// <L_...>RightSourceKeyed-SelectKey-repartition (the plans' topic lists).
// multi-joins.json "stream-table-table - table key format mismatch",
// "table-table-table - key format mismatch".
func TestNwayJoinsOfDifferentKeyFormatsAsKsqlDBsTestCases(t *testing.T) {
	for _, c := range []nwayCase{{
		upstream: "stream-table-table - table key format mismatch",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, key_format='JSON', value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, key_format='KAFKA', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, key_format='DELIMITED', value_format='JSON');`,
		query:     "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:    []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 0, `{"V0":1}`, 12}, {"left", 1, `{"V0":1}`, 14}},
		outputs:   []nwayOut{{0, `{"S1_V0":1,"T2_V0":2,"T3_V0":3}`, 12}},
		keyBytes:  textKey,
		topicKeys: map[string]func(int32) []byte{"right": intKey},
		internal: []string{"L_RightSourceKeyed-Materialize-changelog", "L_RightSourceKeyed-SelectKey-repartition",
			"RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"},
	}, {
		upstream: "table-table-table - key format mismatch",
		ddl: `CREATE TABLE T1 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, key_format='KAFKA', value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, key_format='KAFKA', value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, key_format='DELIMITED', value_format='JSON');`,
		query:     "CREATE TABLE OUTPUT as SELECT T1.ID, T1.V0, T2.V0, T3.V0 FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID;",
		inputs:    []nwayIn{{"left", 0, `{"V0":1}`, 0}, {"right", 0, `{"V0":2}`, 1}, {"right2", 0, `{"V0":3}`, 2}, {"left", 0, `{"V0":4}`, 1000}},
		outputs:   []nwayOut{{0, `{"T1_V0":1,"T2_V0":2,"T3_V0":3}`, 2}, {0, `{"T1_V0":4,"T2_V0":2,"T3_V0":3}`, 1000}},
		topicKeys: map[string]func(int32) []byte{"right2": textKey},
		internal: []string{"KafkaTopic_L_Left-Reduce-changelog", "KafkaTopic_L_Right-Reduce-changelog", "Project-Last-changelog",
			"RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"},
	}} {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// The key of a stream joined to two tables: any of the join expressions
// equal to it may be projected, and a projection without one is refused
// naming those that would do. multi-joins.json "inner-inner - missing join
// columns in projection" and its "with expression in first / second" and
// "left-left" variants.
func TestNwayJoinKeyMissingFromProjectionAsKsqlDBsTestCases(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`, nil)
	all := "The query used to build `OUTPUT` must include the join expressions S1.ID, T2.ID or T3.ID in its projection (eg, SELECT S1.ID...)."
	first := "The query used to build `OUTPUT` must include the join expressions S1.ID or T3.ID in its projection (eg, SELECT S1.ID...)."
	second := "The query used to build `OUTPUT` must include the join expression T3.ID in its projection (eg, SELECT T3.ID...)."
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID = T2.ID INNER JOIN T3 ON S1.ID = T3.ID;", all},
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID + 1 = T2.ID INNER JOIN T3 ON S1.ID = T3.ID;", first},
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 INNER JOIN T2 ON S1.ID = T2.ID INNER JOIN T3 ON S1.ID + 1 = T3.ID;", second},
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID;", all},
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID + 1 = T2.ID LEFT JOIN T3 ON S1.ID = T3.ID;", first},
		{"CREATE STREAM OUTPUT as SELECT s1.V0, t2.V0, t3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID LEFT JOIN T3 ON S1.ID + 1 = T3.ID;", second},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || !strings.Contains(fmt.Sprint(e["message"]), c.msg) {
			t.Errorf("%s:\n got %d %q\nwant one containing %q", c.ksql, code, e["message"], c.msg)
		}
	}
}

// A stream joined to two tables: the result is keyed by whichever join
// expression the projection names, SELECT * and ALIAS.* name columns after
// their source, and a second join on a stream's value column rekeys the
// result. multi-joins.json "first join column in projection", "second ...",
// "third ...", "stream-table-table - explicit ROWTIME", "should generate
// correct aliases when sources have some matching and some different
// columns", "stream-table-table - qualified select *".
func TestStreamTableTableJoinsAsKsqlDBsTestCases(t *testing.T) {
	ddl := func(t3 string) string {
		return `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, ` + t3 + ` BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`
	}
	in := []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 0, `{"V0":1}`, 12}}
	out := []nwayOut{{0, `{"S1_V0":1,"T2_V0":2,"T3_V0":3}`, 12}}
	var cases []nwayCase
	for _, key := range []struct{ upstream, col string }{{"first", "S1"}, {"second", "T2"}, {"third", "T3"}} {
		cases = append(cases, nwayCase{
			upstream: key.upstream + " join column in projection",
			ddl:      ddl("V0"),
			query:    "CREATE STREAM OUTPUT as SELECT " + key.col + ".ID, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
			inputs:   in,
			schema:   key.col + "_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, T3_V0 BIGINT",
			outputs:  out,
		})
	}
	cases = append(cases, nwayCase{
		upstream: "stream-table-table - explicit ROWTIME",
		ddl:      ddl("V0"),
		query:    "CREATE STREAM OUTPUT as SELECT *, S1.ROWTIME, T2.ROWTIME, T3.ROWTIME FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   in,
		schema:   "S1_ID INTEGER KEY, S1_V0 BIGINT, T2_ID INTEGER, T2_V0 BIGINT, T3_ID INTEGER, T3_V0 BIGINT, S1_ROWTIME BIGINT, T2_ROWTIME BIGINT, T3_ROWTIME BIGINT",
		outputs:  []nwayOut{{0, `{"S1_V0":1,"T2_ID":0,"T2_V0":2,"T3_ID":0,"T3_V0":3,"S1_ROWTIME":12,"T2_ROWTIME":11,"T3_ROWTIME":10}`, 12}},
	}, nwayCase{
		upstream: "should generate correct aliases when sources have some matching and some different columns",
		ddl:      ddl("DIFF"),
		query:    "CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, t2.V0, t3.DIFF FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN T3 ON S1.ID = T3.ID;",
		inputs:   []nwayIn{{"right2", 0, `{"DIFF":3}`, 10}, {"right", 0, `{"V0":2}`, 11}, {"left", 0, `{"V0":1}`, 12}, {"left", 1, `{"V0":1}`, 14}},
		schema:   "S1_ID INTEGER KEY, S1_V0 BIGINT, T2_V0 BIGINT, DIFF BIGINT",
		outputs:  []nwayOut{{0, `{"S1_V0":1,"T2_V0":2,"DIFF":3}`, 12}},
	}, nwayCase{
		upstream: "stream-table-table - qualified select *",
		ddl: `CREATE STREAM left_stream (id1 BIGINT KEY, f1 BIGINT) WITH (kafka_topic='left_topic', PARTITIONS=1, format='JSON');
CREATE TABLE middle_table (id2 BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', PARTITIONS=1, format='JSON');
CREATE TABLE right_table (id3 BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', PARTITIONS=1, format='JSON');`,
		query: "CREATE STREAM output AS SELECT id1, f1, middle_table.*, right_table.* FROM left_stream JOIN middle_table ON id1 = id2 LEFT JOIN right_table ON f1 = id3;",
		inputs: []nwayIn{{"middle_topic", 0, `{"F2":100,"OTHER":"unused"}`, 0}, {"left_topic", 0, `{"F1":0}`, 10000},
			{"right_topic", 0, `{"F3":4}`, 11000}, {"middle_topic", 8, `{"F2":10,"OTHER":"unused"}`, 13000},
			{"left_topic", 8, `{"F1":8}`, 16000}, {"left_topic", 0, "", 18000}},
		schema: "F1 BIGINT KEY, ID1 BIGINT, MIDDLE_TABLE_ID2 BIGINT, MIDDLE_TABLE_F2 BIGINT, MIDDLE_TABLE_OTHER STRING, RIGHT_TABLE_ID3 BIGINT, RIGHT_TABLE_F3 BIGINT",
		outputs: []nwayOut{
			{0, `{"ID1":0,"MIDDLE_TABLE_ID2":0,"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"unused","RIGHT_TABLE_ID3":null,"RIGHT_TABLE_F3":null}`, 10000},
			{8, `{"ID1":8,"MIDDLE_TABLE_ID2":8,"MIDDLE_TABLE_F2":10,"MIDDLE_TABLE_OTHER":"unused","RIGHT_TABLE_ID3":null,"RIGHT_TABLE_F3":null}`, 16000},
		},
		keyBytes: textKey,
		// the second join reads F1, not the key: its input is rekeyed
		// through Join-repartition (the plan's topics)
		internal: []string{"Join-repartition", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog"},
	})
	for _, c := range cases {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// A push query over an N-way join with two stream-stream steps answers the
// rows the persistent query writes (multi-joins.json "stream-stream-stream
// - inner-inner - different windows", its first three outputs).
func TestPushQueryOverTwoStreamStreamSteps(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left", 0, intKey(0), []byte(`{"V0":1}`)}, joinRec{"right", 1, intKey(0), []byte(`{"V0":2}`)},
		joinRec{"right2", 2, intKey(0), []byte(`{"V0":3}`)}, joinRec{"left", 3, intKey(0), []byte(`{"V0":4}`)},
		joinRec{"left", 4000, intKey(0), []byte(`{"V0":5}`)})
	code, body := post(t, url, "/query", "SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM S1 JOIN S2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id EMIT CHANGES LIMIT 3;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 5 {
		t.Fatalf("want header, 3 rows, final message: %v %s", err, body)
	}
	var rows []string
	for _, o := range out[1:4] {
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	if got := strings.Join(rows, " "); got != "[0 1 2 3] [0 4 2 3] [0 5 2 3]" {
		t.Errorf("rows %s, want [0 1 2 3] [0 4 2 3] [0 5 2 3]", got)
	}
}
