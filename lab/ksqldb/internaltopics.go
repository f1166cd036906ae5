package ksqldb

import (
	"context"
	"maps"
	"strings"
)

// topicDefaultsKey is the context key of the topic.<config> settings of
// the query whose internal topics are being created.
type topicDefaultsKey struct{}

// withTopicDefaults gives ctx the topic.<config> settings of a query's
// properties, which Kafka Streams lays under every internal topic's own
// settings: InternalTopicManager reads them with
// StreamsConfig.originalsWithPrefix(TOPIC_PREFIX), and ksqlDB hands Kafka
// Streams its ksql.streams. settings without that prefix, so
// ksql.streams.topic.<config> and topic.<config> both count, the first
// winning (apache/kafka 3.9; KsqlConfig.getKsqlStreamConfigProps,
// confluentinc/ksql v7.9.0). Only the topics created under ctx take them:
// a query's internal topics, never its sink.
func withTopicDefaults(ctx context.Context, props map[string]string) context.Context {
	d := map[string]string{}
	for _, prefix := range []string{topicPrefix, ksqlStreamsPrefix + topicPrefix} {
		for k, v := range props {
			if name, ok := strings.CutPrefix(k, prefix); ok && name != "" {
				d[name] = v
			}
		}
	}
	if len(d) == 0 {
		return ctx
	}
	return context.WithValue(ctx, topicDefaultsKey{}, d)
}

// applyTopicDefaults is InternalTopicConfig.getProperties: the library's
// settings of the topic (configs), then the query's topic.<config>
// defaults from ctx over them. A topic created with its own retention.ms
// and no segment.bytes is a window store's changelog, whose retention
// Kafka Streams computes from the store and puts back over the defaults
// (WindowedChangelogTopicConfig); a repartition topic's retention.ms -1
// is a library default the query's may replace (RepartitionTopicConfig).
func applyTopicDefaults(ctx context.Context, configs map[string]*string) map[string]*string {
	d, _ := ctx.Value(topicDefaultsKey{}).(map[string]string)
	if len(d) == 0 {
		return configs
	}
	out := maps.Clone(configs)
	if out == nil {
		out = map[string]*string{}
	}
	for k, v := range d {
		out[k] = &v
	}
	if r := configs["retention.ms"]; r != nil && configs["segment.bytes"] == nil {
		out["retention.ms"] = r
	}
	return out
}
