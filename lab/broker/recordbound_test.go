package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

func createTopicsRequest(topics map[string]int32, order ...string) *kmsg.CreateTopicsRequest {
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = 5
	req.TimeoutMillis = 5000
	for _, name := range order {
		ct := kmsg.NewCreateTopicsRequestTopic()
		ct.Topic = name
		ct.NumPartitions = topics[name]
		ct.ReplicationFactor = 1
		req.Topics = append(req.Topics, ct)
	}
	return req
}

// A KRaft controller writes at most 10000 metadata records for one request
// (QuorumController.MAX_RECORDS_PER_USER_OP, apache/kafka 3.9); a
// CreateTopics past it fails whole: every topic of the request is answered
// POLICY_VIOLATION (44), "Unable to perform excessively large batch
// operation." (EventHandlerExceptionInfo, CreateTopicsRequest.getErrorResponse),
// and none is created.
func TestCreateTopicsPastTheControllersRecordBoundCreatesNothing(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	resp := dialRaw(t, b).roundTrip(createTopicsRequest(map[string]int32{"small": 1, "huge": 2_000_000}, "small", "huge", "bad topic")).(*kmsg.CreateTopicsResponse)
	if len(resp.Topics) != 3 {
		t.Fatalf("%d topics answered, want 3", len(resp.Topics))
	}
	for i, want := range []string{"small", "huge", "bad topic"} {
		tp := resp.Topics[i]
		if tp.Topic != want || tp.ErrorCode != 44 || tp.ErrorMessage == nil || *tp.ErrorMessage != "Unable to perform excessively large batch operation." {
			t.Errorf("topic %d: %s error %d %v, want %s POLICY_VIOLATION", i, tp.Topic, tp.ErrorCode, tp.ErrorMessage, want)
		}
		if b.Cluster().TopicInfo(want) != nil {
			t.Errorf("%s was created", want)
		}
	}
	// one topic of 10000 partitions is 10001 records; an existing topic
	// writes none, so asking for it again beside a small new one is
	// answered as usual
	resp = dialRaw(t, b).roundTrip(createTopicsRequest(map[string]int32{"one-past": 10000}, "one-past")).(*kmsg.CreateTopicsResponse)
	if len(resp.Topics) != 1 || resp.Topics[0].ErrorCode != 44 || b.Cluster().TopicInfo("one-past") != nil {
		t.Fatalf("a topic of 10000 partitions (10001 records): %+v", resp.Topics)
	}
	if err := b.Cluster().CreateTopic("existing", 5, nil); err != nil {
		t.Fatal(err)
	}
	resp = dialRaw(t, b).roundTrip(createTopicsRequest(map[string]int32{"existing": 9000, "next": 1000}, "existing", "next")).(*kmsg.CreateTopicsResponse)
	if len(resp.Topics) != 2 || resp.Topics[0].ErrorCode != 36 || resp.Topics[1].ErrorCode != 0 {
		t.Fatalf("an existing topic beside a new one: %+v", resp.Topics)
	}
}

// CreatePartitions catches the bound's exception per topic
// (ReplicationControlManager.createPartitions): the partitions added before
// it are committed, and the topic that passed it, with every later one
// that adds partitions, is answered UNKNOWN_SERVER_ERROR (-1) without a
// message (ApiError.fromThrowable).
func TestCreatePartitionsPastTheControllersRecordBoundKeepsWhatFit(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	for _, name := range []string{"a", "b", "c"} {
		if err := b.Cluster().CreateTopic(name, 1, nil); err != nil {
			t.Fatal(err)
		}
	}
	req := kmsg.NewPtrCreatePartitionsRequest()
	req.Version = 3
	req.TimeoutMillis = 5000
	for name, count := range map[string]int32{"a": 6001, "b": 6001, "c": 3} {
		ct := kmsg.NewCreatePartitionsRequestTopic()
		ct.Topic, ct.Count = name, count
		req.Topics = append(req.Topics, ct)
	}
	order := []string{req.Topics[0].Topic, req.Topics[1].Topic, req.Topics[2].Topic}
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.CreatePartitionsResponse)
	if len(resp.Topics) != 3 {
		t.Fatalf("%d topics answered, want 3", len(resp.Topics))
	}
	// in request order: records are counted as the topics come
	left := 10000
	for i, name := range order {
		tp := resp.Topics[i]
		add := map[string]int{"a": 6000, "b": 6000, "c": 2}[name]
		wantCode, wantCount := int16(0), 1+add
		if add > left {
			wantCode, wantCount = -1, 1+left
			left = 0
		} else {
			left -= add
		}
		if tp.Topic != name || tp.ErrorCode != wantCode || tp.ErrorMessage != nil {
			t.Errorf("topic %d: %s error %d %v, want %s error %d", i, tp.Topic, tp.ErrorCode, tp.ErrorMessage, name, wantCode)
		}
		if got := len(b.Cluster().PartitionInfos(name)); got != wantCount {
			t.Errorf("%s has %d partitions, want %d", name, got, wantCount)
		}
	}
}
