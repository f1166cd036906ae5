package ksqldb

import "testing"

// NULL is no type inside an ARRAY, MAP or STRUCT either: an element, value
// or field type of NULL is a syntax error where it stands
// (query-validation-tests null.json "NULL element type", "NULL value type",
// "NULL field type").
func TestNullIsNoNestedType(t *testing.T) {
	refusals(t, "", [][2]string{
		{"CREATE STREAM a (k INT KEY, c ARRAY<NULL>) WITH (KAFKA_TOPIC='a', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"line 1:37: Syntax Error\nSyntax error at or near 'NULL' at line 1:37"},
		{"CREATE STREAM m (k INT KEY, c MAP<STRING, NULL>) WITH (KAFKA_TOPIC='m', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"line 1:43: Syntax Error\nSyntax error at or near 'NULL' at line 1:43"},
		{"CREATE STREAM s (k INT KEY, c STRUCT<f NULL>) WITH (KAFKA_TOPIC='s', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"line 1:40: Syntax Error\nSyntax error at or near 'NULL' at line 1:40"},
	})
}
