package ksqldb

import (
	"testing"
)

// DROP TABLE ... DELETE TOPIC removes the sink topic; ksqlDB then lets the
// same CREATE TABLE ... AS SELECT be issued again at once, and the new query
// re-creates the topic and writes to it
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/drop-table/).
func TestRecreatedTableAfterDropDeleteTopicProducesAgain(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{1, "Clark/Lake", "blue"}, {2, "Belmont", "red"}, {1, "Clark/Lake", "blue"}})
	_, url := st.serve()

	mustKSQL(t, url, projectStatements, earliest())
	if last, _ := counts(t, st.consume("TURNSTILE_SUMMARY", 2)); last[1] < 1 {
		t.Fatalf("first query wrote no count for station 1: %v", last)
	}
	qid := queryWriting(t, url, "TURNSTILE_SUMMARY")
	mustKSQL(t, url, "DESCRIBE TURNSTILE_SUMMARY EXTENDED;", nil) // looks the topic up just before it is deleted
	mustKSQL(t, url, "TERMINATE "+qid+"; DROP TABLE TURNSTILE_SUMMARY DELETE TOPIC;", nil)

	mustKSQL(t, url, `CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='TURNSTILE_SUMMARY', VALUE_FORMAT='JSON') AS
  SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;`, earliest())
	last, _ := counts(t, st.consume("TURNSTILE_SUMMARY", 2))
	if last[1] < 1 || last[2] != 1 {
		t.Fatalf("re-created query's counts: %v", last)
	}
}

func queryWriting(t *testing.T, url, sink string) string {
	t.Helper()
	for _, q := range mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any) {
		qm := q.(map[string]any)
		for _, s := range qm["sinks"].([]any) {
			if s == sink {
				return qm["id"].(string)
			}
		}
	}
	t.Fatalf("no query writes %s", sink)
	return ""
}
