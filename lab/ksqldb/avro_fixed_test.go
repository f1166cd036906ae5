package ksqldb

import (
	"testing"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// An Avro fixed is inferred as a BYTES column, as AvroData gives Connect
// BYTES for it (query-validation-tests avro.json "should not filter out
// bytes", confluentinc/ksql v7.9.0).
func TestAvroFixedIsInferredAsBytes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("digests", 1)
	const schema = `{"type":"record","name":"digest","fields":[{"name":"n","type":"int"},` +
		`{"name":"sum","type":["null",{"type":"fixed","size":4,"name":"crc"}]}]}`
	id := registerSchema(t, st.reg.URL(), "digests-value", schema)
	produceRecords(t, st,
		&kgo.Record{Topic: "digests", Value: wire(t, id, schema, map[string]any{"n": int32(1), "sum": goavro.Union("crc", []byte{1, 2, 3, 4})})},
		&kgo.Record{Topic: "digests", Value: wire(t, id, schema, map[string]any{"n": int32(2), "sum": nil})})
	mustKSQL(t, url, `CREATE STREAM digests WITH (KAFKA_TOPIC='digests', VALUE_FORMAT='AVRO');
CREATE STREAM digests_out AS SELECT * FROM digests;`, earliest())
	sameLines(t, "DESCRIBE DIGESTS", describedColumns(t, url, "digests"), []string{"N INTEGER", "SUM BYTES"})
	sameJSONLines(t, "DIGESTS_OUT", avroValuesOf(t, st, "DIGESTS_OUT", 2), []string{`{"N":1,"SUM":"AQIDBA=="}`, `{"N":2,"SUM":null}`})
}
