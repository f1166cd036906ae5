package ksqldb

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The processing log as the lab's compose file configures the server
// (ksql.logging.processing.topic.auto.create and .stream.auto.create, and
// KSQL_LOG4J_PROCESSING_LOG_BROKERLIST/_TOPIC for the Kafka appender):
// the topic default_ksql_processing_log, the stream KSQL_PROCESSING_LOG
// with ProcessingLogMessageSchema's columns
// (confluentinc/ksql v7.9.0 ksqldb-common .../logging/processing/ProcessingLogMessageSchema.java,
// ksqldb-rest-app .../ProcessingLogServerUtils.java), and a record per
// value that does not deserialize, with the logger name
// processing.<query id>.KsqlTopic.Source.deserializer
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/processing-log/).
func TestProcessingLogStreamHoldsDeserializationErrors(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any)
	var plog map[string]any
	for _, s := range streams {
		if m := s.(map[string]any); m["name"] == "KSQL_PROCESSING_LOG" {
			plog = m
		}
	}
	if plog == nil || plog["topic"] != "default_ksql_processing_log" || plog["valueFormat"] != "JSON" {
		t.Fatalf("SHOW STREAMS: %v, want KSQL_PROCESSING_LOG on default_ksql_processing_log with JSON values", streams)
	}
	desc := mustKSQL(t, url, "DESCRIBE KSQL_PROCESSING_LOG;", nil)[0]["sourceDescription"].(map[string]any)
	var cols []string
	for _, f := range desc["fields"].([]any) {
		cols = append(cols, f.(map[string]any)["name"].(string))
	}
	if strings.Join(cols, ",") != "LOGGER,LEVEL,TIME,MESSAGE" {
		t.Errorf("KSQL_PROCESSING_LOG columns %v, want LOGGER, LEVEL, TIME, MESSAGE", cols)
	}

	mustKSQL(t, url, `CREATE STREAM plin (id INT KEY, n INT) WITH (KAFKA_TOPIC='plin', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM plout AS SELECT id, n FROM plin EMIT CHANGES;`, earliest())
	st.produce("plin", kv{intKey(1), []byte(`not json`)}, kv{intKey(2), []byte(`{"n":2}`)})
	st.consume("PLOUT", 1)
	recs := st.consume("default_ksql_processing_log", 1)
	var entry plogEntry
	if err := json.Unmarshal(recs[0].value, &entry); err != nil {
		t.Fatalf("processing log record %q: %v", recs[0].value, err)
	}
	if !strings.HasPrefix(entry.Logger, "processing.CSAS_PLOUT_") || !strings.HasSuffix(entry.Logger, ".KsqlTopic.Source.deserializer") {
		t.Errorf("logger %q, want processing.CSAS_PLOUT_<n>.KsqlTopic.Source.deserializer", entry.Logger)
	}
	if entry.Level != "ERROR" || entry.Message.Type != 0 || entry.Message.Deser == nil || time.Since(time.UnixMilli(entry.Time)) > time.Hour {
		t.Fatalf("entry %s: want level ERROR, type 0 (deserialization error), a recent time", recs[0].value)
	}
	d := entry.Message.Deser
	if d.Target != "value" || d.Topic != "plin" || d.ErrorMessage == "" || d.RecordB64 != nil || string(entry.Message.RecordProcessing) != "null" {
		t.Errorf("deserialization error %s: want target value, topic plin, a message, no record (ksql.logging.processing.rows.include is false)", recs[0].value)
	}

	r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream",
		`{"sql":"SELECT MESSAGE->DESERIALIZATIONERROR->TARGET AS T, MESSAGE->DESERIALIZATIONERROR->\u0060topic\u0060 AS TP FROM KSQL_PROCESSING_LOG EMIT CHANGES LIMIT 1;","properties":{"auto.offset.reset":"earliest"}}`, nil)
	if lines := strings.Split(strings.TrimSpace(string(r.body)), "\n"); r.code != 200 || len(lines) != 2 || lines[1] != `["value","plin"]` {
		t.Errorf("a push query on KSQL_PROCESSING_LOG: %d %q, want one row [\"value\",\"plin\"]", r.code, r.body)
	}
	code, e := stmtErr(t, url, "INSERT INTO KSQL_PROCESSING_LOG (LOGGER) VALUES ('x');")
	if code != 400 || !strings.Contains(e["message"].(string), "Cannot insert values into read-only topic: default_ksql_processing_log") {
		t.Errorf("INSERT VALUES into the processing log: %d %v, want 400 read-only topic", code, e)
	}
}

// plogEntry is a record of the processing log topic as a client reads it
// (ProcessingLogMessageSchema).
type plogEntry struct {
	Logger  string `json:"logger"`
	Level   string `json:"level"`
	Time    int64  `json:"time"`
	Message struct {
		Type  int `json:"type"`
		Deser *struct {
			Target       string   `json:"target"`
			ErrorMessage string   `json:"errorMessage"`
			RecordB64    *string  `json:"recordB64"`
			Cause        []string `json:"cause"`
			Topic        string   `json:"topic"`
		} `json:"deserializationError"`
		RecordProcessing json.RawMessage `json:"recordProcessingError"`
	} `json:"message"`
}
