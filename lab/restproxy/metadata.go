package restproxy

import (
	"context"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// fetchTopics describes the named topics, or every topic but the internal
// ones when none is named, from a metadata request sent to the broker now.
// The Java REST Proxy lists and describes topics with an AdminClient, which
// asks the broker each time, so a topic created or deleted a moment ago is
// already listed or gone; kadm's ListTopics answers from the client's
// metadata cache instead. The request never asks the broker to create a
// topic.
func (p *Proxy) fetchTopics(ctx context.Context, topics ...string) (kadm.TopicDetails, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.AllowAutoTopicCreation = false
	for _, t := range topics {
		rt := kmsg.NewMetadataRequestTopic()
		rt.Topic = kmsg.StringPtr(t)
		req.Topics = append(req.Topics, rt)
	}
	if len(topics) == 0 {
		req.Topics = nil // every topic
	}
	resp, err := req.RequestWith(ctx, p.adminCl)
	if err != nil {
		return nil, err
	}
	out := make(kadm.TopicDetails, len(resp.Topics))
	for _, t := range resp.Topics {
		if t.Topic == nil {
			continue
		}
		if len(topics) == 0 && t.IsInternal {
			continue // Admin.listTopics() leaves internal topics out
		}
		td := kadm.TopicDetail{
			Topic:      *t.Topic,
			ID:         t.TopicID,
			IsInternal: t.IsInternal,
			Partitions: make(kadm.PartitionDetails, len(t.Partitions)),
			Err:        kerr.ErrorForCode(t.ErrorCode),
		}
		for _, pt := range t.Partitions {
			td.Partitions[pt.Partition] = kadm.PartitionDetail{
				Topic:           *t.Topic,
				Partition:       pt.Partition,
				Leader:          pt.Leader,
				LeaderEpoch:     pt.LeaderEpoch,
				Replicas:        pt.Replicas,
				ISR:             pt.ISR,
				OfflineReplicas: pt.OfflineReplicas,
				Err:             kerr.ErrorForCode(pt.ErrorCode),
			}
		}
		out[td.Topic] = td
	}
	return out, nil
}
