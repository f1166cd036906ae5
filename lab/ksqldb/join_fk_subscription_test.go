package ksqldb

import (
	"maps"
	"slices"
	"testing"
	"time"
)

// A foreign-key join of two tables runs as Kafka Streams' KTable.join with
// a foreign-key extractor (KTableImpl.doJoinOnForeignKey, apache/kafka
// 3.9), which adds two internal topics and a logged store to the query's
// application: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-<n>-topic,
// KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-<n>-topic and
// KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-<n>, whose
// SubscriptionStoreFactory logs it to <store>-changelog. The statements and
// the numbers are fk-join.json's "Should allow partition count mismatch"
// (confluentinc/ksql v7.9.0, its historical plan's topology: the
// registration topic 12, the store 16, the response topic 20; its
// post.topics list the query's other three).
const fkPartitionMismatch = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', partitions=2);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`

const (
	fkRegistrationTopic = "-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000012-topic"
	fkResponseTopic     = "-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000020-topic"
	fkSubscriptionLog   = "-KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000016-changelog"
)

// startFKJoin runs fkPartitionMismatch and waits for its internal topics,
// giving the query's id.
func startFKJoin(t *testing.T, st *stack, url string) string {
	t.Helper()
	mustKSQL(t, url, fkPartitionMismatch, earliest())
	id := queryWriting(t, url, "OUTPUT")
	for _, suffix := range []string{"-Project-Last-changelog", fkRegistrationTopic, fkResponseTopic, fkSubscriptionLog} {
		waitTopic(t, st, queryTopic(id, suffix))
	}
	return id
}

// startFKQuery runs statements, the last of which starts a foreign-key
// join writing OUTPUT, from the earliest offsets, and returns the query's
// id once its registration topic is there.
func startFKQuery(t *testing.T, st *stack, url, statements string) string {
	t.Helper()
	mustKSQL(t, url, statements, earliest())
	id := queryWriting(t, url, "OUTPUT")
	waitTopic(t, st, queryTopic(id, fkRegistrationTopic))
	return id
}

func TestAForeignKeyJoinHasKafkaStreamsSubscriptionTopicsAndStoreChangelog(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	want := []string{
		"KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000012-topic",
		"KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000020-topic",
		"KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000016-changelog",
		"KafkaTopic_Left-Reduce-changelog",
		"KafkaTopic_Right-Reduce-changelog",
		"Project-Last-changelog",
	}
	if got := internalTopics(t, st, id); !slices.Equal(got, want) {
		t.Errorf("the query's internal topics are\n%q\nwant\n%q", got, want)
	}
}

// A foreign-key join at the start of an N-way join has the same
// subscription topics and store, numbered as a join of its two tables
// alone: fk-n-way-join.json's "Should allow fk join at start of n-way join"
// (its historical plan's topology: registration 12, store 16, response
// 20, co-partitioned with middle_topic and left_topic; its post.topics the
// query's five other internal topics). The tables here have 1 (left and
// right) and 2 (middle) partitions.
func TestAForeignKeyJoinStartingAChainHasKafkaStreamsSubscriptionTopicsAndStoreChangelog(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKChain(t, st, url)
	want := []string{
		"KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025-changelog",
		"KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000012-topic",
		"KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000020-topic",
		"KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000016-changelog",
		"KafkaTopic_L_Left-Reduce-changelog",
		"KafkaTopic_L_Right-Reduce-changelog",
		"KafkaTopic_Right-Reduce-changelog",
		"Project-Last-changelog",
	}
	if got := internalTopics(t, st, id); !slices.Equal(got, want) {
		t.Errorf("the query's internal topics are\n%q\nwant\n%q", got, want)
	}
}

func TestAForeignKeyJoinStartingAChainCopartitionsItsSubscriptionTopicsWithItsTwoTables(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKChain(t, st, url)
	samePartitions(t, st, id, map[string]int{fkRegistrationTopic: 2, fkResponseTopic: 1, fkSubscriptionLog: 2})
}

// startFKChain runs the chain and waits for its internal topics, giving
// the query's id.
func startFKChain(t *testing.T, st *stack, url string) string {
	t.Helper()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=2);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);
CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	for _, suffix := range []string{"-Project-Last-changelog", fkRegistrationTopic, fkResponseTopic, fkSubscriptionLog} {
		waitTopic(t, st, queryTopic(id, suffix))
	}
	return id
}

// The registration topic is read by the right table's sub-topology and
// co-partitioned with the right table's topic, the response topic with the
// left table's (doJoinOnForeignKey's copartitionSources calls; Kafka
// Streams' CopartitionedTopicsEnforcer gives a repartition topic the
// partitions of the source topics it is co-partitioned with), and the
// subscription store is the right sub-topology's, a partition per task of
// it (InternalTopicManager): left 1, right 2 partitions here.
func TestAForeignKeyJoinsSubscriptionTopicsArePartitionedLikeTheTablesTheyAreCopartitionedWith(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	samePartitions(t, st, id, map[string]int{fkRegistrationTopic: 2, fkResponseTopic: 1, fkSubscriptionLog: 2})
}

// Both subscription topics are internal topics Kafka Streams configures as
// repartition topics (addInternalTopic with InternalTopicProperties.empty():
// RepartitionTopicConfig's deletion policy, 50 MiB segments, infinite
// retention), the store's changelog as an unwindowed store's
// (UnwindowedUnversionedChangelogTopicConfig: compacted).
func TestAForeignKeyJoinsSubscriptionTopicsAreConfiguredAsKafkaStreamsInternalTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	repartition := map[string]string{"cleanup.policy": "delete", "segment.bytes": "52428800", "retention.ms": "-1"}
	for suffix, want := range map[string]map[string]string{
		fkRegistrationTopic: repartition,
		fkResponseTopic:     repartition,
		fkSubscriptionLog:   {"cleanup.policy": "compact"},
	} {
		got := topicConfigs(t, st.adm, queryTopic(id, suffix), "cleanup.policy", "segment.bytes", "retention.ms")
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s: %s is %q, want %q", suffix, k, got[k], v)
			}
		}
	}
}

// TERMINATE deletes the query's internal topics, the subscription topics
// among them: ksqlDB's QueryCleanupService deletes every topic of the
// application that KafkaTopicClientImpl.isInternalTopic names, the
// -changelog and -repartition topics and those matching
// KsqlConstants.STREAMS_JOIN_REGISTRATION_TOPIC_PATTERN and
// STREAMS_JOIN_RESPONSE_TOPIC_PATTERN (confluentinc/ksql v7.9.0).
func TestTerminatingAForeignKeyJoinDeletesItsSubscriptionTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url)
	mustKSQL(t, url, "TERMINATE "+id+"; DROP TABLE OUTPUT DELETE TOPIC;", nil)
	waitFor(t, func() bool { return len(internalTopics(t, st, id)) == 0 }, "the query's internal topics deleted")
}

// A push query's foreign-key join builds the persistent join's steps under
// its transient application id (QueryBuilder.buildTransientQuery, see
// transient_tablejoin_test.go), so Kafka Streams makes the same
// subscription topics and store changelog there, numbered as the
// persistent plan's, partitioned as the tables they are co-partitioned
// with, and QueryCleanupService deletes them with the application's other
// internal topics once the query ends (its LIMIT here).
func TestATransientForeignKeyJoinHasTheSubscriptionTopicsUntilItEnds(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=2);`, nil)
	st.produceJoin(joinRec{"right_topic", 0, longKey(0), []byte(`{"F1":"blah","F2":4}`)},
		joinRec{"left_topic", 10000, longKey(1), []byte(`{"NAME":"zero","FOREIGN_KEY":0}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[1,0,"zero","blah"]` {
		t.Errorf("push row %s, want [1,0,\"zero\",\"blah\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	names := []string{
		app + fkRegistrationTopic, app + fkResponseTopic, app + fkSubscriptionLog,
		app + "-KafkaTopic_Left-Reduce-changelog", app + "-KafkaTopic_Right-Reduce-changelog", app + "-Project-Last-changelog",
	}
	slices.Sort(names)
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, names) {
		t.Errorf("the push query's internal topics are\n%q\nwant\n%q", got, names)
	}
	for suffix, want := range map[string]int{fkRegistrationTopic: 2, fkResponseTopic: 1, fkSubscriptionLog: 2} {
		if got := topics[app+suffix]; got != want {
			t.Errorf("%s has %d partitions, want %d", suffix, got, want)
		}
	}
	st.produceJoin(joinRec{"right_topic", 11000, longKey(0), []byte(`{"F1":"a","F2":5}`)})
	if got := readLine(t, rd); got != `[1,0,"zero","a"]` {
		t.Errorf("push row %s, want [1,0,\"zero\",\"a\"]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

// Each store's changelog has a partition per task of the sub-topology the
// store belongs to (Kafka 3.9 StreamsPartitionAssignor: a changelog's
// partitions are its sub-topology's task count, ChangelogTopics), and a
// foreign-key join's two tables are sub-topologies of their own
// (KTableImpl.doJoinOnForeignKey: the registration topic starts the right
// table's, the response topic returns to the left's): the right table's
// store is logged over as many partitions as its topic has, the left
// table's, the join's output and Project-Last over the left's. In the
// chain, the later primary-key join's table is read in the left table's
// sub-topology.
func TestAForeignKeyJoinsStoresAreLoggedOverTheirOwnSubtopologysPartitions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKJoin(t, st, url) // left_topic 1 partition, right_topic 2
	samePartitions(t, st, id, map[string]int{"-KafkaTopic_Left-Reduce-changelog": 1, "-KafkaTopic_Right-Reduce-changelog": 2, "-Project-Last-changelog": 1})
	st2 := newStack(t)
	_, url2 := st2.serve()
	chain := startFKChain(t, st2, url2) // left 1, middle 2, right 1
	samePartitions(t, st2, chain, map[string]int{"-KafkaTopic_L_Left-Reduce-changelog": 1, "-KafkaTopic_L_Right-Reduce-changelog": 2,
		"-KafkaTopic_Right-Reduce-changelog": 1, "-KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025-changelog": 1, "-Project-Last-changelog": 1})
}

// samePartitions checks the partition count of each of the query's
// topics named by its suffix after the application id.
func samePartitions(t *testing.T, st *stack, id string, want map[string]int) {
	t.Helper()
	for suffix, n := range want {
		// a query makes its store changelogs as its tasks start, after the
		// topics its start waits for: wait for each to exist
		deadline := time.Now().Add(30 * time.Second)
		parts, _ := topicExists(t, st, queryTopic(id, suffix))
		for parts == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			parts, _ = topicExists(t, st, queryTopic(id, suffix))
		}
		if parts != n {
			t.Errorf("%s has %d partitions, want %d", queryTopic(id, suffix), parts, n)
		}
	}
}
