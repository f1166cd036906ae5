package ksqldb

import (
	"sort"
	"strings"
	"testing"
)

// The reference page "SELECT (Pull Query)", its examples run as written
// over /ksql and /query. The page shows no rows; the data here is inserted
// with INSERT INTO ... VALUES and the rows expected are what the page's
// statements mean. Table scans run over several partitions, whose order
// ksqlDB does not promise, so scanned rows are compared sorted.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/select-pull-query/

func sortedPullRows(t *testing.T, url, query string) []string {
	t.Helper()
	_, rows, _ := pullRows(t, url, query)
	sort.Strings(rows)
	return rows
}

// TOP_TEN_RANKS keeps the grades ranked 10 or better, and drops a student
// whose rank falls below; pull queries look up a key, scan the table and
// scan a range of a value column.
func TestDocsPullQueryLooksUpAndScansTopTenRanks(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE GRADES (ID INT PRIMARY KEY, GRADE STRING, RANK INT) 
  WITH (kafka_topic = 'test_topic', value_format = 'JSON', partitions = 4);`, nil)
	mustKSQL(t, url, `INSERT INTO GRADES (ID, GRADE, RANK) VALUES (1, 'A', 1);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (3, 'A', 3);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (5, 'B', 5);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (6, 'B', 6);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (7, 'B', 7);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (9, 'D', 12);
INSERT INTO GRADES (ID, GRADE, RANK) VALUES (6, 'C', 11);`, nil)
	mustKSQL(t, url, `CREATE TABLE TOP_TEN_RANKS 
  AS SELECT ID, RANK 
  FROM GRADES 
  WHERE RANK <= 10;`, earliest())
	var rows []string
	waitFor(t, func() bool {
		rows = sortedPullRows(t, url, "SELECT * FROM TOP_TEN_RANKS;")
		return strings.Join(rows, " ") == "[1 1] [3 3] [5 5] [7 7]"
	}, "TOP_TEN_RANKS to hold ids 1, 3, 5 and 7 (6 fell to rank 11, 9 is 12)")
	hdr, one, final := pullRows(t, url, `SELECT * FROM TOP_TEN_RANKS
  WHERE ID = 5;`)
	if hdr != "`ID` INTEGER KEY, `RANK` INTEGER" || strings.Join(one, " ") != "[5 5]" || final != "" {
		t.Errorf("ID = 5: %s %v %q", hdr, one, final)
	}
	if got := sortedPullRows(t, url, `SELECT * FROM TOP_TEN_RANKS
  WHERE RANK > 4 AND RANK < 8;`); strings.Join(got, " ") != "[5 5] [7 7]" {
		t.Errorf("4 < RANK < 8: %v", got)
	}
}

// A pull query on a stream reads it to its end. The page's example filters
// on rank, a column STUDENTS does not have, and is refused as ksqlDB
// refuses an unknown column; on score it returns the matching rows.
func TestDocsPullQueryOnTheStudentsStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM STUDENTS (ID STRING KEY, SCORE INT) 
  WITH (kafka_topic='students_topic', value_format='JSON', partitions=4);`, nil)
	mustKSQL(t, url, `INSERT INTO STUDENTS (ID, SCORE) VALUES ('10', 7);
INSERT INTO STUDENTS (ID, SCORE) VALUES ('11', 3);
INSERT INTO STUDENTS (ID, SCORE) VALUES ('12', 9);`, nil)
	code, body := post(t, url, "/query", `SELECT * FROM STUDENTS
  WHERE rank > 5;`, nil)
	if code != 400 || !strings.Contains(string(body), `"message":"Line: 2, Col: 9: WHERE column 'RANK' cannot be resolved."`) {
		t.Errorf("WHERE rank: %d %s", code, body)
	}
	hdr, _, _ := pullRows(t, url, "SELECT * FROM STUDENTS WHERE score > 5;")
	if got := sortedPullRows(t, url, "SELECT * FROM STUDENTS WHERE score > 5;"); hdr != "`ID` STRING, `SCORE` INTEGER" || strings.Join(got, " ") != "[10 7] [12 9]" {
		t.Errorf("WHERE score > 5: %s %v", hdr, got)
	}
}

// INNER_JOIN, a primary-key join of two tables, answers pull queries with
// the ids both tables hold. The page writes "[ WHERE where_condition ]" as
// grammar, so the spec runs it without and with a WHERE.
func TestDocsPullQueryOnATableTableInnerJoin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE LEFT_TABLE (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) 
  WITH (kafka_topic='left_topic', value_format='JSON', partitions=4);
CREATE TABLE RIGHT_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) 
  WITH (kafka_topic='right_topic', value_format='JSON', partitions=4);
INSERT INTO LEFT_TABLE (ID, NAME, VALUE) VALUES (1, 'one', 100);
INSERT INTO LEFT_TABLE (ID, NAME, VALUE) VALUES (2, 'two', 200);
INSERT INTO RIGHT_TABLE (ID, F1, F2) VALUES (2, 'b', 20);
INSERT INTO RIGHT_TABLE (ID, F1, F2) VALUES (3, 'c', 30);`, nil)
	mustKSQL(t, url, `CREATE TABLE INNER_JOIN AS SELECT L.ID, NAME, VALUE, F1, F2 FROM LEFT_TABLE L JOIN RIGHT_TABLE R ON L.ID = R.ID;`, earliest())
	waitFor(t, func() bool {
		return strings.Join(sortedPullRows(t, url, "SELECT * FROM INNER_JOIN;"), " ") == "[2 two 200 b 20]"
	}, "INNER_JOIN to hold id 2, the only id on both sides")
	hdr, rows, _ := pullRows(t, url, "SELECT * FROM INNER_JOIN WHERE L_ID = 2;")
	if hdr != "`L_ID` BIGINT KEY, `NAME` STRING, `VALUE` BIGINT, `F1` STRING, `F2` BIGINT" || strings.Join(rows, " ") != "[2 two 200 b 20]" {
		t.Errorf("WHERE L_ID = 2: %s %v", hdr, rows)
	}
}

// NUMBER_OF_TESTS counts each student's tests per one-second window; a key
// lookup lists every window of ID '10', and bounds on WINDOWSTART and
// WINDOWEND keep the windows inside them.
func TestDocsPullQueryOnTheWindowedNumberOfTests(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM STUDENTS (ID STRING KEY, SCORE INT) 
  WITH (kafka_topic='students_topic', value_format='JSON', partitions=4);
INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES (1500, '10', 7);
INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES (1700, '10', 8);
INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES (1800, '11', 5);
INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES (3200, '10', 6);
INSERT INTO STUDENTS (ROWTIME, ID, SCORE) VALUES (20500, '10', 9);`, nil)
	mustKSQL(t, url, `CREATE TABLE NUMBER_OF_TESTS AS 
  SELECT ID, COUNT(1) AS COUNT 
  FROM STUDENTS 
  WINDOW TUMBLING(SIZE 1 SECOND) 
  GROUP BY ID;`, earliest())
	var hdr string
	var rows []string
	waitFor(t, func() bool {
		hdr, rows, _ = pullRows(t, url, `SELECT * 
  FROM NUMBER_OF_TESTS 
  WHERE ID='10';`)
		return strings.Join(rows, " ") == "[10 1000 2000 2] [10 3000 4000 1] [10 20000 21000 1]"
	}, "ID '10' to have windows at 1 s, 3 s and 20 s")
	if hdr != "`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, `COUNT` BIGINT" {
		t.Errorf("header %s", hdr)
	}
	_, rows, _ = pullRows(t, url, `SELECT *
  FROM NUMBER_OF_TESTS 
  WHERE ID='10' AND 100 <= WindowStart AND WindowEnd <= 16000;`)
	if got := strings.Join(rows, " "); got != "[10 1000 2000 2] [10 3000 4000 1]" {
		t.Errorf("windows within [100, 16000]: %s", got)
	}
}

// STRUCT output from a pull query on the stream s1.
func TestDocsPullQueryOutputsAStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (v1 INT, v2 VARCHAR) WITH (kafka_topic='s1', partitions=1, value_format='JSON');
INSERT INTO s1 (v1, v2) VALUES (1, 'a');`, nil)
	if hdr, _, _ := pullRows(t, url, "SELECT STRUCT(f1 := v1, f2 := v2) FROM s1;"); hdr != "`KSQL_COL_0` STRUCT<`F1` INTEGER, `F2` STRING>" {
		t.Errorf("header %s", hdr)
	}
	code, body := post(t, url, "/query", "SELECT STRUCT(f1 := v1, f2 := v2) FROM s1;", nil)
	if code != 200 || !strings.Contains(string(body), `{"row":{"columns":[{"F1":1,"F2":"a"}]}}`) {
		t.Errorf("STRUCT pull: %d %s", code, body)
	}
}

// ROWTIME may be selected and filtered in a pull query (here on a stream;
// pullrowtime_test.go for tables); ROWPARTITION and ROWOFFSET are refused
// with PullQueryValidator's message (rest-query-validation-tests
// pull-queries-against-cst-materialized.json).
func TestDocsPullQueryUsesRowtimeButNotRowpartitionOrRowoffset(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM users (name VARCHAR) WITH (kafka_topic='users', partitions=1, value_format='JSON');
INSERT INTO users (ROWTIME, name) VALUES (40000, 'early');
INSERT INTO users (ROWTIME, name) VALUES (60000, 'late');`, nil)
	hdr, rows, _ := pullRows(t, url, "SELECT name, ROWTIME FROM users WHERE ROWTIME > 50000;")
	if hdr != "`NAME` STRING, `ROWTIME` BIGINT" || strings.Join(rows, " ") != "[late 60000]" {
		t.Errorf("ROWTIME > 50000: %s %v", hdr, rows)
	}
	for _, col := range []string{"ROWPARTITION", "ROWOFFSET"} {
		code, body := post(t, url, "/query", "SELECT name, "+col+" FROM users;", nil)
		if code != 400 || !strings.Contains(string(body), "Pull queries don't support the following columns in SELECT clauses: `"+col+"`") {
			t.Errorf("%s: %d %s", col, code, body)
		}
	}
}
