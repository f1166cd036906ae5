package ksqldb

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/twmb/franz-go/pkg/kerr"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// The sink topic of a CREATE ... AS SELECT, as ksqlDB 0.29's
// TopicCreateInjector.injectForCreateAsSelect and createTopic make it
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../topic/TopicCreateInjector.java,
// TopicProperties.java, services/TopicValidationUtil.java): partitions,
// replicas and retention.ms come from the WITH clause, else from the
// source topic (retention.ms, else seven days). A stream's topic has
// cleanup.policy=delete, a windowed table's compact,delete with
// retention.ms the larger of that and the window's RETENTION, a table's
// compact and no retention.ms (RETENTION_MS is refused for it).

// defaultRetentionMs is TopicProperties.DEFAULT_RETENTION_IN_MS.
const defaultRetentionMs = 604800000

// sinkCleanupPolicy is the sink topic's cleanup.policy.
func sinkCleanupPolicy(table bool, win *sql.Window) string {
	switch {
	case !table:
		return "delete"
	case win != nil:
		return "compact,delete"
	}
	return "compact"
}

// checkSinkRetention refuses RETENTION_MS where the sink topic is
// compacted (TopicCreateInjector.throwIfRetentionPresentForTable).
func checkSinkRetention(w withProps, table bool, win *sql.Window) error {
	if w.retentionMs != nil && sinkCleanupPolicy(table, win) == "compact" {
		return stmterr.Bad("Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.")
	}
	return nil
}

// prepareSinkTopic creates the sink topic of a CREATE ... AS SELECT when it
// is missing, and checks an existing one against what the statement needs.
func (s *Server) prepareSinkTopic(ctx context.Context, ec *execCtx, srcTopic, topic string, w withProps, table bool, win *sql.Window) error {
	sm, err := s.topicMetaIn(ctx, ec, srcTopic)
	if err != nil {
		return err
	}
	partitions, replicas := w.partitions, w.replicas
	if partitions == 0 {
		partitions = max(sm.partitions, 1)
	}
	if replicas == 0 {
		replicas = max(sm.replicas, 1)
	}
	policy := sinkCleanupPolicy(table, win)
	var retention *int64 // nil for a compacted topic
	if policy != "compact" {
		r, err := s.sinkRetention(ctx, srcTopic, w)
		if err != nil {
			return err
		}
		if win != nil && win.Retention != nil {
			r = max(r, win.Retention.Millis())
		}
		retention = &r
	}
	tm, err := s.topicMetaIn(ctx, ec, topic)
	if err != nil {
		return err
	}
	if tm.exists {
		return s.checkExistingTopic(ctx, topic, tm, w, partitions, replicas, retention)
	}
	ec.noteTopic(topic, topicMeta{exists: true, partitions: partitions, replicas: replicas})
	if ec.sandbox {
		return nil
	}
	configs := map[string]*string{"cleanup.policy": &policy}
	if retention != nil {
		r := strconv.FormatInt(*retention, 10)
		configs["retention.ms"] = &r
	}
	return s.ensureTopic(ctx, topic, int32(partitions), int16(replicas), configs)
}

// sinkRetention is RETENTION_MS, else the source topic's retention.ms,
// else seven days (TopicProperties.Builder.build).
func (s *Server) sinkRetention(ctx context.Context, srcTopic string, w withProps) (int64, error) {
	if w.retentionMs != nil {
		return *w.retentionMs, nil
	}
	r, ok, err := s.topicRetention(ctx, srcTopic)
	if err != nil || !ok {
		return defaultRetentionMs, err
	}
	return r, nil
}

// checkExistingTopic is TopicValidationUtil.validateTopicProperties for a
// topic that exists: given partitions that differ, or a retention.ms other
// than the one required, refuse it.
func (s *Server) checkExistingTopic(ctx context.Context, topic string, tm topicMeta, w withProps, partitions, replicas int, retention *int64) error {
	var actual int64
	hasActual := false
	if retention != nil {
		var err error
		if actual, hasActual, err = s.topicRetention(ctx, topic); err != nil {
			return err
		}
	}
	badRetention := hasActual && actual != *retention
	if !(w.partitions != 0 && tm.partitions != w.partitions) && !badRetention {
		return nil
	}
	if hasActual {
		return stmterr.Bad("A Kafka topic with the name '%s' already exists, with different partition/replica/retention configuration than required. KSQL expects %d partitions (topic has %d), %d replication factor (topic has %d), and %d retention (topic has %d).",
			topic, partitions, tm.partitions, replicas, tm.replicas, *retention, actual)
	}
	return stmterr.Bad("A Kafka topic with the name '%s' already exists, with different partition/replica configuration than required. KSQL expects %d partitions (topic has %d), %d replication factor (topic has %d).",
		topic, partitions, tm.partitions, replicas, tm.replicas)
}

// checkDeclaredRetention is TopicCreateInjector.injectForCreateSource's
// part in RETENTION_MS on a declared CREATE: a table's topic is compacted,
// so refused; an existing topic must have that retention. A missing topic
// without PARTITIONS is refused by the caller first.
func (s *Server) checkDeclaredRetention(ctx context.Context, w withProps, tm topicMeta, table bool) error {
	if w.retentionMs == nil || (!tm.exists && w.partitions == 0) {
		return nil
	}
	if table {
		return checkSinkRetention(w, true, nil)
	}
	if !tm.exists {
		return nil
	}
	return s.checkExistingTopic(ctx, w.topic, tm, w, cmp.Or(w.partitions, tm.partitions), cmp.Or(w.replicas, tm.replicas), w.retentionMs)
}

// retentionConfig is the retention.ms a declared CREATE's new topic gets
// from RETENTION_MS, nil without it.
func retentionConfig(w withProps) map[string]*string {
	if w.retentionMs == nil {
		return nil
	}
	r := strconv.FormatInt(*w.retentionMs, 10)
	return map[string]*string{"retention.ms": &r}
}

// topicRetention is a topic's retention.ms as DescribeConfigs answers it
// (defaults included, as KafkaTopicClientImpl.getTopicConfig); false when
// the topic or the setting is missing.
func (s *Server) topicRetention(ctx context.Context, topic string) (int64, bool, error) {
	rcs, err := s.adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		return 0, false, fmt.Errorf("describe configs of topic %s: %w", topic, err)
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			if errors.Is(rc.Err, kerr.UnknownTopicOrPartition) {
				return 0, false, nil
			}
			return 0, false, fmt.Errorf("describe configs of topic %s: %w", topic, rc.Err)
		}
		for _, c := range rc.Configs {
			if c.Key == "retention.ms" && c.Value != nil {
				r, err := strconv.ParseInt(*c.Value, 10, 64)
				if err != nil {
					return 0, false, fmt.Errorf("retention.ms of topic %s: %w", topic, err)
				}
				return r, true, nil
			}
		}
	}
	return 0, false, nil
}
