package ksqldb

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// CREATE OR REPLACE: in-place query upgrades and replaced declarations, as
// ksqlDB 0.29 runs them. The cases are upstream's query-upgrade tests
// (confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/sql-tests/query-upgrades/*.sql),
// run over the REST API; each spec names its file and test. Topics are
// declared with PARTITIONS=1 where upstream's test harness creates them.
// Full error texts follow MetaStoreImpl.putSource ("Cannot upgrade data
// source: "), StructuredDataSource.canUpgradeTo and checkSchemas.

// replaceValues decodes the JSON values of recs.
func replaceValues(t *testing.T, recs []kv) []map[string]any {
	t.Helper()
	out := make([]map[string]any, 0, len(recs))
	for _, r := range recs {
		var v map[string]any
		if err := json.Unmarshal(r.value, &v); err != nil {
			t.Fatalf("value %q: %v", r.value, err)
		}
		out = append(out, v)
	}
	return out
}

func wantValues(t *testing.T, got []map[string]any, want ...map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("values %v\nwant %v", got, want)
	}
}

// projections.sql "add columns to stream": the upgrade keeps the query id
// and the records after it carry the new column; the record before it does
// not.
func TestReplaceStreamQueryAddsColumnsUnderTheSameQueryID(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);`, earliest())
	st.consume("B", 1)
	before := queryWriting(t, url, "B")
	mustKSQL(t, url, "CREATE OR REPLACE STREAM b AS SELECT id, col1, col2 FROM a;", nil)
	if after := queryWriting(t, url, "B"); after != before {
		t.Fatalf("query writing B after the upgrade is %s, want %s", after, before)
	}
	mustKSQL(t, url, "INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"COL1": 1.0},
		map[string]any{"COL1": 1.0, "COL2": 1.0})
}

// projections.sql "add columns to stream via some computation".
func TestReplaceStreamQueryAddsAComputedColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;
INSERT INTO a (id, col1) VALUES (1, 1);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, "CREATE OR REPLACE STREAM b AS SELECT id, col1, col1 + 1 AS plus_one FROM a;", nil)
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (1, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"COL1": 1.0},
		map[string]any{"COL1": 1.0, "PLUS_ONE": 2.0})
}

// filters.sql "add filter to basic STREAM without filter": the new filter
// holds back the records after the upgrade that fail it.
func TestReplaceStreamQueryAddsAFilter(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT * FROM a;
INSERT INTO a (id, col1) VALUES (1, 0);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, "CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;", nil)
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (1, 0);\nINSERT INTO a (id, col1) VALUES (1, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"COL1": 0.0},
		map[string]any{"COL1": 1.0})
}

// filters.sql "add filter to PartitionBy": an upgrade that keeps the
// PARTITION BY key.
func TestReplacePartitionedStreamQueryAddsAFilter(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT * FROM a PARTITION BY col1;
INSERT INTO a (id, col1) VALUES (0, 0);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, "CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0 PARTITION BY col1;", nil)
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (0, 0);\nINSERT INTO a (id, col1) VALUES (0, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"ID": 0.0},
		map[string]any{"ID": 0.0})
	if recs := st.consume("B", 2); string(recs[1].key) != "\x00\x00\x00\x01" {
		t.Fatalf("key after the upgrade %x, want COL1 = 1", recs[1].key)
	}
}

// projections.sql "add columns to table".
func TestReplaceTableQueryAddsColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE a (id INT PRIMARY KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE TABLE b AS SELECT id, col1 FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, "CREATE OR REPLACE TABLE b AS SELECT id, col1, col2 FROM a;", nil)
	mustKSQL(t, url, "INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"COL1": 1.0},
		map[string]any{"COL1": 1.0, "COL2": 1.0})
}

// projections.sql "add columns to DDL stream" and "add columns to DDL
// table": a declaration replaced with a value column added at the end; a
// query created afterwards reads the new column.
func TestReplaceDeclarationAddsAValueColumn(t *testing.T) {
	for _, kind := range []string{"STREAM", "TABLE"} {
		t.Run(kind, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			key := "KEY"
			if kind == "TABLE" {
				key = "PRIMARY KEY"
			}
			mustKSQL(t, url, `CREATE `+kind+` a (id INT `+key+`, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE OR REPLACE `+kind+` a (id INT `+key+`, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON');
CREATE `+kind+` b AS SELECT * FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);`, earliest())
			wantValues(t, replaceValues(t, st.consume("B", 1)), map[string]any{"COL1": 1.0, "COL2": 1.0})
		})
	}
}

// chained-upgrades.sql "ddl evolution": a query keeps the columns SELECT *
// named when it was created, across a replaced declaration of its source
// and an upgrade of the stream it reads, and across a restart.
func TestReplaceKeepsTheColumnsEarlierQueriesResolved(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT * FROM a;
INSERT INTO a (id, col1) VALUES (1, 1);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, `CREATE OR REPLACE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON');
INSERT INTO a (id, col1, col2) VALUES (1, 55, 1);`, nil)
	wantValues(t, replaceValues(t, st.consume("B", 2))[1:], map[string]any{"COL1": 55.0})
	mustKSQL(t, url, `CREATE STREAM c AS SELECT * FROM b;
CREATE OR REPLACE STREAM b AS SELECT id, col1, col1 + 1 as col1_add FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 20, 3);`, earliest())
	wantValues(t, replaceValues(t, st.consume("B", 3))[2:], map[string]any{"COL1": 20.0, "COL1_ADD": 21.0})
	// c reads b from the start: the record of the upgraded b too is read
	// with the columns c named
	wantValues(t, replaceValues(t, st.consume("C", 3))[2:], map[string]any{"COL1": 20.0})

	// after a restart b runs its upgraded statement and c the columns it
	// named, as EXPLAIN shows them
	srv.Close()
	_, url = st.serve()
	mustKSQL(t, url, "INSERT INTO a (id, col1, col2) VALUES (1, 7, 3);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 4))[3:], map[string]any{"COL1": 7.0, "COL1_ADD": 8.0})
	wantValues(t, replaceValues(t, st.consume("C", 4))[3:], map[string]any{"COL1": 7.0})
	for sink, want := range map[string][]string{"B": {"ID", "COL1", "COL1_ADD"}, "C": {"ID", "COL1"}} {
		if got := explainedFields(t, url, queryWriting(t, url, sink)); !reflect.DeepEqual(got, want) {
			t.Errorf("EXPLAIN of the query writing %s: fields %v, want %v", sink, got, want)
		}
	}
}

func explainedFields(t *testing.T, url, id string) []string {
	t.Helper()
	var names []string
	d := mustKSQL(t, url, "EXPLAIN "+id+";", nil)[0]["queryDescription"].(map[string]any)
	for _, f := range d["fields"].([]any) {
		names = append(names, f.(map[string]any)["name"].(string))
	}
	return names
}

// CREATE OR REPLACE of a name that does not exist creates it
// (EngineExecutor.maybeCreateSinkDdl, CreateSourceFactory: OR REPLACE only
// lifts the "already exists" refusal).
func TestReplaceOfAnUnknownNameCreatesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE OR REPLACE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE OR REPLACE STREAM b AS SELECT * FROM a;
INSERT INTO a (id, col1) VALUES (1, 1);`, earliest())
	if id := queryWriting(t, url, "B"); !strings.HasPrefix(id, "CSAS_B_") {
		t.Fatalf("query id %s, want CSAS_B_<n>", id)
	}
	wantValues(t, replaceValues(t, st.consume("B", 1)), map[string]any{"COL1": 1.0})
}

// The refused upgrades: each statement after setup is refused with
// ksqlDB's message (a 40001 statement error), and the query it tried to
// upgrade keeps running.
func TestReplaceRefusesIncompatibleUpgradesWithKsqlDBsMessage(t *testing.T) {
	const (
		streamA = "CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\n"
		tableA  = "CREATE TABLE a (id INT PRIMARY KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\n"
	)
	three := "`ID` INTEGER KEY, `COL1` INTEGER, `COL2` INTEGER"
	cases := []struct {
		name, setup, stmt string
		want              string // whole message
		suffix            string // or its end, where the schemas are long
	}{
		{name: "projections.sql/add columns to DML stream in middle",
			setup: streamA + "CREATE STREAM b AS SELECT id, col1, col2 FROM a;",
			stmt:  "CREATE OR REPLACE STREAM b AS SELECT id, col2, col1 FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL2` INTEGER, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`COL1` INTEGER, `COL2` INTEGER])"},
		{name: "projections.sql/remove column from DDL stream",
			setup: streamA,
			stmt:  "CREATE OR REPLACE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', value_format='JSON');",
			want:  "Cannot upgrade data source: DataSource 'A' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "projections.sql/remove column from DML stream",
			setup: streamA + "CREATE STREAM b AS SELECT id, col1, col2 FROM a;",
			stmt:  "CREATE OR REPLACE STREAM b AS SELECT id, col1 FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "projections.sql/change column type in DML stream",
			setup: streamA + "CREATE STREAM b AS SELECT id, col1, col2 FROM a;",
			stmt:  "CREATE OR REPLACE STREAM b AS SELECT id, col1, CAST(col2 AS STRING) AS col2 FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER, `COL2` STRING. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "projections.sql/change column name in DML stream",
			setup: streamA + "CREATE STREAM b AS SELECT id, col1, col2 FROM a;",
			stmt:  "CREATE OR REPLACE STREAM b AS SELECT id, col1, col2 AS col3 FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER, `COL3` INTEGER. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "projections.sql/remove column from DML stream with select *",
			setup: streamA + "CREATE STREAM b AS SELECT id, col1, col2, col1 + 1 AS plus_one FROM a;",
			stmt:  "CREATE OR REPLACE STREAM b AS SELECT * FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + ", `PLUS_ONE` INTEGER which is not upgradeable to " + three + ". (The following columns are changed, missing or reordered: [`PLUS_ONE` INTEGER])"},
		{name: "projections.sql/remove column from DDL table",
			setup: tableA,
			stmt:  "CREATE OR REPLACE TABLE a (id INT PRIMARY KEY, col1 INT) WITH (kafka_topic='a', value_format='JSON');",
			want:  "Cannot upgrade data source: DataSource 'A' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "projections.sql/remove column from DML table",
			setup: tableA + "CREATE TABLE b AS SELECT id, col1, col2 FROM a;",
			stmt:  "CREATE OR REPLACE TABLE b AS SELECT id, col1 FROM a;",
			want:  "Cannot upgrade data source: DataSource 'B' has schema = " + three + " which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`COL2` INTEGER])"},
		{name: "prohibited-upgrades.sql/PARTITION BY - change key column",
			setup:  streamA + "CREATE STREAM b AS SELECT * FROM a PARTITION BY col1;",
			stmt:   "CREATE OR REPLACE STREAM b AS SELECT * FROM a PARTITION BY col2;",
			suffix: ". (Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY])"},
		{name: "prohibited-upgrades.sql/PARTITION BY - add one where didn't previously exist",
			setup:  "CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\nCREATE STREAM b AS SELECT * FROM a;",
			stmt:   "CREATE OR REPLACE STREAM b AS SELECT * FROM a PARTITION BY col1;",
			suffix: ". (Key columns must be identical. The following key columns are changed, missing or reordered: [`ID` INTEGER KEY])"},
		{name: "prohibited-upgrades.sql/GROUP BY - change grouping columns",
			setup:  streamA + "CREATE TABLE b AS SELECT col1, COUNT(*) FROM a GROUP BY col1;",
			stmt:   "CREATE OR REPLACE TABLE b AS SELECT col2, COUNT(*) FROM a GROUP BY col2;",
			suffix: ". (Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY])"},
		{name: "prohibited-upgrades.sql/GROUP BY - change grouping column ordering",
			setup:  "CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, format='JSON');\nCREATE TABLE b AS SELECT col1, col2, COUNT(*) FROM a GROUP BY col1, col2;",
			stmt:   "CREATE OR REPLACE TABLE b AS SELECT col1, col2, COUNT(*) FROM a GROUP BY col2, col1;",
			suffix: ". (Key columns must be identical. The following key columns are changed, missing or reordered: [`COL1` INTEGER KEY, `COL2` INTEGER KEY])"},
		{name: "filters.sql/add filter to StreamTableJoin",
			setup: "CREATE STREAM s (id INT KEY, foo INT) WITH (kafka_topic='s', PARTITIONS=1, value_format='JSON');\nCREATE TABLE t (id INT PRIMARY KEY, bar INT) WITH (kafka_topic='t', PARTITIONS=1, value_format='JSON');\n" +
				"CREATE STREAM j AS SELECT s.id, s.foo, t.bar FROM s JOIN t ON s.id = t.id;",
			stmt: "CREATE OR REPLACE STREAM j AS SELECT s.id, s.foo, t.bar FROM s JOIN t ON s.id = t.id WHERE s.foo > 0;",
			want: "Upgrades not yet supported for StreamTableJoin"},
		{name: "filters.sql/add filter to windowed aggregation",
			setup: "CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\nCREATE TABLE b AS SELECT id, COUNT(*)\n  FROM a WINDOW TUMBLING (SIZE 30 SECONDS)\n  GROUP BY id;",
			stmt:  "CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*)\n  FROM a WINDOW TUMBLING (SIZE 30 SECONDS)\n  WHERE col1 > 0\n  GROUP BY id;",
			want:  "Upgrades not yet supported for StreamWindowedAggregate"},
		// not an upstream test: TableAggregate implements no upgrade
		// (ExecutionStep.type's default)
		{name: "ExecutionStep.java/add filter to table aggregation",
			setup: tableA + "CREATE TABLE b AS SELECT col1, COUNT(*) AS n FROM a GROUP BY col1;",
			stmt:  "CREATE OR REPLACE TABLE b AS SELECT col1, COUNT(*) AS n FROM a WHERE col2 > 0 GROUP BY col1;",
			want:  "Upgrades not yet supported for TableAggregate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.setup, nil)
			code, e := stmtErr(t, url, c.stmt)
			msg, _ := e["message"].(string)
			if code != 400 || e["error_code"] != 40001.0 {
				t.Fatalf("%d %v %q, want 400 40001", code, e["error_code"], msg)
			}
			if c.want != "" && msg != c.want {
				t.Fatalf("message %q\nwant    %q", msg, c.want)
			}
			if c.suffix != "" && (!strings.HasPrefix(msg, "Cannot upgrade data source: DataSource 'B' has schema = ") || !strings.HasSuffix(msg, c.suffix)) {
				t.Fatalf("message %q\nwant Cannot upgrade data source: ...%q", msg, c.suffix)
			}
		})
	}
}

// QueryIdUtil.buildId: a sink written by more than one query cannot be
// replaced.
func TestReplaceRefusesASinkWithSeveralWriters(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT * FROM a;
INSERT INTO b SELECT * FROM a;`, nil)
	ids := []string{queryWriting(t, url, "B")}
	for _, q := range mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any) {
		if id := q.(map[string]any)["id"].(string); strings.HasPrefix(id, "INSERTQUERY_") {
			ids = append(ids, id)
		}
	}
	code, e := stmtErr(t, url, "CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;")
	want := "REPLACE for sink B is not supported because there are multiple queries writing into it: [" + strings.Join(ids, ", ") + "]"
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], want)
	}
}

// KsqlConfig ksql.create.or.replace.enabled (default true) is read by
// QueryIdUtil.buildId: turned off, upgrading a query is refused as if the
// name were taken; replacing a declaration does not consult it
// (DdlCommandExec).
func TestReplaceDisabledRefusesQueryUpgradesOnly(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	off := map[string]any{"ksql.create.or.replace.enabled": "false"}
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT * FROM a;`, nil)
	mustKSQL(t, url, "CREATE OR REPLACE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON');", off)
	code, body := post(t, url, "/ksql", "CREATE OR REPLACE STREAM b AS SELECT * FROM a WHERE col1 > 0;", off)
	var e map[string]any
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("%d %s", code, body)
	}
	if want := "Cannot add stream 'B': A stream with the same name already exists"; code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], want)
	}
}

// filters.sql "change filter in StreamAggregate (StreamGroupByKey)": the
// upgraded aggregate continues from its state; a record the new filter
// drops is not counted.
func TestReplaceAggregateQueryChangesItsFilterAndKeepsItsCounts(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM foo (id INT KEY, col1 INT) WITH (kafka_topic='foo', PARTITIONS=1, value_format='JSON');
CREATE TABLE bar AS SELECT id, COUNT(*) as count FROM foo WHERE col1 >= 0 GROUP BY id;
INSERT INTO foo (id, col1) VALUES (1, 0);
INSERT INTO foo (id, col1) VALUES (2, 0);`, earliest())
	st.consume("BAR", 2)
	mustKSQL(t, url, "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(*) as count FROM foo WHERE col1 > 0 GROUP BY id;", nil)
	mustKSQL(t, url, "INSERT INTO foo (id, col1) VALUES (1, 0);\nINSERT INTO foo (id, col1) VALUES (2, 1);", nil)
	recs := st.consume("BAR", 3)
	if string(recs[2].key) != "\x00\x00\x00\x02" {
		t.Fatalf("third record's key %x, want ID 2", recs[2].key)
	}
	wantValues(t, replaceValues(t, recs[2:]), map[string]any{"COUNT": 2.0})
}

// projections.sql "add aggregate columns to value": a column that needs
// no new input column is added to an aggregate's result.
func TestReplaceAggregateQueryAddsAValueColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE TABLE b AS SELECT id, COUNT(*) AS cnt FROM a GROUP BY id;
INSERT INTO a (id, col1) VALUES (1, 1);`, earliest())
	st.consume("B", 1)
	mustKSQL(t, url, "CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS cnt, AS_VALUE(id) AS id_val FROM a GROUP BY id;", nil)
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (1, 1);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"CNT": 1.0},
		map[string]any{"CNT": 2.0, "ID_VAL": 1.0})
}

// filters.sql: an aggregate's upgrade must keep the columns it reads
// (StreamAggregate's "columns not part of aggregate": the columns of the
// SELECT, WHERE, GROUP BY and HAVING in that order, COUNT(*) reading
// ROWTIME).
func TestReplaceAggregateQueryRefusesChangedInputColumns(t *testing.T) {
	cases := []upgradeRefusal{
		{name: "filters.sql/remove filter in StreamAggregate where columns are not already in input schema",
			before: "CREATE TABLE bar AS SELECT id, COUNT(*) as count FROM foo WHERE col1 > 0 GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(*) as count FROM foo GROUP BY id;",
			want:   "Query is not upgradeable. Plan step of type StreamAggregate must have matching columns not part of aggregate. Values differ: [`ID`, `ROWTIME`, `COL1`] vs. [`ID`, `ROWTIME`]"},
		{name: "filters.sql/add filter in StreamAggregate where columns are not in input schema",
			before: "CREATE TABLE bar AS SELECT id, COUNT(*) as count FROM foo GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(col1) as count FROM foo WHERE col1 > 0 GROUP BY id;",
			want:   "Query is not upgradeable. Plan step of type StreamAggregate must have matching columns not part of aggregate. Values differ: [`ID`, `ROWTIME`] vs. [`ID`, `COL1`]"},
	}
	runUpgradeRefusals(t, cases)
}

// A replaced declaration keeps the topic, its formats and the TIMESTAMP
// column (StructuredDataSource.canUpgradeTo's topic and timestampColumn
// properties, confluentinc/ksql v7.9.0 ksqldb-metastore .../model/
// StructuredDataSource.java; StructuredDataSourceTest shouldEnforceSameTopic
// and shouldEnforceSameTimestampColumn): the refusal prints both sides as
// KsqlTopic.toString and Optional<TimestampColumn>.toString do (KeyFormat,
// ValueFormat, FormatInfo, WindowInfo), with a single JSON key written
// UNWRAP_SINGLES (SerdeFeaturesFactory.getKeyWrapping), and joins several
// issues, the schema's last, with "\n\tAND ".
func TestReplaceDeclarationRefusesAChangedTopicFormatOrTimestamp(t *testing.T) {
	const streamA = "CREATE STREAM a (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\n"
	topic := func(name, key, keyFeatures, value string) string {
		return "KsqlTopic{kafkaTopicName='" + name + "', keyFormat=KeyFormat{format=FormatInfo{format=" + key + ", properties={}}, features=[" + keyFeatures +
			"], window=Optional.empty}, valueFormat=ValueFormat{format=FormatInfo{format=" + value + ", properties={}}, features=[]}}"
	}
	cases := []struct{ name, setup, stmt, want string }{
		{"another topic", streamA,
			"CREATE OR REPLACE STREAM a (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a2', PARTITIONS=1, value_format='JSON');",
			"Cannot upgrade data source: DataSource 'A' has topic = " + topic("a", "KAFKA", "", "JSON") + " which is not upgradeable to " + topic("a2", "KAFKA", "", "JSON")},
		{"another key format", streamA,
			"CREATE OR REPLACE STREAM a (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a', key_format='JSON', value_format='JSON');",
			"Cannot upgrade data source: DataSource 'A' has topic = " + topic("a", "KAFKA", "", "JSON") + " which is not upgradeable to " + topic("a", "JSON", "UNWRAP_SINGLES", "JSON")},
		{"a TIMESTAMP column added", streamA,
			"CREATE OR REPLACE STREAM a (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a', value_format='JSON', timestamp='ts');",
			"Cannot upgrade data source: DataSource 'A' has timestampColumn = Optional.empty which is not upgradeable to Optional[TimestampColumn{column=`TS`, format=Optional.empty}]"},
		{"another topic and a column removed", streamA,
			"CREATE OR REPLACE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a2', PARTITIONS=1, value_format='JSON');",
			"Cannot upgrade data source: DataSource 'A' has topic = " + topic("a", "KAFKA", "", "JSON") + " which is not upgradeable to " + topic("a2", "KAFKA", "", "JSON") +
				"\n\tAND DataSource 'A' has schema = `ID` INTEGER KEY, `COL1` INTEGER, `TS` BIGINT which is not upgradeable to `ID` INTEGER KEY, `COL1` INTEGER. (The following columns are changed, missing or reordered: [`TS` BIGINT])"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.setup, nil)
			code, e := stmtErr(t, url, c.stmt)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
				t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], c.want)
			}
			desc := mustKSQL(t, url, "DESCRIBE a;", nil)[0]["sourceDescription"].(map[string]any)
			if desc["topic"] != "a" || desc["timestamp"] != "" {
				t.Fatalf("after the refusal a reads topic %v with timestamp %q, want a and none", desc["topic"], desc["timestamp"])
			}
		})
	}
}

// A query upgraded to read another stream passes the StreamSource step's
// check (confluentinc/ksql v7.9.0 ksqldb-execution .../plan/
// StreamSource.java MUST_MATCH: its query context, topic name, formats and
// TIMESTAMP column, not the source's name or columns), reached through the
// passive select and filter steps as ExecutionStep.validateUpgrade walks
// both plans: the old plan's step is compared with the new one's, unless
// only the old plan filters, when the sides swap. No upstream query-upgrade
// test reads another source.
func TestReplaceStreamQueryReadingAnotherSourceMustKeepItsTopicAndTimestamp(t *testing.T) {
	const (
		streamA = "CREATE STREAM a (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\n"
		streamC = "CREATE STREAM c (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='c', PARTITIONS=1, value_format='JSON');\n"
	)
	cases := []struct{ name, setup, stmt, want string }{
		{"another topic", streamA + streamC + "CREATE STREAM b AS SELECT * FROM a;",
			"CREATE OR REPLACE STREAM b AS SELECT * FROM c WHERE col1 > 0;",
			"Query is not upgradeable. Plan step of type StreamSource must have matching topicName. Values differ: a vs. c"},
		{"another topic, the filter removed", streamA + streamC + "CREATE STREAM b AS SELECT * FROM a WHERE col1 > 0;",
			"CREATE OR REPLACE STREAM b AS SELECT * FROM c;",
			"Query is not upgradeable. Plan step of type StreamSource must have matching topicName. Values differ: c vs. a"},
		{"the same topic with a TIMESTAMP column", streamA +
			"CREATE STREAM a2 (id INT KEY, col1 INT, ts BIGINT) WITH (kafka_topic='a', value_format='JSON', timestamp='ts');\nCREATE STREAM b AS SELECT * FROM a;",
			"CREATE OR REPLACE STREAM b AS SELECT * FROM a2;",
			"Query is not upgradeable. Plan step of type StreamSource must have matching timestampColumn. Values differ: Optional.empty vs. Optional[TimestampColumn{column=`TS`, format=Optional.empty}]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.setup, nil)
			code, e := stmtErr(t, url, c.stmt)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
				t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], c.want)
			}
		})
	}
}

// The same check passes for another stream declared on the same topic in
// the same formats: the query keeps its id and goes on from its committed
// offset with the new statement (QueryRegistryImpl.registerPersistentQuery
// stops the old query without resetting its offsets).
func TestReplaceStreamQueryReadsAnotherStreamOfTheSameTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM a2 (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;
INSERT INTO a (id, col1) VALUES (1, 0);`, earliest())
	st.consume("B", 1)
	before := queryWriting(t, url, "B")
	mustKSQL(t, url, "CREATE OR REPLACE STREAM b AS SELECT id, col1, col2 FROM a2 WHERE col1 > 0;", nil)
	if after := queryWriting(t, url, "B"); after != before {
		t.Fatalf("query writing B after the upgrade is %s, want %s", after, before)
	}
	mustKSQL(t, url, "INSERT INTO a2 (id, col1, col2) VALUES (1, 0, 5);\nINSERT INTO a2 (id, col1, col2) VALUES (1, 1, 6);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 2)),
		map[string]any{"COL1": 0.0},
		map[string]any{"COL1": 1.0, "COL2": 6.0})
}

// CREATE OR REPLACE ... AS SELECT of a declared stream that no query
// writes starts a new query (confluentinc/ksql v7.9.0 QueryIdUtil.buildId:
// no query has the sink, so a new CSAS_ id) whose sink replaces the
// declaration when canUpgradeTo allows it (EngineExecutor.maybeCreateSinkDdl
// passes OR REPLACE on to MetaStoreImpl.putSource); the sink topic is the
// statement's, by default the name (Analyzer), and the stream becomes a
// CREATE ... AS SELECT sink (DdlCommandExec: withQuery), so ALTER refuses
// it. No upstream query-upgrade test replaces a declaration this way.
func TestReplaceDeclaredStreamWithAQueryStartsANewQuery(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM c (id INT KEY, col1 INT) WITH (kafka_topic='C', PARTITIONS=1, value_format='JSON');
CREATE OR REPLACE STREAM c AS SELECT * FROM a WHERE col1 > 0;
INSERT INTO a (id, col1) VALUES (1, 0);
INSERT INTO a (id, col1) VALUES (1, 2);`, earliest())
	if id := queryWriting(t, url, "C"); !strings.HasPrefix(id, "CSAS_C_") {
		t.Fatalf("query writing C is %q, want a new CSAS_C_<n>", id)
	}
	wantValues(t, replaceValues(t, st.consume("C", 1)), map[string]any{"COL1": 2.0})
	code, e := stmtErr(t, url, "ALTER STREAM c ADD COLUMN col2 INT;")
	if want := "ALTER command is not supported for CREATE ... AS statements."; code != 400 || e["message"] != want {
		t.Fatalf("ALTER after the replace: %d %v, want 400 %q", code, e["message"], want)
	}
	// a restart replays the declaration, then the query
	srv.Close()
	_, url = st.serve()
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (1, 3);", nil)
	wantValues(t, replaceValues(t, st.consume("C", 2))[1:], map[string]any{"COL1": 3.0})
}

// A source stream stays read-only: no query may write it
// (EngineExecutor.execute).
func TestReplaceSourceStreamWithAQueryIsRefusedAsReadOnly(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE SOURCE STREAM c (id INT KEY, col1 INT) WITH (kafka_topic='C', PARTITIONS=1, value_format='JSON');`, nil)
	code, e := stmtErr(t, url, "CREATE OR REPLACE STREAM c AS SELECT * FROM a;")
	if want := "Cannot insert into read-only stream: C"; code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], want)
	}
}

// The sink of such a query is checked as any replaced source: a
// declaration on another topic than the query's default one is refused
// with canUpgradeTo's message.
func TestReplaceDeclaredStreamWithAQueryRefusesAnotherTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM c (id INT KEY, col1 INT) WITH (kafka_topic='c', PARTITIONS=1, value_format='JSON');`, nil)
	code, e := stmtErr(t, url, "CREATE OR REPLACE STREAM c AS SELECT * FROM a;")
	topic := func(name string) string {
		return "KsqlTopic{kafkaTopicName='" + name + "', keyFormat=KeyFormat{format=FormatInfo{format=KAFKA, properties={}}, features=[], window=Optional.empty}, valueFormat=ValueFormat{format=FormatInfo{format=JSON, properties={}}, features=[]}}"
	}
	want := "Cannot upgrade data source: DataSource 'C' has topic = " + topic("c") + " which is not upgradeable to " + topic("C")
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], want)
	}
	if queries := mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any); len(queries) != 0 {
		t.Fatalf("queries after the refusal: %v, want none", queries)
	}
}

// A declaration may replace the sink of a CREATE ... AS SELECT when
// canUpgradeTo allows it: CreateSourceFactory and DdlCommandExec check no
// query (confluentinc/ksql v7.9.0), MetaStoreImpl.putSource keeps the
// source's links, and the stream is no longer a CREATE ... AS SELECT sink
// (DdlCommandExec: withQuery is false), so ALTER accepts it. The query
// goes on writing the columns of its own plan, across a restart too; a
// query created afterwards reads the declared columns. No upstream
// query-upgrade test declares over a query's sink.
func TestReplaceDeclarationOfAQuerySinkKeepsTheQueryWriting(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;
INSERT INTO a (id, col1) VALUES (1, 1);`, earliest())
	st.consume("B", 1)
	before := queryWriting(t, url, "B")
	mustKSQL(t, url, `CREATE OR REPLACE STREAM b (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='B', value_format='JSON');
CREATE STREAM d AS SELECT * FROM b;
INSERT INTO a (id, col1) VALUES (1, 2);`, earliest())
	if after := queryWriting(t, url, "B"); after != before {
		t.Fatalf("query writing B after the declaration is %s, want %s", after, before)
	}
	wantValues(t, replaceValues(t, st.consume("B", 2))[1:], map[string]any{"COL1": 2.0})
	wantValues(t, replaceValues(t, st.consume("D", 2)),
		map[string]any{"COL1": 1.0, "COL2": nil},
		map[string]any{"COL1": 2.0, "COL2": nil})
	mustKSQL(t, url, "ALTER STREAM b ADD COLUMN col3 INT;", nil)

	srv.Close()
	_, url = st.serve()
	mustKSQL(t, url, "INSERT INTO a (id, col1) VALUES (1, 3);", nil)
	wantValues(t, replaceValues(t, st.consume("B", 3))[2:], map[string]any{"COL1": 3.0})
}

// Declaring a query's sink on a topic other than the one the query writes
// (by default the sink's name, upper case) is refused by canUpgradeTo.
func TestReplaceDeclarationOfAQuerySinkRefusesAnotherTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;`, nil)
	code, e := stmtErr(t, url, "CREATE OR REPLACE STREAM b (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='b', PARTITIONS=1, value_format='JSON');")
	topic := func(name string) string {
		return "KsqlTopic{kafkaTopicName='" + name + "', keyFormat=KeyFormat{format=FormatInfo{format=KAFKA, properties={}}, features=[], window=Optional.empty}, valueFormat=ValueFormat{format=FormatInfo{format=JSON, properties={}}, features=[]}}"
	}
	want := "Cannot upgrade data source: DataSource 'B' has topic = " + topic("B") + " which is not upgradeable to " + topic("b")
	if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
		t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], want)
	}
}

// StreamAggregate's MUST_MATCH ends with its aggregate functions
// (confluentinc/ksql v7.9.0 ksqldb-execution .../plan/StreamAggregate.java),
// printed as the plan holds them: an argument that is a column by its
// name, COUNT(*) as COUNT(ROWTIME), any other argument as the
// KSQL_INTERNAL_COL_<n> Aggregate.Prepare selects it as (AggregateNode);
// every call of the SELECT and HAVING clauses, repeats included. HAVING
// is a passive TableFilter step above the aggregate
// (ExecutionStep.validateUpgrade): without it in the old plan the new
// plan's filter meets the StreamAggregate and their classes differ; with it
// only in the old plan the new aggregate is compared with the old one.
func TestReplaceAggregateQueryRefusesChangedAggregateFunctions(t *testing.T) {
	const prefix = "Query is not upgradeable. Plan step of type StreamAggregate must have matching "
	cases := []upgradeRefusal{
		{name: "an aggregate column added",
			before: "CREATE TABLE bar AS SELECT id, COUNT(col1) AS n FROM foo GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(col1) AS n, MAX(col1) AS m FROM foo GROUP BY id;",
			want:   prefix + "aggregate functions. Values differ: [COUNT(COL1)] vs. [COUNT(COL1), MAX(COL1)]"},
		{name: "another function",
			before: "CREATE TABLE bar AS SELECT id, MAX(col1) AS m FROM foo GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, MIN(col1) AS m FROM foo GROUP BY id;",
			want:   prefix + "aggregate functions. Values differ: [MAX(COL1)] vs. [MIN(COL1)]"},
		{name: "an argument computed",
			before: "CREATE TABLE bar AS SELECT id, SUM(col1) AS s FROM foo GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, SUM(col1 * 2) AS s FROM foo GROUP BY id;",
			want:   prefix + "aggregate functions. Values differ: [SUM(COL1)] vs. [SUM(KSQL_INTERNAL_COL_2)]"},
		{name: "a HAVING added",
			before: "CREATE TABLE bar AS SELECT id, COUNT(col1) AS n FROM foo GROUP BY id;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(col1) AS n FROM foo GROUP BY id HAVING COUNT(col1) > 1;",
			want:   prefix + "class. Values differ: class io.confluent.ksql.execution.plan.StreamAggregate vs. class io.confluent.ksql.execution.plan.TableFilter"},
		{name: "the HAVING removed",
			before: "CREATE TABLE bar AS SELECT id, COUNT(col1) AS n FROM foo GROUP BY id HAVING COUNT(col1) > 1;",
			after:  "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT(col1) AS n FROM foo GROUP BY id;",
			want:   prefix + "aggregate functions. Values differ: [COUNT(COL1)] vs. [COUNT(COL1), COUNT(COL1)]"},
	}
	runUpgradeRefusals(t, cases)
}

// Upgrades this server does not build are refused as not supported,
// naming the case, and leave the stream and its query as they were.
func TestReplaceUnbuiltCasesAreRefusedAsNotSupported(t *testing.T) {
	const streamA = "CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');\n"
	cases := []struct{ name, setup, stmt, want string }{
		{"a query onto a stream only INSERT INTO writes", streamA + "CREATE STREAM c (id INT KEY, col1 INT) WITH (kafka_topic='c', PARTITIONS=1, value_format='JSON');\nINSERT INTO c SELECT * FROM a;",
			"CREATE OR REPLACE STREAM c AS SELECT * FROM a;",
			"CREATE OR REPLACE ... AS SELECT of a stream only INSERT INTO writes is not supported by this ksqlDB server"},
		{"an aggregate reading another source", streamA + "CREATE STREAM c (id INT KEY, col1 INT) WITH (kafka_topic='c', PARTITIONS=1, value_format='JSON');\nCREATE TABLE b AS SELECT id, COUNT(*) AS n FROM a GROUP BY id;",
			"CREATE OR REPLACE TABLE b AS SELECT id, COUNT(*) AS n FROM c GROUP BY id;",
			"CREATE OR REPLACE ... AS SELECT of an aggregate that reads another source is not supported by this ksqlDB server"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.setup, nil)
			code, e := stmtErr(t, url, c.stmt)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
				t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], c.want)
			}
		})
	}
}

// AggregateAnalyzer.visitFunctionCall gives an aggregate without arguments
// ROWTIME as its argument: COUNT(*) and COUNT() are the same call, so an
// upgrade from one to the other is allowed.
func TestReplaceAggregateQueryTreatsCountStarAndCountAsOneCall(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM foo (id INT KEY, col1 INT) WITH (kafka_topic='foo', PARTITIONS=1, value_format='JSON');
CREATE TABLE bar AS SELECT id, COUNT(*) AS n FROM foo GROUP BY id;`, nil)
	mustKSQL(t, url, "CREATE OR REPLACE TABLE bar AS SELECT id, COUNT() AS n FROM foo GROUP BY id;", nil)
}

// upgradeRefusal is a CREATE OR REPLACE (after) that ksqlDB refuses with
// want once the statements before have run over stream FOO.
type upgradeRefusal struct{ name, before, after, want string }

// runUpgradeRefusals runs each case on a stack of its own.
func runUpgradeRefusals(t *testing.T, cases []upgradeRefusal) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, "CREATE STREAM foo (id INT KEY, col1 INT) WITH (kafka_topic='foo', PARTITIONS=1, value_format='JSON');\n"+c.before, nil)
			code, e := stmtErr(t, url, c.after)
			if code != 400 || e["error_code"] != 40001.0 || e["message"] != c.want {
				t.Fatalf("%d %v %v\nwant 400 40001 %q", code, e["error_code"], e["message"], c.want)
			}
		})
	}
}
