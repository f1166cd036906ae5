package ksqldb

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

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

// deleteInternalTopics deletes a terminated query's internal topics and
// their schemas, as ksqlDB's QueryCleanupService does: every topic named
// <application id>-...-changelog or -repartition, or a foreign-key join's
// subscription topic (<application id>-KTABLE-FK-JOIN-SUBSCRIPTION-
// REGISTRATION- or -RESPONSE-<n>-topic; KafkaTopicClientImpl.deleteInternalTopics,
// isInternalTopic), and the subjects of its -changelog and -repartition
// topics (SchemaRegistryUtil.cleanupInternalTopicSchemas, isInternalSubject:
// a foreign-key join's subjects stay). Failures are logged, as there.
func (s *Server) deleteInternalTopics(ctx context.Context, app string) {
	stateTopic := func(name string) bool {
		return strings.HasPrefix(name, app+"-") && (strings.HasSuffix(name, "-changelog") || strings.HasSuffix(name, "-repartition"))
	}
	internal := func(name string) bool {
		return stateTopic(name) || strings.HasPrefix(name, app+"-") && fkSubscriptionTopic.MatchString(name)
	}
	live, err := s.liveTopics(ctx)
	if err != nil {
		s.log.Warn("list topics to delete a query's internal topics", "query", app, "err", err)
	}
	for _, name := range slices.Sorted(maps.Keys(live)) {
		if internal(name) {
			if err := s.deleteTopic(ctx, name); err != nil {
				s.log.Warn("delete internal topic", "topic", name, "err", err)
			}
		}
	}
	if !s.reg.Configured() {
		return
	}
	subjects, err := s.reg.Subjects(ctx)
	if err != nil {
		s.log.Warn("list subjects to delete a query's internal schemas", "query", app, "err", err)
		return
	}
	for _, subj := range subjects {
		if topic, ok := strings.CutSuffix(subj, "-key"); ok && stateTopic(topic) {
			s.deleteSubject(ctx, subj)
		} else if topic, ok := strings.CutSuffix(subj, "-value"); ok && stateTopic(topic) {
			s.deleteSubject(ctx, subj)
		}
	}
}
