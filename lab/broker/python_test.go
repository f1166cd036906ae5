package broker

import (
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/lab/testtools"
	"os/exec"
	"strings"
	"testing"
)

// TestConfluentKafkaPythonListsProducesAndConsumes runs Debian's
// python3-confluent-kafka (librdkafka) against the broker: it sees
// __consumer_offsets with 50 partitions, creates a topic, produces gzip
// batches and reads them back in a consumer group.
func TestConfluentKafkaPythonListsProducesAndConsumes(t *testing.T) {
	python := testtools.Python(t, "confluent_kafka")
	ctx := testContext(t)
	b := startBroker(ctx, t)
	out, err := exec.CommandContext(ctx, python, "testdata/python/roundtrip.py", b.Addrs()[0], "py-topic").Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("confluent-kafka: %v\n%s", err, stderr)
	}
	var got struct {
		Partitions int      `json:"consumer_offsets_partitions"`
		Keys       []string `json:"keys"`
		Errors     []string `json:"errors"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
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
