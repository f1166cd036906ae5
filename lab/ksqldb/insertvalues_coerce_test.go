package ksqldb

import "testing"

// INSERT VALUES coerces a complex value as DefaultSqlValueCoercer.STRICT
// does, element by element: an ARRAY's items, a MAP's keys and values, a
// STRUCT's fields by name, a field the value lacks being null
// (rest-query-validation-tests insert-values.json "should handle arbitrary
// nested expressions", "should handle map expressions", "should handle
// struct coercion", "should handle empty struct expressions").
func TestInsertValuesCoercesComplexValuesItemByItem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM boxes (k STRING KEY, grid ARRAY<ARRAY<BIGINT>>, tally MAP<STRING, DOUBLE>, dims STRUCT<w BIGINT, sizes ARRAY<BIGINT>, ratio DOUBLE>, spare STRUCT<a DECIMAL(2, 1), `b` ARRAY<STRING>>) WITH (kafka_topic='boxes', value_format='JSON', partitions=1);", nil)
	mustKSQL(t, url, "INSERT INTO boxes (k, grid, tally, dims, spare) VALUES ('x', ARRAY[ARRAY[1, 2], ARRAY[3]], MAP('a' := 1, 'b' := 2), STRUCT(W := 2, SIZES := ARRAY[4], RATIO := 5), STRUCT());", nil)
	got := string(st.consume("boxes", 1)[0].value)
	want := `{"GRID":[[1,2],[3]],"TALLY":{"a":1.0,"b":2.0},"DIMS":{"W":2,"SIZES":[4],"RATIO":5.0},"SPARE":{"A":null,"b":null}}`
	if !sameJSON(t, got, want) {
		t.Errorf("value %s\nwant %s", got, want)
	}
}
