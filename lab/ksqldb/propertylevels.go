package ksqldb

import "strings"

// SHOW PROPERTIES marks each property as ksqlDB 0.29's PropertiesList does:
// level QUERY for the names a query may set (QueryLevelProperties), else
// SERVER; editable when the name, resolved as KsqlConfigResolver does
// (ksql.streams. stripped), may be set per query or by ALTER SYSTEM
// (QueryLevelProperties and MutableSystemProperties).

var queryLevelProperties = map[string]bool{
	"auto.offset.reset": true, "buffered.records.per.partition": true, "cache.max.bytes.buffering": true,
	"ksql.fail.on.deserialization.error": true, "ksql.cast.strings.preserve.nulls": true,
	"ksql.nested.error.set.null": true, "ksql.query.retry.backoff.max.ms": true,
	"ksql.query.pull.max.allowed.offset.lag": true, "ksql.query.pull.table.scan.enabled": true,
	"ksql.timestamp.throw.on.invalid": true, "max.task.idle.ms": true, "task.timeout.ms": true,
}

var mutableSystemProperties = map[string]bool{
	"max.poll.records": true, "max.poll.interval.ms": true, "session.timeout.ms": true, "heartbeat.interval.ms": true,
	"fetch.min.bytes": true, "fetch.max.bytes": true, "fetch.max.wait.ms": true, "metadata.max.age.ms": true,
	"max.partition.fetch.bytes": true, "batch.size": true, "linger.ms": true, "delivery.timeout.ms": true,
	"max.request.size": true, "max.block.ms": true, "buffer.memory": true, "compression.type": true,
	"acceptable.recovery.lag": true, "commit.interval.ms": true, "max.warmup.replicas": true,
	"num.standby.replicas": true, "poll.ms": true, "probing.rebalance.interval.ms": true,
	"processing.guarantee": true, "window.size.ms": true,
}

func propertyLevel(name string) string {
	if queryLevelProperties[name] {
		return "QUERY"
	}
	return "SERVER"
}

func editableProperty(name string) bool {
	resolved := name
	if !strings.HasPrefix(name, "ksql.") || strings.HasPrefix(name, "ksql.streams.") {
		resolved = strings.TrimPrefix(name, "ksql.streams.")
	}
	return mutableSystemProperties[resolved] || queryLevelProperties[resolved]
}
