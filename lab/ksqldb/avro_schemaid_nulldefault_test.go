package ksqldb

import (
	"fmt"
	"testing"
)

// A sink written under VALUE_SCHEMA_ID writes a null into a required
// field that has a default as that default: Connect's Struct.get gives a
// field's default for a null value, and AvroData writes it
// (query-validation-tests avro.json "VALUE_SCHEMA_ID with compound types
// and default value", confluentinc/ksql v7.9.0). A required field with no
// default still fails the record (elements.json "validate extra required
// field schema schema id in csas FAILS").
func TestAvroSchemaIDWritesNullAsFieldDefault(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("levels", 1)
	const schema = `{"type":"record","name":"Level","namespace":"com.example","fields":[` +
		`{"name":"SITE","type":"string"},` +
		`{"name":"DEPTH","type":"int","default":7},` +
		`{"name":"GAUGE","type":{"type":"record","name":"Gauge","fields":[{"name":"READING","type":"long","default":-1}]}}]}`
	id := registerSchema(t, st.reg.URL(), "levels_out-value", schema)
	mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM levels (site STRING, depth INT, reading BIGINT) WITH (KAFKA_TOPIC='levels', VALUE_FORMAT='JSON');
CREATE STREAM levels_out WITH (KAFKA_TOPIC='levels_out', VALUE_FORMAT='AVRO', VALUE_SCHEMA_ID=%d) AS SELECT site, depth, STRUCT(READING := reading) AS gauge FROM levels;`, id), earliest())
	st.produceValues("levels", `{"SITE":"weir","DEPTH":null,"READING":null}`, `{"SITE":"pond","DEPTH":3,"READING":12}`)
	sameJSONLines(t, "LEVELS_OUT", avroValuesOf(t, st, "levels_out", 2), []string{
		`{"SITE":"weir","DEPTH":7,"GAUGE":{"READING":-1}}`,
		`{"SITE":"pond","DEPTH":3,"GAUGE":{"READING":12}}`,
	})
}
