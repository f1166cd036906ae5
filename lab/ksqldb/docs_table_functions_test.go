package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Table Functions", its three examples run as written.
// The page shows its input records as {field: value} and declares none of
// the streams it reads except CUBE_EXPLODE's; the declarations here give
// them the columns the records name, as value columns of a stream without
// a key, and the records are produced as JSON.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/table-functions/

// sinkKeysValues reads the first n records of a topic and returns their keys
// and values as text.
func sinkKeysValues(st *stack, topic string, n int) (keys, vals []string) {
	for _, r := range st.consume(topic, n) {
		key := "<null>"
		if r.key != nil {
			key = string(r.key)
		}
		keys = append(keys, key)
		vals = append(vals, string(r.value))
	}
	return keys, vals
}

// EXPLODE gives a row per reading, each with its sensor_id copied.
func TestDocsTableFunctionsExplodeEmitsARowPerArrayElement(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM batched_readings (sensor_id INT, readings ARRAY<INT>)
  WITH (kafka_topic='batched_readings', partitions=1, value_format='JSON');`, nil)
	st.produceValues("batched_readings", `{"SENSOR_ID":12345,"READINGS":[23,56,3,76,75]}`, `{"SENSOR_ID":54321,"READINGS":[12,65,38]}`)
	mustKSQL(t, url, `  CREATE STREAM exploded_stream AS
    SELECT sensor_id, EXPLODE(readings) AS reading FROM batched_readings;`, earliest())
	_, got := sinkKeysValues(st, "EXPLODED_STREAM", 8)
	want := []string{
		`{"SENSOR_ID":12345,"READING":23}`, `{"SENSOR_ID":12345,"READING":56}`, `{"SENSOR_ID":12345,"READING":3}`,
		`{"SENSOR_ID":12345,"READING":76}`, `{"SENSOR_ID":12345,"READING":75}`,
		`{"SENSOR_ID":54321,"READING":12}`, `{"SENSOR_ID":54321,"READING":65}`, `{"SENSOR_ID":54321,"READING":38}`,
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("EXPLODED_STREAM values\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
	}
}

// Two table functions are zipped: as many rows as the longer array, the
// shorter one's missing values NULL.
func TestDocsTableFunctionsZipSeveralTableFunctions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM country_batches (country VARCHAR, customer_names ARRAY<VARCHAR>, customer_ages ARRAY<INT>)
  WITH (kafka_topic='country_batches', partitions=1, value_format='JSON');`, nil)
	st.produceValues("country_batches",
		`{"COUNTRY":"UK","CUSTOMER_NAMES":["john","paul","george","ringo"],"CUSTOMER_AGES":[23,56,3]}`,
		`{"COUNTRY":"USA","CUSTOMER_NAMES":["chad","chip","brad"],"CUSTOMER_AGES":[56,34,76,84,56]}`)
	mustKSQL(t, url, `  CREATE STREAM country_customers AS
    SELECT country, EXPLODE(customer_names) AS name, EXPLODE(customer_ages) AS age FROM country_batches;`, earliest())
	_, got := sinkKeysValues(st, "COUNTRY_CUSTOMERS", 9)
	want := []string{
		`{"COUNTRY":"UK","NAME":"john","AGE":23}`, `{"COUNTRY":"UK","NAME":"paul","AGE":56}`,
		`{"COUNTRY":"UK","NAME":"george","AGE":3}`, `{"COUNTRY":"UK","NAME":"ringo","AGE":null}`,
		`{"COUNTRY":"USA","NAME":"chad","AGE":56}`, `{"COUNTRY":"USA","NAME":"chip","AGE":34}`,
		`{"COUNTRY":"USA","NAME":"brad","AGE":76}`, `{"COUNTRY":"USA","NAME":null,"AGE":84}`,
		`{"COUNTRY":"USA","NAME":null,"AGE":56}`,
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("COUNTRY_CUSTOMERS values\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
	}
}

// CUBE_EXPLODE gives every combination of the array's values, a NULL
// value's combinations once. The page's statements declare TEST without a
// key column, so, as for any keyless stream (table-functions.json "stream
// without key"), the output records have no key; the page prints the keys
// "0" and "1" of cube.json's "cube two int columns", whose TEST has an
// ID STRING KEY column and selects it.
func TestDocsTableFunctionsCubeExplodeEmitsEveryCombination(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (col1 INT, col2 INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');`, nil)
	st.produce("test_topic", kv{k("0"), []byte(`{"col1": 1, "col2": 2}`)}, kv{k("1"), []byte(`{"col1": 1, "col2": null}`)})
	mustKSQL(t, url, `CREATE STREAM OUTPUT AS SELECT cube_explode(array[col1, col2]) VAL FROM TEST;`, earliest())
	keys, got := sinkKeysValues(st, "OUTPUT", 6)
	want := []string{`{"VAL":[null,null]}`, `{"VAL":[null,2]}`, `{"VAL":[1,null]}`, `{"VAL":[1,2]}`, `{"VAL":[null,null]}`, `{"VAL":[1,null]}`}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("OUTPUT values\n got %s\nwant %s", strings.Join(got, " "), strings.Join(want, " "))
	}
	if strings.Join(keys, " ") != strings.Repeat("<null> ", 5)+"<null>" {
		t.Errorf("OUTPUT keys %v, want none", keys)
	}
}
