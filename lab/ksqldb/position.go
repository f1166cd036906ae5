package ksqldb

import (
	"context"
	"log/slog"
	"sync"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// positions is how far a running at_least_once query's state and
// acknowledged outputs go: per source partition, the offset after the last
// batch whose results and changelog records were all acknowledged. It lives
// as long as the running query, across consumer-group rejoins and client
// restarts, but not across an engine restart.
type positions struct {
	mu   sync.Mutex
	next map[tp]int64
}

// advance moves the positions past the records of an acknowledged batch.
func (p *positions) advance(fs kgo.Fetches) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fs.EachPartition(func(ftp kgo.FetchTopicPartition) {
		if n := len(ftp.Records); n > 0 {
			if p.next == nil {
				p.next = map[tp]int64{}
			}
			k := tp{ftp.Topic, ftp.Partition}
			if o := ftp.Records[n-1].Offset + 1; o > p.next[k] {
				p.next[k] = o
			}
		}
	})
}

// covers reports whether r lies before the position held for its partition.
func (p *positions) covers(r *kgo.Record) bool {
	if r == nil {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return r.Offset < p.next[tp{r.Topic, r.Partition}]
}

// of returns the positions held for partitions of topic.
func (p *positions) of(topic string, partitions []int32) map[int32]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int32]int64{}
	for _, part := range partitions {
		if o, ok := p.next[tp{topic, part}]; ok {
			out[part] = o
		}
	}
	return out
}

// ofTopic returns every position held for topic.
func (p *positions) ofTopic(topic string) map[int32]int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[int32]int64{}
	for k, o := range p.next {
		if k.topic == topic {
			out[k.partition] = o
		}
	}
	return out
}

// resumeAssigned is the query's OnPartitionsAssigned: for each newly
// assigned partition where the query already holds a position ahead of the
// group's committed offset (the group lost its member, or a commit failed,
// after the batch's outputs were acknowledged), it commits that position and
// seeks the consumer there, so the batch is not read and counted again.
func (q *runningQuery) resumeAssigned(log *slog.Logger) func(context.Context, *kgo.Client, map[string][]int32) {
	return func(ctx context.Context, cl *kgo.Client, assigned map[string][]int32) {
		for _, topic := range q.plan.InputTopics() {
			q.resumeTopic(ctx, cl, log, topic, assigned[topic])
		}
	}
}

// resumeTopic is resumeAssigned for the partitions of one input topic.
func (q *runningQuery) resumeTopic(ctx context.Context, cl *kgo.Client, log *slog.Logger, topic string, assigned []int32) {
	held := q.pos.of(topic, assigned)
	if len(held) == 0 {
		return
	}
	offs, err := q.srv.adm.FetchOffsets(ctx, q.appID)
	if err != nil {
		log.Warn("fetch committed offsets; resuming from the query's own position", "err", err)
	}
	seek := map[int32]kgo.EpochOffset{}
	for part, next := range held {
		if o, ok := offs.Lookup(topic, part); err == nil && ok && o.Err == nil && o.At >= next {
			continue
		}
		seek[part] = kgo.EpochOffset{Epoch: -1, Offset: next}
	}
	if len(seek) == 0 {
		return
	}
	set := map[string]map[int32]kgo.EpochOffset{topic: seek}
	cl.CommitOffsetsSync(ctx, set, func(_ *kgo.Client, _ *kmsg.OffsetCommitRequest, resp *kmsg.OffsetCommitResponse, err error) {
		if err == nil {
			err = commitError(resp)
		}
		if err != nil {
			log.Warn("commit the query's position after a rebalance", "err", err)
		}
	})
	log.Info("resuming from the query's own position, ahead of the committed offsets", "topic", topic, "offsets", seek)
	cl.SetOffsets(set)
}

// commitError is the first partition error of an offset commit response.
func commitError(resp *kmsg.OffsetCommitResponse) error {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return err
			}
		}
	}
	return nil
}
