package ksqldb

import (
	"context"
	"net/http"
	"regexp"
	"testing"
)

// A transient query is a Kafka Streams application (QueryBuilder.
// buildTransientQuery), whose consumers join the group named by its
// application id (StreamsConfig.getMainConsumerConfigs: group.id is
// application.id), so the broker lists that group while the query runs;
// once it ends, QueryCleanupService's QueryCleanupTask deletes the
// application's consumer group (deleteConsumerGroups) with its internal
// topics.

// transientGroups are the broker's groups of transient query qid, by
// name with their states.
func transientGroups(t *testing.T, st *stack, qid string) map[string]string {
	t.Helper()
	re := regexp.MustCompile(`^_confluent-ksql-default_transient_` + regexp.QuoteMeta(qid) + `_[0-9]{13}$`)
	gs, err := st.adm.ListGroups(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, g := range gs.Sorted() {
		if re.MatchString(g.Group) {
			out[g.Group] = g.State
		}
	}
	return out
}

func TestATransientQueryIsAConsumerGroupNamedAfterItsApplicationIdUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"right", 1, intKey(1), []byte(`{"v":"one"}`)}, joinRec{"left", 2, intKey(1), []byte(`{"v":"x"}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT * FROM l LEFT JOIN r ON l.id = r.id EMIT CHANGES;")
	readLine(t, rd)
	app, _ := transientTopics(t, st, qid)
	var groups map[string]string
	waitFor(t, func() bool { groups = transientGroups(t, st, qid); return groups[app] == "Stable" }, "the push query's group, named after its application id, stable")
	if len(groups) != 1 {
		t.Errorf("the push query's groups %v, want only %s", groups, app)
	}
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { return len(transientGroups(t, st, qid)) == 0 }, "the closed push query's group deleted")
}

// A push query without internal topics is an application of its own all
// the same, with its group while it runs and none once its LIMIT ends it.
func TestATransientQueryOfAStreamIsAConsumerGroupUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinSources, nil)
	st.produceJoin(joinRec{"left", 2, intKey(1), []byte(`{"v":"x"}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT * FROM l EMIT CHANGES LIMIT 2;")
	readLine(t, rd)
	waitFor(t, func() bool { return len(transientGroups(t, st, qid)) == 1 }, "the push query's group")
	st.produceJoin(joinRec{"left", 3, intKey(2), []byte(`{"v":"y"}`)})
	readLine(t, rd)
	waitFor(t, func() bool { return len(transientGroups(t, st, qid)) == 0 }, "the push query's group deleted once its LIMIT is reached")
}
