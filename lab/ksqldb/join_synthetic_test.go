package ksqldb

import (
	"encoding/binary"
	"strings"
	"testing"
)

// Joins keyed by a synthetic column, as ksqlDB's recorded test cases run
// them (confluentinc/ksql v7.9.0 ksqldb-functional-tests
// query-validation-tests/joins.json): a join whose ON criteria are all
// expressions other than column references is keyed by the value of the
// join expression, in a column no source has. Its name is ROWKEY, or
// ROWKEY_n with the smallest n no source column takes
// (ColumnNames.generateSyntheticJoinKey); a FULL OUTER join's key column is
// named the same way.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/joins/synthetic-keys/

type keyedRec struct {
	key   int32
	value string
	ts    int64
}

func (st *stack) consumeIntKeyed(topic string, n int) []keyedRec {
	st.t.Helper()
	var out []keyedRec
	for _, r := range st.consumeRecords(topic, n) {
		if len(r.Key) != 4 {
			st.t.Fatalf("%s: key %x is not an INT", topic, r.Key)
		}
		out = append(out, keyedRec{int32(binary.BigEndian.Uint32(r.Key)), string(r.Value), r.Timestamp.UnixMilli()})
	}
	return out
}

// joins.json "left join - with synthetic join column in projection": the
// left record is emitted at once with nulls (no GRACE PERIOD), then joined
// when the right one comes; both keyed by ABS(ID), aliased ID.
func TestLeftJoinOnExpressionsIsKeyedByTheSyntheticColumnAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM L (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='left_topic', partitions=1, value_format='JSON');
CREATE STREAM R (ID INT KEY, V0 INT, V1 INT) WITH (kafka_topic='right_topic', partitions=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left_topic", 0, intKey(1), []byte(`{"V0":2,"V1":3}`)}, joinRec{"right_topic", 100, intKey(1), []byte(`{"V0":4,"V1":5}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT ROWKEY AS ID, L.ID, R.ID, L.V0, R.V1 FROM L LEFT JOIN R WITHIN 1 SECOND ON ABS(L.id) = ABS(R.id);", earliest())
	if schema, _ := describeSchema(t, url, "OUTPUT"); schema != "ID INTEGER KEY, L_ID INTEGER, R_ID INTEGER, L_V0 INTEGER, R_V1 INTEGER" {
		t.Errorf("DESCRIBE OUTPUT: %s", schema)
	}
	want := []keyedRec{
		{1, `{"L_ID":1,"R_ID":null,"L_V0":2,"R_V1":null}`, 0},
		{1, `{"L_ID":1,"R_ID":1,"L_V0":2,"R_V1":5}`, 100},
	}
	if got := st.consumeIntKeyed("OUTPUT", len(want)); !equalKeyed(got, want) {
		t.Errorf("OUTPUT\n got %v\nwant %v", got, want)
	}
}

// joins.json "stream stream join - contains arithmetic unary expression":
// the result is keyed by the join expression's value, 1 for left key 1 and
// right key -1.
func TestInnerJoinOnAnExpressionOfOneSideAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST1 (ID INT KEY, NAME STRING) WITH (kafka_topic='left_topic', partitions=1, value_format='JSON');
CREATE STREAM TEST2 (ID INT KEY, NAME STRING) WITH (kafka_topic='right_topic', partitions=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left_topic", 0, intKey(1), []byte(`{"name":"a"}`)}, joinRec{"right_topic", 10, intKey(-1), []byte(`{"name":"b"}`)})
	mustKSQL(t, url, "CREATE STREAM OUTPUT as SELECT T.ID, T.NAME, TT.NAME FROM test1 t join test2 tt WITHIN 30 seconds ON t.id = -tt.id;", earliest())
	want := []keyedRec{{1, `{"T_NAME":"a","TT_NAME":"b"}`, 10}}
	if got := st.consumeIntKeyed("OUTPUT", 1); !equalKeyed(got, want) {
		t.Errorf("OUTPUT %v, want %v", got, want)
	}
}

// joins.json "with generated column name clashes": the sources take ROWKEY
// and ROWKEY_1 to ROWKEY_5, so a FULL OUTER join's key column is ROWKEY_6.
func TestFullOuterJoinKeyNameSkipsTheSourcesRowkeyColumnsAsKsqlDBsTestCase(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE L (ROWKEY INT PRIMARY KEY, ROWKEY_1 INT, ROWKEY_2 INT) WITH (kafka_topic='left_topic', partitions=1, value_format='JSON');
CREATE TABLE R (ROWKEY_3 INT PRIMARY KEY, ROWKEY_4 INT, ROWKEY_5 INT) WITH (kafka_topic='right_topic', partitions=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"left_topic", 0, intKey(1), []byte(`{"ROWKEY_1":2,"ROWKEY_2":3}`)}, joinRec{"right_topic", 100, intKey(1), []byte(`{"ROWKEY_4":4,"ROWKEY_5":5}`)})
	mustKSQL(t, url, "CREATE TABLE OUTPUT as SELECT ROWKEY_6, L.ROWKEY, R.ROWKEY_3, L.ROWKEY_1, R.ROWKEY_5 FROM L FULL OUTER JOIN R on L.ROWKEY = R.ROWKEY_3;", earliest())
	if schema, _ := describeSchema(t, url, "OUTPUT"); schema != "ROWKEY_6 INTEGER KEY, ROWKEY INTEGER, ROWKEY_3 INTEGER, ROWKEY_1 INTEGER, ROWKEY_5 INTEGER" {
		t.Errorf("DESCRIBE OUTPUT: %s", schema)
	}
	want := []keyedRec{
		{1, `{"ROWKEY":1,"ROWKEY_3":null,"ROWKEY_1":2,"ROWKEY_5":null}`, 0},
		{1, `{"ROWKEY":1,"ROWKEY_3":1,"ROWKEY_1":2,"ROWKEY_5":5}`, 100},
	}
	if got := st.consumeIntKeyed("OUTPUT", len(want)); !equalKeyed(got, want) {
		t.Errorf("OUTPUT\n got %v\nwant %v", got, want)
	}
}

// The synthetic-keys page's naming example: S1 has ROWKEY and S2 ROWKEY_1,
// so SELECT * leads with ROWKEY_2, which holds ABS of the keys.
func TestDocsSyntheticKeyOfAJoinOnExpressionsIsNamedPastTheSourcesColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ROWKEY INT KEY, V0 STRING) WITH (kafka_topic='s1', partitions=1, value_format='JSON');
CREATE STREAM S2 (ID INT KEY, ROWKEY_1 INT) WITH (kafka_topic='s2', partitions=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"s1", 1000, intKey(-3), []byte(`{"V0":"a"}`)}, joinRec{"s2", 2000, intKey(3), []byte(`{"ROWKEY_1":9}`)})
	mustKSQL(t, url, `CREATE STREAM OUTPUT AS
  SELECT * 
  FROM S1 JOIN S2 
  WITHIN 30 SECONDS 
  ON ABS(S1.ROWKEY) = ABS(S2.ID);`, earliest())
	if schema, _ := describeSchema(t, url, "OUTPUT"); schema != "ROWKEY_2 INTEGER KEY, S1_ROWKEY INTEGER, S1_V0 STRING, S2_ID INTEGER, S2_ROWKEY_1 INTEGER" {
		t.Errorf("DESCRIBE OUTPUT: %s", schema)
	}
	want := []keyedRec{{3, `{"S1_ROWKEY":-3,"S1_V0":"a","S2_ID":3,"S2_ROWKEY_1":9}`, 2000}}
	if got := st.consumeIntKeyed("OUTPUT", 1); !equalKeyed(got, want) {
		t.Errorf("OUTPUT %v, want %v", got, want)
	}
}

// joins.json "inner join - missing synthetic join column in projection" and
// "left join - missing synthetic join column in projection".
func TestJoinOnExpressionsWithoutItsSyntheticKeyInTheProjectionIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM L (A INT KEY, B INT, C INT) WITH (kafka_topic='LEFT', partitions=1, value_format='JSON');
CREATE STREAM R (A INT KEY, B INT, C INT) WITH (kafka_topic='RIGHT', partitions=1, value_format='JSON');`, nil)
	for _, j := range []string{"INNER", "LEFT"} {
		code, e := stmtErr(t, url, "CREATE STREAM OUTPUT AS SELECT l.*, r.* FROM L "+j+" JOIN R WITHIN 10 SECONDS ON ABS(L.A) = ABS(R.A);")
		want := "Key missing from projection (ie, SELECT). See https://cnfl.io/2LV7ouS.\nThe query used to build `OUTPUT` must include the join expression ROWKEY in its projection (eg, SELECT ROWKEY...).\nROWKEY was added as a synthetic key column because the join criteria did not match any source column."
		if msg, _ := e["message"].(string); code != 400 || !strings.HasPrefix(msg, want) {
			t.Errorf("%s JOIN: %d %q", j, code, msg)
		}
	}
}

func equalKeyed(a, b []keyedRec) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
