package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A push query is a Kafka Streams application of its own in ksqlDB 0.29
// (QueryBuilder.buildTransientQuery), and Kafka Streams' consumers join
// the group its application id names (StreamsConfig.
// getMainConsumerConfigs: group.id is application.id): while the query
// runs, the broker lists that group. The query's consumer here is that
// group's member, reading its topics from where the query starts
// (planStartOffsets, or a rekeyed source's repartition topic from its
// beginning): the offsets are set as the group assigns the partitions,
// whatever the group committed. When the query ends, the member leaves and
// the group is deleted, as QueryCleanupService's QueryCleanupTask deletes
// the application's consumer group (deleteConsumerGroups).

// pushConsumer is the consumer of push query application app, reading
// the partitions of start from their offsets there.
func (s *Server) pushConsumer(app string, start map[string]map[int32]kgo.Offset) (*kgo.Client, error) {
	cl, err := kgo.NewClient(kafkaOpts(s.cfg.kafka,
		kgo.SeedBrokers(s.brokers...),
		kgo.ConsumerGroup(app),
		kgo.ConsumeTopics(slices.Sorted(maps.Keys(start))...),
		kgo.AdjustFetchOffsetsFn(func(_ context.Context, offsets map[string]map[int32]kgo.Offset) (map[string]map[int32]kgo.Offset, error) {
			for t, parts := range offsets {
				for p := range parts {
					if o, ok := start[t][p]; ok {
						parts[p] = o
					}
				}
			}
			return offsets, nil
		}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))...)
	if err != nil {
		return nil, fmt.Errorf("start push query: %w", err)
	}
	return cl, nil
}

// deletePushGroup deletes the group of push query application app once
// its member left it (a group with members cannot be deleted: the leave
// may come a moment after the member closed).
func (s *Server) deletePushGroup(ctx context.Context, app string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for {
		resps, err := s.adm.DeleteGroups(ctx, app)
		if err == nil {
			err = resps[app].Err
		}
		if err == nil || errors.Is(err, kerr.GroupIDNotFound) {
			return
		}
		if !errors.Is(err, kerr.NonEmptyGroup) || ctx.Err() != nil {
			s.log.Debug("delete push query group", "group", app, "err", err)
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(50 * time.Millisecond):
		}
	}
}
