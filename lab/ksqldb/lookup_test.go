package ksqldb

import "testing"

// A request validates its statements in a sandbox before it runs them: a
// topic the sandbox found missing, after looking twice, is looked up once
// when the statements run.
func TestAMissingTopicIsLookedUpTwiceOncePerRequest(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	registerSchema(t, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	s, url := st.serve()
	before := s.secondLooks.Load()
	mustKSQL(t, url, projectStatements, earliest()) // TURNSTILE_SUMMARY does not exist yet
	if got := s.secondLooks.Load() - before; got != 1 {
		t.Errorf("the missing sink topic was looked up again after a pause %d times, want 1", got)
	}
	st.endOffset("TURNSTILE_SUMMARY") // fails unless the sink topic exists
}
