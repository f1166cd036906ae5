package ksqldb

import (
	"encoding/json"
	"testing"
)

// The reference pages "CREATE TYPE", "DROP TYPE" and "SHOW TYPES"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-type/,
// .../drop-type/, .../show-types/), with the messages of confluentinc/ksql
// v7.9.0: DdlCommandExec.executeRegisterType and executeDropType,
// RegisterTypeFactory, DropTypeFactory, SqlTypeParser ("Cannot resolve
// unknown type"), ListTypesExecutor (the type_list entity, each type as
// EntityUtil.schemaInfo) and CommandIdAssigner (type/<NAME>/create|drop).

const (
	addressType = "CREATE TYPE ADDRESS AS STRUCT<number INTEGER, street VARCHAR, city VARCHAR>;"
	addressSQL  = "STRUCT<`NUMBER` INTEGER, `STREET` STRING, `CITY` STRING>"
)

func TestDocsCreateTypeRegistersTheExamplesTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	res := mustKSQL(t, url, addressType, nil)
	if msg := commandMessage(t, res); msg != "Registered custom type with name 'ADDRESS' and SQL type "+addressSQL {
		t.Errorf("CREATE TYPE ADDRESS: %q", msg)
	}
	if id := res[0]["commandId"]; id != "type/ADDRESS/create" {
		t.Errorf("commandId %v, want type/ADDRESS/create", id)
	}
	msg := commandMessage(t, mustKSQL(t, url, "CREATE TYPE PERSON AS STRUCT<name VARCHAR, address ADDRESS>;", nil))
	if want := "Registered custom type with name 'PERSON' and SQL type STRUCT<`NAME` STRING, `ADDRESS` " + addressSQL + ">"; msg != want {
		t.Errorf("CREATE TYPE PERSON:\n got %q\nwant %q", msg, want)
	}
}

func TestDocsCreateTypeTwiceIsRefusedUnlessIfNotExists(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, addressType, nil)
	code, e := stmtErr(t, url, "CREATE TYPE ADDRESS AS STRUCT<zip INTEGER>;")
	if want := "Cannot register custom type 'ADDRESS' since it is already registered with type: " + addressSQL; code != 400 || e["message"] != want {
		t.Errorf("second CREATE TYPE: %d %v", code, e["message"])
	}
	msg := commandMessage(t, mustKSQL(t, url, "CREATE TYPE IF NOT EXISTS address AS STRUCT<zip INTEGER>;", nil))
	if want := "ADDRESS is already registered with type " + addressSQL; msg != want {
		t.Errorf("CREATE TYPE IF NOT EXISTS: %q", msg)
	}
}

// create-type.json, "create simple type" and "create nested type": a
// table declared with the custom types, copied by CREATE TABLE ... AS
// SELECT *, writes the records with the types' fields.
func TestDocsCreateTypeColumnsOfACustomTypeReadAndWriteItsFields(t *testing.T) {
	for name, c := range map[string]struct {
		stmts, in, want string
	}{
		"simple": {
			stmts: addressType + `
CREATE TABLE addresses (K STRING PRIMARY KEY, address ADDRESS) WITH (kafka_topic='test', partitions=1, value_format='JSON');
CREATE TABLE copy AS SELECT * FROM addresses;`,
			in:   `{"address": {"number": 899, "street": "W. Evelyn", "city": "Mountain View"}}`,
			want: `{"ADDRESS":{"CITY":"Mountain View","NUMBER":899,"STREET":"W. Evelyn"}}`,
		},
		"nested": {
			stmts: addressType + `
CREATE TYPE PERSON AS STRUCT<name VARCHAR, address ADDRESS>;
CREATE TABLE people (K STRING PRIMARY KEY, person PERSON) WITH (kafka_topic='test', partitions=1, value_format='JSON');
CREATE TABLE copy AS SELECT * FROM people;`,
			in:   `{"person": {"name": "jay", "address": {"number": 899, "street": "W. Evelyn", "city": "Mountain View"}}}`,
			want: `{"PERSON":{"ADDRESS":{"CITY":"Mountain View","NUMBER":899,"STREET":"W. Evelyn"},"NAME":"jay"}}`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.stmts, earliest())
			st.produce("test", kv{key: []byte("a"), value: []byte(c.in)})
			out := st.consume("COPY", 1)
			var got any
			if err := json.Unmarshal(out[0].value, &got); err != nil {
				t.Fatal(err)
			}
			norm, _ := json.Marshal(got)
			if string(out[0].key) != "a" || string(norm) != c.want {
				t.Errorf("COPY: key %q value %s, want a and %s", out[0].key, norm, c.want)
			}
		})
	}
}

func TestDocsShowTypesListsEachTypeAsASchema(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, addressType+"\nCREATE TYPE PERSON AS STRUCT<name VARCHAR, address ADDRESS>;", nil)
	for _, stmt := range []string{"SHOW TYPES;", "LIST TYPES;"} {
		res := mustKSQL(t, url, stmt, nil)
		if res[0]["@type"] != "type_list" || res[0]["statementText"] != stmt {
			t.Fatalf("%s: %v", stmt, res[0])
		}
		raw, _ := json.Marshal(res[0]["types"])
		want := `{"ADDRESS":{"fields":[` +
			`{"name":"NUMBER","schema":{"fields":null,"memberSchema":null,"type":"INTEGER"}},` +
			`{"name":"STREET","schema":{"fields":null,"memberSchema":null,"type":"STRING"}},` +
			`{"name":"CITY","schema":{"fields":null,"memberSchema":null,"type":"STRING"}}],"memberSchema":null,"type":"STRUCT"},` +
			`"PERSON":{"fields":[` +
			`{"name":"NAME","schema":{"fields":null,"memberSchema":null,"type":"STRING"}},` +
			`{"name":"ADDRESS","schema":{"fields":[` +
			`{"name":"NUMBER","schema":{"fields":null,"memberSchema":null,"type":"INTEGER"}},` +
			`{"name":"STREET","schema":{"fields":null,"memberSchema":null,"type":"STRING"}},` +
			`{"name":"CITY","schema":{"fields":null,"memberSchema":null,"type":"STRING"}}],"memberSchema":null,"type":"STRUCT"}}],` +
			`"memberSchema":null,"type":"STRUCT"}}`
		if string(raw) != want {
			t.Errorf("%s types:\n got %s\nwant %s", stmt, raw, want)
		}
	}
}

func TestDocsDropTypeRemovesTheType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, addressType, nil)
	res := mustKSQL(t, url, "DROP TYPE ADDRESS;", nil)
	if msg := commandMessage(t, res); msg != "Dropped type 'ADDRESS'" || res[0]["commandId"] != "type/ADDRESS/drop" {
		t.Errorf("DROP TYPE: %q %v", msg, res[0]["commandId"])
	}
	code, e := stmtErr(t, url, "CREATE STREAM s (a ADDRESS) WITH (kafka_topic='s', partitions=1, value_format='JSON');")
	if code != 400 || e["message"] != "Cannot resolve unknown type: ADDRESS" {
		t.Errorf("a dropped type: %d %v", code, e["message"])
	}
	code, e = stmtErr(t, url, "DROP TYPE ADDRESS;")
	if code != 400 || e["message"] != "Type ADDRESS does not exist." {
		t.Errorf("DROP of a missing type: %d %v", code, e["message"])
	}
	if msg := commandMessage(t, mustKSQL(t, url, "DROP TYPE IF EXISTS ADDRESS;", nil)); msg != "Type 'ADDRESS' does not exist" {
		t.Errorf("DROP TYPE IF EXISTS of a missing type: %q", msg)
	}
}

// A dropped type leaves the sources declared with it alone, and a CAST
// names a custom type as a column does (SqlTypeParser resolves both).
func TestDocsDropTypeLeavesSourcesDeclaredWithItAndCastResolvesCustomTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TYPE PAIR AS STRUCT<a INT, b INT>;\n"+
		"CREATE STREAM s (p PAIR, t STRING) WITH (kafka_topic='s', partitions=1, value_format='JSON');\n"+
		"CREATE STREAM c AS SELECT CAST(p AS PAIR) AS q FROM s;\n"+
		"DROP TYPE PAIR;", earliest())
	st.produce("s", kv{value: []byte(`{"p": {"a": 1, "b": 2}, "t": "x"}`)})
	out := st.consume("C", 1)
	if string(out[0].value) != `{"Q":{"A":1,"B":2}}` {
		t.Errorf("C: %s", out[0].value)
	}
	fields := mustKSQL(t, url, "DESCRIBE s;", nil)[0]["sourceDescription"].(map[string]any)["fields"].([]any)
	if len(fields) != 2 || fields[0].(map[string]any)["schema"].(map[string]any)["type"] != "STRUCT" {
		t.Errorf("DESCRIBE s after DROP TYPE: %v", fields)
	}
}

// CREATE TYPE and DROP TYPE are commands of the command topic: a restarted
// server has the types a replay of them leaves.
func TestCustomTypesSurviveARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, addressType+"\nCREATE TYPE GONE AS STRUCT<x INT>;\nDROP TYPE GONE;", nil)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	_, url = st.serve()
	raw, _ := json.Marshal(mustKSQL(t, url, "SHOW TYPES;", nil)[0]["types"])
	var types map[string]any
	_ = json.Unmarshal(raw, &types)
	if _, ok := types["ADDRESS"]; !ok || len(types) != 1 {
		t.Errorf("types after restart: %s", raw)
	}
}

// A push query on /query-stream resolves a custom type in a CAST too.
func TestAPushQueryCastsToACustomType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE TYPE PAIR AS STRUCT<a INT, b INT>;\n"+
		"CREATE STREAM s (p STRUCT<a INT, b INT>) WITH (kafka_topic='s', partitions=1, value_format='JSON');", nil)
	st.produce("s", kv{value: []byte(`{"p": {"a": 1, "b": 2}}`)})
	rows := queryStreamRows(t, url, "SELECT CAST(p AS PAIR) AS q FROM s EMIT CHANGES LIMIT 1;", earliest(), nil)
	if len(rows) != 1 || rows[0] != `[{"A":1,"B":2}]` {
		t.Errorf("rows %v", rows)
	}
}
