package ksqldb

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// The reference pages "ASSERT TOPIC" and "ASSERT SCHEMA"
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/assert-topic/,
// .../assert-schema/), with the behaviour of confluentinc/ksql v7.9.0:
// AssertExecutor (a retry every 100 ms until the TIMEOUT, by default
// ksql.assert.topic.default.timeout.ms and ksql.assert.schema.default.timeout.ms,
// 1000 ms; a failure is Errors.assertionFailedError: HTTP 417, error code
// 41700), AssertTopicExecutor, AssertSchemaExecutor, the assert_topic and
// assert_schema entities, and the cases of RestApiTest (shouldAssertTopic...,
// shouldAssertSchema..., shouldStopScriptOnFailedAssert).

// assertFailure posts ksql and returns the 417 answer's message.
func assertFailure(t *testing.T, url, ksql string) string {
	t.Helper()
	code, body := post(t, url, "/ksql", ksql, nil)
	var e map[string]any
	_ = json.Unmarshal(body, &e)
	if code != 417 || e["@type"] != "generic_error" || e["error_code"] != 41700.0 {
		t.Fatalf("%s: %d %s, want 417 generic_error 41700", ksql, code, body)
	}
	msg, _ := e["message"].(string)
	return msg
}

func TestDocsAssertTopicAnswersTheTopicWhenItExists(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("pageviews", 1)
	const stmt = "ASSERT TOPIC pageviews WITH (PARTITIONS=1) TIMEOUT 2 SECONDS;"
	res := mustKSQL(t, url, stmt, nil)
	want := map[string]any{"@type": "assert_topic", "statementText": stmt, "topicName": "pageviews", "exists": true, "warnings": []any{}}
	if got, _ := json.Marshal(res[0]); string(got) != string(operators.MustJSON(want)) {
		t.Errorf("ASSERT TOPIC: %s, want %s", got, operators.MustJSON(want))
	}
	if res := mustKSQL(t, url, "ASSERT NOT EXISTS TOPIC 'X' WITH (PARTITIONS=1) TIMEOUT 2 SECONDS;", nil); res[0]["topicName"] != "X" || res[0]["exists"] != false {
		t.Errorf("ASSERT NOT EXISTS TOPIC of a missing topic: %v", res[0])
	}
}

func TestDocsAssertTopicFailsWith417(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("pageviews", 1)
	if msg := assertFailure(t, url, "ASSERT TOPIC X WITH (PARTITIONS=1) TIMEOUT 1 SECONDS;"); msg != "Topic X does not exist" {
		t.Errorf("missing topic: %q", msg)
	}
	if msg := assertFailure(t, url, "ASSERT NOT EXISTS TOPIC pageviews WITH (PARTITIONS=1) TIMEOUT 1 SECONDS;"); msg != "Topic pageviews exists" {
		t.Errorf("NOT EXISTS of a topic: %q", msg)
	}
	msg := assertFailure(t, url, "ASSERT TOPIC pageviews WITH (PARTITIONS='apples', REPLICAS=100, FAKE_CONFIG='Hello!') TIMEOUT 1 SECONDS;")
	if want := "Mismatched configuration for topic pageviews: For config partitions, expected apples got 1\n" +
		"Mismatched configuration for topic pageviews: For config replicas, expected 100 got 1\n" +
		"Cannot assert unknown topic property: FAKE_CONFIG"; msg != want {
		t.Errorf("mismatched properties:\n got %q\nwant %q", msg, want)
	}
}

// The statements after a failed assertion do not run
// (shouldStopScriptOnFailedAssert).
func TestAFailedAssertStopsTheStatementsAfterIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	assertFailure(t, url, "ASSERT TOPIC X TIMEOUT 1 SECONDS; CREATE STREAM z (a INT) WITH (kafka_topic='z', partitions=1, value_format='JSON');")
	if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 0 {
		t.Errorf("streams after a failed ASSERT: %v", streams)
	}
}

// An assertion is retried until its TIMEOUT: a topic created while it
// waits satisfies it.
func TestAssertTopicWaitsForATopicCreatedWithinItsTimeout(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	created := make(chan error, 1)
	go func() {
		time.Sleep(300 * time.Millisecond)
		_, err := st.adm.CreateTopic(context.Background(), 1, 1, nil, "later")
		created <- err
	}()
	if res := mustKSQL(t, url, "ASSERT TOPIC later TIMEOUT 30 SECONDS;", nil); res[0]["exists"] != true {
		t.Errorf("ASSERT TOPIC later: %v", res[0])
	}
	// the topic's creation may answer after the assertion saw the topic;
	// the test ends (and the stack closes) only once it has
	if err := <-created; err != nil {
		t.Errorf("create topic later: %v", err)
	}
}

func TestDocsAssertSchemaChecksSubjectsAndIDs(t *testing.T) {
	st := newStack(t)
	_, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM ABC (COL INT) WITH (KAFKA_TOPIC='ABC', PARTITIONS=1, VALUE_FORMAT='AVRO');", nil)
	const stmt = "ASSERT SCHEMA SUBJECT `ABC-value`;"
	res := mustKSQL(t, url, stmt, nil)
	want := map[string]any{"@type": "assert_schema", "statementText": stmt, "subject": "ABC-value", "id": nil, "exists": true, "warnings": []any{}}
	if got, _ := json.Marshal(res[0]); string(got) != string(operators.MustJSON(want)) {
		t.Errorf("ASSERT SCHEMA: %s, want %s", got, operators.MustJSON(want))
	}
	res = mustKSQL(t, url, "ASSERT NOT EXISTS SCHEMA SUBJECT blahblah ID 4;", nil)
	if res[0]["subject"] != "blahblah" || res[0]["id"] != 4.0 || res[0]["exists"] != false {
		t.Errorf("ASSERT NOT EXISTS SCHEMA: %v", res[0])
	}
	if msg := assertFailure(t, url, "ASSERT SCHEMA SUBJECT blahblah TIMEOUT 1 SECONDS;"); msg != "Schema with subject name blahblah does not exist" {
		t.Errorf("missing subject: %q", msg)
	}
	if msg := assertFailure(t, url, "ASSERT NOT EXISTS SCHEMA SUBJECT `ABC-value` ID 1;"); msg != "Schema with subject name ABC-value id 1 exists" {
		t.Errorf("NOT EXISTS of a schema: %q", msg)
	}
	if msg := assertFailure(t, url, "ASSERT SCHEMA ID 99 TIMEOUT 1 SECONDS;"); msg != "Schema with id 99 does not exist" {
		t.Errorf("missing id: %q", msg)
	}
	code, e := stmtErr(t, url, "ASSERT SCHEMA TIMEOUT 10 SECONDS;")
	if code != 400 || e["message"] != "ASSERT SCHEMA statements much include a subject name or an id" {
		t.Errorf("ASSERT SCHEMA without subject or id: %d %v", code, e["message"])
	}
}
