package scenarios_test

import (
	"context"
	"sort"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/stack"
)

// Reading topics back: every record of a partition from its first offset to
// the end offset it has when the read starts. The topics read together share
// one metadata request and one ListOffsets request; each partition is then
// fetched batch by batch over one connection to its leader. (A kafka-go
// Reader hands over each record through a channel from a goroutine of its
// own, and the topics' metadata was asked once per topic: under the race
// detector that made reading a replay back slower than the replay.)

// topicReaders is how many partitions readTopics reads at once: a small
// partition's read is mostly waiting (a connection, its first fetch), and a
// replay has 83 topics.
const topicReaders = 8

// partitionSpan is one partition to read: its leader and its offsets when
// the read started.
type partitionSpan struct {
	topic      string
	id         int
	leader     kafka.Broker
	first, end int64
}

// partitionSpans returns the partitions of the named topics, each with its
// leader, first offset and end offset; every named topic must exist.
func partitionSpans(g Gomega, ctx context.Context, e stack.Endpoints, names ...string) []partitionSpan {
	c, done := adminClient(e)
	defer done()
	// Every topic's metadata: naming the topics would create a missing one
	// on a broker that creates topics on first use.
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{})
	g.Expect(err).NotTo(HaveOccurred(), "list topics")
	leaders := map[string]map[int]kafka.Broker{}
	for _, t := range md.Topics {
		leaders[t.Name] = map[int]kafka.Broker{}
		for _, p := range t.Partitions {
			leaders[t.Name][p.ID] = p.Leader
		}
	}
	req := map[string][]kafka.OffsetRequest{}
	for _, name := range names {
		g.Expect(leaders[name]).NotTo(BeEmpty(), "topic %s exists", name)
		for p := range leaders[name] {
			req[name] = append(req[name], kafka.FirstOffsetOf(p), kafka.LastOffsetOf(p))
		}
	}
	resp, err := c.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: req})
	g.Expect(err).NotTo(HaveOccurred(), "list the offsets of %v", names)
	var spans []partitionSpan
	for _, name := range names {
		g.Expect(resp.Topics[name]).To(HaveLen(len(leaders[name])), "offsets of every partition of %s", name)
		for _, po := range resp.Topics[name] {
			g.Expect(po.Error).NotTo(HaveOccurred(), "offsets of %s[%d]", name, po.Partition)
			spans = append(spans, partitionSpan{topic: name, id: po.Partition, leader: leaders[name][po.Partition], first: po.FirstOffset, end: po.LastOffset})
		}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].topic != spans[j].topic {
			return spans[i].topic < spans[j].topic
		}
		return spans[i].id < spans[j].id
	})
	return spans
}

// read returns the span's records from offset from (kafka.FirstOffset for
// the first) up to its end offset.
func (s partitionSpan) read(g Gomega, ctx context.Context, e stack.Endpoints, from int64) []kafka.Message {
	if from < s.first {
		from = s.first
	}
	if s.end <= from {
		return nil
	}
	conn, err := kafkaDialer(e).DialPartition(ctx, "tcp", "", kafka.Partition{Topic: s.topic, ID: s.id, Leader: s.leader})
	g.Expect(err).NotTo(HaveOccurred(), "connect to the leader of %s[%d]", s.topic, s.id)
	defer conn.Close()
	_, err = conn.Seek(from, kafka.SeekAbsolute)
	g.Expect(err).NotTo(HaveOccurred())
	out := make([]kafka.Message, 0, s.end-from)
	for next := from; next < s.end; {
		g.Expect(ctx.Err()).NotTo(HaveOccurred(), "read %s[%d] up to offset %d: at %d", s.topic, s.id, s.end, next)
		deadline := time.Now().Add(30 * time.Second)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		g.Expect(conn.SetReadDeadline(deadline)).To(Succeed())
		b := conn.ReadBatchWith(kafka.ReadBatchConfig{MinBytes: 1, MaxBytes: 16 << 20, MaxWait: 50 * time.Millisecond})
		for {
			m, err := b.ReadMessage()
			if err != nil {
				break
			}
			if m.Offset < s.end {
				out = append(out, m)
			}
		}
		g.Expect(b.Close()).To(Succeed(), "read %s[%d] at offset %d", s.topic, s.id, next)
		next, _ = conn.Offset()
	}
	return out
}

// readTopic returns every record of a topic, partition by partition, from
// the first offset to the end offset at the time of the call.
func readTopic(ctx context.Context, e stack.Endpoints, name string) []kafka.Message {
	GinkgoHelper()
	return readTopicG(Default, ctx, e, name)
}

func readTopicG(g Gomega, ctx context.Context, e stack.Endpoints, name string) []kafka.Message {
	var out []kafka.Message
	for _, s := range partitionSpans(g, ctx, e, name) {
		out = append(out, s.read(g, ctx, e, kafka.FirstOffset)...)
	}
	return out
}

// readPartition returns the records of one partition from offset from
// (kafka.FirstOffset for the start) to its end offset at the time of the
// call, and that end offset.
func readPartition(g Gomega, ctx context.Context, e stack.Endpoints, name string, p int, from int64) ([]kafka.Message, int64) {
	var ids []int
	for _, s := range partitionSpans(g, ctx, e, name) {
		if s.id == p {
			return s.read(g, ctx, e, from), s.end
		}
		ids = append(ids, s.id)
	}
	g.Expect(ids).To(ContainElement(p), "partition %d of %s exists", p, name)
	return nil, 0
}

// readTopics reads the named topics as readTopic does, topicReaders
// partitions at a time.
func readTopics(ctx context.Context, e stack.Endpoints, names []string) map[string][]kafka.Message {
	GinkgoHelper()
	spans := partitionSpans(Default, ctx, e, names...)
	read := make([][]kafka.Message, len(spans))
	next := make(chan int, len(spans))
	for i := range spans {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range topicReaders {
		wg.Go(func() {
			defer GinkgoRecover()
			for i := range next {
				read[i] = spans[i].read(Default, ctx, e, kafka.FirstOffset)
			}
		})
	}
	wg.Wait()
	out := make(map[string][]kafka.Message, len(names))
	for i, s := range spans {
		out[s.topic] = append(out[s.topic], read[i]...)
	}
	return out
}
