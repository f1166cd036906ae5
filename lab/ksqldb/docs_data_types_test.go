package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Data Types Overview", its type names and examples
// run over the REST API. The page's queries read a stream s1 it does not
// declare; here s1 has the columns they name, as in
// query-validation-tests/create_map.json ("create map from named tuples").
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/data-types/

const dataTypesS1 = `CREATE STREAM s1 (ID VARCHAR KEY, k1 VARCHAR, k2 VARCHAR, v1 INT, v2 VARCHAR, col1 INT, col2 INT, col3 INT)
  WITH (kafka_topic='s1', partitions=1, value_format='JSON');
INSERT INTO s1 (ID, k1, k2, v1, v2, col1, col2, col3) VALUES ('a', 'foo', 'bar', 10, 'x', 1, 2, -3);`

// Every type the page's tables name is declared and read back: varchar
// and string are both STRING, and the values of BYTES, TIME, DATE and
// TIMESTAMP render as ksqlDB's REST API renders them.
func TestDocsDataTypesEveryTypeNameDeclaresItsType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM ALLTYPES (K VARCHAR KEY, BO BOOLEAN, VC VARCHAR, S STRING, BT BYTES, I INT, BI BIGINT, DO DOUBLE, DE DECIMAL(4, 2), TI TIME, DA DATE, TS TIMESTAMP)
  WITH (kafka_topic='alltypes', partitions=1, value_format='JSON');
INSERT INTO ALLTYPES (K, BO, VC, S, BT, I, BI, DO, DE, TI, DA, TS) VALUES ('k', true, 'v', 's', TO_BYTES('abc', 'utf8'), 2147483647, 9223372036854775807, 0.5e0, 10.01,
  PARSE_TIME('00:00:01', 'HH:mm:ss'), PARSE_DATE('1970-01-03', 'yyyy-MM-dd'), FROM_UNIXTIME(1));`, nil)
	hdr, _, _ := pullRows(t, url, "SELECT * FROM ALLTYPES;")
	wantHdr := "`K` STRING, `BO` BOOLEAN, `VC` STRING, `S` STRING, `BT` BYTES, `I` INTEGER, `BI` BIGINT, `DO` DOUBLE, `DE` DECIMAL(4, 2), `TI` TIME, `DA` DATE, `TS` TIMESTAMP"
	if hdr != wantHdr {
		t.Errorf("header %s\nwant %s", hdr, wantHdr)
	}
	want := `["k",true,"v","s","YWJj",2147483647,9223372036854775807,0.5,10.01,"00:00:01","1970-01-03","1970-01-01T00:00:00.001"]`
	if got := streamRows(t, url, "SELECT * FROM ALLTYPES EMIT CHANGES;", 1)[0]; got != want {
		t.Errorf("row %s\nwant %s", got, want)
	}
}

// Arithmetic between a DECIMAL and a DOUBLE is a DOUBLE; an INT added to a
// DECIMAL(4,2) is upcast to DECIMAL(10,0), so the sum is
// DECIMAL(13,2) (decimal.json "addition with double", "addition with
// int"; the result's precision is max scale + max integer digits + 1).
func TestDocsDataTypesDecimalArithmeticUpcastsAndDowncasts(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (ID STRING KEY, a DECIMAL(4,2), b DOUBLE, c INT, d BIGINT) WITH (kafka_topic='test', partitions=1, value_format='JSON');
INSERT INTO TEST (ID, a, b, c, d) VALUES ('x', 10.01, 5.1e0, 5, 5);`, nil)
	for _, c := range []struct{ expr, typ, value string }{
		{"a + b", "DOUBLE", "15.11"},
		{"a + c", "DECIMAL(13, 2)", "15.01"},
		{"a + d", "DECIMAL(22, 2)", "15.01"},
	} {
		hdr, rows, _ := pullRows(t, url, "SELECT "+c.expr+" AS R FROM TEST;")
		if hdr != "`R` "+c.typ || len(rows) != 1 || rows[0] != "["+c.value+"]" {
			t.Errorf("%s: %s %v, want `R` %s [%s]", c.expr, hdr, rows, c.typ, c.value)
		}
	}
}

// The constructors the page shows: ARRAY[1, 2], STRUCT(f1 := v1, f2 :=
// v2) and MAP(k1:=v1, k2:=v1*2), each read back from s1's row, and the
// access operators it names: SOME_ARRAY[1], SOME_STRUCT->ID and ->*, and
// SOME_MAP['cost'], null for a missing key.
func TestDocsDataTypesConstructorsAndAccessorsReturnTheDocumentedValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, dataTypesS1, nil)
	for _, c := range []struct{ query, row string }{
		{"SELECT ARRAY[1, 2] FROM s1 EMIT CHANGES;", `[[1,2]]`},
		{"SELECT STRUCT(f1 := v1, f2 := v2) FROM s1 EMIT CHANGES;", `[{"F1":10,"F2":"x"}]`},
		{"SELECT MAP(k1:=v1, k2:=v1*2) FROM s1 EMIT CHANGES;", `[{"bar":20,"foo":10}]`},
		{"SELECT ARRAY[col1, col2][1] FROM s1 EMIT CHANGES;", `[1]`},
		{"SELECT STRUCT(ID := col1, NAME := v2)->ID FROM s1 EMIT CHANGES;", `[1]`},
		{"SELECT MAP('cost' := v1)['cost'], MAP('cost' := v1)['price'] FROM s1 EMIT CHANGES;", `[10,null]`},
	} {
		if got := streamRows(t, url, c.query, 1)[0]; got != c.row {
			t.Errorf("%s\n got %s\nwant %s", c.query, got, c.row)
		}
	}
}

// AS_ARRAY no longer exists, as the page says: the legacy query is
// refused naming it, and its replacement with the ARRAY constructor runs.
// CUBE_EXPLODE's rows for [1, 2], in order, are those of upstream's
// query-validation-tests cube.json ("cube two int columns"); VAL2 is
// ABS(-3).
func TestDocsDataTypesAsArrayIsGoneAndTheArrayConstructorReplacesIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, dataTypesS1+"\nCREATE STREAM TEST (col1 INT, col2 INT, col3 INT) WITH (kafka_topic='s1', value_format='JSON');", nil)
	legacy := "CREATE STREAM OUTPUT AS SELECT cube_explode(as_array(col1, col2)) VAL1, ABS(col3) VAL2 FROM TEST;"
	code, out := stmtErr(t, url, legacy)
	if msg, _ := out["message"].(string); code != 400 || msg != "Can't find any functions with the name 'AS_ARRAY'" {
		t.Errorf("%s: %d %v, want AS_ARRAY refused", legacy, code, out["message"])
	}
	mustKSQL(t, url, "SET 'auto.offset.reset' = 'earliest';\nCREATE STREAM OUTPUT AS SELECT cube_explode(array[col1, col2]) VAL1, ABS(col3) VAL2 FROM TEST;", nil)
	sameLines(t, "OUTPUT", sinkValues(st, "OUTPUT", 4), []string{
		`{"VAL1":[null,null],"VAL2":3}`, `{"VAL1":[null,2],"VAL2":3}`, `{"VAL1":[1,null],"VAL2":3}`, `{"VAL1":[1,2],"VAL2":3}`,
	})
}

// A value outside INT's range is an error, as the page says; INSERT
// VALUES answers with GenericExpressionResolver's message (InsertValues
// ExecutorTest: "Expected type INTEGER for field").
func TestDocsDataTypesIntOutOfRangeIsAnError(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, dataTypesS1, nil)
	code, out := stmtErr(t, url, "INSERT INTO s1 (ID, v1) VALUES ('b', 2147483648);")
	if msg, _ := out["message"].(string); code != 400 || !strings.Contains(msg, "Expected type INTEGER for field V1 but got BIGINT(2147483648)") {
		t.Errorf("INT out of range: %d %v", code, out)
	}
}

// Custom types (CREATE TYPE, linked from the page) name a type wherever a
// type goes; docs_create_type_test.go runs the CREATE TYPE page's
// examples. Here the page's column of a custom type reads as its STRUCT.
func TestDocsDataTypesCustomTypesNameATypeInAColumn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TYPE ADDRESS AS STRUCT<number INTEGER, street VARCHAR, city VARCHAR>;\n"+
		"CREATE STREAM people (name STRING, address ADDRESS) WITH (kafka_topic='people', partitions=1, value_format='JSON');", nil)
	fields := mustKSQL(t, url, "DESCRIBE people;", nil)[0]["sourceDescription"].(map[string]any)["fields"].([]any)
	sch := fields[1].(map[string]any)["schema"].(map[string]any)
	if sch["type"] != "STRUCT" || len(sch["fields"].([]any)) != 3 {
		t.Errorf("ADDRESS column: %v", sch)
	}
}
