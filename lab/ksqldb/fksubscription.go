package ksqldb

import (
	"context"
	"fmt"
	"regexp"

	"github.com/twmb/franz-go/pkg/kadm"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
)

// fkSubscription is what Kafka Streams adds to the application of a
// persistent query whose join starts with a foreign-key join
// (planner.ForeignKeySubscription; KTableImpl.doJoinOnForeignKey, apache/kafka
// 3.9): the subscription registration and response topics, made as
// repartition topics (InternalTopicProperties.empty(),
// RepartitionTopicConfig), and the subscription store's changelog, made
// compacted (SubscriptionStoreFactory logs the store,
// UnwindowedUnversionedChangelogTopicConfig). The registration topic is
// co-partitioned with the right table's topic and the response topic with
// the left's (doJoinOnForeignKey's copartitionSources); the store belongs
// to the right table's sub-topology, a partition per task of it. The join
// itself runs in the query's processor: the topics are made, and deleted
// with the query's other internal topics, a push query's when it ends, and
// fkProtocol writes to them what Kafka Streams' sub-topologies exchange
// (fkprotocol.go).
type fkSubscription struct {
	plan                             *planner.ForeignKeySubscription
	registration, response, storeLog string
	// the task counts of the right and the left table's sub-topologies,
	// known once prepared
	rightTasks, leftTasks int32
}

// newFKSubscription is the subscription topics of a query under its
// application id app, nil unless its join starts with a foreign-key join.
// A push query has the persistent join's (planner.TransientJoinPlan, see
// pushstores.go).
func newFKSubscription(app string, qi *metastore.Query, plan *planner.Plan) *fkSubscription {
	fs := plan.ForeignKeySubscription()
	if fs == nil || qi.SourceTable {
		return nil
	}
	return &fkSubscription{
		plan:         fs,
		registration: app + "-" + fs.Registration,
		response:     app + "-" + fs.Response,
		storeLog:     app + "-" + fs.Store + "-changelog",
	}
}

// prepare makes the topics, as Kafka Streams makes them before the
// application runs.
func (fk *fkSubscription) prepare(ctx context.Context, s *Server) error {
	// the right table's sub-topology reads the registration topic, and
	// its rekeyed table's repartition where it has one: both
	// repartition topics, co-partitioned, with the larger count of the
	// tables' topics (see joinRepartitioner.prepare)
	rightTopics := []string{fk.plan.RightTopic}
	if fk.plan.RightRekeyed {
		rightTopics = append(rightTopics, fk.plan.LeftTopic)
	}
	right, err := s.taskCount(ctx, rightTopics)
	if err != nil {
		return fmt.Errorf("foreign-key join subscription topics: %w", err)
	}
	left, err := s.taskCount(ctx, []string{fk.plan.LeftTopic})
	if err != nil {
		return fmt.Errorf("foreign-key join subscription topics: %w", err)
	}
	fk.rightTasks, fk.leftTasks = right, left
	for _, t := range []struct {
		topic   string
		parts   int32
		configs map[string]*string
	}{
		{fk.registration, right, repartitionTopicConfigs},
		{fk.storeLog, right, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}},
		{fk.response, left, repartitionTopicConfigs},
	} {
		if err := s.ensureTopic(ctx, t.topic, t.parts, 1, t.configs); err != nil {
			return err
		}
	}
	return nil
}

// changelogPartitions gives each changelog of the query a partition per
// task of the sub-topology its store is in (Kafka 3.9
// StreamsPartitionAssignor: a changelog has its sub-topology's task
// count): the right table's store, rightLog, is the right table's
// sub-topology's, which reads its topic and the registration topic; every
// other store is the left table's, which reads the left topic, the
// response topic and any table a later join reads (co-partitioned with the
// left). Called once prepare has counted the tasks.
func (fk *fkSubscription) changelogPartitions(rightLog string) func(string) int32 {
	return func(topic string) int32 {
		if topic == rightLog {
			return fk.rightTasks
		}
		return fk.leftTasks
	}
}

// fkSubscriptionTopic matches the names of a foreign-key join's
// subscription topics after the application id, which ksqlDB deletes with
// the query's -changelog and -repartition topics
// (KsqlConstants.STREAMS_JOIN_REGISTRATION_TOPIC_PATTERN and
// STREAMS_JOIN_RESPONSE_TOPIC_PATTERN, KafkaTopicClientImpl.isInternalTopic).
var fkSubscriptionTopic = regexp.MustCompile(`-KTABLE-FK-JOIN-SUBSCRIPTION-(REGISTRATION|RESPONSE)-\d+-topic$`)
