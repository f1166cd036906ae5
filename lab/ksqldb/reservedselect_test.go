package ksqldb

import (
	"net/http"
	"testing"
)

// A persistent query may not select a system column under its own name,
// nor name a column after one: the Analyzer checks every SELECT alias
// against the window bounds and the pseudo columns ROWTIME, ROWPARTITION
// and ROWOFFSET (Analyzer.checkForReservedToken, SystemColumns;
// confluentinc/ksql v7.9.0). A push query may select them.
// query-validation-tests elements.json "non-join should reject ROWTIME in
// projection", "join should reject ROWTIME in projection",
// row-offset-and-partition.json "Should fail if select ROWOFFSET without
// aliases", "INSERT INTO ROWPARTITION should fail", "create ROWOFFSET and
// ROWPARTITION sink user columns as STRINGs", system-columns.json "should
// fail if ROWTIME used as column name".
func TestAPersistentQueryMayNotSelectASystemColumnUnderItsOwnName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (K INT KEY, x INT, val STRING, other_val STRING) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE STREAM left_stream (K INT KEY, f0 INT) WITH (kafka_topic='left', partitions=1, value_format='JSON');
CREATE STREAM right_stream (K INT KEY, f1 INT) WITH (kafka_topic='right', partitions=1, value_format='JSON');
CREATE STREAM a AS SELECT K, x FROM input;`, nil)
	for _, c := range []struct{ stmt, want string }{
		{"CREATE STREAM OUTPUT AS SELECT K, ROWTIME FROM INPUT;", "Reserved column name in select: `ROWTIME`. Please remove or alias the column."},
		{"CREATE STREAM OUTPUT as SELECT l.K, l.ROWTIME AS ROWTIME, f0, f1 FROM left_stream l join right_stream r WITHIN 1 seconds ON l.k = r.k;",
			"Reserved column name in select: `ROWTIME`. Please remove or alias the column."},
		{"CREATE STREAM output AS SELECT K, ROWOFFSET FROM input;", "Reserved column name in select: `ROWOFFSET`. Please remove or alias the column."},
		{"INSERT INTO a SELECT K, ROWPARTITION from input EMIT CHANGES;", "Reserved column name in select: `ROWPARTITION`. Please remove or alias the column."},
		{"CREATE STREAM OUTPUT AS SELECT K, val AS ROWPARTITION, other_val AS ROWOFFSET FROM input;", "`ROWPARTITION` is a reserved column name. You cannot use it as an alias for a column."},
		{"CREATE STREAM OUTPUT AS SELECT K, x AS rowtime FROM INPUT;", "`ROWTIME` is a reserved column name. You cannot use it as an alias for a column."},
	} {
		if code, e := stmtErr(t, url, c.stmt); code != 400 || e["message"] != c.want {
			t.Errorf("%s\n got %d %v\nwant 400 %q", c.stmt, code, e["message"], c.want)
		}
	}
	// a push query may
	resp, _, _ := openQueryStream(t, http.DefaultClient, url, "SELECT K, ROWTIME, ROWPARTITION, ROWOFFSET FROM input EMIT CHANGES;")
	_ = resp.Body.Close()
}
