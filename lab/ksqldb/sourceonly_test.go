package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// Specs for CREATE SOURCE STREAM and CREATE SOURCE TABLE (read-only
// sources), taken from confluentinc/ksql v7.9.0
// ksqldb-functional-tests/src/test/resources/query-validation-tests/
// source-stream.json and source-table.json,
// rest-query-validation-tests/pull-queries-against-cst-materialized.json and
// the engine's QueryIdUtil (CST_ query ids) and ValidatedCommandFactory
// (a source table's query cannot be terminated).

const (
	sourceStreamDDL = "CREATE SOURCE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');"
	sourceTableDDL  = "CREATE SOURCE TABLE INPUT (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');"
)

// source-stream.json "create source stream": a persistent query over a
// source stream copies its records as over any stream.
func TestSourceStreamFeedsAPersistentQuery(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, sourceStreamDDL+"\nCREATE STREAM OUTPUT AS select * from INPUT;", earliest())
	st.produce("test_topic", kv{nil, []byte("a1")}, kv{nil, []byte("b1")}, kv{nil, []byte("B2")})
	if got := strings.Join(values(st.consume("OUTPUT", 3)), " "); got != "a1 b1 B2" {
		t.Fatalf("OUTPUT values: %q, want %q", got, "a1 b1 B2")
	}
}

// A push query reads a source stream as any stream (the source-stream.json
// cases read one through a persistent query; nothing in ksqlDB's engine
// treats a source stream's transient queries differently).
func TestSourceStreamAnswersPushQueries(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, sourceStreamDDL, nil)
	st.produce("test_topic", kv{[]byte("k1"), []byte("a1")}, kv{[]byte("k2"), []byte("b1")})
	schema, rows := rawPushRows(t, url, "SELECT * FROM INPUT EMIT CHANGES LIMIT 2;", 2)
	if schema != "`K` STRING, `TEXT` STRING" || strings.Join(rows, " ") != `["k1","a1"] ["k2","b1"]` {
		t.Errorf("push query: %q %v", schema, rows)
	}
}

// source-table.json "create source table": a CREATE TABLE AS SELECT over a
// source table copies its rows.
func TestSourceTableFeedsAPersistentQuery(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, sourceTableDDL+"\nCREATE TABLE OUTPUT AS SELECT * FROM INPUT;", earliest())
	st.produce("test_topic", kv{intKey(1), []byte("a1")}, kv{intKey(2), []byte("a2")}, kv{intKey(3), []byte("a3")})
	recs := st.consume("OUTPUT", 3)
	var got []string
	for _, r := range recs {
		got = append(got, fmt.Sprintf("%d=%s", partitionIntKey(t, r.key), r.value))
	}
	if strings.Join(got, " ") != "1=a1 2=a2 3=a3" {
		t.Fatalf("OUTPUT records: %v", got)
	}
}

// The expected errors of source-stream.json and source-table.json: a source
// is read-only (no INSERT VALUES, no INSERT INTO ... SELECT, no DROP ...
// DELETE TOPIC) and CREATE OR REPLACE touches no source stream or table.
func TestSourceStreamsAndTablesRefuseWritesWithKsqlDBMessages(t *testing.T) {
	plainStream := "CREATE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');"
	plainTable := "CREATE TABLE INPUT (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');"
	cases := []struct {
		name  string // the upstream test name
		setup string
		stmt  string
		want  string
	}{
		{"source-stream.json: rejects INSERT VALUES statements for source streams", sourceStreamDDL,
			"INSERT INTO INPUT VALUES ('a', 'b');", "Cannot insert values into read-only stream: INPUT"},
		{"source-stream.json: rejects INSERT INTO ... SELECT statements for source streams",
			sourceStreamDDL + "\nCREATE STREAM INPUT2 (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"INSERT INTO INPUT SELECT * FROM INPUT2;", "Cannot insert into read-only stream: INPUT"},
		{"source-stream.json: rejects DROP ... DELETE TOPIC statements for source streams", sourceStreamDDL,
			"DROP STREAM INPUT DELETE TOPIC;", "Cannot delete topic for read-only source: INPUT"},
		{"source-stream.json: rejects CREATE OR REPLACE SOURCE ... statements", "",
			"CREATE OR REPLACE SOURCE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add stream 'INPUT': CREATE OR REPLACE is not supported on source streams."},
		{"source-stream.json: rejects CREATE OR REPLACE ... statements on existing source streams", sourceStreamDDL,
			"CREATE OR REPLACE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add stream 'INPUT': CREATE OR REPLACE is not supported on source streams."},
		{"source-stream.json: rejects CREATE OR REPLACE SOURCE ... statements on existing non-source streams", plainStream,
			"CREATE OR REPLACE SOURCE STREAM INPUT (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add stream 'INPUT': CREATE OR REPLACE is not supported on source streams."},
		{"source-stream.json: rejects ALTER ... statements on existing source streams", sourceStreamDDL,
			"ALTER STREAM INPUT ADD COLUMN newCol INT;", "Cannot alter stream 'INPUT': ALTER operations are not supported on source streams."},
		{"source-table.json: rejects INSERT VALUES statements for source streams", sourceTableDDL,
			"INSERT INTO INPUT VALUES (1, 'b');", "Cannot insert values into read-only table: INPUT"},
		{"source-table.json: rejects INSERT INTO ... SELECT statements for source tables",
			sourceTableDDL + "\nCREATE SOURCE TABLE INPUT2 (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"INSERT INTO INPUT SELECT * FROM INPUT2;", "INSERT INTO can only be used to insert into a stream. INPUT is a table."},
		{"source-table.json: rejects DROP ... DELETE TOPIC statements for source tables", sourceTableDDL,
			"DROP TABLE INPUT DELETE TOPIC;", "Cannot delete topic for read-only source: INPUT"},
		{"source-table.json: rejects CREATE OR REPLACE SOURCE ... statements", "",
			"CREATE OR REPLACE SOURCE TABLE INPUT (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables."},
		{"source-table.json: rejects CREATE OR REPLACE ... statements on existing source tables", sourceTableDDL,
			"CREATE OR REPLACE TABLE INPUT (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables."},
		{"source-table.json: rejects CREATE OR REPLACE SOURCE ... statements on existing non-source tables", plainTable,
			"CREATE OR REPLACE SOURCE TABLE INPUT (K INT PRIMARY KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');",
			"Cannot add table 'INPUT': CREATE OR REPLACE is not supported on source tables."},
		{"source-table.json: rejects ALTER ... statements on existing source streams", sourceTableDDL,
			"ALTER TABLE INPUT ADD COLUMN newCol INT;", "Cannot alter table 'INPUT': ALTER operations are not supported on source tables."},
	}
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	for _, c := range cases {
		if c.setup != "" {
			mustKSQL(t, url, c.setup, nil)
		}
		code, body := stmtErr(t, url, c.stmt)
		if code != 400 || body["error_code"] != float64(40001) || body["message"] != c.want {
			t.Errorf("%s\n%s: %d %v %q\nwant 400 40001 %q", c.name, c.stmt, code, body["error_code"], body["message"], c.want)
		}
		// the statements leave no query behind; drop what the setup made
		for _, name := range []string{"INPUT2", "INPUT"} {
			for _, kind := range []string{"STREAM", "TABLE"} {
				post(t, url, "/ksql", "DROP "+kind+" IF EXISTS "+name+";", nil)
			}
		}
	}
}

// CREATE SOURCE ... AS SELECT is not in ksqlDB's grammar (SqlBase.g4: the
// createStream/createTable rules take SOURCE, createStreamAs/createTableAs
// do not), so it is refused as a syntax error.
func TestCreateSourceAsSelectIsASyntaxError(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM S (K STRING KEY, text STRING) WITH (kafka_topic='test_topic', value_format='DELIMITED');", nil)
	for _, stmt := range []string{"CREATE SOURCE STREAM OUT AS SELECT * FROM S;", "CREATE SOURCE TABLE OUT AS SELECT K, COUNT(*) AS C FROM S GROUP BY K;"} {
		code, body := stmtErr(t, url, stmt)
		msg, _ := body["message"].(string)
		if code != 400 || body["error_code"] != float64(40001) || !strings.Contains(msg, "Syntax Error") {
			t.Errorf("%s: %d %v %q, want a 400 40001 syntax error", stmt, code, body["error_code"], msg)
		}
	}
}

// pull-queries-against-cst-materialized.json "select * against CST table",
// "select * against CST table and filter by key" and "select with projection
// table scan and key lookup": a source table is materialized, so pull
// queries scan it and look keys up.
func TestSourceTableAnswersPullQueries(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, sourceTableDDL, earliest())
	st.produce("test_topic", kv{intKey(1), []byte("a1")}, kv{intKey(2), []byte("a2")}, kv{intKey(3), []byte("a3")})
	const hdr = "`K` INTEGER KEY, `TEXT` STRING"
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM INPUT;")
		return len(rows) == 3
	}, "the source table to hold three rows")
	cases := []struct{ sql, rows string }{
		{"SELECT * FROM INPUT;", "[1 a1] [2 a2] [3 a3]"},
		{"SELECT * FROM INPUT WHERE K=2;", "[2 a2]"},
		{"SELECT K, TEXT FROM INPUT;", "[1 a1] [2 a2] [3 a3]"},
		{"SELECT K, TEXT FROM INPUT WHERE K=2;", "[2 a2]"},
	}
	for _, c := range cases {
		h, rows, _ := pullRows(t, url, c.sql)
		if h != hdr || strings.Join(rows, " ") != c.rows {
			t.Errorf("%s\n got %q %q\nwant %q %q", c.sql, h, strings.Join(rows, " "), hdr, c.rows)
		}
	}
}

// A source table runs a persistent query named CST_<TABLE>_<id>
// (QueryIdUtil.buildId) that SHOW QUERIES lists, with no sink; TERMINATE
// refuses it (ValidatedCommandFactory.createForTerminateQuery) and DROP TABLE
// ends it with the table (EngineContext.maybeTerminateCreateAsQuery).
func TestSourceTableQueryIsListedAndEndsOnlyWithItsTable(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	resp := mustKSQL(t, url, sourceTableDDL, nil)
	want := fmt.Sprintf("CST_INPUT_%v", resp[0]["commandSequenceNumber"])
	queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any)
	if len(queries) != 1 {
		t.Fatalf("SHOW QUERIES: %v, want one query", queries)
	}
	q := queries[0].(map[string]any)
	if q["id"] != want || q["queryType"] != "PERSISTENT" || fmt.Sprint(q["sinks"]) != "[]" || fmt.Sprint(q["sinkKafkaTopics"]) != "[]" {
		t.Errorf("SHOW QUERIES entry: %v, want id %s, PERSISTENT, no sinks", q, want)
	}
	if qs, _ := q["queryString"].(string); !strings.HasPrefix(qs, "CREATE SOURCE TABLE INPUT") {
		t.Errorf("query string %q, want the CREATE SOURCE TABLE statement", qs)
	}
	code, body := stmtErr(t, url, "TERMINATE "+want+";")
	wantMsg := "Cannot terminate query '" + want + "' because it is linked to a source table."
	if code != 400 || body["message"] != wantMsg {
		t.Errorf("TERMINATE %s: %d %q, want 400 %q", want, code, body["message"], wantMsg)
	}
	mustKSQL(t, url, "DROP TABLE INPUT;", nil)
	if queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(queries) != 0 {
		t.Errorf("after DROP TABLE: %v, want no queries", queries)
	}
}

// DESCRIBE shows a source's statement with the SOURCE keyword (ksqlDB's
// SqlFormatter writes it); the REST entities carry no other mark, and SHOW
// STREAMS / SHOW TABLES list sources as any stream or table.
func TestSourceStreamsAndTablesAreListedAndDescribed(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, sourceStreamDDL+"\n"+strings.Replace(sourceTableDDL, "INPUT", "INPUT_T", 1), nil)
	for _, c := range []struct{ name, prefix string }{{"INPUT", "CREATE SOURCE STREAM INPUT"}, {"INPUT_T", "CREATE SOURCE TABLE INPUT_T"}} {
		d := mustKSQL(t, url, "DESCRIBE "+c.name+";", nil)[0]["sourceDescription"].(map[string]any)
		if s, _ := d["statement"].(string); !strings.HasPrefix(s, c.prefix) {
			t.Errorf("DESCRIBE %s statement %q, want prefix %q", c.name, s, c.prefix)
		}
	}
	streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any)
	tables := mustKSQL(t, url, "SHOW TABLES;", nil)[0]["tables"].([]any)
	if len(streams) != 1 || streams[0].(map[string]any)["name"] != "INPUT" || len(tables) != 1 || tables[0].(map[string]any)["name"] != "INPUT_T" {
		t.Errorf("SHOW STREAMS %v, SHOW TABLES %v", streams, tables)
	}
}

// A source table's query is part of the command topic's state: after a
// restart the server runs it again under the same id and the table answers
// pull queries with the rows written while it was down (create-table.md
// "Source tables": the internal query runs until the table is dropped).
func TestSourceTableStaysMaterializedAcrossRestart(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	srv1, url1 := st.serve()
	resp := mustKSQL(t, url1, sourceTableDDL, earliest())
	id := fmt.Sprintf("CST_INPUT_%v", resp[0]["commandSequenceNumber"])
	if msg := resp[0]["commandStatus"].(map[string]any)["message"]; msg != "Created query with ID "+id {
		t.Errorf("CREATE SOURCE TABLE status message %q, want %q", msg, "Created query with ID "+id)
	}
	st.produce("test_topic", kv{intKey(1), []byte("a1")}, kv{intKey(2), []byte("a2")})
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url1, "SELECT * FROM INPUT;")
		return len(rows) == 2
	}, "the source table to hold two rows")
	if err := srv1.Close(); err != nil {
		t.Fatal(err)
	}
	st.produce("test_topic", kv{intKey(2), []byte("b2")}, kv{intKey(3), []byte("a3")})

	_, url2 := st.serve()
	queries := mustKSQL(t, url2, "SHOW QUERIES;", nil)[0]["queries"].([]any)
	if len(queries) != 1 || queries[0].(map[string]any)["id"] != id {
		t.Fatalf("SHOW QUERIES after restart: %v, want only %s", queries, id)
	}
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url2, "SELECT * FROM INPUT;")
		return strings.Join(rows, " ") == "[1 a1] [2 b2] [3 a3]"
	}, "the restarted source table to hold [1 a1] [2 b2] [3 a3]")
}
