package ksqldb

import (
	"strings"
	"testing"
)

// A CREATE ... AS SELECT whose sink topic does not exist yet creates it
// without a second look: a topic that exists after all (a broker's metadata
// lagging behind a creation) is found when it is created.
func TestACreateAsSelectCreatesItsMissingSinkTopicWithoutPausing(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	registerSchema(t, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	s, url := st.serve()
	before := s.secondLooks.Load()
	mustKSQL(t, url, projectStatements, earliest()) // TURNSTILE_SUMMARY does not exist yet
	if got := s.secondLooks.Load() - before; got != 0 {
		t.Errorf("the missing sink topic was looked up again after a pause %d times, want 0", got)
	}
	st.endOffset("TURNSTILE_SUMMARY") // fails unless the sink topic exists
}

// Before a statement is refused because its topic is missing, the topic is
// looked up once more after a pause, once per request (the sandbox that
// validates the request and the run share what they found).
func TestAMissingTopicIsLookedUpAgainOnceBeforeTheStatementIsRefused(t *testing.T) {
	st := newStack(t)
	s, url := st.serve()
	before := s.secondLooks.Load()
	code, body := post(t, url, "/ksql", `CREATE STREAM NOWHERE (ID INT) WITH (KAFKA_TOPIC='nowhere', VALUE_FORMAT='JSON');`, nil)
	if code != 400 || !strings.Contains(string(body), "Topic 'nowhere' does not exist") {
		t.Fatalf("%d %s, want ksqlDB's refusal of a missing topic", code, body)
	}
	if got := s.secondLooks.Load() - before; got != 1 {
		t.Errorf("the missing topic was looked up again after a pause %d times, want 1", got)
	}
}
