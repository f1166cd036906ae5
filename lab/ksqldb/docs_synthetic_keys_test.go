package ksqldb

import (
	"strings"
	"testing"
)

// The joins page "Join Synthetic Key Columns", its examples run as
// written. The page declares L and R nowhere; here they are tables keyed by
// ID, as its FULL OUTER example needs.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/synthetic-keys/

const syntheticLR = `CREATE TABLE L (ID INT PRIMARY KEY, V0 STRING) WITH (kafka_topic='l', partitions=1, value_format='JSON');
CREATE TABLE R (ID INT PRIMARY KEY, V1 STRING) WITH (kafka_topic='r', partitions=1, value_format='JSON');`

// The page's table: with L.ID 10 and no R, R.ID 7 and no L, and 8 on both
// sides, the record keys are 10, 7 and 8, held in the synthetic column
// ROWKEY that SELECT * puts first (query-validation-tests joins.json
// "unaliased synthetic join key" for the schema).
func TestDocsSyntheticKeyOfAFullOuterJoinIsTheFirstNonNullID(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, syntheticLR+`
INSERT INTO L (ID, V0) VALUES (10, 'l10');
INSERT INTO L (ID, V0) VALUES (8, 'l8');
INSERT INTO R (ID, V1) VALUES (7, 'r7');
INSERT INTO R (ID, V1) VALUES (8, 'r8');`, nil)
	mustKSQL(t, url, `CREATE TABLE OUTPUT AS
  SELECT * FROM L FULL OUTER JOIN R ON L.ID = R.ID;`, earliest())
	if schema, _ := describeSchema(t, url, "OUTPUT"); schema != "ROWKEY INTEGER KEY, L_ID INTEGER, L_V0 STRING, R_ID INTEGER, R_V1 STRING" {
		t.Errorf("DESCRIBE OUTPUT: %s", schema)
	}
	var rows []string
	waitFor(t, func() bool {
		rows = sortedPullRows(t, url, "SELECT * FROM OUTPUT;")
		return strings.Join(rows, " ") == "[10 10 l10 <nil> <nil>] [7 <nil> <nil> 7 r7] [8 8 l8 8 r8]"
	}, "OUTPUT keyed 10, 7 and 8")
}

// The page's examples ksqlDB itself refuses: ABS(L.ID) = ABS(R.ID) on two
// tables (LogicalPlanner: table-table joins need the right table's primary
// key), and the stream example's FULL OUTER JOIN without the WITHIN ksqlDB
// requires (JoinNode). Its stream-stream join on expressions, keyed by
// ROWKEY_2, runs in join_synthetic_test.go.
func TestDocsSyntheticKeyExamplesThatAreRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, syntheticLR+`
CREATE STREAM T1 (ID INT KEY, C0 STRING) WITH (kafka_topic='t1', partitions=1, value_format='JSON');
CREATE STREAM T2 (ID INT KEY, C1 STRING) WITH (kafka_topic='t2', partitions=1, value_format='JSON');`, nil)
	for _, c := range []struct{ ksql, want string }{
		{`   -- join on expressions other than column references:
   CREATE TABLE OUTPUT AS
      SELECT * FROM L JOIN R ON ABS(L.ID) = ABS(R.ID);`,
			"Invalid join condition: table-table joins require to join on the primary key of the right input table. Got ABS(L.ID) = ABS(R.ID)."},
		{`CREATE STREAM OUTPUT AS
   SELECT ROWKEY AS ID, T1.C0, T2.C1 FROM T1 FULL OUTER JOIN T2 ON T1.ID = T2.ID;`,
			"Stream-Stream joins must have a WITHIN clause specified. None was provided."},
	} {
		code, e := stmtErr(t, url, c.ksql)
		if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, c.want) {
			t.Errorf("%s\n got %d %q\nwant %q", c.ksql, code, msg, c.want)
		}
	}
}

// The page's last example with the WITHIN a stream-stream join needs: the
// synthetic key, aliased ID, keys the result.
func TestDocsSyntheticKeyMayBeAliased(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, C0 STRING) WITH (kafka_topic='s1', partitions=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, C1 STRING) WITH (kafka_topic='s2', partitions=1, value_format='JSON');`, nil)
	mustKSQL(t, url, `CREATE STREAM OUTPUT AS
   SELECT ROWKEY AS ID, S1.C0, S2.C1 FROM S1 FULL OUTER JOIN S2 WITHIN 1 MINUTE ON S1.ID = S2.ID;`, nil)
	if schema, _ := describeSchema(t, url, "OUTPUT"); schema != "ID INTEGER KEY, C0 STRING, C1 STRING" {
		t.Errorf("DESCRIBE OUTPUT: %s", schema)
	}
}
