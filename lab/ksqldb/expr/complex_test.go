package expr

import (
	"testing"
)

// Constructors, subscripts and dereferences as ksqlDB's
// ExpressionTypeManager types them and SqlToJavaVisitor runs them:
// ARRAY indexes are 1-based, negative from the end, NULL out of range
// (ArrayAccess); a missing MAP key is NULL; CAST to STRING prints the Java
// value (List, Map, Connect Struct). SPLIT (udf/string/Split.java) keeps
// empty pieces; ARRAY_LENGTH (udf/array/ArrayLength.java) counts elements.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/operators/
func TestComplexValueExpressions(t *testing.T) {
	checkExprs(t, []exprCase{
		{"ARRAY[1, 2, 3][1]", row(), int32(1)},
		{"ARRAY[1, 2, 3][-1]", row(), int32(3)},
		{"ARRAY[1, 2, 3][4]", row(), nil},
		{"ARRAY[A, B][1]", row("A", int32(5)), int64(5)},
		{"MAP('a' := 1, 'b' := 2)['b']", row(), int32(2)},
		{"MAP('a' := 1)['z']", row(), nil},
		{"STRUCT(x := 1, y := S)->y", row("S", "v"), "v"},
		{"STRUCT(nested := STRUCT(v := 'deep'))->nested->v", row(), "deep"},
		{"CAST(ARRAY['a', NULL] AS STRING)", row(), "[a, null]"},
		{"CAST(MAP('k' := 1.5E0) AS STRING)", row(), "{k=1.5}"},
		{"CAST(STRUCT(a := 1, b := CAST(NULL AS STRING)) AS STRING)", row(), "Struct{A=1}"},
		{"ARRAY[1, 2] = ARRAY[1, 2]", row(), true},
		{"SPLIT('a,b,,c', ',')[3]", row(), ""},
		{"ARRAY_LENGTH(SPLIT('a,b,,c', ','))", row(), int32(4)},
		{"ARRAY_LENGTH(SPLIT('abc', ''))", row(), int32(3)},
		{"SPLIT('abc', '')[2]", row(), "b"},
		{"ARRAY_LENGTH(SPLIT(S, ','))", row(), nil},
		// the lax coercer trims a string literal before parsing it
		// (DefaultSqlValueCoercer's parser)
		{"ARRAY[1, ' 2 ']", row(), []any{int32(1), int32(2)}},
		{"ARRAY[1, 2] <> ARRAY[2, 1]", row(), true},
	})
	checkRefused(t, map[string]string{
		"ARRAY[NULL]": "Cannot construct an array with all NULL elements (see https://github.com/confluentinc/ksql/issues/4239). As a workaround, you may cast a NULL value to the desired type.",
		// a string literal in a numeric list must hold a number (CoercionUtil.
		// resolveCommonNumericTypeFromStringLiteral; query-validation-tests
		// create_array.json "construct a list from incompatible mismatching
		// elements")
		"ARRAY[1, 'a']":                          "invalid input syntax for type INTEGER: \"a\".",
		"ARRAY[1, true]":                         "operator does not exist: INTEGER = BOOLEAN (true)\nHint: You might need to add explicit type casts.",
		"STRUCT(x := 1)[1]":                      "Subscript expression (STRUCT(X:=1)[1]) do not apply to STRUCT<`X` INTEGER>. Use the dereference operator for STRUCTS: STRUCT(X:=1)->1",
		"STRUCT(x := 1)->nope":                   "Could not find field 'NOPE' in 'STRUCT(X:=1)'.",
		"ARRAY[1] < ARRAY[2]":                    "Cannot compare ARRAY[1] (ARRAY<INTEGER>) to ARRAY[2] (ARRAY<INTEGER>) with LESS_THAN.",
		"ARRAY[1] BETWEEN ARRAY[0] AND ARRAY[2]": "Cannot compare ARRAY[1] (ARRAY<INTEGER>) to ARRAY[0] (ARRAY<INTEGER>) with GREATER_THAN_OR_EQUAL.",
		"CAST(ARRAY[1] AS INT)":                  "Invalid Select: Cast of ARRAY<INTEGER> to INTEGER is not supported.",
	})
}
