package foreign_test

import (
	"sort"
	"strings"
	"testing"
)

// The topics the stand-ins write for the pipeline: the Schema Registry's
// _schemas, Kafka Connect's three internal topics and the JDBC
// connector's output, ksqlDB's command topic, TURNSTILE_SUMMARY and the
// internal topics of its query, and the topics written through the REST
// Proxy (v2 and v3).
var standInTopics = []string{
	"_schemas", "connect-configs", "connect-offsets", "connect-status", stationsTopic,
	"_confluent-ksql-default__command_topic", "TURNSTILE_SUMMARY",
	weatherTopic, notesTopic,
}

// ksqlInternalPrefix starts the names of the persistent query's internal
// topics (ksqlDB: _confluent-ksql-<service id>query_<query id>-...).
const ksqlInternalPrefix = "_confluent-ksql-default_query_CTAS_TURNSTILE_SUMMARY_"

// TestGoClientSnapshotHoldsThePipelinesData pins what the Go client read,
// from sources other than the code under test: 230 stations (the seeded
// table), one TURNSTILE_SUMMARY key per station with entries, 24 weather
// reports and 6 notes as posted, and records on every stand-in topic.
func TestGoClientSnapshotHoldsThePipelinesData(t *testing.T) {
	s := goSnapshot(t)
	for _, topic := range sortedTopics(s) {
		r := s.Reads[topic]
		t.Logf("%-75s compacted=%-5v records=%-4d live keys=%d", topic, s.Compacted[topic], r.Count, r.Keys)
	}
	for _, topic := range standInTopics {
		if s.Reads[topic].Count == 0 {
			t.Errorf("topic %s: no records (topics: %v)", topic, sortedTopics(s))
		}
	}
	internal := 0
	for topic, r := range s.Reads {
		if strings.HasPrefix(topic, ksqlInternalPrefix) && r.Count > 0 {
			internal++
		}
	}
	if internal == 0 {
		t.Errorf("no internal topic of the TURNSTILE_SUMMARY query with records (topics: %v)", sortedTopics(s))
	}
	for topic, want := range map[string]int{stationsTopic: 230, weatherTopic: 24, notesTopic: 6, turnstileTopic: 15} {
		if got := s.Reads[topic].Count; got != want {
			t.Errorf("%s: %d records, want %d", topic, got, want)
		}
	}
	if got := s.Reads["TURNSTILE_SUMMARY"].Keys; got != len(turnstileCounts) {
		t.Errorf("TURNSTILE_SUMMARY: %d keys, want %d", got, len(turnstileCounts))
	}
}

// TestKafkajsReadsEveryTopicAsTheGoClientDoes: a kafkajs consumer group
// member reads every topic of the pipeline's stack, stand-ins' internal
// topics included, to the same records as franz-go.
func TestKafkajsReadsEveryTopicAsTheGoClientDoes(t *testing.T) {
	node, modules := kafkajs(t)
	s := goSnapshot(t)
	var got map[string]topicRead
	runJSON(t, &got, []string{"NODE_PATH=" + modules}, node, "testdata/kafkajs/readall.js",
		pipelineStack(t).Endpoints().Brokers[0], writeBounds(t, s), randomName("kafkajs-readall-"))
	compareReads(t, "kafkajs", s, got)
}

// TestConfluentKafkaPythonReadsEveryTopicAsTheGoClientDoes: librdkafka,
// through Python's confluent-kafka, reads every topic of the pipeline's
// stack to the same records as franz-go.
func TestConfluentKafkaPythonReadsEveryTopicAsTheGoClientDoes(t *testing.T) {
	py := python(t)
	s := goSnapshot(t)
	var got map[string]topicRead
	runJSON(t, &got, nil, py, "testdata/python/readall.py", pipelineStack(t).Endpoints().Brokers[0], writeBounds(t, s))
	compareReads(t, "confluent-kafka", s, got)
}

// compareReads checks a foreign client's reading of each topic against the
// Go client's: every record, byte for byte, in offset order; on compacted
// topics, where the broker may clean between the two readings, the latest
// live value of each key.
func compareReads(t *testing.T, client string, s snapshot, got map[string]topicRead) {
	t.Helper()
	for _, topic := range sortedTopics(s) {
		want, g := s.Reads[topic], got[topic]
		if s.Compacted[topic] {
			if g.Keys != want.Keys || g.StateDigest != want.StateDigest {
				t.Errorf("%s read compacted topic %s as %d live keys (state %.12s), franz-go as %d (state %.12s)",
					client, topic, g.Keys, g.StateDigest, want.Keys, want.StateDigest)
			}
			continue
		}
		if g.Count != want.Count || g.AllDigest != want.AllDigest {
			t.Errorf("%s read %s as %d records (digest %.12s), franz-go as %d (digest %.12s)",
				client, topic, g.Count, g.AllDigest, want.Count, want.AllDigest)
		}
	}
	if len(got) != len(s.Reads) {
		t.Errorf("%s reported %d topics, franz-go read %d", client, len(got), len(s.Reads))
	}
}

func sortedTopics(s snapshot) []string {
	var out []string
	for topic := range s.Reads {
		out = append(out, topic)
	}
	sort.Strings(out)
	return out
}
