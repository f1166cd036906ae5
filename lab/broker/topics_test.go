package broker

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

func metadataTopic(t *testing.T, resp *kmsg.MetadataResponse, name string) *kmsg.MetadataResponseTopic {
	t.Helper()
	for i := range resp.Topics {
		if tp := resp.Topics[i].Topic; tp != nil && *tp == name {
			return &resp.Topics[i]
		}
	}
	return nil
}

func metadataRequest(version int16, autoCreate bool, topics ...string) *kmsg.MetadataRequest {
	req := kmsg.NewPtrMetadataRequest()
	req.Version = version
	req.AllowAutoTopicCreation = autoCreate
	if topics != nil {
		req.Topics = []kmsg.MetadataRequestTopic{}
	}
	for _, name := range topics {
		mt := kmsg.NewMetadataRequestTopic()
		mt.Topic = kmsg.StringPtr(name)
		req.Topics = append(req.Topics, mt)
	}
	return req
}

// offsets.topic.num.partitions defaults to 50 (GroupCoordinatorConfig,
// apache/kafka 3.9); Metadata marks internal topics with IsInternal.
func TestConsumerOffsetsIsListedAsInternalWith50Partitions(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "ordinary", "a")
	meta, err := client(b).Metadata(ctx, &kafka.MetadataRequest{})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	var offsets, ordinary *kafka.Topic
	for i := range meta.Topics {
		switch meta.Topics[i].Name {
		case "__consumer_offsets":
			offsets = &meta.Topics[i]
		case "ordinary":
			ordinary = &meta.Topics[i]
		}
	}
	if offsets == nil || !offsets.Internal || len(offsets.Partitions) != 50 {
		t.Fatalf("__consumer_offsets in all-topics metadata = %+v, want internal with 50 partitions", offsets)
	}
	if ordinary == nil || ordinary.Internal {
		t.Fatalf("ordinary topic = %+v, want listed and not internal", ordinary)
	}
	for _, v := range []int16{0, 1, 9, 12} {
		resp := dialRaw(t, b).roundTrip(metadataRequest(v, true)).(*kmsg.MetadataResponse)
		if v == 0 {
			resp = dialRaw(t, b).roundTrip(metadataRequest(v, true, []string{}...)).(*kmsg.MetadataResponse)
		}
		tp := metadataTopic(t, resp, "__transaction_state")
		if tp == nil || (v > 0 && !tp.IsInternal) || len(tp.Partitions) != 50 || tp.ErrorCode != 0 { // IsInternal is v1+
			t.Fatalf("Metadata v%d all topics: __transaction_state = %+v, want internal with 50 partitions", v, tp)
		}
	}
}

func TestMetadataForConsumerOffsetsCreatesNoOrdinaryTopic(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	resp := dialRaw(t, b).roundTrip(metadataRequest(12, true, "__consumer_offsets", "made-here")).(*kmsg.MetadataResponse)
	tp := metadataTopic(t, resp, "__consumer_offsets")
	if tp == nil || !tp.IsInternal || len(tp.Partitions) != 50 || tp.ErrorCode != 0 {
		t.Fatalf("__consumer_offsets = %+v, want internal with 50 partitions", tp)
	}
	if made := metadataTopic(t, resp, "made-here"); made == nil || made.ErrorCode != 0 || len(made.Partitions) != 1 {
		t.Fatalf("made-here = %+v, want auto-created alongside", made)
	}
	if info := b.Cluster().TopicInfo("__consumer_offsets"); info != nil {
		t.Fatalf("a metadata request created an ordinary __consumer_offsets topic: %+v", info)
	}
}

func TestCreateTopicsRefusesInvalidNamesPerTopic(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	long := strings.Repeat("x", 250)
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = 5
	req.TimeoutMillis = 5000
	for _, name := range []string{"good.one", "bad topic", long, ".", "..", "a/b", "__consumer_offsets"} {
		ct := kmsg.NewCreateTopicsRequestTopic()
		ct.Topic = name
		ct.NumPartitions = 1
		ct.ReplicationFactor = 1
		req.Topics = append(req.Topics, ct)
	}
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.CreateTopicsResponse)
	codes := map[string]int16{}
	msgs := map[string]string{}
	for _, tp := range resp.Topics {
		codes[tp.Topic] = tp.ErrorCode
		if tp.ErrorMessage != nil {
			msgs[tp.Topic] = *tp.ErrorMessage
		}
	}
	// 17 INVALID_TOPIC_EXCEPTION, 36 TOPIC_ALREADY_EXISTS (kerr / Errors.java).
	want := map[string]int16{"good.one": 0, "bad topic": 17, long: 17, ".": 17, "..": 17, "a/b": 17, "__consumer_offsets": 36}
	for name, code := range want {
		if got, ok := codes[name]; !ok || got != code {
			t.Errorf("CreateTopics %q: error %d (answered %v), want %d", name, got, ok, code)
		}
		if info := b.Cluster().TopicInfo(name); (info != nil) != (code == 0) {
			t.Errorf("topic %q exists=%v after CreateTopics answered %d", name, info != nil, code)
		}
	}
	if m := msgs["bad topic"]; m != "Topic name is invalid: 'bad topic' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'" {
		t.Errorf("message for 'bad topic' = %q", m)
	}
}

// AutoTopicCreationManager.filterCreatableTopics (apache/kafka 3.9) answers
// INVALID_TOPIC_EXCEPTION for a name it was asked to auto-create.
func TestMetadataAutoCreateRefusesInvalidName(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	for _, v := range []int16{1, 4, 12} {
		resp := dialRaw(t, b).roundTrip(metadataRequest(v, true, "bad topic", "fine-topic")).(*kmsg.MetadataResponse)
		if tp := metadataTopic(t, resp, "bad topic"); tp == nil || tp.ErrorCode != 17 {
			t.Fatalf("Metadata v%d auto-create 'bad topic' = %+v, want error 17 (INVALID_TOPIC_EXCEPTION)", v, tp)
		}
		if tp := metadataTopic(t, resp, "fine-topic"); tp == nil || tp.ErrorCode != 0 {
			t.Fatalf("Metadata v%d auto-create fine-topic = %+v, want created", v, tp)
		}
	}
	if b.Cluster().TopicInfo("bad topic") != nil {
		t.Fatal("'bad topic' was created")
	}
	resp := dialRaw(t, b).roundTrip(metadataRequest(12, false, "bad topic")).(*kmsg.MetadataResponse)
	if tp := metadataTopic(t, resp, "bad topic"); tp == nil || tp.ErrorCode != 3 {
		t.Fatalf("Metadata without auto-create 'bad topic' = %+v, want error 3 (UNKNOWN_TOPIC_OR_PARTITION)", tp)
	}
}

func TestStoredTopicWithInvalidNameIsLoadedAndLogged(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	// An older broker created names without checking them.
	if err := b.Cluster().CreateTopic("old topic", 1, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	b2 := startBroker(ctx, t, WithDataDir(dir), WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	if !strings.Contains(logs.String(), "old topic") || !strings.Contains(logs.String(), "level=WARN") {
		t.Fatalf("start-up did not warn about the stored invalid name:\n%s", logs.String())
	}
	resp := dialRaw(t, b2).roundTrip(metadataRequest(12, true, "old topic")).(*kmsg.MetadataResponse)
	if tp := metadataTopic(t, resp, "old topic"); tp == nil || tp.ErrorCode != 0 || len(tp.Partitions) != 1 {
		t.Fatalf("stored 'old topic' = %+v, want served as stored", tp)
	}
	produce(ctx, t, b2, "old topic", "k")
}

// ReplicaManager (apache/kafka 3.9) refuses client appends to internal
// topics with INVALID_TOPIC_EXCEPTION, which producers do not retry.
func TestProduceToConsumerOffsetsIsInvalidTopic(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "beside", "x")
	req := kmsg.NewPtrProduceRequest()
	req.Version = 8
	req.Acks = -1
	req.TimeoutMillis = 5000
	for _, name := range []string{"__consumer_offsets", "beside"} {
		pt := kmsg.NewProduceRequestTopic()
		pt.Topic = name
		pp := kmsg.NewProduceRequestTopicPartition()
		pp.Partition = 0
		pp.Records = rawBatch(0, 1, appendRecord(nil, 0, []byte("v")))
		pt.Partitions = append(pt.Partitions, pp)
		req.Topics = append(req.Topics, pt)
	}
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.ProduceResponse)
	codes := map[string]int16{}
	for _, rt := range resp.Topics {
		for _, rp := range rt.Partitions {
			codes[rt.Topic] = rp.ErrorCode
		}
	}
	if codes["__consumer_offsets"] != 17 || codes["beside"] != 0 || len(codes) != 2 {
		t.Fatalf("produce answers %v, want __consumer_offsets 17 (INVALID_TOPIC_EXCEPTION) and beside 0", codes)
	}
	if b.Cluster().TopicInfo("__consumer_offsets") != nil {
		t.Fatal("an ordinary __consumer_offsets topic appeared")
	}
}
