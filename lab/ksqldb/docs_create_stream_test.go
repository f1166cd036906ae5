package ksqldb

import (
	"encoding/binary"
	"testing"
)

// The reference page "CREATE STREAM", its six examples run as written,
// each on its own server over an existing topic, as the page presupposes.
// The expected columns follow from the statement or from the registered
// schema as ksqlDB's schema inference maps it (a JSON "integer" is BIGINT,
// names upper-cased; a primitive KEY_SCHEMA_ID schema is the key column
// ROWKEY, query-validation-tests elements.json).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/create-stream/

const pageviewsValueSchema = `{"type":"object","properties":{"page_id":{"type":"integer"},"viewtime":{"type":"integer"},"user_id":{"type":"string"}}}`

func TestDocsCreateStreamDeclaredColumns(t *testing.T) {
	for _, c := range []struct{ name, topic, ksql, schema string }{
		{"page_id from the value", "keyless-pageviews-topic", `-- stream with a page_id column loaded from the kafka message value:
CREATE STREAM pageviews (
    page_id BIGINT,
    viewtime BIGINT,
    user_id VARCHAR
  ) WITH (
    KAFKA_TOPIC = 'keyless-pageviews-topic',
    VALUE_FORMAT = 'JSON'
  );`, "PAGE_ID BIGINT, VIEWTIME BIGINT, USER_ID STRING"},
		{"page_id from the key", "keyed-pageviews-topic", `-- stream with a page_id column loaded from the kafka message key:
CREATE STREAM pageviews (
    page_id BIGINT KEY,
    viewtime BIGINT,
    user_id VARCHAR
  ) WITH (
    KAFKA_TOPIC = 'keyed-pageviews-topic',
    VALUE_FORMAT = 'JSON'
  );`, "PAGE_ID BIGINT KEY, VIEWTIME BIGINT, USER_ID STRING"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			st.createTopic(c.topic, 1)
			if msg := commandMessage(t, mustKSQL(t, url, c.ksql, nil)); msg != "Stream created" {
				t.Errorf("message %q", msg)
			}
			if schema, _ := describeSchema(t, url, "pageviews"); schema != c.schema {
				t.Errorf("DESCRIBE pageviews: %s, want %s", schema, c.schema)
			}
		})
	}
}

// The keyed example reads page_id from the record key (a BIGINT in the
// KAFKA key format: 8 bytes, big-endian) and the rest from the value.
func TestDocsCreateStreamReadsAKeyColumnFromTheRecordKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("keyed-pageviews-topic", 1)
	mustKSQL(t, url, `CREATE STREAM pageviews (
    page_id BIGINT KEY,
    viewtime BIGINT,
    user_id VARCHAR
  ) WITH (
    KAFKA_TOPIC = 'keyed-pageviews-topic',
    VALUE_FORMAT = 'JSON'
  );`, nil)
	st.produce("keyed-pageviews-topic", kv{binary.BigEndian.AppendUint64(nil, 42), []byte(`{"VIEWTIME":1510923225000,"USER_ID":"User_1"}`)})
	if _, rows := pushRows(t, url, "SELECT * FROM pageviews EMIT CHANGES LIMIT 1;", 1); rows[0] != `[42,1510923225000,"User_1"]` {
		t.Errorf("row %v", rows)
	}
}

func TestDocsCreateStreamLoadsColumnsFromSchemaRegistry(t *testing.T) {
	t.Run("keyless", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("keyless-pageviews-topic", 1)
		registerTyped(t, regURL, "keyless-pageviews-topic-value", "JSON", pageviewsValueSchema)
		mustKSQL(t, url, `-- keyless stream, with value columns loaded from Schema Registry:
CREATE STREAM pageviews WITH (
    KAFKA_TOPIC = 'keyless-pageviews-topic',
    VALUE_FORMAT = 'JSON_SR'
  );`, nil)
		if schema, _ := describeSchema(t, url, "pageviews"); schema != "PAGE_ID BIGINT, VIEWTIME BIGINT, USER_ID STRING" {
			t.Errorf("DESCRIBE pageviews: %s", schema)
		}
	})
	t.Run("keyed", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("keyed-pageviews-topic", 1)
		registerTyped(t, regURL, "keyed-pageviews-topic-value", "JSON",
			`{"type":"object","properties":{"viewtime":{"type":"integer"},"user_id":{"type":"string"}}}`)
		mustKSQL(t, url, `-- keyed stream, with value columns loaded from Schema Registry:
CREATE STREAM pageviews (
    page_id BIGINT KEY
  ) WITH (
    KAFKA_TOPIC = 'keyed-pageviews-topic',
    VALUE_FORMAT = 'JSON_SR'
  );`, nil)
		if schema, _ := describeSchema(t, url, "pageviews"); schema != "PAGE_ID BIGINT KEY, VIEWTIME BIGINT, USER_ID STRING" {
			t.Errorf("DESCRIBE pageviews: %s", schema)
		}
	})
	t.Run("KEY_SCHEMA_ID", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("keyless-pageviews-topic", 1)
		if id := registerTyped(t, regURL, "page-keys", "AVRO", `{"type":"long"}`); id != 1 {
			t.Fatalf("the key schema got id %d; the page's example needs 1", id)
		}
		mustKSQL(t, url, `-- Stream with key column loaded from Schema Registry by specifying KEY_SCHEMA_ID:
CREATE STREAM pageviews (
    viewtime BIGINT,
    user_id VARCHAR
  ) WITH (
    KAFKA_TOPIC = 'keyless-pageviews-topic',
    KEY_FORMAT = 'AVRO',
    KEY_SCHEMA_ID = 1,
    VALUE_FORMAT = 'JSON_SR'
  );`, nil)
		if schema, kf := describeSchema(t, url, "pageviews"); schema != "ROWKEY BIGINT KEY, VIEWTIME BIGINT, USER_ID STRING" || kf != "AVRO" {
			t.Errorf("DESCRIBE pageviews: %s (%s)", schema, kf)
		}
	})
	t.Run("VALUE_SCHEMA_ID", func(t *testing.T) {
		st := newStack(t)
		regURL, url := st.serveLabRegistry()
		st.createTopic("keyed-pageviews-topic", 1)
		registerTyped(t, regURL, "other-value", "JSON", `{"type":"object","properties":{"other":{"type":"string"}}}`)
		if id := registerTyped(t, regURL, "pageview-values", "JSON",
			`{"type":"object","properties":{"viewtime":{"type":"integer"},"user_id":{"type":"string"}}}`); id != 2 {
			t.Fatalf("the value schema got id %d; the page's example needs 2", id)
		}
		mustKSQL(t, url, `-- Stream with value column loaded from Schema Registry by specifying VALUE_SCHEMA_ID:
CREATE STREAM pageviews (
    page_id BIGINT KEY
  ) WITH (
    KAFKA_TOPIC = 'keyed-pageviews-topic',
    VALUE_FORMAT = 'JSON_SR',
    VALUE_SCHEMA_ID = 2
  );`, nil)
		// The schema's own field names, as ksqlDB keeps them for a
		// VALUE_SCHEMA_ID (elements.json, "validate schema id without value
		// elements OK - JSON_SR SCHEMA": `c1`).
		if schema, _ := describeSchema(t, url, "pageviews"); schema != "PAGE_ID BIGINT KEY, viewtime BIGINT, user_id STRING" {
			t.Errorf("DESCRIBE pageviews: %s", schema)
		}
	})
}
