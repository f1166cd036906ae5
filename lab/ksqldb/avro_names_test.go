package ksqldb

import "testing"

// A column or struct field whose name Avro does not allow fails the
// statement when its schema is translated for the registry: ksqldb-serde
// AvroSchemaTranslator.fromConnectSchema turns Avro's SchemaParseException
// into "Schema is not compatible with Avro: ...", which
// SchemaRegisterInjector.registerSchema prefixes (confluentinc/ksql
// v7.9.0; query-validation-tests avro.json "should return error on field
// names incompatible with avro - C*" and "- C*AS").
func TestAvroRefusesNamesAvroDoesNotAllow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM meters (v DOUBLE) WITH (KAFKA_TOPIC='meters', PARTITIONS=1, VALUE_FORMAT='AVRO');", nil)
	for _, tc := range []struct{ name, stmt, want string }{
		{"declared column with an initial digit",
			"CREATE STREAM m1 (`2ndReading` DOUBLE) WITH (KAFKA_TOPIC='m1', PARTITIONS=1, VALUE_FORMAT='AVRO');",
			"Illegal initial character: 2ndReading"},
		{"selected column with an initial digit",
			"CREATE STREAM m2 AS SELECT v AS `2ndReading` FROM meters;",
			"Illegal initial character: 2ndReading"},
		{"column with a character Avro refuses",
			"CREATE STREAM m3 AS SELECT v AS `peak-load` FROM meters;",
			"Illegal character in: peak-load"},
		{"struct field with an initial digit",
			"CREATE STREAM m4 (s STRUCT<`9lives` INT>) WITH (KAFKA_TOPIC='m4', PARTITIONS=1, VALUE_FORMAT='AVRO');",
			"Illegal initial character: 9lives"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := stmtErr(t, url, tc.stmt)
			want := "Could not register schema for topic: Schema is not compatible with Avro: " + tc.want
			if code != 400 || body["message"] != want {
				t.Errorf("%d %q, want 400 %q", code, body["message"], want)
			}
		})
	}
}
