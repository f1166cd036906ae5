package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// readCommittedTo reads each given partition from its log start up to its
// given end offset (exclusive), read committed, and hands fn every data
// record. It follows the consumer's position as Kafka's consumer does
// (position() moves past transaction markers and aborted batches), not the
// offsets of the records it gets: a log whose tail before the end holds
// only a transaction aborted without a marker (the embedded broker aborts a
// transaction left open by a crash that way) or only markers is read to its
// end instead of waiting for a record that never comes. A partition whose
// position does not move for stall is an error.
func readCommittedTo(ctx context.Context, cl *kgo.Client, upTo map[string]map[int32]int64, stall time.Duration, fn func(*kgo.Record)) error {
	pos := map[tp]int64{}
	end := map[tp]int64{}
	var topics []string
	for t, ps := range upTo {
		for p, o := range ps {
			if o > 0 {
				end[tp{t, p}] = o
			}
		}
		topics = append(topics, t)
	}
	if len(end) == 0 {
		return nil
	}
	adm := kadm.NewClient(cl)
	listed, err := adm.ListTopics(ctx, topics...)
	if err != nil {
		return fmt.Errorf("read %v: %w", topics, err)
	}
	names := map[[16]byte]string{}
	for _, d := range listed.Sorted() {
		if d.Err != nil {
			return fmt.Errorf("read %s: %w", d.Topic, d.Err)
		}
		names[d.ID] = d.Topic
	}
	starts, err := adm.ListStartOffsets(ctx, topics...)
	if err == nil {
		err = starts.Error()
	}
	if err != nil {
		return fmt.Errorf("read %v: log start offsets: %w", topics, err)
	}
	for k := range end {
		if o, ok := starts.Lookup(k.topic, k.partition); ok {
			pos[k] = o.Offset
		}
		if pos[k] >= end[k] {
			delete(end, k)
		}
	}
	dec := kgo.DefaultDecompressor()
	progressed := time.Now()
	for len(end) > 0 {
		req := kmsg.NewPtrFetchRequest()
		req.ReplicaID, req.MaxWaitMillis, req.MinBytes, req.MaxBytes = -1, 500, 1, 64<<20
		req.IsolationLevel, req.SessionEpoch = 1, -1
		for t := range upTo {
			rt := kmsg.NewFetchRequestTopic()
			rt.Topic, rt.TopicID = t, listed[t].ID
			for k := range end {
				if k.topic == t {
					rp := kmsg.NewFetchRequestTopicPartition()
					rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = k.partition, pos[k], 16<<20
					rp.CurrentLeaderEpoch, rp.LogStartOffset = -1, -1
					rt.Partitions = append(rt.Partitions, rp)
				}
			}
			if len(rt.Partitions) > 0 {
				req.Topics = append(req.Topics, rt)
			}
		}
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
			return fmt.Errorf("fetch: %w", err)
		}
		moved := false
		for i := range resp.Topics {
			rt := &resp.Topics[i]
			topic := rt.Topic
			if topic == "" {
				topic = names[rt.TopicID]
			}
			for j := range rt.Partitions {
				rp := &rt.Partitions[j]
				k := tp{topic, rp.Partition}
				stop, ok := end[k]
				if !ok {
					continue
				}
				if err := kerr.ErrorForCode(rp.ErrorCode); err != nil {
					if errors.Is(err, kerr.OffsetOutOfRange) && rp.LogStartOffset > pos[k] {
						pos[k], moved = rp.LogStartOffset, true // compacted or deleted meanwhile
						continue
					}
					return fmt.Errorf("fetch %s[%d]: %w", topic, rp.Partition, err)
				}
				fp, next := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{
					Offset:         pos[k],
					IsolationLevel: kgo.ReadCommitted(),
					Topic:          topic,
					Partition:      rp.Partition,
				}, rp, dec, nil)
				if fp.Err != nil {
					return fmt.Errorf("fetch %s[%d]: %w", topic, rp.Partition, fp.Err)
				}
				for _, r := range fp.Records {
					if r.Offset < stop {
						fn(r)
					}
				}
				if next > pos[k] {
					pos[k], moved = next, true
				}
				if pos[k] >= stop {
					delete(end, k)
				}
			}
		}
		if moved {
			progressed = time.Now()
		} else if time.Since(progressed) > stall {
			left := map[string]int64{}
			for k, o := range end {
				left[fmt.Sprintf("%s[%d]", k.topic, k.partition)] = o - pos[k]
			}
			return fmt.Errorf("offsets left to read %v: the position did not move for %v", left, stall)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return nil
}
