package ksqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
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
	schema   string
	outputs  []nwayOut
	// keyBytes encodes the keys of inputs and outputs; nil: an INT in the
	// KAFKA format
	keyBytes func(int32) []byte
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
		recs = append(recs, joinRec{in.topic, in.ts, key(in.key), joinValue(in.value)})
	}
	st.produceJoin(recs...)
	ents := mustKSQL(t, url, c.query, earliest())
	if s := ents[0]["commandStatus"].(map[string]any)["status"]; s != "SUCCESS" {
		t.Fatalf("%s: create: %v", c.upstream, ents)
	}
	desc := mustKSQL(t, url, "DESCRIBE OUTPUT;", nil)[0]["sourceDescription"].(map[string]any)
	var cols []string
	for _, f := range desc["fields"].([]any) {
		f := f.(map[string]any)
		col := fmt.Sprint(f["name"], " ", f["schema"].(map[string]any)["type"])
		if f["type"] == "KEY" {
			col += " KEY"
		}
		cols = append(cols, col)
	}
	if got := strings.Join(cols, ", "); got != c.schema {
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

// Refusals of N-way joins: ksqlDB's own for a stream joined after a
// table-table join (multi-joins.json "table-table-stream - Invalid"), and
// this server's "not supported" for a stream-stream join after the first
// step, which ksqlDB runs (multi-joins.json "stream-table-stream -
// inner-inner", "stream-stream-stream - inner-inner - different windows").
func TestNwayJoinRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right3', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right4', PARTITIONS=1, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, msg string }{
		{"CREATE STREAM OUTPUT as SELECT * FROM T2 JOIN T3 ON T2.ID = T3.ID JOIN S1 ON T2.ID = S1.ID;",
			"Invalid join order: table-stream joins are not supported; only stream-table joins. Got T2 [INNER] JOIN S1."},
		{"CREATE STREAM OUTPUT as SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
			"N-way joins with a stream-stream join after the first join is not supported by this ksqlDB server"},
		{"CREATE STREAM OUTPUT AS SELECT s2.id, s1.v0, s2.v0, s3.v0 FROM S1 JOIN S2 WITHIN 5 SECONDS ON s1.id = s2.id JOIN S3 WITHIN 10 SECONDS ON s1.id = s3.id;",
			"N-way joins with a stream-stream join after the first join is not supported by this ksqlDB server"},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if code != 400 || e["message"] != c.msg {
			t.Errorf("%s:\n got %d %q\nwant %q", c.ksql, code, e["message"], c.msg)
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
		keyBytes: func(n int32) []byte { return []byte(strconv.Itoa(int(n))) }, // JSON keys
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
