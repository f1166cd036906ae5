package web

import (
	"context"
	"errors"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The console shows what the cluster holds now. kadm answers topic lookups
// from the client's metadata cache for up to MetadataMinAge (5 s by
// default), so a topic created or deleted by anyone would be missing, or
// linger, for seconds; a lookup that found no topic would hide the one
// created right after it. These helpers ask the broker instead.

// listTopics lists names (every topic when none are given) with a Metadata
// request sent to the broker, not answered from the cache. Unknown names
// are in the result with their error, as kadm.ListTopics reports them.
func (s *Server) listTopics(ctx context.Context, names ...string) (kadm.TopicDetails, error) {
	req := kmsg.NewPtrMetadataRequest()
	for _, n := range names {
		t := kmsg.NewMetadataRequestTopic()
		t.Topic = kmsg.StringPtr(n)
		req.Topics = append(req.Topics, t)
	}
	resp, err := req.RequestWith(ctx, s.kafka)
	if err != nil {
		return nil, err
	}
	out := make(kadm.TopicDetails, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		d := kadm.TopicDetail{Topic: *t.Topic, ID: t.TopicID, IsInternal: t.IsInternal, Partitions: kadm.PartitionDetails{}, Err: kerr.ErrorForCode(t.ErrorCode)}
		if errors.Is(d.Err, kerr.UnknownTopicOrPartition) && len(names) == 0 {
			continue // deleted between the broker's listing and its answer
		}
		for _, p := range t.Partitions {
			d.Partitions[p.Partition] = kadm.PartitionDetail{
				Topic: *t.Topic, Partition: p.Partition, Leader: p.Leader, LeaderEpoch: p.LeaderEpoch,
				Replicas: p.Replicas, ISR: p.ISR, OfflineReplicas: p.OfflineReplicas, Err: kerr.ErrorForCode(p.ErrorCode),
			}
		}
		out[d.Topic] = d
	}
	return out, nil
}

// listOffsets lists the start or end offsets of topics a fresh listing
// returned. kadm resolves partition leaders through the client's metadata
// cache, which may still call a topic created since unknown: such topics are
// purged from the cache and listed again.
func (s *Server) listOffsets(ctx context.Context, list func(context.Context, ...string) (kadm.ListedOffsets, error), topics []string) (kadm.ListedOffsets, error) {
	offs, err := list(ctx, topics...)
	if err != nil {
		return offs, err
	}
	var stale []string
	for t, ps := range offs {
		for _, o := range ps {
			if errors.Is(o.Err, kerr.UnknownTopicOrPartition) {
				stale = append(stale, t)
				break
			}
		}
	}
	if len(stale) == 0 {
		return offs, nil
	}
	s.kafka.PurgeTopicsFromClient(stale...)
	again, err := list(ctx, stale...)
	if err != nil {
		return offs, err
	}
	for t, ps := range again {
		offs[t] = ps
	}
	return offs, nil
}
