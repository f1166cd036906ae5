package ksqldb

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// describeSchema renders DESCRIBE's fields as "NAME TYPE [KEY], ..." and
// returns the key format, so a spec can compare with the schemas the
// query-validation tests list.
func describeSchema(t *testing.T, url, name string) (string, string) {
	t.Helper()
	sd := mustKSQL(t, url, "DESCRIBE "+name+";", nil)[0]["sourceDescription"].(map[string]any)
	var parts []string
	for _, f := range sd["fields"].([]any) {
		m := f.(map[string]any)
		s := m["name"].(string) + " " + m["schema"].(map[string]any)["type"].(string)
		if m["type"] == "KEY" {
			s += " KEY"
		}
		parts = append(parts, s)
	}
	kf, _ := sd["keyFormat"].(string)
	return strings.Join(parts, ", "), kf
}

func partitionIntKey(t *testing.T, b []byte) int32 {
	t.Helper()
	if len(b) != 4 {
		t.Fatalf("key %x is not a 4-byte KAFKA INT", b)
	}
	return int32(binary.BigEndian.Uint32(b))
}

func pbJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("value %q: %v", b, err)
	}
	return m
}

// PARTITION BY a value column makes it the key; the old key moves to the
// value after the other value columns ("single value column - select
// star" and "- select explicit" in ksqldb-functional-tests
// query-validation-tests/partition-by.json; docs
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/partition-by/).
func TestPartitionByValueColumnBecomesTheKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM OUTPUT AS SELECT * FROM INPUT PARTITION BY NAME;
CREATE STREAM OUTPUT2 AS SELECT ID, NAME, AGE FROM INPUT PARTITION BY NAME;`, earliest())
	st.produce("input", kv{[]byte{0, 0, 0, 10}, []byte(`{"NAME":"bob","AGE":22}`)})

	if s, kf := describeSchema(t, url, "OUTPUT"); s != "NAME STRING KEY, AGE INTEGER, ID INTEGER" || kf != "KAFKA" {
		t.Errorf("OUTPUT schema %q key format %q", s, kf)
	}
	if s, _ := describeSchema(t, url, "OUTPUT2"); s != "NAME STRING KEY, ID INTEGER, AGE INTEGER" {
		t.Errorf("OUTPUT2 schema %q", s)
	}
	for _, topic := range []string{"OUTPUT", "OUTPUT2"} {
		r := st.consume(topic, 1)[0]
		if string(r.key) != "bob" {
			t.Errorf("%s key %q, want bob", topic, r.key)
		}
		if v := pbJSON(t, r.value); fmt.Sprint(v) != "map[AGE:22 ID:10]" {
			t.Errorf("%s value %v", topic, v)
		}
	}
}

// An expression key is named KSQL_COL_0 unless aliased, a struct field after
// the field, and several expressions make several key columns in PARTITION
// BY order ("expression - select star", "struct field - select star",
// "multiple columns - select explicit - reorder partition by but keep same
// order in project", "struct field - with alias" in partition-by.json).
func TestPartitionByKeyColumnNames(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM EXPR AS SELECT * FROM INPUT PARTITION BY ABS(ID);
CREATE STREAM A (ID INT KEY, ADDRESS STRUCT<STREET STRING, TOWN STRING>, AGE INT) WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM TOWNS AS SELECT * FROM A PARTITION BY ADDRESS->TOWN;
CREATE STREAM ALIASED AS SELECT ADDRESS->TOWN AS K, ID, AGE FROM A PARTITION BY ADDRESS->TOWN;
CREATE STREAM M (NAME STRING, ID INT, AGE INT) WITH (KAFKA_TOPIC='m', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM MULTI WITH (KEY_FORMAT='JSON') AS SELECT id, age, name FROM M PARTITION BY age, id;`, earliest())
	st.produce("input", kv{[]byte{0, 0, 0, 10}, []byte(`{"NAME":"bob"}`)})
	st.produce("a", kv{[]byte{0, 0, 0, 10}, []byte(`{"ADDRESS":{"STREET":"1st Street","TOWN":"Oxford"},"AGE":22}`)})
	st.produce("m", kv{nil, []byte(`{"NAME":"bob","ID":10,"AGE":30}`)})

	want := map[string]string{
		"EXPR":    "KSQL_COL_0 INTEGER KEY, NAME STRING, ID INTEGER",
		"TOWNS":   "TOWN STRING KEY, ADDRESS STRUCT, AGE INTEGER, ID INTEGER",
		"ALIASED": "K STRING KEY, ID INTEGER, AGE INTEGER",
		"MULTI":   "AGE INTEGER KEY, ID INTEGER KEY, NAME STRING",
	}
	for name, w := range want {
		if s, _ := describeSchema(t, url, name); s != w {
			t.Errorf("%s schema %q, want %q", name, s, w)
		}
	}
	r := st.consume("EXPR", 1)[0]
	if k := partitionIntKey(t, r.key); k != 10 || fmt.Sprint(pbJSON(t, r.value)) != "map[ID:10 NAME:bob]" {
		t.Errorf("EXPR record %d %s", k, r.value)
	}
	r = st.consume("TOWNS", 1)[0]
	if string(r.key) != "Oxford" {
		t.Errorf("TOWNS key %q", r.key)
	}
	r = st.consume("MULTI", 1)[0]
	if string(r.key) != `{"AGE":30,"ID":10}` || string(r.value) != `{"NAME":"bob"}` {
		t.Errorf("MULTI record %s %s", r.key, r.value)
	}
}

// PARTITION BY NULL writes records without a key and the sink's key format
// is NONE; an explicit key format is refused ("null" and "null - explicit
// key format" in partition-by.json; Analyzer.keyFormatName).
func TestPartitionByNullWritesNoKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM OUTPUT AS SELECT ID, NAME FROM INPUT PARTITION BY null;`, earliest())
	st.produce("input", kv{[]byte{0, 0, 0, 10}, []byte(`{"NAME":"bob"}`)})
	if s, kf := describeSchema(t, url, "OUTPUT"); s != "ID INTEGER, NAME STRING" || kf != "NONE" {
		t.Errorf("OUTPUT schema %q key format %q", s, kf)
	}
	r := st.consume("OUTPUT", 1)[0]
	if r.key != nil || fmt.Sprint(pbJSON(t, r.value)) != "map[ID:10 NAME:bob]" {
		t.Errorf("record %q %s", r.key, r.value)
	}
	code, e := stmtErr(t, url, "CREATE STREAM OUT2 WITH (KEY_FORMAT='DELIMITED') AS SELECT ID, NAME FROM INPUT PARTITION BY null;")
	if code != 400 || e["message"] != "Key format specified for stream without key columns." {
		t.Errorf("explicit key format: %d %v", code, e)
	}
}

// INSERT INTO ... PARTITION BY writes into a stream keyed the same way.
func TestInsertIntoWithPartitionBy(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM BYNAME (NAME STRING KEY, AGE INT, ID INT) WITH (KAFKA_TOPIC='byname', PARTITIONS=1, VALUE_FORMAT='JSON');
INSERT INTO BYNAME SELECT * FROM INPUT PARTITION BY NAME;`, earliest())
	st.produce("input", kv{[]byte{0, 0, 0, 7}, []byte(`{"NAME":"ann","AGE":40}`)})
	r := st.consume("byname", 1)[0]
	if string(r.key) != "ann" || fmt.Sprint(pbJSON(t, r.value)) != "map[AGE:40 ID:7]" {
		t.Errorf("record %q %s", r.key, r.value)
	}
}

// A push query may PARTITION BY; its header lists the new key first, as a
// plain column as every push query header does (pushheader_test.go).
func TestPushQueryWithPartitionBy(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("input", kv{[]byte{0, 0, 0, 10}, []byte(`{"NAME":"bob","AGE":22}`)})
	code, body := post(t, url, "/query", "SELECT * FROM INPUT PARTITION BY NAME EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("push: %d %s", code, body)
	}
	var out []map[string]any
	if err := json.Unmarshal(body, &out); err != nil || len(out) != 3 {
		t.Fatalf("push body: %v %s", err, body)
	}
	if s := out[0]["header"].(map[string]any)["schema"]; s != "`NAME` STRING, `AGE` INTEGER, `ID` INTEGER" {
		t.Errorf("header schema %v", s)
	}
	if cols := fmt.Sprint(out[1]["row"].(map[string]any)["columns"]); cols != "[bob 22 10]" {
		t.Errorf("row %s", cols)
	}
}

// The statements ksqlDB refuses, with its messages (partition-by.json
// expectedException cases; PartitionBy.java, Query.java, SchemaKTable,
// PlanNode.throwKeysNotIncludedError, FinalProjectNode).
func TestPartitionByRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING, AGE INT, M MAP<STRING, INT>) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE T (ID INT PRIMARY KEY, NAME STRING) WITH (KAFKA_TOPIC='t', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	cases := []struct{ sql, msg string }{
		{"CREATE STREAM O AS SELECT NAME, NAME AS NAME2, ID FROM INPUT PARTITION BY NAME;",
			"The projection contains a key column (`NAME`) more than once, aliased as: NAME and NAME2.\nEach key column must only be in the projection once. If you intended to copy the key into the value, then consider using the AS_VALUE function to indicate which key reference should be copied."},
		{"CREATE STREAM O AS SELECT NAME, ID FROM INPUT PARTITION BY ABS(ID);",
			"Key missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expression ABS(INPUT.ID) in its projection (eg, SELECT ABS(INPUT.ID)...)."},
		{"CREATE STREAM O AS SELECT NAME AS ID, NAME FROM INPUT PARTITION BY ID;",
			"Key missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expression INPUT.ID in its projection (eg, SELECT INPUT.ID...)."},
		{"CREATE STREAM O AS SELECT ID, NAME FROM INPUT PARTITION BY ID, AGE;",
			"Keys missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expressions INPUT.ID and INPUT.AGE in its projection (eg, SELECT INPUT.ID, INPUT.AGE...)."},
		{"CREATE STREAM O AS SELECT ID, AGE, NAME AS something FROM INPUT PARTITION BY something;",
			"PARTITION BY column 'SOMETHING' cannot be resolved. 'SOMETHING' must be a column in the source schema since PARTITION BY is applied on the input."},
		{"CREATE STREAM O AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY NULL, ID;",
			"Cannot PARTITION BY multiple columns including NULL"},
		{"CREATE STREAM O AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY ();",
			"PARTITION BY requires at least one expression"},
		{"CREATE STREAM O AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY AGE, AGE;",
			"Duplicate PARTITION BY expression: AGE"},
		{"CREATE STREAM O AS SELECT * FROM INPUT PARTITION BY M;",
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `M`. Column type: MAP<STRING, INTEGER>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
		{"CREATE STREAM O AS SELECT ID, AGE, NAME FROM INPUT PARTITION BY ID, AGE;",
			"The 'KAFKA' format only supports a single field. Got: [`ID` INTEGER KEY, `AGE` INTEGER KEY]"},
		{"CREATE TABLE O AS SELECT NAME, COUNT(*) AS C FROM INPUT GROUP BY NAME PARTITION BY NAME;",
			"Queries only support one of PARTITION BY and GROUP BY"},
		{"CREATE TABLE O AS SELECT * FROM T PARTITION BY NAME;",
			"Cannot repartition a TABLE source. If this is a join, make sure that the criteria uses the TABLE's key column ID instead of [NAME]"},
		{"CREATE STREAM O AS SELECT * FROM INPUT PARTITION BY NAME AND AGE;", ""},
	}
	for _, c := range cases {
		code, e := stmtErr(t, url, c.sql)
		if code != 400 {
			t.Errorf("%s: status %d %v", c.sql, code, e)
			continue
		}
		if c.msg != "" && !strings.Contains(fmt.Sprint(e["message"]), c.msg) {
			t.Errorf("%s:\n got %q\nwant %q", c.sql, e["message"], c.msg)
		}
	}
}

// EXPLAIN of a PARTITION BY query has a REKEY step logged as PartitionBy
// whose schema is the new key over the source's value columns, pseudo
// columns and key copies (PartitionByParamsFactory.buildSchema), and the
// PartitionBy-SelectKey processor between the source's
// KSTREAM-TRANSFORMVALUES and Project: hand-derived from PlanSummary.java
// (StreamSelectKey is REKEY) and
// ksqldb-functional-tests/.../historical_plans/partition-by_-_single_value_column_-_select_explicit/7.1.0_1633126014654/{plan.json,topology}.
func TestExplainOfPartitionBy(t *testing.T) {
	st := newStack(t)
	st.createTopic("trains", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM trains (id INT KEY, line VARCHAR, delay DOUBLE) WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='JSON');
CREATE STREAM byline AS SELECT line, id FROM trains PARTITION BY line;
CREATE STREAM late AS SELECT line, UCASE(line) AS u FROM trains WHERE delay > 5 PARTITION BY UCASE(line);`, nil)
	qid := queryWriting(t, url, "BYLINE")
	d := mustKSQL(t, url, "EXPLAIN "+qid+";", nil)[0]["queryDescription"].(map[string]any)
	plan := " > [ SINK ] | Schema: LINE STRING KEY, ID INTEGER | Logger: " + qid + ".BYLINE\n" +
		"\t\t > [ PROJECT ] | Schema: LINE STRING KEY, ID INTEGER | Logger: " + qid + ".Project\n" +
		"\t\t\t\t > [ REKEY ] | Schema: LINE STRING KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".PartitionBy\n" +
		"\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".KsqlTopic.Source\n"
	topo := "Topologies:\n" +
		"   Sub-topology: 0\n" +
		"    Source: KSTREAM-SOURCE-0000000000 (topics: [trains])\n" +
		"      --> KSTREAM-TRANSFORMVALUES-0000000001\n" +
		"    Processor: KSTREAM-TRANSFORMVALUES-0000000001 (stores: [])\n" +
		"      --> PartitionBy-SelectKey\n" +
		"      <-- KSTREAM-SOURCE-0000000000\n" +
		"    Processor: PartitionBy-SelectKey (stores: [])\n" +
		"      --> Project\n" +
		"      <-- KSTREAM-TRANSFORMVALUES-0000000001\n" +
		"    Processor: Project (stores: [])\n" +
		"      --> KSTREAM-SINK-0000000004\n" +
		"      <-- PartitionBy-SelectKey\n" +
		"    Sink: KSTREAM-SINK-0000000004 (topic: BYLINE)\n" +
		"      <-- Project\n\n"
	if d["executionPlan"] != plan {
		t.Errorf("executionPlan:\n%q\nwant\n%q", d["executionPlan"], plan)
	}
	if d["topology"] != topo {
		t.Errorf("topology:\n%s\nwant\n%s", d["topology"], topo)
	}

	// with WHERE the filter comes first; a synthesized key is appended to
	// the value
	qid = queryWriting(t, url, "LATE")
	d = mustKSQL(t, url, "EXPLAIN "+qid+";", nil)[0]["queryDescription"].(map[string]any)
	plan = " > [ SINK ] | Schema: U STRING KEY, LINE STRING | Logger: " + qid + ".LATE\n" +
		"\t\t > [ PROJECT ] | Schema: U STRING KEY, LINE STRING | Logger: " + qid + ".Project\n" +
		"\t\t\t\t > [ REKEY ] | Schema: KSQL_COL_0 STRING KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER, KSQL_COL_0 STRING | Logger: " + qid + ".PartitionBy\n" +
		"\t\t\t\t\t\t > [ FILTER ] | Schema: ID INTEGER KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".WhereFilter\n" +
		"\t\t\t\t\t\t\t\t > [ SOURCE ] | Schema: ID INTEGER KEY, LINE STRING, DELAY DOUBLE, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, ID INTEGER | Logger: " + qid + ".KsqlTopic.Source\n"
	if d["executionPlan"] != plan {
		t.Errorf("executionPlan:\n%q\nwant\n%q", d["executionPlan"], plan)
	}
	if topo := d["topology"].(string); !strings.Contains(topo, "    Processor: WhereFilter (stores: [])\n      --> PartitionBy-SelectKey\n") ||
		!strings.Contains(topo, "    Sink: KSTREAM-SINK-0000000005 (topic: LATE)\n") {
		t.Errorf("topology:\n%s", topo)
	}
}

// A stream record with a null value goes on as a null value: keyed by its
// key columns, or by a PARTITION BY expression over them; by NULL when the
// expression reads the (absent) value; a WHERE clause drops it
// (query-validation-tests project-filter.json "project nulls" and "filter
// nulls", partition-by.json "nulls", "only key column - with null value"
// and "key expression - with null value").
func TestNullValuesFlowThroughStreamQueries(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (ID INT KEY, NAME STRING) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM PROJECTED AS SELECT ID, NAME FROM INPUT;
CREATE STREAM FILTERED AS SELECT * FROM INPUT WHERE ID IS NOT NULL AND NAME IS NOT NULL;
CREATE STREAM BYNAME AS SELECT NAME, ID FROM INPUT PARTITION BY NAME;
CREATE STREAM BYID AS SELECT * FROM INPUT PARTITION BY ID;
CREATE STREAM BYEXPR AS SELECT ID + 2 AS K, NAME FROM INPUT PARTITION BY ID + 2;`, earliest())
	st.produce("input", kv{[]byte{0, 0, 0, 3}, nil}, kv{[]byte{0, 0, 0, 4}, []byte(`{"NAME":"bob"}`)})

	for topic, wantKey := range map[string]string{"PROJECTED": "\x00\x00\x00\x03", "BYNAME": "", "BYID": "\x00\x00\x00\x03", "BYEXPR": "\x00\x00\x00\x05"} {
		r := st.consume(topic, 2)[0]
		if string(r.key) != wantKey || r.value != nil {
			t.Errorf("%s: first record %q %q, want key %q and a null value", topic, r.key, r.value, wantKey)
		}
		if topic == "BYNAME" && r.key != nil {
			t.Errorf("BYNAME key %q, want null", r.key)
		}
	}
	if recs := st.consume("FILTERED", 1); string(recs[0].value) != `{"NAME":"bob"}` {
		t.Errorf("FILTERED first record %q", recs[0].value)
	}
}

// PARTITION BY after a stream-stream join rekeys the joined rows; the key
// is the projected partitioning expression (partition-by.json "partition by
// key in join on non-key" and "partition by non-Key in join on Key").
func TestPartitionByAfterAJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM L (K STRING KEY, A STRING, B STRING) WITH (kafka_topic='LEFT', PARTITIONS=1, value_format='JSON');
CREATE STREAM R (K STRING KEY, C STRING, D STRING) WITH (kafka_topic='RIGHT', PARTITIONS=1, value_format='JSON');
CREATE STREAM BYK AS SELECT L.K AS LK, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.B = R.D PARTITION BY L.K;
CREATE STREAM BYB AS SELECT L.B, L.K, R.K FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.C PARTITION BY L.B;`, earliest())
	st.produceJoin(joinRec{"LEFT", 1, []byte("a"), []byte(`{"A":"a","B":"join"}`)}, joinRec{"RIGHT", 2, []byte("c"), []byte(`{"C":"c","D":"join"}`)},
		joinRec{"LEFT", 3, []byte("join"), []byte(`{"A":"join","B":"b"}`)}, joinRec{"RIGHT", 4, []byte("join"), []byte(`{"C":"join","D":"d"}`)})
	if s, _ := describeSchema(t, url, "BYK"); s != "LK STRING KEY, R_K STRING" {
		t.Errorf("BYK schema %q", s)
	}
	if s, _ := describeSchema(t, url, "BYB"); s != "B STRING KEY, L_K STRING, R_K STRING" {
		t.Errorf("BYB schema %q", s)
	}
	r := st.consume("BYK", 1)[0]
	if string(r.key) != "a" || string(r.value) != `{"R_K":"c"}` {
		t.Errorf("BYK record %q %s", r.key, r.value)
	}
	r = st.consume("BYB", 1)[0]
	if string(r.key) != "b" || string(r.value) != `{"L_K":"join","R_K":"join"}` {
		t.Errorf("BYB record %q %s", r.key, r.value)
	}
	code, e := stmtErr(t, url, "CREATE STREAM O AS SELECT R.K, L.A FROM L JOIN R WITHIN 10 SECONDS ON L.A = R.C PARTITION BY L.B;")
	if code != 400 || e["message"] != "Key missing from projection (ie, SELECT). \nThe query used to build `O` must include the partitioning expression L.B in its projection (eg, SELECT L.B...)." {
		t.Errorf("missing key: %d %v", code, e["message"])
	}
}

// A windowed stream is not rekeyed: PARTITION BY anything but its key is
// refused as SchemaKStream.selectKey refuses it (confluentinc/ksql v7.9.0
// ksqldb-engine/.../structured/SchemaKStream.java; the same message
// joins.json's "join requiring repartition of windowed source" expects).
func TestPartitionByOnAWindowedStreamIsRefusedAsKsqlDBRefusesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("left_topic", 1)
	mustKSQL(t, url, "CREATE STREAM S1 (K INT KEY, ID INT, V bigint) WITH (kafka_topic='left_topic', value_format='JSON', WINDOW_TYPE='SESSION');", nil)
	code, e := stmtErr(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM S1 PARTITION BY ID;")
	const want = "Implicit repartitioning of windowed sources is not supported. See https://github.com/confluentinc/ksql/issues/4385."
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Errorf("got %d %v %q, want 400 40001 %q", code, e["error_code"], e["message"], want)
	}
}

// Partitioned by its own key, a windowed stream needs no repartition
// (Repartitioning.repartitionNeeded is false, SchemaKStream.selectKey
// returns the stream as it is): each record goes on with its window.
func TestPartitionByItsKeyPassesAWindowedStreamOn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	key := func(k int32, start int64) []byte { return binary.BigEndian.AppendUint64(intKey(k), uint64(start)) }
	mustKSQL(t, url, `CREATE STREAM TEST (K INT KEY, ID bigint) WITH (kafka_topic='test_topic', PARTITIONS=1, value_format='DELIMITED', WINDOW_TYPE='Tumbling', WINDOW_SIZE='30 seconds');
CREATE STREAM S2 AS SELECT * FROM test PARTITION BY K;`, earliest())
	st.produceTimed("test_topic", timed{key(0, 0), "1", 0}, timed{key(7, 30_000), "4", 30_000})
	recs := st.consume("S2", 2)
	for i, want := range []kv{{key(0, 0), []byte("1")}, {key(7, 30_000), []byte("4")}} {
		if !bytes.Equal(recs[i].key, want.key) || !bytes.Equal(recs[i].value, want.value) {
			t.Errorf("record %d: key %x value %q, want key %x value %q", i, recs[i].key, recs[i].value, want.key, want.value)
		}
	}
}
