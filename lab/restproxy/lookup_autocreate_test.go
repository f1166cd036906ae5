package restproxy

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

// TestLookingUpAMissingTopicDoesNotCreateIt: on a broker with
// auto.create.topics.enable, GET /v3/clusters/{c}/topics/{t} and
// GET /topics/{t} of a topic that does not exist answer 404 (40403, and
// 40401 in v2) and leave the broker without that topic. The REST Proxy
// looks topics up with its AdminClient (describeTopics), which never asks
// for auto-creation; only its producer does
// (https://docs.confluent.io/platform/7.9/kafka-rest/api.html).
func TestLookingUpAMissingTopicDoesNotCreateIt(t *testing.T) {
	e := newEnv(t, envOptions{broker: []kfake.Opt{kfake.AllowAutoTopicCreation()}})
	base := "/v3/clusters/" + e.clusterID() + "/topics/"
	e.wantError(e.do(http.MethodGet, base+"ghost-v3", "", nil), 404, 40403, "This server does not host this topic-partition.")
	e.wantError(e.do(http.MethodGet, "/topics/ghost-v2", "", nil), 404, 40401, "Topic not found.")

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	listed, err := e.admin.ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, topic := range []string{"ghost-v3", "ghost-v2"} {
		if listed.Has(topic) {
			t.Errorf("looking up %s created it", topic)
		}
	}
}

// TestProducingWithAnExplicitPartitionToAMissingTopicCreatesIt: on a
// broker with auto.create.topics.enable, a v2 produce naming partition 0
// of a missing topic is the producer's metadata request, which asks for
// auto-creation: the topic is created and the record written, while
// partition 1 of the created one-partition topic is refused as before.
func TestProducingWithAnExplicitPartitionToAMissingTopicCreatesIt(t *testing.T) {
	e := newEnv(t, envOptions{broker: []kfake.Opt{kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1)}})
	resp := e.post("auto-explicit", "application/vnd.kafka.binary.v2+json", `{"records":[{"value":"aGk=","partition":0}]}`)
	if resp.status != http.StatusOK {
		t.Fatalf("produce to partition 0 of a missing topic: %d %s", resp.status, resp.body)
	}
	if got := e.endOffsets("auto-explicit"); got[0] != 1 {
		t.Fatalf("end offsets %v, want partition 0 at 1", got)
	}
	e.wantError(e.post("auto-explicit-2", "application/vnd.kafka.binary.v2+json", `{"records":[{"value":"aGk=","partition":1}]}`),
		500, 50002, "Invalid partition given with record: 1 is not in the range [0...1).")
}
