package ksqldb

import "testing"

// A source named with other letter cases than the statement's is pointed
// out, as MetaStoreImpl.checkAlternatives does (confluentinc/ksql v7.9.0)
// wherever ksqlDB looks a source up by name: FROM (DataSourceExtractor,
// whose error EngineContext.prepare wraps as "Exception while preparing
// statement: ..."), DESCRIBE (ListSourceExecutor), DROP (DropSourceFactory,
// same kind only),
// INSERT INTO ... VALUES (InsertValuesExecutor, which prints the name
// quoted, as SourceName.toString does). One match gets "Did you mean
// "x"? Hint: wrap the source name in double quotes ..." when it has a
// lower-case letter, "Did you mean X? Hint: try removing double quotes
// ..." otherwise; several are listed with their kinds, sorted.
// query-validation-tests insert-values.json "insert into source name
// with quotes", "... without quotes".
func TestASourceNamedInAnotherCaseIsPointedOut(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM "input" (K INT KEY, v INT) WITH (kafka_topic='lower', partitions=1, value_format='JSON');
CREATE STREAM INPUT2 (K INT KEY, v INT) WITH (kafka_topic='upper', partitions=1, value_format='JSON');
CREATE TABLE "Input2" (K INT PRIMARY KEY, v INT) WITH (kafka_topic='mixed', partitions=1, value_format='JSON');`, nil)
	const lowerHint = "\nDid you mean \"input\"? Hint: wrap the source name in double quotes to make it case-sensitive."
	for _, c := range []struct{ stmt, want string }{
		{"INSERT INTO input (K, v) VALUES (1, 1);", "Cannot insert values into an unknown stream/table: `INPUT`" + lowerHint},
		{`INSERT INTO "input2" (K, v) VALUES (1, 1);`, "Cannot insert values into an unknown stream/table: `input2`" +
			"\nDid you mean \"INPUT2\" (STREAM) or \"Input2\" (TABLE)? Hint: wrap the source name in double quotes to make it case-sensitive."},
		{"CREATE STREAM out AS SELECT * FROM input;", "Exception while preparing statement: INPUT does not exist." + lowerHint},
		{"DESCRIBE input;", "Could not find STREAM/TABLE 'INPUT' in the Metastore" + lowerHint},
		{"DROP STREAM input;", "Stream INPUT does not exist." + lowerHint},
		{`DROP STREAM "input2";`, "Stream input2 does not exist.\nDid you mean INPUT2? Hint: try removing double quotes from the source name."},
	} {
		if code, e := stmtErr(t, url, c.stmt); code != 400 || e["message"] != c.want {
			t.Errorf("%s\n got %d %q\nwant 400 %q", c.stmt, code, e["message"], c.want)
		}
	}
}
