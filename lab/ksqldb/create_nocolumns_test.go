package ksqldb

import "testing"

// A CREATE without columns in a format that infers none is refused with
// TableElements.toLogicalSchema's "No columns supplied.", which
// SchemaRegisterInjector reaches after the topic's injector: a topic that
// does not exist is reported first, and none is created
// (query-validation-tests elements.json "validate without elements FAILS",
// confluentinc/ksql v7.9.0).
func TestCreateWithoutColumnsIsRefusedAfterTheTopicCheck(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("logs", 1)
	for _, format := range []string{"DELIMITED", "KAFKA", "JSON"} {
		code, body := stmtErr(t, url, "CREATE STREAM logs WITH (KAFKA_TOPIC='logs', VALUE_FORMAT='"+format+"');")
		if code != 400 || body["message"] != "No columns supplied." {
			t.Errorf("%s: %d %q, want 400 %q", format, code, body["message"], "No columns supplied.")
		}
	}
	code, body := stmtErr(t, url, "CREATE STREAM gone WITH (KAFKA_TOPIC='gone', VALUE_FORMAT='DELIMITED');")
	if code != 400 || !contains(body["message"].(string), "Topic 'gone' does not exist.") {
		t.Errorf("missing topic: %d %q", code, body["message"])
	}
	code, body = stmtErr(t, url, "CREATE STREAM fresh WITH (KAFKA_TOPIC='fresh', PARTITIONS=1, VALUE_FORMAT='KAFKA');")
	if code != 400 || body["message"] != "No columns supplied." {
		t.Errorf("new topic: %d %q", code, body["message"])
	}
	if md, err := st.adm.ListTopics(t.Context(), "fresh"); err == nil && md.Has("fresh") {
		t.Errorf("topic fresh was created for a refused statement")
	}
}
