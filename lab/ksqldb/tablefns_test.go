package ksqldb

import (
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// tfRec is one record of a table-function case: a KAFKA STRING key (nil
// for none) and a JSON value.
type tfRec struct {
	key   []byte
	value string
}

func k(s string) []byte { return []byte(s) }

// tfCase is one query-validation test of ksqlDB's table functions: the
// source declaration, the CREATE STREAM AS SELECT and the records in and out.
type tfCase struct {
	name    string
	create  string
	csas    string
	inputs  []tfRec
	outputs []tfRec
}

// The query-validation tests of EXPLODE, CUBE_EXPLODE and table functions
// in general that use only ksqlDB's own functions, their expected records
// taken from the files (confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/query-validation-tests/
// explode.json, cube.json and table-functions.json). The TEST_UDTF,
// THROWING_UDTF and BAD_UDF cases use functions of ksqlDB's test classpath
// and are not run here. Each output topic is read in order, so a record
// that should not be there (a NULL or empty array, a filtered row) shows as
// a mismatch before the following input's records.
var tableFunctionCases = []tfCase{
	{
		name:   "explode.json explode array with values",
		create: "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR) VAL FROM TEST;",
		inputs: []tfRec{{k("0"), `{"MY_ARR":[1,2]}`}, {k("1"), `{"MY_ARR":[3,4]}`}, {k("2"), `{"MY_ARR":[5]}`}, {k("3"), `{"MY_ARR":[]}`},
			{k("4"), `{"MY_ARR":[6]}`}, {k("5"), `{"MY_ARR":null}`}, {k("6"), `{"MY_ARR":[7]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":1}`}, {k("0"), `{"VAL":2}`}, {k("1"), `{"VAL":3}`}, {k("1"), `{"VAL":4}`},
			{k("2"), `{"VAL":5}`}, {k("4"), `{"VAL":6}`}, {k("6"), `{"VAL":7}`}},
	},
	{
		name:    "explode.json udfs with table functions and no aliases",
		create:  "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<BIGINT>, F1 BIGINT, F2 BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT ID, ABS(F1), EXPLODE(MY_ARR), ABS(F2) FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"F1":1,"F2":2,"MY_ARR":[1,2]}`}},
		outputs: []tfRec{{k("0"), `{"KSQL_COL_0":1,"KSQL_COL_1":1,"KSQL_COL_2":2}`}, {k("0"), `{"KSQL_COL_0":1,"KSQL_COL_1":2,"KSQL_COL_2":2}`}},
	},
	{
		name:   "explode.json explode different types",
		create: "CREATE STREAM TEST (K STRING KEY, F0 ARRAY<INT>, F1 ARRAY<BIGINT>, F2 ARRAY<DOUBLE>, F3 ARRAY<BOOLEAN>, F4 ARRAY<STRING>, F5 ARRAY<DECIMAL(20, 10)>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(F0), EXPLODE(F1), EXPLODE(F2), EXPLODE(F3), EXPLODE(F4), EXPLODE(F5) FROM TEST;",
		inputs: []tfRec{{k("0"), `{"F0":[1,2],"F1":[2,3],"F2":[3.1,4.1],"F3":[true,false],"F4":["foo","bar"],"F5":[123.456,456.123]}`}},
		outputs: []tfRec{{k("0"), `{"KSQL_COL_0":1,"KSQL_COL_1":2,"KSQL_COL_2":3.1,"KSQL_COL_3":true,"KSQL_COL_4":"foo","KSQL_COL_5":123.4560000000}`},
			{k("0"), `{"KSQL_COL_0":2,"KSQL_COL_1":3,"KSQL_COL_2":4.1,"KSQL_COL_3":false,"KSQL_COL_4":"bar","KSQL_COL_5":456.1230000000}`}},
	},
	{
		name:    "explode.json explode array of struct",
		create:  "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<STRUCT<F1 BIGINT>>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR) VAL FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"MY_ARR":[{"F1":1},{"F1":2}]}`}, {k("1"), `{"MY_ARR":[{"F1":3}]}`}, {k("2"), `{"MY_ARR":[]}`}, {k("3"), `{"MY_ARR":null}`}, {k("9"), `{"MY_ARR":[{"F1":9}]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":{"F1":1}}`}, {k("0"), `{"VAL":{"F1":2}}`}, {k("1"), `{"VAL":{"F1":3}}`}, {k("9"), `{"VAL":{"F1":9}}`}},
	},
	{
		name:    "explode.json explode array of struct with dereference",
		create:  "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<STRUCT<F1 BIGINT>>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR)->F1 AS VAL FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"MY_ARR":[{"F1":1},{"F1":2}]}`}, {k("1"), `{"MY_ARR":[{"F1":3}]}`}, {k("2"), `{"MY_ARR":[]}`}, {k("3"), `{"MY_ARR":null}`}, {k("9"), `{"MY_ARR":[{"F1":9}]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":1}`}, {k("0"), `{"VAL":2}`}, {k("1"), `{"VAL":3}`}, {k("9"), `{"VAL":9}`}},
	},
	{
		name:   "cube.json cube two int columns",
		create: "CREATE STREAM TEST (ID STRING KEY, col1 INT, col2 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, cube_explode(array[col1, col2]) VAL FROM TEST;",
		inputs: []tfRec{{k("0"), `{"col1":1,"col2":2}`}, {k("1"), `{"col1":1,"col2":null}`}},
		outputs: []tfRec{{k("0"), `{"VAL":[null,null]}`}, {k("0"), `{"VAL":[null,2]}`}, {k("0"), `{"VAL":[1,null]}`}, {k("0"), `{"VAL":[1,2]}`},
			{k("1"), `{"VAL":[null,null]}`}, {k("1"), `{"VAL":[1,null]}`}},
	},
	{
		name:   "cube.json cube three columns",
		create: "CREATE STREAM TEST (ID STRING KEY, col1 VARCHAR, col2 VARCHAR, col3 VARCHAR) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, cube_explode(array[col1, col2, col3]) VAL FROM TEST;",
		inputs: []tfRec{{k("0"), `{"col1":"one","col2":"two","col3":"three"}`}},
		outputs: []tfRec{{k("0"), `{"VAL":[null,null,null]}`}, {k("0"), `{"VAL":[null,null,"three"]}`}, {k("0"), `{"VAL":[null,"two",null]}`}, {k("0"), `{"VAL":[null,"two","three"]}`},
			{k("0"), `{"VAL":["one",null,null]}`}, {k("0"), `{"VAL":["one",null,"three"]}`}, {k("0"), `{"VAL":["one","two",null]}`}, {k("0"), `{"VAL":["one","two","three"]}`}},
	},
	{
		name:   "cube.json cube two columns with udf on third",
		create: "CREATE STREAM TEST (ID STRING KEY, col1 VARCHAR, col2 VARCHAR, col3 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, cube_explode(array[col1, col2]) VAL1, ABS(col3) VAL2 FROM TEST;",
		inputs: []tfRec{{k("0"), `{"col1":"one","col2":"two","col3":3}`}},
		outputs: []tfRec{{k("0"), `{"VAL1":[null,null],"VAL2":3.0}`}, {k("0"), `{"VAL1":[null,"two"],"VAL2":3.0}`},
			{k("0"), `{"VAL1":["one",null],"VAL2":3.0}`}, {k("0"), `{"VAL1":["one","two"],"VAL2":3.0}`}},
	},
	{
		name:   "cube.json cube two columns twice",
		create: "CREATE STREAM TEST (ID STRING KEY, col1 VARCHAR, col2 VARCHAR, col3 INT, col4 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, cube_explode(array[col1, col2]) VAL1, cube_explode(array[col3, col4]) VAL2 FROM TEST;",
		inputs: []tfRec{{k("0"), `{"col1":"one","col2":"two","col3":3,"col4":4}`}},
		outputs: []tfRec{{k("0"), `{"VAL1":[null,null],"VAL2":[null,null]}`}, {k("0"), `{"VAL1":[null,"two"],"VAL2":[null,4]}`},
			{k("0"), `{"VAL1":["one",null],"VAL2":[3,null]}`}, {k("0"), `{"VAL1":["one","two"],"VAL2":[3,4]}`}},
	},
	{
		name:    "table-functions.json table function as last select",
		create:  "CREATE STREAM TEST (K STRING KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, ID, EXPLODE(MY_ARR) VAL FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"ID":0,"VAL":1}`}, {k("0"), `{"ID":0,"VAL":2}`}, {k("1"), `{"ID":1,"VAL":3}`}, {k("1"), `{"ID":1,"VAL":4}`}},
	},
	{
		name:    "table-functions.json table function as first select",
		create:  "CREATE STREAM TEST (K STRING KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(MY_ARR) AS VAL, ID FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":1,"ID":0}`}, {k("0"), `{"VAL":2,"ID":0}`}, {k("1"), `{"VAL":3,"ID":1}`}, {k("1"), `{"VAL":4,"ID":1}`}},
	},
	{
		name:    "table-functions.json table function with non selected columns",
		create:  "CREATE STREAM TEST (K STRING KEY, FOO BIGINT, ID BIGINT, MY_ARR ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(MY_ARR) AS VAL, ID FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":1,"ID":0}`}, {k("0"), `{"VAL":2,"ID":0}`}, {k("1"), `{"VAL":3,"ID":1}`}, {k("1"), `{"VAL":4,"ID":1}`}},
	},
	{
		name:    "table-functions.json table function with no other selected columns",
		create:  "CREATE STREAM TEST (K STRING KEY, FOO BIGINT, ID BIGINT, MY_ARR ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(MY_ARR) AS VAL FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"VAL":1}`}, {k("0"), `{"VAL":2}`}, {k("1"), `{"VAL":3}`}, {k("1"), `{"VAL":4}`}},
	},
	{
		name:    "table-functions.json table function with no alias",
		create:  "CREATE STREAM TEST (K STRING KEY, FOO BIGINT, ID BIGINT, MY_ARR ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(MY_ARR) FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"KSQL_COL_0":1}`}, {k("0"), `{"KSQL_COL_0":2}`}, {k("1"), `{"KSQL_COL_0":3}`}, {k("1"), `{"KSQL_COL_0":4}`}},
	},
	{
		name:   "table-functions.json multiple table functions",
		create: "CREATE STREAM TEST (ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR1), EXPLODE(MY_ARR2) FROM TEST;",
		inputs: []tfRec{{k("0"), `{"ID":0,"MY_ARR1":[1,2],"MY_ARR2":[10,11,12]}`}, {k("1"), `{"ID":1,"MY_ARR1":[3,4],"MY_ARR2":[20]}`}},
		outputs: []tfRec{{k("0"), `{"KSQL_COL_0":1,"KSQL_COL_1":10}`}, {k("0"), `{"KSQL_COL_0":2,"KSQL_COL_1":11}`}, {k("0"), `{"KSQL_COL_0":null,"KSQL_COL_1":12}`},
			{k("1"), `{"KSQL_COL_0":3,"KSQL_COL_1":20}`}, {k("1"), `{"KSQL_COL_0":4,"KSQL_COL_1":null}`}},
	},
	{
		name:    "table-functions.json table functions with complex expressions",
		create:  "CREATE STREAM TEST (K STRING KEY, F0 INT, F1 INT, F2 INT, F3 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT K, F0, EXPLODE(ARRAY[ABS(F1 + F2), ABS(F2 + F3), ABS(F3 + F1)]) FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"ID":0,"F0":1,"F1":10,"F2":11,"F3":12}`}},
		outputs: []tfRec{{k("0"), `{"F0":1,"KSQL_COL_0":21}`}, {k("0"), `{"F0":1,"KSQL_COL_0":23}`}, {k("0"), `{"F0":1,"KSQL_COL_0":22}`}},
	},
	{
		name:   "table-functions.json table function with where clause",
		create: "CREATE STREAM TEST (K STRING KEY, F0 INT, F1 ARRAY<INT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT K, F0, EXPLODE(F1) VAL FROM TEST WHERE F0 <> 1;",
		inputs: []tfRec{{k("0"), `{"F0":0,"F1":[1,2,3]}`}, {k("0"), `{"F0":1,"F1":[4,5,6]}`}, {k("0"), `{"F0":2,"F1":[7,8,9]}`}},
		outputs: []tfRec{{k("0"), `{"F0":0,"VAL":1}`}, {k("0"), `{"F0":0,"VAL":2}`}, {k("0"), `{"F0":0,"VAL":3}`},
			{k("0"), `{"F0":2,"VAL":7}`}, {k("0"), `{"F0":2,"VAL":8}`}, {k("0"), `{"F0":2,"VAL":9}`}},
	},
	{
		name:    "table-functions.json with select *",
		create:  "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:    "CREATE STREAM OUTPUT AS SELECT *, EXPLODE(MY_ARR) VAL FROM TEST;",
		inputs:  []tfRec{{k("0"), `{"MY_ARR":[1,2]}`}, {k("1"), `{"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"MY_ARR":[1,2],"VAL":1}`}, {k("0"), `{"MY_ARR":[1,2],"VAL":2}`}, {k("1"), `{"MY_ARR":[3,4],"VAL":3}`}, {k("1"), `{"MY_ARR":[3,4],"VAL":4}`}},
	},
	{
		name:   "table-functions.json with duplicate columns",
		create: "CREATE STREAM TEST (K STRING KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT K, ID, EXPLODE(MY_ARR) VAL, ID AS ID2 FROM TEST;",
		inputs: []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"ID":0,"VAL":1,"ID2":0}`}, {k("0"), `{"ID":0,"VAL":2,"ID2":0}`},
			{k("1"), `{"ID":1,"VAL":3,"ID2":1}`}, {k("1"), `{"ID":1,"VAL":4,"ID2":1}`}},
	},
	{
		name:   "table-functions.json with duplicate udtfs",
		create: "CREATE STREAM TEST (K STRING KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT K, EXPLODE(MY_ARR), EXPLODE(MY_ARR) FROM TEST;",
		inputs: []tfRec{{k("0"), `{"ID":0,"MY_ARR":[1,2]}`}, {k("1"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{k("0"), `{"KSQL_COL_0":1,"KSQL_COL_1":1}`}, {k("0"), `{"KSQL_COL_0":2,"KSQL_COL_1":2}`},
			{k("1"), `{"KSQL_COL_0":3,"KSQL_COL_1":3}`}, {k("1"), `{"KSQL_COL_0":4,"KSQL_COL_1":4}`}},
	},
	{
		name:   "table-functions.json stream without key",
		create: "CREATE STREAM TEST (ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
		csas:   "CREATE STREAM OUTPUT AS SELECT ID, EXPLODE(MY_ARR) VAL, ID AS ID2 FROM TEST;",
		inputs: []tfRec{{nil, `{"ID":0,"MY_ARR":[1,2]}`}, {k("should be ignored"), `{"ID":1,"MY_ARR":[3,4]}`}},
		outputs: []tfRec{{nil, `{"ID":0,"VAL":1,"ID2":0}`}, {nil, `{"ID":0,"VAL":2,"ID2":0}`},
			{nil, `{"ID":1,"VAL":3,"ID2":1}`}, {nil, `{"ID":1,"VAL":4,"ID2":1}`}},
	},
}

// Each case's CREATE STREAM AS SELECT writes the records its
// query-validation test expects, key and value, in order.
func TestTableFunctionQueryValidationCasesWriteTheExpectedRecords(t *testing.T) {
	for _, c := range tableFunctionCases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.create, nil)
			var in []kv
			for _, r := range c.inputs {
				in = append(in, kv{key: r.key, value: []byte(r.value)})
			}
			st.produce("test_topic", in...)
			mustKSQL(t, url, c.csas, earliest())
			got := st.consume("OUTPUT", len(c.outputs))
			for i, want := range c.outputs {
				if i >= len(got) {
					break
				}
				if string(got[i].key) != string(want.key) || (got[i].key == nil) != (want.key == nil) || !sameJSON(t, string(got[i].value), want.value) {
					t.Errorf("record %d: key %q value %s\nwant key %q value %s", i, got[i].key, got[i].value, want.key, want.value)
				}
			}
		})
	}
}

// The sink's columns are typed as ksqlDB types them: EXPLODE gives the
// array's element type (a DECIMAL keeps its precision and scale), CUBE_EXPLODE
// an ARRAY of it, and a dereference of an exploded STRUCT the field's type;
// unnamed columns are KSQL_COL_n. The schemas are the sinks' in the
// historical plans of ksqlDB 7.1 (confluentinc/ksql v7.9.0,
// ksqldb-functional-tests/src/test/resources/historical_plans/
// explode_-_explode_different_types, cube_-_cube_two_int_columns and
// explode_-_explode_array_of_struct_with_dereference, plan.json).
func TestTableFunctionSinkColumnsHaveKsqlDBTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM T1 (K STRING KEY, F0 ARRAY<INT>, F1 ARRAY<BIGINT>, F2 ARRAY<DOUBLE>, F3 ARRAY<BOOLEAN>, F4 ARRAY<STRING>, F5 ARRAY<DECIMAL(20, 10)>) WITH (kafka_topic='t1', partitions=1, value_format='JSON');
CREATE STREAM T2 (ID STRING KEY, col1 INT, col2 INT) WITH (kafka_topic='t2', partitions=1, value_format='JSON');
CREATE STREAM T3 (ID STRING KEY, MY_ARR ARRAY<STRUCT<F1 BIGINT>>) WITH (kafka_topic='t3', partitions=1, value_format='JSON');
CREATE STREAM O1 AS SELECT K, EXPLODE(F0), EXPLODE(F1), EXPLODE(F2), EXPLODE(F3), EXPLODE(F4), EXPLODE(F5) FROM T1;
CREATE STREAM O2 AS SELECT ID, cube_explode(array[col1, col2]) VAL FROM T2;
CREATE STREAM O3 AS SELECT ID, EXPLODE(MY_ARR)->F1 AS VAL FROM T3;`, nil)
	for name, want := range map[string]string{
		"O1": "K STRING KEY, KSQL_COL_0 INTEGER, KSQL_COL_1 BIGINT, KSQL_COL_2 DOUBLE, KSQL_COL_3 BOOLEAN, KSQL_COL_4 STRING, KSQL_COL_5 DECIMAL",
		"O2": "ID STRING KEY, VAL ARRAY",
		"O3": "ID STRING KEY, VAL BIGINT",
	} {
		if got, _ := describeSchema(t, url, name); got != want {
			t.Errorf("DESCRIBE %s: %s\nwant %s", name, got, want)
		}
	}
}

// A transient push query zips its table functions as a persistent one
// does (table-functions.json "multiple table functions"), on /query with
// the header naming the columns and their element types, and on
// /query-stream.
func TestTableFunctionsRunInTransientPushQueries(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID STRING KEY, MY_ARR1 ARRAY<BIGINT>, MY_ARR2 ARRAY<BIGINT>, BAR BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	st.produce("test_topic", kv{k("0"), []byte(`{"MY_ARR1":[1,2],"MY_ARR2":[10,11,12]}`)}, kv{k("1"), []byte(`{"MY_ARR1":[3,4],"MY_ARR2":[20]}`)})
	want := []string{`["0",1,10]`, `["0",2,11]`, `["0",null,12]`, `["1",3,20]`, `["1",4,null]`}
	q := "SELECT ID, EXPLODE(MY_ARR1), EXPLODE(MY_ARR2) FROM TEST EMIT CHANGES"
	schema, rows := pushRows(t, url, q+" LIMIT 5;", 5)
	if w := "`ID` STRING, `KSQL_COL_0` BIGINT, `KSQL_COL_1` BIGINT"; schema != w {
		t.Errorf("/query schema %s\nwant %s", schema, w)
	}
	if got := strings.Join(rows, " "); got != strings.Join(want, " ") {
		t.Errorf("/query rows %s\nwant %s", got, strings.Join(want, " "))
	}
	if got := strings.Join(streamRows(t, url, q+";", 5), " "); got != strings.Join(want, " ") {
		t.Errorf("/query-stream rows %s\nwant %s", got, strings.Join(want, " "))
	}
}

// Each exploded row keeps its input record's ROWTIME (KudtfFlatMapper
// copies the row it flattens, and the record's timestamp goes with it).
func TestExplodedRowsKeepTheInputRowtime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<INT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	st.produceTimed("test_topic", timed{k("a"), `{"MY_ARR":[1,2]}`, 1000}, timed{k("b"), `{"MY_ARR":[3]}`, 2000})
	_, rows := pushRows(t, url, "SELECT ROWTIME, ID, EXPLODE(MY_ARR) AS V FROM TEST EMIT CHANGES LIMIT 3;", 3)
	if got, want := strings.Join(rows, " "), `[1000,"a",1] [1000,"a",2] [2000,"b",3]`; got != want {
		t.Errorf("rows %s\nwant %s", got, want)
	}
	mustKSQL(t, url, "CREATE STREAM OUT AS SELECT ID, EXPLODE(MY_ARR) AS V FROM TEST;", earliest())
	var ts []int64
	for _, r := range st.consumeRecords("OUT", 3) {
		ts = append(ts, r.Timestamp.UnixMilli())
	}
	if !reflect.DeepEqual(ts, []int64{1000, 1000, 2000}) {
		t.Errorf("OUT timestamps %v, want [1000 1000 2000]", ts)
	}
}

// Statements ksqlDB refuses for their table functions, with its messages:
// explode.json "explode shouldn't accept map" and "shouldn't be able to
// have table functions with aggregation", table-functions.json "table
// functions don't support table sources" (also for a transient query, as
// QueryAnalyzer checks every query) and "table function shouldn't be in
// FROM clause" (a parse error); Analyzer.TableFunctionVisitor's nested and
// CASE messages (AnalyzerFunctionalTest.shouldFailOnTableFunctionInsideCaseFunction
// for the CASE text); CUBE_EXPLODE's one signature (Cube.cube(List<T>
// columns)); and a table function outside SELECT, which only the
// projection's analysis knows: code generation of the WHERE clause looks
// it up among the scalar functions (CodeGenRunner.visitFunctionCall,
// InternalFunctionRegistry.getUdfFactory).
func TestTableFunctionStatementsKsqlDBRefusesAreRefusedWithItsMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, VAL INT, MY_ARR ARRAY<BIGINT>, MY_MAP MAP<STRING, INT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE TT (K STRING PRIMARY KEY, ID BIGINT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='tt', partitions=1, value_format='JSON');`, nil)
	for _, c := range []struct{ stmt, msg string }{
		{"CREATE STREAM OUTPUT AS SELECT EXPLODE(MY_MAP) FROM TEST;",
			"Function 'explode' does not accept parameters (MAP<STRING, INTEGER>).\nValid alternatives are:\nexplode(ARRAY<DECIMAL> input)\nexplode(ARRAY<T> list)"},
		{"CREATE STREAM OUTPUT AS SELECT K, CUBE_EXPLODE(VAL) FROM TEST;",
			"Function 'cube_explode' does not accept parameters (INTEGER).\nValid alternatives are:\ncube_explode(ARRAY<T> columns)"},
		{"CREATE TABLE OUTPUT AS SELECT K, VAL, EXPLODE(MY_MAP), COUNT(*) FROM TEST GROUP BY VAL;", "Table functions cannot be used with aggregations."},
		{"CREATE TABLE OUTPUT AS SELECT K, ID, EXPLODE(MY_ARR) VAL FROM TT;", "Table source is not supported with table functions"},
		{"CREATE STREAM OUTPUT AS SELECT K, EXPLODE(ARRAY[EXPLODE(MY_ARR)]) FROM TEST;", "Table functions cannot be nested: EXPLODE(EXPLODE())"},
		{"CREATE STREAM OUTPUT AS SELECT K, CASE WHEN false then EXPLODE(ARRAY[1.2]) END FROM TEST;", "Table functions cannot be used in CASE: (CASE WHEN false THEN EXPLODE(ARRAY[1.2]) END)"},
		{"CREATE STREAM OUTPUT AS SELECT K, VAL FROM TEST WHERE EXPLODE(MY_ARR) = 1;", "Can't find any functions with the name 'EXPLODE'"},
	} {
		code, body := stmtErr(t, url, c.stmt)
		if code != http.StatusBadRequest || body["error_code"] != float64(40001) || !strings.Contains(body["message"].(string), c.msg) {
			t.Errorf("%s\n got %d %v\nwant 400 40001 %q", c.stmt, code, body, c.msg)
		}
	}
	code, body := stmtErr(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM EXPLODE(MY_ARR);")
	if code != http.StatusBadRequest || body["error_code"] != float64(40001) {
		t.Errorf("EXPLODE in FROM: %d %v, want a 400 statement error", code, body)
	}
	code, out := post(t, url, "/query", "SELECT K, EXPLODE(MY_ARR) FROM TT EMIT CHANGES;", nil)
	if code != http.StatusBadRequest || !strings.Contains(string(out), "Table source is not supported with table functions") {
		t.Errorf("push query on a table: %d %s", code, out)
	}
}

// A table function over a JOIN flattens each joined row, after the join
// and before the projection, and one with PARTITION BY each rekeyed row:
// LogicalPlanner.buildPersistentLogicalPlan builds the source (a join's
// JoinNode), the filter, the PARTITION BY repartition, then the FlatMap,
// then the projection. Every exploded row keeps its input row's key: the
// join key, or the PARTITION BY value.
func TestTableFunctionsRunOverAJoinAndAfterPartitionBy(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, VAL INT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE TT (K STRING PRIMARY KEY, ID BIGINT) WITH (kafka_topic='tt', partitions=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"tt", 1, []byte("a"), []byte(`{"ID":7}`)},
		joinRec{"test_topic", 2, []byte("a"), []byte(`{"VAL":1,"MY_ARR":[10,20]}`)},
		joinRec{"test_topic", 3, []byte("b"), []byte(`{"VAL":1,"MY_ARR":[30]}`)})
	mustKSQL(t, url, `CREATE STREAM J AS SELECT TEST.K, TT.ID, EXPLODE(MY_ARR) AS X FROM TEST JOIN TT ON TEST.K = TT.K;
CREATE STREAM P AS SELECT VAL, K, EXPLODE(MY_ARR) AS X FROM TEST PARTITION BY VAL;`, earliest())
	type rec struct{ key, value string }
	got := func(topic string, n int) []rec {
		var out []rec
		for _, r := range st.consume(topic, n) {
			out = append(out, rec{string(r.key), string(r.value)})
		}
		return out
	}
	// TEST's b has no TT row: an inner join gives it no row to explode
	if j, want := got("J", 2), []rec{{"a", `{"ID":7,"X":10}`}, {"a", `{"ID":7,"X":20}`}}; !reflect.DeepEqual(j, want) {
		t.Errorf("J %v, want %v", j, want)
	}
	one := string(intKey(1))
	if p, want := got("P", 3), []rec{{one, `{"K":"a","X":10}`}, {one, `{"K":"a","X":20}`}, {one, `{"K":"b","X":30}`}}; !reflect.DeepEqual(p, want) {
		t.Errorf("P %v, want %v", p, want)
	}
	if rows := streamRows(t, url, "SELECT TEST.K, TT.ID, EXPLODE(MY_ARR) AS X FROM TEST JOIN TT ON TEST.K = TT.K EMIT CHANGES;", 2); !reflect.DeepEqual(rows, []string{`["a",7,10]`, `["a",7,20]`}) {
		t.Errorf("push query over the join: %v", rows)
	}
}

// EXPLAIN of a table function with PARTITION BY shows ksqlDB's order: the
// REKEY step, then FLAT_MAP over the rekeyed columns with KSQL_SYNTH_0
// appended (StreamFlatMapBuilder.buildSchema). EXPLAIN of one over a join
// is not built here.
func TestExplainOfATableFunctionWithPartitionByRekeysBeforeItFlattens(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (K STRING KEY, VAL INT, MY_ARR ARRAY<BIGINT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE TT (K STRING PRIMARY KEY, ID BIGINT) WITH (kafka_topic='tt', partitions=1, value_format='JSON');
CREATE STREAM P AS SELECT VAL, K, EXPLODE(MY_ARR) AS X FROM TEST PARTITION BY VAL;
CREATE STREAM J AS SELECT TEST.K, TT.ID, EXPLODE(MY_ARR) AS X FROM TEST JOIN TT ON TEST.K = TT.K;`, nil)
	plan := mustKSQL(t, url, "EXPLAIN "+queryWriting(t, url, "P")+";", nil)[0]["queryDescription"].(map[string]any)["executionPlan"].(string)
	var ops []string
	for _, line := range strings.Split(plan, "\n") {
		if i := strings.Index(line, "> [ "); i >= 0 {
			ops = append(ops, strings.SplitN(line[i+4:], " ]", 2)[0])
		}
	}
	if want := []string{"SINK", "PROJECT", "FLAT_MAP", "REKEY", "SOURCE"}; !reflect.DeepEqual(ops, want) {
		t.Errorf("steps %v, want %v\n%s", ops, want, plan)
	}
	if !strings.Contains(plan, "[ FLAT_MAP ] | Schema: VAL INTEGER KEY, VAL INTEGER, MY_ARR ARRAY<BIGINT>, ROWTIME BIGINT, ROWPARTITION INTEGER, ROWOFFSET BIGINT, K STRING, KSQL_SYNTH_0 BIGINT |") {
		t.Errorf("FLAT_MAP schema:\n%s", plan)
	}
	code, body := stmtErr(t, url, "EXPLAIN "+queryWriting(t, url, "J")+";")
	if code != http.StatusBadRequest || body["message"] != "EXPLAIN of a table function over a JOIN is not supported by this ksqlDB server" {
		t.Errorf("EXPLAIN of the join: %d %v", code, body["message"])
	}
}

// A record without a value flattens to no rows: KudtfFlatMapper.transform
// returns nothing for a null value, where a plain projection passes the
// null on. The record after it is the first the sink gets.
func TestATableFunctionQueryWritesNothingForANullValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID STRING KEY, MY_ARR ARRAY<INT>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	st.produce("test_topic", kv{k("a"), nil}, kv{k("b"), []byte(`{"MY_ARR":[5]}`)})
	mustKSQL(t, url, "CREATE STREAM OUT AS SELECT ID, EXPLODE(MY_ARR) AS V FROM TEST;", earliest())
	if r := st.consume("OUT", 1)[0]; string(r.key) != "b" || string(r.value) != `{"V":5}` {
		t.Errorf("first OUT record %q %s, want b {\"V\":5}", r.key, r.value)
	}
}
