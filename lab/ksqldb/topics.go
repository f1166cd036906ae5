package ksqldb

import (
	"context"
	"fmt"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// liveTopic is one topic as the broker describes it right now.
type liveTopic struct {
	err        error // nil, or the broker's per-topic error (UNKNOWN_TOPIC_OR_PARTITION when absent)
	internal   bool
	partitions []int // replica count per partition, by partition number
}

// liveTopics asks the broker for the named topics (all topics when none are
// named). It bypasses the client's metadata cache on purpose: kadm's
// ListTopics answers from franz-go's cached metadata for up to
// MetadataMinAge (5 s), and the cache is not cleared by DeleteTopics, so a
// topic deleted moments ago (DROP ... DELETE TOPIC) would still look present
// and a statement re-creating its source would skip creating the topic.
func (s *Server) liveTopics(ctx context.Context, topics ...string) (map[string]liveTopic, error) {
	req := kmsg.NewPtrMetadataRequest()
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	resp, err := req.RequestWith(ctx, s.cl)
	if err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	out := make(map[string]liveTopic, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		lt := liveTopic{err: kerr.ErrorForCode(t.ErrorCode), internal: t.IsInternal}
		if lt.err == nil {
			lt.partitions = make([]int, len(t.Partitions))
			for _, p := range t.Partitions {
				if int(p.Partition) < len(lt.partitions) && p.Partition >= 0 {
					lt.partitions[p.Partition] = len(p.Replicas)
				}
			}
		}
		out[*t.Topic] = lt
	}
	return out, nil
}
