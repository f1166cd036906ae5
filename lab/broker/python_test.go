package broker

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/lab/testtools"
	"os/exec"
	"strings"
	"testing"
)

// runPythonJSON runs a script with python and decodes the JSON it prints
// into v; a failed script fails the test with what it wrote to stderr.
func runPythonJSON(ctx context.Context, t *testing.T, python string, v any, args ...string) {
	t.Helper()
	out, err := exec.CommandContext(ctx, python, args...).Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("confluent-kafka: %v\n%s", err, stderr)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
}

// TestConfluentKafkaPythonListsProducesAndConsumes runs Debian's
// python3-confluent-kafka (librdkafka) against the broker: it sees
// __consumer_offsets with 50 partitions, creates a topic, produces gzip
// batches and reads them back in a consumer group.
func TestConfluentKafkaPythonListsProducesAndConsumes(t *testing.T) {
	python := testtools.Python(t, "confluent_kafka")
	ctx := testContext(t)
	b := startBroker(ctx, t)
	var got struct {
		Partitions int      `json:"consumer_offsets_partitions"`
		Keys       []string `json:"keys"`
		Errors     []string `json:"errors"`
	}
	runPythonJSON(ctx, t, python, &got, "testdata/python/roundtrip.py", b.Addrs()[0], "py-topic")
	if got.Partitions != 50 || strings.Join(got.Keys, ",") != "0,1,2" || len(got.Errors) != 0 {
		t.Fatalf("confluent-kafka saw %+v, want __consumer_offsets with 50 partitions, keys 0,1,2, no errors", got)
	}
	codecs, _ := storedCodecs(t, b, "py-topic")
	for i, c := range codecs {
		if c != 1 {
			t.Fatalf("batch %d of py-topic has codec %d, want 1 (gzip)", i, c)
		}
	}
}

// TestConfluentKafkaPythonShowsKafkasCreateTopicsMessages: librdkafka
// shows the broker's error message where there is one, and its own
// description of the code ("Broker: Topic already exists") where there is
// none; Kafka 3.9 sends one for each refusal (adminerrors.go).
func TestConfluentKafkaPythonShowsKafkasCreateTopicsMessages(t *testing.T) {
	python := testtools.Python(t, "confluent_kafka")
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "py-exists", "a")
	var got map[string]string
	runPythonJSON(ctx, t, python, &got, "testdata/python/admin_errors.py", b.Addrs()[0], "py-exists")
	want := map[string]string{
		"py-exists":         "Topic 'py-exists' already exists.",
		"py-three-replicas": "Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.",
		"py-bad-config":     "Invalid value soon for configuration retention.ms: Not a number of type LONG",
	}
	for name, msg := range want {
		if got[name] != msg {
			t.Errorf("librdkafka reports %s: %q, want %q", name, got[name], msg)
		}
	}
}

// TestConfluentKafkaPythonDescribesTheBrokersConfigs: librdkafka's
// DescribeConfigs of the broker sees every config of Kafka 3.9's
// KafkaConfig (314), each with its source, read-only flag, sensitivity
// and synonyms (brokerconfigs.go).
func TestConfluentKafkaPythonDescribesTheBrokersConfigs(t *testing.T) {
	python := testtools.Python(t, "confluent_kafka")
	ctx := testContext(t)
	b := startBroker(ctx, t)
	node := nodeID(t, b)
	var got struct {
		Count   int                        `json:"count"`
		Configs map[string]json.RawMessage `json:"configs"`
	}
	runPythonJSON(ctx, t, python, &got, "testdata/python/broker_configs.py", b.Addrs()[0], node,
		"auto.create.topics.enable", "log.retention.hours", "log.retention.ms", "ssl.key.password")
	if got.Count != 314 {
		t.Errorf("librdkafka sees %d broker configs, want 314", got.Count)
	}
	for name, want := range map[string]string{
		// confluent-kafka keeps one synonym a name: the last, the default.
		"auto.create.topics.enable": `["true","STATIC_BROKER_CONFIG",true,false,[["auto.create.topics.enable","true","DEFAULT_CONFIG"]]]`,
		"log.retention.hours":       `["168","DEFAULT_CONFIG",true,false,[["log.retention.hours","168","DEFAULT_CONFIG"]]]`,
		"log.retention.ms":          `[null,"DEFAULT_CONFIG",false,false,[]]`,
		"ssl.key.password":          `[null,"DEFAULT_CONFIG",false,true,[]]`,
	} {
		if string(got.Configs[name]) != want {
			t.Errorf("librdkafka reports %s: %s, want %s", name, got.Configs[name], want)
		}
	}
}

// TestConfluentKafkaPythonSeesATopicsConfigsInKafkasOrder: librdkafka's
// DescribeConfigs of a topic lists LogConfig's 36 configs in the order
// Kafka 3.9 answers them, a 64-bucket Scala HashMap's
// (TestDescribeConfigsOfATopicAnswersInScalaHashMapOrder).
func TestConfluentKafkaPythonSeesATopicsConfigsInKafkasOrder(t *testing.T) {
	python := testtools.Python(t, "confluent_kafka")
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "py-configs", "a")
	var names []string
	runPythonJSON(ctx, t, python, &names, "testdata/python/topic_configs.py", b.Addrs()[0], "py-configs")
	if len(names) != 36 || !inScalaHashMapOrder(names, 64) {
		t.Errorf("librdkafka sees the topic's configs as %v, want LogConfig's 36 in the order of a 64-bucket Scala HashMap", names)
	}
}
