package ksqldb

import (
	"encoding/binary"
	"strings"
	"testing"
)

// The reference page "Serialization formats", its statements run with the
// WITH clauses they elide ("...") filled in, and the serialized forms it
// shows checked in the topics: records the page describes are produced
// and read back as rows, rows written by INSERT or a persistent query are
// read as bytes. Refusals carry ksqlDB's messages
// (query-validation-tests/serdes.json, key-schemas.json,
// multi-col-keys.json).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/

// ORDERS, with its KAFKA key and JSON value: an INT key is the four
// big-endian bytes of IntegerSerializer, the value a JSON object.
func TestDocsSerializationKafkaKeyAndJSONValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE ORDERS (
    F0 INT PRIMARY KEY, 
    F1 STRING
  ) WITH (
    KEY_FORMAT='KAFKA',
    VALUE_FORMAT='JSON', 
    KAFKA_TOPIC='orders', PARTITIONS=1
  );
INSERT INTO ORDERS (F0, F1) VALUES (7, 'seven');`, nil)
	r := st.consume("orders", 1)[0]
	if string(r.key) != "\x00\x00\x00\x07" || string(r.value) != `{"F1":"seven"}` {
		t.Errorf("ORDERS record %q %s", r.key, r.value)
	}
}

// KEYLESS_STREAM has no key columns; a key format of NONE with key columns
// is refused; a table grouped from it takes the key format given in its
// WITH clause or the default KAFKA; PARTITION BY null sets NONE.
func TestDocsSerializationNoneKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `-- keyless stream with NONE key format:
CREATE STREAM KEYLESS_STREAM (
    VAL STRING
  ) WITH (
    KEY_FORMAT='NONE',
    VALUE_FORMAT='JSON',
    KAFKA_TOPIC='foo', PARTITIONS=1
  );`, nil)
	code, out := stmtErr(t, url, "CREATE STREAM KEYED (K STRING KEY, VAL STRING) WITH (KEY_FORMAT='NONE', VALUE_FORMAT='JSON', KAFKA_TOPIC='foo');")
	if msg, _ := out["message"].(string); code != 400 || msg != "Key format does not support schema.\nformat: NONE\nschema: Persistence{columns=[`K` STRING KEY], features=[]}\nreason: The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]" {
		t.Errorf("NONE with a key column: %d %v", code, out["message"])
	}
	mustKSQL(t, url, `-- Table created from stream with explicit key format declared in WITH clause:
CREATE TABLE T WITH (KEY_FORMAT='KAFKA') AS 
  SELECT VAL, COUNT() FROM KEYLESS_STREAM
  GROUP BY VAL;`, earliest())
	mustKSQL(t, url, "TERMINATE ALL;\nDROP TABLE T DELETE TOPIC;", nil)
	mustKSQL(t, url, `-- or, using the default key format set in the ksql.persistence.default.format.key config:
CREATE TABLE T AS 
  SELECT VAL, COUNT() FROM KEYLESS_STREAM
  GROUP BY VAL;
CREATE STREAM UNKEYED AS SELECT * FROM KEYLESS_STREAM PARTITION BY null;`, earliest())
	for name, want := range map[string]string{"KEYLESS_STREAM": "NONE", "T": "KAFKA", "UNKEYED": "NONE"} {
		sd := mustKSQL(t, url, "DESCRIBE "+name+";", nil)[0]["sourceDescription"].(map[string]any)
		if sd["keyFormat"] != want {
			t.Errorf("%s key format %v, want %s", name, sd["keyFormat"], want)
		}
	}
	mustKSQL(t, url, "INSERT INTO KEYLESS_STREAM (VAL) VALUES ('a');", nil)
	if r := st.consume("T", 1)[0]; string(r.key) != "a" || string(r.value) != `{"KSQL_COL_0":1}` {
		t.Errorf("T record %q %s", r.key, r.value)
	}
}

// DELIMITED splits a key of 120,21 and a value of bob,49 into the four
// columns; TIMESTAMP, TIME, DATE and BYTES are written as a long, an int,
// an int and Base64.
func TestDocsSerializationDelimited(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM x (ORGID BIGINT KEY, ID BIGINT KEY, NAME STRING, AGE INT) WITH (FORMAT='DELIMITED', KAFKA_TOPIC='x', PARTITIONS=1);
CREATE STREAM times (K STRING KEY, TS TIMESTAMP, T TIME, D DATE, B BYTES) WITH (FORMAT='DELIMITED', KAFKA_TOPIC='times', PARTITIONS=1);
INSERT INTO times (K, TS, T, D, B) VALUES ('k', FROM_UNIXTIME(1), PARSE_TIME('00:00:01', 'HH:mm:ss'), PARSE_DATE('1970-01-03', 'yyyy-MM-dd'), TO_BYTES('abc', 'utf8'));`, nil)
	st.produce("x", kv{[]byte("120,21"), []byte("bob,49")})
	if got := streamRows(t, url, "SELECT * FROM x EMIT CHANGES;", 1)[0]; got != `[120,21,"bob",49]` {
		t.Errorf("x row %s", got)
	}
	if r := st.consume("times", 1)[0]; string(r.value) != "1,1000,2,YWJj" {
		t.Errorf("times value %q", r.value)
	}
}

// JSON: properties match columns case-insensitively and "49" is read as
// the INT 49; decimals are read from numbers and strings and written as
// numbers; TIMESTAMP, TIME, DATE and BYTES are written as the page shows.
func TestDocsSerializationJSON(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM x (ID BIGINT, NAME STRING, AGE INT) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='x', PARTITIONS=1);
CREATE STREAM decimals (numericDecimal DECIMAL(15, 14), stringDecimal DECIMAL(15, 14)) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='decimals', PARTITIONS=1);
CREATE STREAM typed (K STRING KEY, ts TIMESTAMP, t TIME, d DATE, b BYTES, dec DECIMAL(15, 14)) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='typed', PARTITIONS=1);
INSERT INTO typed (K, ts, t, d, b, dec) VALUES ('k', FROM_UNIXTIME(1), PARSE_TIME('00:00:01', 'HH:mm:ss'), PARSE_DATE('1970-01-03', 'yyyy-MM-dd'), TO_BYTES('abc', 'utf8'), 1.12345678912345);`, nil)
	st.produce("x", kv{nil, []byte(`{
  "id": 120,
  "name": "bob",
  "age": "49"
}`)})
	st.produce("decimals", kv{nil, []byte(`{
  "numericDecimal": 1.12345678912345,
  "stringDecimal": "1.12345678912345"
}`)})
	if got := streamRows(t, url, "SELECT * FROM x EMIT CHANGES;", 1)[0]; got != `[120,"bob",49]` {
		t.Errorf("x row %s", got)
	}
	if got := streamRows(t, url, "SELECT * FROM decimals EMIT CHANGES;", 1)[0]; got != `[1.12345678912345,1.12345678912345]` {
		t.Errorf("decimals row %s", got)
	}
	if r := st.consume("typed", 1)[0]; string(r.value) != `{"TS":1,"T":1000,"D":2,"B":"YWJj","DEC":1.12345678912345}` {
		t.Errorf("typed value %s", r.value)
	}
}

// WRAP_SINGLE_VALUE=false: an anonymous JSON number 10 is read into ID,
// and y writes its single field unwrapped; by default the single field is
// a named field of an object.
func TestDocsSerializationJSONSingleValueUnwrapping(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM x (ID BIGINT) WITH (VALUE_FORMAT='JSON', WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='x', PARTITIONS=1);
CREATE STREAM y WITH (WRAP_SINGLE_VALUE=false) AS SELECT id FROM x EMIT CHANGES;
CREATE STREAM IMPLICIT_SINK AS SELECT ID FROM x EMIT CHANGES;`, earliest())
	st.produce("x", kv{nil, []byte("10")})
	if got := streamRows(t, url, "SELECT * FROM x EMIT CHANGES;", 1)[0]; got != `[10]` {
		t.Errorf("x row %s", got)
	}
	if r := st.consume("Y", 1)[0]; string(r.value) != "10" {
		t.Errorf("y value %s, want 10", r.value)
	}
	if r := st.consume("IMPLICIT_SINK", 1)[0]; string(r.value) != `{"ID":10}` {
		t.Errorf("IMPLICIT_SINK value %s", r.value)
	}
}

// The single-field examples: f0 alone is written {"F0":10} by default and
// 10 unwrapped; TRADES reads an anonymous number; a multi-field schema
// with WRAP_SINGLE_VALUE is refused, for a source and a sink alike.
func TestDocsSerializationSingleFieldExamples(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM x (f0 INT, f1 STRING) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='x', PARTITIONS=1);
CREATE STREAM y AS SELECT f0 FROM x EMIT CHANGES;
CREATE STREAM y2 WITH(WRAP_SINGLE_VALUE=false) AS SELECT f0 FROM x EMIT CHANGES;
CREATE TABLE TRADES (
    ID INT PRIMARY KEY, 
    VALUE INT
  ) WITH (
    WRAP_SINGLE_VALUE=false, 
    KAFKA_TOPIC='trades', VALUE_FORMAT='JSON', PARTITIONS=1
  );
CREATE STREAM IMPLICIT_SOURCE (NAME STRING) WITH (KAFKA_TOPIC='implicit', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM EXPLICIT_SOURCE (ID INT) WITH (WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='explicit', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM S (ID INT, COST DOUBLE) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM EXPLICIT_SINK WITH(WRAP_SINGLE_VALUE=false) AS SELECT ID FROM S EMIT CHANGES;`, earliest())
	mustKSQL(t, url, "INSERT INTO x (f0, f1) VALUES (10, 'ten');", nil)
	if r := st.consume("Y", 1)[0]; string(r.value) != `{"F0":10}` {
		t.Errorf("y value %s", r.value)
	}
	if r := st.consume("Y2", 1)[0]; string(r.value) != "10" {
		t.Errorf("y2 value %s", r.value)
	}
	mustKSQL(t, url, "INSERT INTO TRADES (ID, VALUE) VALUES (1, 134);", nil)
	if r := st.consume("trades", 1)[0]; string(r.value) != "134" {
		t.Errorf("TRADES value %s, want 134", r.value)
	}
	for _, stmt := range []string{
		"CREATE STREAM BAD_SOURCE (ID INT, NAME STRING) WITH (WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='bad', VALUE_FORMAT='JSON', PARTITIONS=1);",
		"CREATE STREAM BAD_SINK WITH(WRAP_SINGLE_VALUE=true) AS SELECT ID, COST FROM S EMIT CHANGES;",
	} {
		code, out := stmtErr(t, url, stmt)
		if msg, _ := out["message"].(string); code != 400 || msg != "'WRAP_SINGLE_VALUE' is only valid for single-field value schemas" {
			t.Errorf("%s\n got %d %v", stmt, code, out["message"])
		}
	}
}

// A single key column is unwrapped; two key columns, or a STRUCT with one
// field, are a wrapped record: with JSON keys, 5 and {"F1":5} and
// {"K1":1,"K2":2}.
func TestDocsSerializationSingleKeysAreUnwrapped(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM single (K INT KEY, C1 INT) WITH (KAFKA_TOPIC='single', FORMAT='JSON', PARTITIONS=1);
CREATE STREAM wrapped (K STRUCT<F1 INT> KEY, C1 INT) WITH (KAFKA_TOPIC='wrapped', FORMAT='JSON', PARTITIONS=1);
CREATE STREAM x (K1 INT KEY, K2 INT KEY, C1 INT) WITH (KAFKA_TOPIC='multi', FORMAT='JSON', PARTITIONS=1);
INSERT INTO single (K, C1) VALUES (5, 0);
INSERT INTO wrapped (K, C1) VALUES (STRUCT(F1 := 5), 0);
INSERT INTO x (K1, K2, C1) VALUES (1, 2, 0);`, nil)
	for topic, want := range map[string]string{"single": "5", "wrapped": `{"F1":5}`, "multi": `{"K1":1,"K2":2}`} {
		if r := st.consume(topic, 1)[0]; string(r.key) != want {
			t.Errorf("%s key %s, want %s", topic, r.key, want)
		}
	}
}

// Avro: the UserDetails record's lower-case fields fill the upper-case
// columns, its long time a TIMESTAMP; with WRAP_SINGLE_VALUE=false a bare
// long is read into ID and y writes one.
func TestDocsSerializationAvro(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	const userDetails = `{
  "type": "record",
  "namespace": "com.acme",
  "name": "UserDetails",
  "fields": [
    { "name": "id", "type": "long" },
    { "name": "name", "type": "string" },
    { "name": "age", "type": "int" },
    { "name": "time", "type": "long", "logicalType": "timestamp-millis"}
  ]
}`
	st.createTopic("users", 1)
	st.createTopic("ids", 1)
	st.produceAvroRows("users", userDetails, []string{""}, []map[string]any{{"id": int64(120), "name": "bob", "age": int32(49), "time": int64(1)}})
	mustKSQL(t, url, "CREATE STREAM x (ID BIGINT, NAME STRING, AGE INT, TIME TIMESTAMP) WITH (VALUE_FORMAT='AVRO', KAFKA_TOPIC='users');", nil)
	if got := streamRows(t, url, "SELECT * FROM x EMIT CHANGES;", 1)[0]; got != `[120,"bob",49,"1970-01-01T00:00:00.001"]` {
		t.Errorf("x row %s", got)
	}
	id := registerSchema(t, st.reg.URL(), "ids-value", `{"type": "long"}`)
	st.produce("ids", kv{nil, append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), 0x14)}) // zig-zag 10
	mustKSQL(t, url, `CREATE STREAM ids (ID BIGINT) WITH (VALUE_FORMAT='AVRO', WRAP_SINGLE_VALUE=false, KAFKA_TOPIC='ids');
CREATE STREAM y WITH (WRAP_SINGLE_VALUE=false) AS SELECT id FROM ids EMIT CHANGES;`, earliest())
	if got := streamRows(t, url, "SELECT * FROM ids EMIT CHANGES;", 1)[0]; got != "[10]" {
		t.Errorf("ids row %s", got)
	}
	if r := st.consume("Y", 1)[0]; len(r.value) != 6 || r.value[5] != 0x14 {
		t.Errorf("y value %x, want a schema id then the long 10", r.value)
	}
	if _, got := latestSchema(t, st.reg.URL(), "Y-value"); got != `"long"` {
		t.Errorf("Y-value schema %s, want \"long\"", got)
	}
}

// VALUE_DELIMITER='☺' splits the value on that character, and rows are
// written with it.
func TestDocsSerializationValueDelimiter(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM delim_stream (f1 STRING, f2 STRING) with (KAFKA_TOPIC='delim', FORMAT='DELIMITED', VALUE_DELIMITER='☺', PARTITIONS=1);`, nil)
	st.produce("delim", kv{nil, []byte("a☺b")})
	if got := streamRows(t, url, "SELECT * FROM delim_stream EMIT CHANGES;", 1)[0]; got != `["a","b"]` {
		t.Errorf("delim_stream row %s", got)
	}
	mustKSQL(t, url, "INSERT INTO delim_stream (f1, f2) VALUES ('c', 'd');", nil)
	if r := st.consume("delim", 2)[1]; string(r.value) != "c☺d" {
		t.Errorf("delim value %q, want c☺d", r.value)
	}
}

// The KAFKA key format: a BIGINT key is LongSerializer's eight bytes. With
// JSON_SR values the key column alone is declared and the value columns
// come from the registry.
func TestDocsSerializationKafkaKeyWithDeclaredOrInferredValues(t *testing.T) {
	st := newStack(t)
	st.createTopic("users", 1)
	st.createTopic("users_sr", 1)
	_, url := st.serve()
	registerSchemaType(t, st.reg.URL(), "users_sr-value", "JSON", `{"type":"object","properties":{"NAME":{"type":"string"}}}`)
	mustKSQL(t, url, `CREATE STREAM USERS (ID BIGINT KEY, NAME STRING) WITH (VALUE_FORMAT='JSON', KAFKA_TOPIC='users');
CREATE STREAM USERS_SR (ID BIGINT KEY) WITH (VALUE_FORMAT='JSON_SR', KAFKA_TOPIC='users_sr');`, nil)
	st.produce("users", kv{bigintKey(42), []byte(`{"NAME":"ada"}`)})
	if got := streamRows(t, url, "SELECT * FROM USERS EMIT CHANGES;", 1)[0]; got != `[42,"ada"]` {
		t.Errorf("USERS row %s", got)
	}
	if schema, _ := rawDescribeSchema(t, url, "USERS_SR"); schema != "`ID` BIGINT KEY, `NAME` STRING" {
		t.Errorf("USERS_SR columns %s", schema)
	}
}

// The nullable representations' example runs in
// format_protobuf_nullable_test.go.

// VALUE_AVRO_SCHEMA_FULL_NAME='com.mycompany.MySchema' registers the value
// schema as the record MySchema in the namespace com.mycompany (with the
// connect.name the Connect Avro converter adds), at CREATE and for a
// CREATE ... AS SELECT sink; a blank name or another format is
// refused with ksqlDB's messages (query-validation-tests/avro.json "empty
// full schema name", "full schema name used with non-Avro format").
func TestDocsSerializationAvroSchemaFullName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM x (ID BIGINT, NAME STRING) WITH (VALUE_FORMAT='AVRO', VALUE_AVRO_SCHEMA_FULL_NAME='com.mycompany.MySchema', KAFKA_TOPIC='x', PARTITIONS=1);
CREATE STREAM y WITH (VALUE_AVRO_SCHEMA_FULL_NAME='com.mycompany.Copy') AS SELECT * FROM x;`, earliest())
	want := `{"type":"record","name":"MySchema","namespace":"com.mycompany","fields":[{"name":"ID","type":["null","long"],"default":null},{"name":"NAME","type":["null","string"],"default":null}],"connect.name":"com.mycompany.MySchema"}`
	if _, got := latestSchema(t, st.reg.URL(), "x-value"); got != want {
		t.Errorf("x-value schema %s\nwant %s", got, want)
	}
	mustKSQL(t, url, "INSERT INTO x (ID, NAME) VALUES (1, 'ada');", nil)
	st.consume("Y", 1)
	if _, got := latestSchema(t, st.reg.URL(), "Y-value"); !strings.Contains(got, `"name":"Copy","namespace":"com.mycompany"`) {
		t.Errorf("Y-value schema %s, want the record com.mycompany.Copy", got)
	}
	for stmt, msg := range map[string]string{
		"CREATE STREAM INPUT (K STRING KEY, foo STRING) WITH (kafka_topic='input_topic', value_format='AVRO', VALUE_AVRO_SCHEMA_FULL_NAME=' ');":                 "fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}",
		"CREATE STREAM INPUT (K STRING KEY, foo STRING) WITH (kafka_topic='input_topic', value_format='JSON', VALUE_AVRO_SCHEMA_FULL_NAME='com.custom.schema');": "JSON does not support the following configs: [fullSchemaName]",
	} {
		code, out := stmtErr(t, url, stmt)
		if got, _ := out["message"].(string); code != 400 || got != msg {
			t.Errorf("%s\n got %d %q\nwant %q", stmt, code, got, msg)
		}
	}
}

// registerSchemaType registers schema of schemaType (JSON, PROTOBUF) under
// subject and returns its id.
// The delimiter rules of ksqlDB's Delimiter.parse and format properties
// (query-validation-tests/delimited.json): TAB and SPACE name their
// characters, a sink of the same format keeps its source's delimiters
// unless it sets its own, and a delimiter that is blank, longer than one
// character or given for another format is refused.
func TestDocsSerializationDelimiterRules(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM INPUT (K1 STRING KEY, K2 STRING KEY, V INT, V2 INT) WITH (kafka_topic='input_topic', format='DELIMITED', key_delimiter=';', value_delimiter='-', partitions=1);
CREATE STREAM SAME AS SELECT * FROM INPUT;
CREATE STREAM OWN WITH (value_delimiter='$') AS SELECT * FROM INPUT;
CREATE STREAM OUTPUT WITH (key_format='JSON') AS SELECT * FROM INPUT;
CREATE STREAM TABS (K STRING KEY, ID BIGINT, NAME VARCHAR) WITH (kafka_topic='tabs', value_format='DELIMITED', value_delimiter='TAB', partitions=1);
CREATE STREAM SPACES WITH (value_delimiter='SPACE') AS SELECT * FROM TABS;`, earliest())
	st.produce("input_topic", kv{[]byte("foo,bar;baz"), []byte("0-1")})
	st.produce("tabs", kv{[]byte("0"), []byte("0\tzero")})
	for topic, want := range map[string]string{"SAME": "foo,bar;baz 0-1", "OWN": "foo,bar;baz 0$1", "OUTPUT": `{"K1":"foo,bar","K2":"baz"} 0-1`, "SPACES": "0 0 zero"} {
		if r := st.consume(topic, 1)[0]; string(r.key)+" "+string(r.value) != want {
			t.Errorf("%s record %q %q, want %s", topic, r.key, r.value, want)
		}
	}
	empty := "Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'\nExample valid value: ';'"
	for stmt, want := range map[string]string{
		"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter='<~>');": "Failed to prepare statement: Configuration VALUE_DELIMITER is invalid: Invalid delimiter value: '<~>'. Delimiter must be a single character or TAB,SPACE\nExample valid value: ';'",
		"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter='');":    empty,
		"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter=' ');":   empty,
		"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='DELIMITED', value_delimiter='\t');":  empty,
		"CREATE STREAM TEST WITH (kafka_topic='test_topic', value_format='JSON', value_delimiter='|');":        "JSON does not support the following configs: [delimiter]",
	} {
		code, out := stmtErr(t, url, stmt)
		if msg, _ := out["message"].(string); code != 400 || msg != want {
			t.Errorf("%q\n got %d %q\nwant %q", stmt, code, msg, want)
		}
	}
}
