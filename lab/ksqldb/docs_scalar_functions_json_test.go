package ksqldb

import "testing"

// The JSON functions the page lists under Strings, with its examples. The
// page escapes the quotes inside its literals (\"a\") and prints arrays,
// maps and JSON text informally, with spaces; in ksqlDB the quotes are
// plain and Jackson writes JSON compactly, as the rows here do. The
// page's PARSE_TIMESTAMP of 2021-06-31 shows the SMART resolver moving a
// day past the month's end to its last day.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/scalar-functions/#strings
func TestDocsScalarJSONFunctions(t *testing.T) {
	const logMessage = `'{"log": {"cloud": "gcp836Csd", "app": "ksProcessor", "instance": 4}}'`
	checkDocsCalls(t, []docsCall{
		{`EXTRACTJSONFIELD(` + logMessage + `, '$.log.cloud')`, `"gcp836Csd"`},
		{`CAST(EXTRACTJSONFIELD(` + logMessage + `, '$.log.instance') AS INT)`, `4`},
		{`EXTRACTJSONFIELD(` + logMessage + `, '$.log.missing')`, `null`},
		{`IS_JSON_STRING('[1, 2, 3]')`, `true`},
		{`IS_JSON_STRING('{}')`, `true`},
		{`IS_JSON_STRING('1')`, `true`},
		// The page escapes the quotes as \"; in a ksqlDB literal they are
		// plain (is_json_string.json's "abc" in quotes).
		{`IS_JSON_STRING('"abc"')`, `true`},
		{`IS_JSON_STRING('null')`, `true`},
		{`IS_JSON_STRING('')`, `false`},
		{`IS_JSON_STRING('abc')`, `false`},
		{`IS_JSON_STRING(NULL)`, `false`},
		{`JSON_ARRAY_LENGTH('[1, 2, 3]')`, `3`},
		{`JSON_ARRAY_LENGTH('[1, [1, [2]], 3]')`, `3`},
		{`JSON_ARRAY_LENGTH('[]')`, `0`},
		{`JSON_ARRAY_LENGTH('{}')`, `null`},
		{`JSON_ARRAY_LENGTH('123')`, `null`},
		{`JSON_ARRAY_LENGTH(NULL)`, `null`},
		{`JSON_ARRAY_LENGTH('abc')`, `null`},
		{`JSON_CONCAT('{"a": 1}', '{"b": 2}')`, `"{\"a\":1,\"b\":2}"`},
		{`JSON_CONCAT('{"a": {"5": 6}}', '{"a": {"3": 4}}')`, `"{\"a\":{\"3\":4}}"`},
		{`JSON_CONCAT('{}', '{}')`, `"{}"`},
		{`JSON_CONCAT('[1, 2]', '[3, 4]')`, `"[1,2,3,4]"`},
		{`JSON_CONCAT('[1, [2]]', '[[[3]], [[[4]]]]')`, `"[1,[2],[[3]],[[[4]]]]"`},
		{`JSON_CONCAT('null', 'null')`, `"[null,null]"`},
		{`JSON_CONCAT('[1, 2]', '{"a": 1}')`, `"[1,2,{\"a\":1}]"`},
		{`JSON_CONCAT('[1, 2]', '3')`, `"[1,2,3]"`},
		{`JSON_CONCAT('1', '2')`, `"[1,2]"`},
		{`JSON_CONCAT('[]', '[]')`, `"[]"`},
		{`JSON_CONCAT('abc', '[1]')`, `null`},
		{`JSON_CONCAT(NULL, '[1]')`, `null`},
		{`JSON_KEYS('{"a": "abc", "b": { "c": "a" }, "d": 1}')`, `["a","b","d"]`},
		{`JSON_KEYS('{}')`, `[]`},
		{`JSON_KEYS('[]')`, `null`},
		{`JSON_KEYS('123')`, `null`},
		{`JSON_KEYS(NULL)`, `null`},
		{`JSON_KEYS('')`, `null`},
		// A text value comes out unquoted (json_records.json: "Seven").
		// the page prints the map by sorted key; JsonRecords fills a
		// new HashMap<>(3), which iterates d (bucket 0) first
		{`JSON_RECORDS('{"a": "abc", "b": { "c": "a" }, "d": 1}')`, `{"d":"1","a":"abc","b":"{\"c\":\"a\"}"}`},
		{`JSON_RECORDS('{}')`, `{}`},
		{`JSON_RECORDS('[]')`, `null`},
		{`JSON_RECORDS('123')`, `null`},
		{`JSON_RECORDS(NULL)`, `null`},
		{`JSON_RECORDS('abc')`, `null`},
		{`JSON_ITEMS('[{"type": "A", "ts": "2022-01-27"}, {"type": "B", "ts": "2022-05-18"}]')`, `["{\"type\":\"A\",\"ts\":\"2022-01-27\"}","{\"type\":\"B\",\"ts\":\"2022-05-18\"}"]`},
		{`JSON_ITEMS('[]')`, `[]`},
		{`JSON_ITEMS('[1, 2, 3]')`, `["1","2","3"]`},
		{`JSON_ITEMS(NULL)`, `null`},
		{`JSON_ITEMS('abc')`, `null`},
		{`TO_JSON_STRING(1)`, `"1"`},
		{`TO_JSON_STRING(15.3)`, `"15.3"`},
		{`TO_JSON_STRING('abc')`, `"\"abc\""`},
		{`TO_JSON_STRING(true)`, `"true"`},
		{`TO_JSON_STRING(PARSE_DATE('2021-10-11', 'yyyy-MM-dd'))`, `"\"2021-10-11\""`},
		{`TO_JSON_STRING(PARSE_TIME('13:25', 'HH:mm'))`, `"\"13:25\""`},
		{`TO_JSON_STRING(PARSE_TIMESTAMP('2021-06-31 12:18:39.446', 'yyyy-MM-dd HH:mm:ss.SSS'))`, `"\"2021-06-30T12:18:39.446\""`},
		{`TO_JSON_STRING(NULL)`, `"null"`},
		{`TO_JSON_STRING(Array[1, 2, 3])`, `"[1,2,3]"`},
		{`TO_JSON_STRING(Struct(id := 1, name := 'A'))`, `"{\"ID\":1,\"NAME\":\"A\"}"`},
		{`TO_JSON_STRING(Map('c' := 2, 'd' := 4))`, `"{\"c\":2,\"d\":4}"`},
		{`TO_JSON_STRING(Array[Struct(json_key := 1, json_value := Map('c' := 2, 'd' := 3))])`, `"[{\"JSON_KEY\":1,\"JSON_VALUE\":{\"c\":2,\"d\":3}}]"`},
		{`JSON_ARRAY_CONTAINS('[1, 2, 3]', 3)`, `true`},
		{`JSON_ARRAY_CONTAINS('{}', 3)`, `false`},
	})
}
