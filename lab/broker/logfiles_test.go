package broker

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Kafka creates a partition's log when the partition is created, not when
// its first record comes: the broker that leads it calls
// Partition.createLogIfNotExists, LogManager.getOrCreateLog makes the log
// directory, and LogLoader.load, finding no segment, opens an empty
// active segment at the log start offset ("no existing segments, create a
// new mutable segment beginning at logStartOffset"). Read from apache/kafka
// 3.9: core/src/main/scala/kafka/cluster/Partition.scala,
// core/src/main/scala/kafka/log/LogManager.scala and
// core/src/main/scala/kafka/log/LogLoader.scala.
//
// The segment files are named as kfake stores them (see recovery.go): the
// partition's directory "<escaped topic>-<partition>" under partitions/,
// holding <base offset>.dat and its index <base offset>.idx.

// createTopicsRaw asks for one topic at version v and returns its answer.
func createTopicsRaw(t *testing.T, b *Broker, v int16, validateOnly bool, topic kmsg.CreateTopicsRequestTopic) kmsg.CreateTopicsResponseTopic {
	t.Helper()
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = v
	req.TimeoutMillis = 5000
	req.ValidateOnly = validateOnly
	req.Topics = append(req.Topics, topic)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.CreateTopicsResponse)
	if len(resp.Topics) != 1 {
		t.Fatalf("CreateTopics v%d %s: %d topics answered, want 1", v, topic.Topic, len(resp.Topics))
	}
	return resp.Topics[0]
}

func newTopic(name string, partitions int32) kmsg.CreateTopicsRequestTopic {
	ct := kmsg.NewCreateTopicsRequestTopic()
	ct.Topic = name
	ct.NumPartitions = partitions
	ct.ReplicationFactor = -1
	return ct
}

// activeSegment is where the broker keeps partition p's first segment.
func activeSegment(dataDir, topic string, p int) string {
	return filepath.Join(dataDir, "partitions", topic+"-"+strconv.Itoa(p), "0.dat")
}

func TestCreatedTopicHasItsPartitionsSegmentFilesWhenCreateTopicsAnswers(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	for _, c := range []struct {
		version    int16
		topic      kmsg.CreateTopicsRequestTopic
		partitions int
	}{
		// Before v5 the answer does not say how many partitions were
		// made; from v5 it does.
		{2, newTopic("three.partitions.v2", 3), 3},
		{7, newTopic("three.partitions.v7", 3), 3},
		{4, newTopic("default.partitions.v4", -1), DefaultPartitions},
		{7, newTopic("default.partitions.v7", -1), DefaultPartitions},
	} {
		if got := createTopicsRaw(t, b, c.version, false, c.topic); got.ErrorCode != 0 {
			t.Fatalf("CreateTopics v%d %s: error %d", c.version, c.topic.Topic, got.ErrorCode)
		}
		for p := range c.partitions {
			for _, f := range []string{"0.dat", "0.idx"} {
				path := filepath.Join(filepath.Dir(activeSegment(dir, c.topic.Topic, p)), f)
				if _, err := os.Stat(path); err != nil {
					t.Errorf("CreateTopics v%d %s answered, partition %d has no %s: %v", c.version, c.topic.Topic, p, f, err)
				}
			}
		}
		if _, err := os.Stat(filepath.Dir(activeSegment(dir, c.topic.Topic, c.partitions))); err == nil {
			t.Errorf("CreateTopics v%d %s: a log directory for partition %d, which the topic does not have", c.version, c.topic.Topic, c.partitions)
		}
	}
}

func TestValidateOnlyCreateTopicsAndARefusedTopicLeaveNoLogFiles(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	if got := createTopicsRaw(t, b, 5, true, newTopic("only.validated", 2)); got.ErrorCode != 0 {
		t.Fatalf("validate-only CreateTopics: error %d", got.ErrorCode)
	}
	if got := createTopicsRaw(t, b, 5, false, newTopic("has..a bad name", 2)); got.ErrorCode == 0 {
		t.Fatal("CreateTopics of an invalid name succeeded")
	}
	entries, err := os.ReadDir(filepath.Join(dir, "partitions"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "only.validated") || strings.HasPrefix(e.Name(), "has") {
			t.Errorf("log directory %s made for a topic that was not created", e.Name())
		}
	}
}

func TestPartitionsCreatedEmptyTakeRecordsAndKeepThemAcrossARestart(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	if got := createTopicsRaw(t, b, 7, false, newTopic("made.empty", 2)); got.ErrorCode != 0 {
		t.Fatalf("CreateTopics: error %d", got.ErrorCode)
	}
	produce(ctx, t, b, "made.empty", keys("k", 0, 5)...)
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	b2 := startBroker(ctx, t, WithDataDir(dir))
	offs, err := client(b2).ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{"made.empty": {kafka.LastOffsetOf(0), kafka.LastOffsetOf(1)}}})
	if err != nil {
		t.Fatalf("list offsets after restart: %v", err)
	}
	var total int64
	for _, p := range offs.Topics["made.empty"] {
		if p.Error != nil {
			t.Fatalf("partition %d after restart: %v", p.Partition, p.Error)
		}
		total += p.LastOffset
	}
	if total != 5 {
		t.Fatalf("records after restart = %d, want the 5 produced", total)
	}
	produce(ctx, t, b2, "made.empty", keys("k", 5, 10)...)
	if got := consumeGroup(ctx, t, b2, "made.empty", "g", 10); len(got) != 10 {
		t.Fatalf("consumed %d records after restart, want 10", len(got))
	}
}
