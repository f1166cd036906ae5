package ksqldb

import (
	"slices"
	"testing"
)

// Expressions and functions run inside a persistent query exactly as they
// evaluate alone, and planning errors reach the client as ksqlDB's
// statement_error (400, error_code 40001) with ksqlDB's message.
func TestLanguageOverTheRESTAPI(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM trains (id INT KEY, line STRING, delay DOUBLE, station STRING)
		WITH (KAFKA_TOPIC='trains', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("trains",
		kv{intKey(1), []byte(`{"line":"red","delay":0.0,"station":"Howard"}`)},
		kv{intKey(2), []byte(`{"line":"blue","delay":7.5,"station":"O'Hare"}`)},
		kv{intKey(3), []byte(`{"line":null,"delay":null,"station":"Clark/Lake"}`)},
	)
	mustKSQL(t, url, `CREATE STREAM late AS SELECT id,
  CASE WHEN delay > 5 THEN 'late' WHEN delay IS NULL THEN 'unknown' ELSE 'on time' END AS status,
  UCASE(line) || '-' || LPAD(CAST(id AS STRING), 3, '0') AS code,
  ROUND(delay, 0) AS rounded, line IS DISTINCT FROM 'red' AS not_red,
  INSTR(station, '/') AS slash, MASK_KEEP_LEFT(station, 2) AS masked
  FROM trains WHERE station NOT LIKE 'X%' EMIT CHANGES;`, earliest())
	want := []string{
		`{"STATUS":"on time","CODE":"RED-001","ROUNDED":0.0,"NOT_RED":false,"SLASH":0,"MASKED":"Hoxxxx"}`,
		`{"STATUS":"late","CODE":"BLUE-002","ROUNDED":8.0,"NOT_RED":true,"SLASH":0,"MASKED":"O'Xxxx"}`,
		`{"STATUS":"unknown","CODE":"-003","ROUNDED":null,"NOT_RED":true,"SLASH":6,"MASKED":"Clxxx-Xxxx"}`,
	}
	if got := values(st.consume("LATE", 3)); !slices.Equal(got, want) {
		t.Errorf("LATE:\n got %v\nwant %v", got, want)
	}

	for stmt, msg := range map[string]string{
		"CREATE STREAM bad AS SELECT id FROM trains WHERE NULL <> NULL;":           "Error in WHERE expression: Comparison with NULL not supported: NULL <> NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
		"CREATE STREAM bad AS SELECT id, NULL <> NULL FROM trains;":                "Comparison with NULL not supported: NULL <> NULL\nUse 'IS NULL' or 'IS NOT NULL' instead.",
		"CREATE STREAM bad AS SELECT id, FOO(line) AS f FROM trains;":              "Can't find any functions with the name 'FOO'",
		"CREATE STREAM bad AS SELECT id, CAST(delay AS BOOLEAN) AS b FROM trains;": "Invalid Select: Cast of DOUBLE to BOOLEAN is not supported.", // CodeGenRunner's prefix
	} {
		code, e := stmtErr(t, url, stmt)
		if code != 400 || e["@type"] != "statement_error" || e["error_code"] != 40001.0 || e["message"] != msg {
			t.Errorf("%s\n got %d %v\nwant message %q", stmt, code, e, msg)
		}
	}
}

// JSON columns of type ARRAY, MAP and STRUCT are read, addressed with [],
// -> and written back as JSON; DESCRIBE shows their member schemas; formats
// that cannot hold them refuse them with ksqlDB's message.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/data-types/
func TestComplexColumnsOverJSON(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM trips (id INT KEY, stops ARRAY<STRING>, delays MAP<STRING, INT>,
		train STRUCT<`+"`RUN`"+` INT, cars ARRAY<INT>>) WITH (KAFKA_TOPIC='trips', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("trips",
		kv{intKey(1), []byte(`{"stops":["Howard","Loyola"],"delays":{"Howard":2},"train":{"RUN":801,"cars":[1,2]}}`)},
		kv{intKey(2), []byte(`{"stops":null,"delays":{},"train":null}`)},
	)
	mustKSQL(t, url, `CREATE STREAM trip_view AS SELECT id, stops[1] AS first_stop, stops[-1] AS last_stop,
  delays['Howard'] AS howard, train->`+"`RUN`"+`, train->cars[2] AS car2, train, ARRAY[id, 0] AS pair,
  MAP('n' := id) AS m, STRUCT(k := id) AS s FROM trips EMIT CHANGES;`, earliest())
	want := []string{
		`{"FIRST_STOP":"Howard","LAST_STOP":"Loyola","HOWARD":2,"RUN":801,"CAR2":2,"TRAIN":{"RUN":801,"CARS":[1,2]},"PAIR":[1,0],"M":{"n":1},"S":{"K":1}}`,
		`{"FIRST_STOP":null,"LAST_STOP":null,"HOWARD":null,"RUN":null,"CAR2":null,"TRAIN":null,"PAIR":[2,0],"M":{"n":2},"S":{"K":2}}`,
	}
	if got := values(st.consume("TRIP_VIEW", 2)); !slices.Equal(got, want) {
		t.Errorf("TRIP_VIEW:\n got %v\nwant %v", got, want)
	}
	sd := mustKSQL(t, url, "DESCRIBE trips;", nil)[0]["sourceDescription"].(map[string]any)
	fields := sd["fields"].([]any)
	train := fields[3].(map[string]any)["schema"].(map[string]any)
	cars := train["fields"].([]any)[1].(map[string]any)
	if train["type"] != "STRUCT" || cars["name"] != "CARS" || cars["schema"].(map[string]any)["type"] != "ARRAY" ||
		cars["schema"].(map[string]any)["memberSchema"].(map[string]any)["type"] != "INTEGER" {
		t.Errorf("DESCRIBE train: %v", train)
	}
	for stmt, msg := range map[string]string{
		"CREATE STREAM d (id INT KEY, a ARRAY<INT>) WITH (KAFKA_TOPIC='trips', VALUE_FORMAT='DELIMITED');":   "Value format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`A` ARRAY<INTEGER>], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `A`",
		"CREATE STREAM k (id INT KEY, a MAP<STRING, INT>) WITH (KAFKA_TOPIC='trips', VALUE_FORMAT='KAFKA');": "Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` MAP<STRING, INTEGER>], features=[]}\nreason: The 'KAFKA' format does not support type 'MAP'",
	} {
		code, e := stmtErr(t, url, stmt)
		if code != 400 || e["message"] != msg {
			t.Errorf("%s\n got %d %v\nwant %q", stmt, code, e, msg)
		}
	}
}

// A STRUCT can be grouped on and becomes a JSON key
// (query-validation-tests/group-by.json "multiple expressions - KAFKA to
// struct key format" in confluentinc/ksql).
func TestGroupByStructWithJSONKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (f1 INT KEY, f2 INT) WITH (KAFKA_TOPIC='test_topic', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE TABLE output WITH (KEY_FORMAT='JSON') AS SELECT STRUCT(f1:=f1, f2:=f2) AS k, AS_VALUE(STRUCT(f1:=f1, f2:=f2)) AS kv, COUNT(*) AS total
  FROM test GROUP BY STRUCT(f1:=f1, f2:=f2);`, earliest())
	st.produce("test_topic", kv{intKey(1), []byte(`{"f2":2}`)}, kv{intKey(2), []byte(`{"f2":4}`)}, kv{intKey(1), []byte(`{"f2":2}`)})
	var got []string
	for _, r := range st.consume("OUTPUT", 3) {
		got = append(got, string(r.key)+" "+string(r.value))
	}
	want := []string{
		`{"F1":1,"F2":2} {"KV":{"F1":1,"F2":2},"TOTAL":1}`,
		`{"F1":2,"F2":4} {"KV":{"F1":2,"F2":4},"TOTAL":1}`,
		`{"F1":1,"F2":2} {"KV":{"F1":1,"F2":2},"TOTAL":2}`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("OUTPUT:\n got %v\nwant %v", got, want)
	}
}
