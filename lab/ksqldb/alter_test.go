package ksqldb

import (
	"reflect"
	"testing"
)

// ALTER STREAM and ALTER TABLE, as ksqlDB 0.29 runs them (confluentinc/ksql
// v7.9.0): ksqldb-functional-tests/src/test/resources/sql-tests/query-upgrades/alter.sql
// for the cases and messages; ksqldb-engine/.../ddl/commands/AlterSourceFactory.java
// and DdlCommandExec.executeAlterSource for the rules (a missing source, the
// other kind, a CREATE ... AS target, a column that exists) and the reply
// ("Stream A altered."); KsqlStream.with / KsqlTable.with for the statement
// kept (the CREATE, a newline, then the ALTER as written);
// StructuredDataSource's constructor for a value column named as a key
// column; CommandIdAssigner.getAlterSourceCommandId for the command id.

// alter.sql "add columns to DDL stream" and "add columns to DDL table": a
// query created after the ALTER reads the added column.
func TestAlterAddsColumnsThatNewQueriesRead(t *testing.T) {
	for _, kind := range []string{"STREAM", "TABLE"} {
		t.Run(kind, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			key, noun := "KEY", "Stream"
			if kind == "TABLE" {
				key, noun = "PRIMARY KEY", "Table"
			}
			mustKSQL(t, url, "CREATE "+kind+" a (id INT "+key+", col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');", nil)
			ent := mustKSQL(t, url, "ALTER "+kind+" a ADD COLUMN col2 INT;", nil)[0]
			cs := ent["commandStatus"].(map[string]any)
			if ent["@type"] != "currentStatus" || cs["status"] != "SUCCESS" || cs["message"] != noun+" A altered." {
				t.Errorf("ALTER reply: %v", ent)
			}
			mustKSQL(t, url, `CREATE `+kind+` b AS SELECT * FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 1, 1);`, earliest())
			wantValues(t, replaceValues(t, st.consume("B", 1)), map[string]any{"COL1": 1.0, "COL2": 1.0})
		})
	}
}

// ADD COLUMN is optional and one ALTER may add several columns of any type
// (SqlBase.g4 alterOption); DESCRIBE lists them after the declared ones and
// shows the CREATE statement followed by the ALTER as it was written.
func TestAlterShowsAddedColumnsAndTheAlterStatementInDescribe(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR) WITH (kafka_topic='trains', PARTITIONS=1, value_format='JSON');", nil)
	alter := "ALTER STREAM trains ADD COLUMN delay DOUBLE, ADD cars ARRAY<STRUCT<n INT>>;"
	ent := mustKSQL(t, url, alter, nil)[0]
	if ent["commandId"] != "stream/TRAINS/alter" {
		t.Errorf("commandId %v", ent["commandId"])
	}
	sd := mustKSQL(t, url, "DESCRIBE trains;", nil)[0]["sourceDescription"].(map[string]any)
	var names, types []string
	for _, f := range sd["fields"].([]any) {
		fm := f.(map[string]any)
		names = append(names, fm["name"].(string))
		types = append(types, fm["schema"].(map[string]any)["type"].(string))
	}
	if !reflect.DeepEqual(names, []string{"ID", "LINE", "DELAY", "CARS"}) || !reflect.DeepEqual(types, []string{"INTEGER", "STRING", "DOUBLE", "ARRAY"}) {
		t.Errorf("fields %v %v", names, types)
	}
	want := "CREATE STREAM TRAINS (ID INTEGER KEY, LINE STRING) WITH (KAFKA_TOPIC='trains', KEY_FORMAT='KAFKA', PARTITIONS=1, VALUE_FORMAT='JSON');\n" + alter
	if sd["statement"] != want {
		t.Errorf("statement:\n%v\nwant\n%v", sd["statement"], want)
	}
}

// ALTER is refused with ksqlDB's messages, and a refused ALTER changes
// nothing: alter.sql "add columns to stream defined by CSAS", "... table
// defined by CTAS", "add an already existing column to a stream", "alter a
// nonexistent stream"; DdlCommandExec for the other kind; the data source
// constructor for a key column's name.
func TestAlterRefusalsUseKsqlDBsMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT, col2 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b AS SELECT id, col1 FROM a;
CREATE TABLE t (id INT PRIMARY KEY, col1 INT) WITH (kafka_topic='t', PARTITIONS=1, value_format='JSON');
CREATE TABLE u AS SELECT id, col1 FROM t;`, nil)
	mustKSQL(t, url, "TERMINATE "+queryWriting(t, url, "B")+";", nil)
	for stmt, want := range map[string]string{
		"ALTER STREAM b ADD COLUMN col2 INT;":     "ALTER command is not supported for CREATE ... AS statements.",
		"ALTER TABLE u ADD COLUMN col2 INT;":      "ALTER command is not supported for CREATE ... AS statements.",
		"ALTER STREAM a ADD COLUMN col1 INT;":     "Cannot add column `COL1` to schema. A column with the same name already exists.",
		"ALTER STREAM a ADD x INT, ADD x BIGINT;": "Cannot add column `X` to schema. A column with the same name already exists.",
		"ALTER STREAM nope ADD COLUMN col1 INT;":  "Source NOPE does not exist.",
		"ALTER TABLE a ADD COLUMN col3 INT;":      "Incompatible data source type is STREAM, but statement was ALTER TABLE",
		"ALTER STREAM t ADD COLUMN col3 INT;":     "Incompatible data source type is TABLE, but statement was ALTER STREAM",
		"ALTER STREAM a ADD COLUMN id INT;":       "Schema contains duplicate column names",
	} {
		code, e := stmtErr(t, url, stmt)
		if code != 400 || e["error_code"] != 40001.0 || e["message"] != want {
			t.Errorf("%s: %d %v\nwant %q", stmt, code, e, want)
		}
	}
	sd := mustKSQL(t, url, "DESCRIBE a;", nil)[0]["sourceDescription"].(map[string]any)
	if n := len(sd["fields"].([]any)); n != 3 {
		t.Errorf("A has %d fields after refused ALTERs, want 3", n)
	}
}

// A query running when the ALTER comes keeps the columns its SELECT *
// named (the plan it was built with), while a query created after it reads
// the new column (alter.sql's tests create their queries after the ALTER
// for this reason, confluentinc/ksql issue 6058).
func TestAlterLeavesRunningQueriesWithTheirColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM before AS SELECT * FROM a;`, earliest())
	mustKSQL(t, url, `ALTER STREAM a ADD COLUMN col2 INT;
CREATE STREAM after AS SELECT * FROM a;
INSERT INTO a (id, col1, col2) VALUES (1, 1, 2);`, earliest())
	wantValues(t, replaceValues(t, st.consume("BEFORE", 1)), map[string]any{"COL1": 1.0})
	wantValues(t, replaceValues(t, st.consume("AFTER", 1)), map[string]any{"COL1": 1.0, "COL2": 2.0})
	if got := explainedFields(t, url, queryWriting(t, url, "BEFORE")); !reflect.DeepEqual(got, []string{"ID", "COL1"}) {
		t.Errorf("EXPLAIN of the query writing BEFORE: fields %v", got)
	}
}

// The ALTER is a command of the command topic: a restarted server replays
// it, so the stream keeps its added column, its statement, and the queries
// created before and after it their columns.
func TestAlterSurvivesARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id INT KEY, col1 INT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM before AS SELECT * FROM a;
ALTER STREAM a ADD COLUMN col2 INT;
CREATE STREAM after AS SELECT * FROM a;`, earliest())
	stmt := mustKSQL(t, url, "DESCRIBE a;", nil)[0]["sourceDescription"].(map[string]any)["statement"]
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	sd := mustKSQL(t, url, "DESCRIBE a;", nil)[0]["sourceDescription"].(map[string]any)
	if sd["statement"] != stmt || len(sd["fields"].([]any)) != 3 {
		t.Errorf("after restart: statement %q fields %v", sd["statement"], sd["fields"])
	}
	mustKSQL(t, url, "INSERT INTO a (id, col1, col2) VALUES (1, 1, 2);", nil)
	wantValues(t, replaceValues(t, st.consume("BEFORE", 1)), map[string]any{"COL1": 1.0})
	wantValues(t, replaceValues(t, st.consume("AFTER", 1)), map[string]any{"COL1": 1.0, "COL2": 2.0})
}

// ALTERs this server does not build are refused as not supported, naming
// the case: ksqlDB accepts them (DdlCommandExec checks no format and no
// pseudo column name) and fails later, when a query reads the source.
func TestAlterUnbuiltCasesAreRefusedAsNotSupported(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM d (id INT KEY, col1 INT) WITH (kafka_topic='d', PARTITIONS=1, value_format='DELIMITED');
CREATE STREAM w (id INT KEY, col1 INT) WITH (kafka_topic='w', PARTITIONS=1, value_format='JSON', WRAP_SINGLE_VALUE=false);`, nil)
	for stmt, want := range map[string]string{
		"ALTER STREAM d ADD COLUMN rowtime BIGINT;":  "pseudo column name ROWTIME",
		"ALTER STREAM d ADD COLUMN s STRUCT<f INT>;": "the DELIMITED value format cannot hold",
		"ALTER STREAM w ADD COLUMN col2 INT;":        "WRAP_SINGLE_VALUE=false",
	} {
		code, e := stmtErr(t, url, stmt)
		msg, _ := e["message"].(string)
		if code != 400 || !contains(msg, want) || !contains(msg, "not supported") {
			t.Errorf("%s: %d %v\nwant a refusal naming %q", stmt, code, e, want)
		}
	}
}
