package ksqldb

import (
	"testing"
)

func topicNames(t *testing.T, url, stmt string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, ti := range mustKSQL(t, url, stmt, nil)[0]["topics"].([]any) {
		out[ti.(map[string]any)["name"].(string)] = true
	}
	return out
}

// SHOW TOPICS leaves out the topics matching ksql.hidden.topics, whose
// default is "_confluent.*,__confluent.*,_schemas,__consumer_offsets,
// __transaction_state,connect-configs,connect-offsets,connect-status,
// connect-statuses" plus ksqlDB's own "_confluent-ksql-.*" topics; other
// names, also those starting with "_", are listed. SHOW ALL TOPICS lists
// the hidden ones too (not the broker's internal topics, which the admin
// client's listTopics() leaves out).
// confluentinc/ksql ksqldb-common/.../util/KsqlConfig.java (KSQL_HIDDEN_TOPICS_DEFAULT),
// ksqldb-common/.../util/ReservedInternalTopics.java (removeHiddenTopics),
// ksqldb-rest-app/.../execution/ListTopicsExecutor.java;
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/show-topics/
func TestShowTopicsHidesKsqlHiddenTopicsDefault(t *testing.T) {
	st := newStack(t)
	hidden := []string{"_schemas", "connect-configs", "connect-offsets", "connect-status", "connect-statuses",
		"_confluent-monitoring", "__confluent.support.metrics"}
	shown := []string{"_private_orders", "connect-configs-backup", "my_schemas", "trains"}
	for _, n := range append(append([]string{}, hidden...), shown...) {
		st.createTopic(n, 1)
	}
	s, url := st.serve()

	got := topicNames(t, url, "SHOW TOPICS;")
	for _, n := range shown {
		if !got[n] {
			t.Errorf("SHOW TOPICS lacks %s: %v", n, got)
		}
	}
	for _, n := range append(hidden, s.cmdTopic, "__consumer_offsets", "__transaction_state") {
		if got[n] {
			t.Errorf("SHOW TOPICS lists hidden %s", n)
		}
	}

	all := topicNames(t, url, "SHOW ALL TOPICS;")
	for _, n := range append(append(hidden, shown...), s.cmdTopic) {
		if !all[n] {
			t.Errorf("SHOW ALL TOPICS lacks %s: %v", n, all)
		}
	}
	if all["__consumer_offsets"] {
		t.Errorf("SHOW ALL TOPICS lists the broker-internal __consumer_offsets")
	}
}
