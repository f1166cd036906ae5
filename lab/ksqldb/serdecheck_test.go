package ksqldb

import (
	"testing"
)

// refusals runs each statement on a fresh server after setup and expects it
// refused with exactly the message given.
func refusals(t *testing.T, setup string, cases [][2]string) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	if setup != "" {
		mustKSQL(t, url, setup, nil)
	}
	for _, c := range cases {
		code, e := stmtErr(t, url, c[0])
		if msg, _ := e["message"].(string); code != 400 || msg != c[1] {
			t.Errorf("%s\n got %d %q\nwant %q", c[0], code, msg, c[1])
		}
	}
}

// A key the key format cannot carry is refused as GenericSerdeFactory
// (confluentinc/ksql v7.9.0 ksqldb-serde/.../serde/GenericSerdeFactory.java
// createFormatSerde) refuses it: the format's reason under "Key format does
// not support schema." with the persistence schema ksqlDB tried; KAFKA checks
// the column count before the type (KafkaSerdeFactory.createSerde), DELIMITED
// names the column (KsqlDelimitedDeserializer.buildParsers).
// Cases: query-validation-tests key-schemas.json "create stream explicit
// unsupported KEY type", "create table explicit unsupported KEY type";
// group-by.json "multiple expressions - KAFKA key format"; delimited.json
// "ARRAY - key", "STRUCT - key".
func TestKeyFormatRefusesSchemaAsGenericSerdeFactory(t *testing.T) {
	refusals(t, "CREATE STREAM src (id INT KEY, a INT, b INT) WITH (KAFKA_TOPIC='src', PARTITIONS=1, VALUE_FORMAT='JSON');", [][2]string{
		{"CREATE STREAM s1 (flag BOOLEAN KEY, v INT) WITH (KAFKA_TOPIC='t1', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`FLAG` BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'"},
		{"CREATE TABLE t2 (amount DECIMAL(8, 3) PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='t2', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`AMOUNT` DECIMAL(8, 3) KEY], features=[]}\nreason: The 'KAFKA' format does not support type 'DECIMAL'"},
		{"CREATE STREAM s3 (x DECIMAL(4, 2) KEY, y BOOLEAN KEY, v INT) WITH (KAFKA_TOPIC='t3', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`X` DECIMAL(4, 2) KEY, `Y` BOOLEAN KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`X` DECIMAL(4, 2) KEY, `Y` BOOLEAN KEY]"},
		{"CREATE TABLE o4 AS SELECT a, b, COUNT(*) AS n FROM src GROUP BY a, b;",
			"Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` INTEGER KEY, `B` INTEGER KEY], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER KEY, `B` INTEGER KEY]"},
		{"CREATE STREAM s5 (k ARRAY<BIGINT> KEY, v INT) WITH (KAFKA_TOPIC='t5', PARTITIONS=1, FORMAT='DELIMITED');",
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` ARRAY<BIGINT> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `K`"},
		{"CREATE STREAM s6 (k STRUCT<a INT> KEY, v INT) WITH (KAFKA_TOPIC='t6', PARTITIONS=1, FORMAT='DELIMITED');",
			"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`K` STRUCT<`A` INTEGER> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'STRUCT', column: `K`"},
	})
}

// A value the value format cannot carry is refused the same way under
// "Value format does not support schema." (GenericRowSerDe creates the value
// serde through GenericSerdeFactory.createFormatSerde).
func TestValueFormatRefusesSchemaAsGenericSerdeFactory(t *testing.T) {
	refusals(t, "", [][2]string{
		{"CREATE STREAM s1 (id INT KEY, tags ARRAY<STRING>) WITH (KAFKA_TOPIC='t1', PARTITIONS=1, VALUE_FORMAT='KAFKA');",
			"Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`TAGS` ARRAY<STRING>], features=[]}\nreason: The 'KAFKA' format does not support type 'ARRAY'"},
		{"CREATE STREAM s2 (id INT KEY, a INT, b INT) WITH (KAFKA_TOPIC='t2', PARTITIONS=1, VALUE_FORMAT='KAFKA');",
			"Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`A` INTEGER, `B` INTEGER], features=[]}\nreason: The 'KAFKA' format only supports a single field. Got: [`A` INTEGER, `B` INTEGER]"},
		{"CREATE STREAM s3 (id INT KEY, m MAP<STRING, INT>) WITH (KAFKA_TOPIC='t3', PARTITIONS=1, VALUE_FORMAT='DELIMITED');",
			"Value format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`M` MAP<STRING, INTEGER>], features=[]}\nreason: The 'DELIMITED' format does not support type 'MAP', column: `M`"},
		{"CREATE STREAM s4 (id INT KEY, flag BOOLEAN) WITH (KAFKA_TOPIC='t4', PARTITIONS=1, VALUE_FORMAT='KAFKA', WRAP_SINGLE_VALUE=false);",
			"Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`FLAG` BOOLEAN], features=[UNWRAP_SINGLES]}\nreason: The 'KAFKA' format does not support type 'BOOLEAN'"},
	})
}

// A MAP anywhere in a key is refused before the key format is asked
// (GenericKeySerDe.checkUnsupportedSchema); a MAP whose keys are not strings
// is a type ksqlDB parses and every format refuses with its own words:
// KsqlJsonSerdeFactory, AvroUtil, ProtobufSerdeFactory (query-validation-tests
// json.json "MAP - key - C*", "map with non-string keys - C*"; avro.json
// "map with non-string keys fails - value - C*"; protobuf.json "map with
// non-string keys - C*"; kafka.json "MAP - C* - value").
func TestMapKeysRefusedAsEachFormatRefusesThem(t *testing.T) {
	refusals(t, "", [][2]string{
		{"CREATE STREAM s1 (k MAP<INT, DOUBLE> KEY, v INT) WITH (KAFKA_TOPIC='t1', PARTITIONS=1, FORMAT='JSON');",
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: MAP<INTEGER, DOUBLE>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
		{"CREATE STREAM s2 (k ARRAY<MAP<STRING, INT>> KEY, v INT) WITH (KAFKA_TOPIC='t2', PARTITIONS=1, FORMAT='JSON');",
			"Map keys, including types that contain maps, are not supported as they may lead to unexpected behavior due to inconsistent serialization. Key column name: `K`. Column type: ARRAY<MAP<STRING, INTEGER>>. See https://github.com/confluentinc/ksql/issues/6621 for more."},
		{"CREATE STREAM s3 (id INT KEY, m MAP<BIGINT, STRING>) WITH (KAFKA_TOPIC='t3', PARTITIONS=1, VALUE_FORMAT='JSON');",
			"Value format does not support schema.\nformat: JSON\nschema: Persistence{columns=[`M` MAP<BIGINT, STRING>], features=[]}\nreason: JSON only supports MAP types with STRING keys"},
		{"CREATE STREAM s4 (id INT KEY, m MAP<INT, DOUBLE>) WITH (KAFKA_TOPIC='t4', PARTITIONS=1, VALUE_FORMAT='AVRO');",
			"Value format does not support schema.\nformat: AVRO\nschema: Persistence{columns=[`M` MAP<INTEGER, DOUBLE>], features=[]}\nreason: Avro only supports MAPs with STRING keys"},
		{"CREATE STREAM s5 (id INT KEY, m MAP<INT, DOUBLE>) WITH (KAFKA_TOPIC='t5', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');",
			"Value format does not support schema.\nformat: PROTOBUF\nschema: Persistence{columns=[`M` MAP<INTEGER, DOUBLE>], features=[]}\nreason: PROTOBUF format only supports MAP types with STRING keys. See https://github.com/confluentinc/ksql/issues/6177."},
		{"CREATE STREAM s6 (id INT KEY, m MAP<INT, DOUBLE>) WITH (KAFKA_TOPIC='t6', PARTITIONS=1, VALUE_FORMAT='KAFKA');",
			"Value format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`M` MAP<INTEGER, DOUBLE>], features=[]}\nreason: The 'KAFKA' format does not support type 'MAP'"},
	})
}

// A source without key columns keeps the key format it was given (or the
// default, KAFKA), as CreateSourceFactory.buildFormats takes it: historical
// plans delimited_-_keyless and elements_-_stream_without_key_column record
// keyFormat DELIMITED and KAFKA for such streams and their sinks. A PARTITION
// BY of such a stream writes its key in that format (query-validation-tests
// delimited.json "ARRAY - C*AS - key"), and KEY_FORMAT='NONE' on a sink with a
// key is refused by the NONE format (none.json "explicitly set in CSAS with
// key", "explicitly set in CTAS").
func TestKeylessSourceKeepsItsKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM plain (v INT, w INT) WITH (KAFKA_TOPIC='plain', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM csv (v INT) WITH (KAFKA_TOPIC='csv', PARTITIONS=1, FORMAT='DELIMITED');
CREATE STREAM csv_copy AS SELECT * FROM csv;`, nil)
	want := map[string]string{"PLAIN": "KAFKA", "CSV": "DELIMITED", "CSV_COPY": "DELIMITED"}
	for _, s := range mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any) {
		m := s.(map[string]any)
		if w, ok := want[m["name"].(string)]; ok && m["keyFormat"] != w {
			t.Errorf("%s keyFormat %v, want %s", m["name"], m["keyFormat"], w)
		}
	}
	for stmt, msg := range map[string]string{
		"CREATE STREAM by_array AS SELECT * FROM csv PARTITION BY ARRAY[v];":
		// the sink inherits DELIMITED
		"Key format does not support schema.\nformat: DELIMITED\nschema: Persistence{columns=[`KSQL_COL_0` ARRAY<INTEGER> KEY], features=[]}\nreason: The 'DELIMITED' format does not support type 'ARRAY', column: `KSQL_COL_0`",
		"CREATE STREAM none_key WITH (KEY_FORMAT='NONE') AS SELECT * FROM plain PARTITION BY v;": "Key format does not support schema.\nformat: NONE\nschema: Persistence{columns=[`V` INTEGER KEY], features=[]}\nreason: The 'NONE' format can only be used when no columns are defined. Got: [`V` INTEGER KEY]",
	} {
		code, e := stmtErr(t, url, stmt)
		if got, _ := e["message"].(string); code != 400 || got != msg {
			t.Errorf("%s\n got %d %q\nwant %q", stmt, code, got, msg)
		}
	}
}

// Type parameters are what SqlBase.g4's typeParameter allows, an integer or
// STRING (VARCHAR(STRING) is STRING); anything else is a syntax error where
// the parameter stands, and a parameter list after a complete type is one
// where the column list wants ',' or ')' (query-validation-tests
// key-schemas.json "fail on BIGINT with parameter", "VARCHAR(STRING) as key
// and value", "fail on VARCHAR(STRING) with parameter"; SyntaxErrorValidator
// prints ANTLR's short expectation lists as "Expecting ...").
func TestTypeParametersFollowTheGrammar(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM ok (k VARCHAR(STRING) KEY, v VARCHAR(STRING)) WITH (KAFKA_TOPIC='ok', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	if s, _ := describeSchema(t, url, "OK"); s != "K STRING KEY, V STRING" {
		t.Errorf("VARCHAR(STRING) columns: %s", s)
	}
	for stmt, msg := range map[string]string{
		"CREATE STREAM a (k BIGINT (KEY)) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');":          "line 1:28: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}",
		"CREATE STREAM a (id INT KEY, k DOUBLE(x)) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');": "line 1:39: Syntax Error\nExpecting {'STRING', INTEGER_VALUE}",
		"CREATE STREAM a (k VARCHAR(STRING) (KEY)) WITH (KAFKA_TOPIC='a', VALUE_FORMAT='JSON');": "line 1:36: Syntax Error\nExpecting {',', ')'}",
	} {
		code, e := stmtErr(t, url, stmt)
		if got, _ := e["message"].(string); code != 400 || got != msg {
			t.Errorf("%s\n got %d %q\nwant %q", stmt, code, got, msg)
		}
	}
}

// An unknown format is refused by name before ksqlDB looks for columns to
// infer (FormatFactory.of; query-validation-tests formats.json "invalid
// format - create source", "invalid value format - create source").
func TestUnknownFormatIsRefusedBeforeInference(t *testing.T) {
	refusals(t, "", [][2]string{
		{"CREATE STREAM s1 WITH (KAFKA_TOPIC='t1', PARTITIONS=1, VALUE_FORMAT='FOO');", "Unknown format: FOO"},
		{"CREATE STREAM s2 WITH (KAFKA_TOPIC='t2', PARTITIONS=1, FORMAT='BAR');", "Unknown format: BAR"},
		{"CREATE STREAM s3 (v INT) WITH (KAFKA_TOPIC='t3', PARTITIONS=1, VALUE_FORMAT='JSON', KEY_FORMAT='BAZ');", "Unknown format: BAZ"},
	})
}

// NULL is a reserved word, so no type: a column or CAST of type NULL is a
// syntax error where it stands (query-validation-tests null.json "NULL
// column", cast.json "to null"; SyntaxErrorValidator's no-viable-alternative
// text).
func TestNullIsNoType(t *testing.T) {
	refusals(t, "CREATE STREAM src (id INT KEY, v INT) WITH (KAFKA_TOPIC='src', PARTITIONS=1, VALUE_FORMAT='JSON');", [][2]string{
		{"CREATE STREAM s (k INT KEY, c NULL) WITH (KAFKA_TOPIC='s', VALUE_FORMAT='JSON');",
			"line 1:31: Syntax Error\nSyntax error at or near 'NULL' at line 1:31"},
		{"CREATE STREAM o AS SELECT id, CAST(v AS NULL) AS c FROM src;",
			"line 1:41: Syntax Error\nSyntax error at or near 'NULL' at line 1:41"},
	})
}
