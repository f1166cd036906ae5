package ksqldb

import (
	"maps"
	"slices"
	"testing"
)

// A push chain of table joins that starts with a foreign-key join builds
// the persistent chain's topology under its transient application id
// (QueryBuilder.buildTransientQuery, see transient_internal_test.go): the
// historical plan fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join
// (confluentinc/ksql v7.9.0, 7.1.0) lists the persistent query's
// KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025, KafkaTopic_L_Left-Reduce,
// KafkaTopic_L_Right-Reduce, KafkaTopic_Right-Reduce and Project-Last
// changelogs, with Kafka Streams' own subscription topics and store
// (join_fk_subscription_test.go); the output store's records are the
// persistent chain's (join_fk_nway_store_test.go), and the test case's rows
// (fk-n-way-join.json "Should allow fk join at start of n-way join") the
// push query's, until its LIMIT ends it.
func TestATransientChainStartingWithAForeignKeyJoinLogsItsStoresUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"middle_topic", 0, []byte("0"), []byte(`{"F2":100,"OTHER":"unused"}`)},
		joinRec{"left_topic", 10000, []byte("1"), []byte(`{"FOREIGN_KEY":0}`)})
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id EMIT CHANGES LIMIT 2;",
		map[string]any{"auto.offset.reset": "earliest"})
	if got := readLine(t, rd); got != `[1,0,0,100,null]` {
		t.Errorf("push row %s, want [1,0,0,100,null]", got)
	}
	app, topics := transientTopics(t, st, qid)
	var want []string
	for _, suffix := range []string{fkStoreChangelog, fkRegistrationTopic, fkResponseTopic, fkSubscriptionLog,
		"-KafkaTopic_L_Left-Reduce-changelog", "-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog", "-Project-Last-changelog"} {
		want = append(want, app+suffix)
	}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	text := func(k []byte) string { return string(k) }
	store := `{"LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":10000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1,` +
		`"MIDDLE_TABLE_F2":100,"MIDDLE_TABLE_OTHER":"unused","MIDDLE_TABLE_ROWTIME":0,"MIDDLE_TABLE_ROWPARTITION":0,"MIDDLE_TABLE_ROWOFFSET":0,"MIDDLE_TABLE_M_ID":0}`
	if got := fkStoreRecs(t, st, app+fkStoreChangelog, 1, text); len(got) != 1 || got[0] != "1 "+store+" @10000" {
		t.Errorf("%s: got %q, want %q", app+fkStoreChangelog, got, "1 "+store+" @10000")
	}
	st.produceJoin(joinRec{"right_topic", 11000, []byte("1"), []byte(`{"F3":4}`)})
	if got := readLine(t, rd); got != `[1,0,0,100,4]` {
		t.Errorf("push row %s, want [1,0,0,100,4]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}
