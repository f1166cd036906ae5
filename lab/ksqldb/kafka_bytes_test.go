package ksqldb

import "testing"

// The KAFKA format carries a BYTES value column as the record's bytes
// themselves, read and written unchanged (KafkaSerdeFactory's
// BytesDeserializer and BytesSerializer; query-validation-tests bytes.json
// "KAFKA in/out").
func TestKafkaFormatCarriesBytes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM blobs (id STRING KEY, b BYTES) WITH (kafka_topic='blobs', partitions=1, value_format='KAFKA');", nil)
	mustKSQL(t, url, "CREATE STREAM blobs_copy AS SELECT * FROM blobs;", earliest())
	payload := []byte{0x00, 0xff, 'h', 'i', 0x80}
	st.produce("blobs", kv{nil, payload})
	recs := st.consumeRecords("BLOBS_COPY", 1)
	if got := string(recs[0].Value); got != string(payload) {
		t.Fatalf("value % x, want % x", recs[0].Value, payload)
	}
}
