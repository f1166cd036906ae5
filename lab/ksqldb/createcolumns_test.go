package ksqldb

import "testing"

// CREATE STREAM and CREATE TABLE refuse a column named as a system column
// with CreateSourceFactory's message, and names given twice with
// TableElements' (query-validation-tests row-offset-and-partition.json
// "create ROWOFFSET and ROWPARTITION source user columns as STRINGs").
func TestCreateRefusesReservedAndRepeatedColumnNames(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, c := range []struct{ name, stmt, want string }{
		{"a system column's name",
			"CREATE STREAM s1 (id INT KEY, ROWOFFSET STRING, ROWPARTITION STRING) WITH (KAFKA_TOPIC='s1', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"'ROWOFFSET' is a reserved column name. You cannot use it as a name for a column."},
		{"names given twice",
			"CREATE TABLE t1 (id INT PRIMARY KEY, a INT, b INT, a STRING, b STRING) WITH (KAFKA_TOPIC='t1', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"Duplicate column names: `A`, `B`"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, e := stmtErr(t, url, c.stmt)
			if code != 400 || e["message"] != c.want {
				t.Errorf("%d %q\nwant %q", code, e["message"], c.want)
			}
		})
	}
}
