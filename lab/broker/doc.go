// Package broker runs the embedded Kafka broker: franz-go's kfake as a
// single persistent node on 127.0.0.1, set up to behave like cp-kafka for
// the pipeline (topics auto-created with one partition, compacted topics
// compacted on a timer, consumer-group session timeouts down to 1 s).
//
// Known differences from Apache Kafka, all from kfake:
//
//   - With auto-creation on, a Metadata request that asks for creation
//     creates the topic. kafka-go's Conn.ReadPartitions (also used by
//     DialLeader) always asks, so merely looking up a deleted or missing
//     topic re-creates it with DefaultPartitions partitions. Turn
//     auto-creation off (WithAutoCreateTopics(false)) where that matters.
//   - Compaction moves a partition's log-start offset to the first
//     surviving batch, and always keeps the last batch.
//   - Close saves consumer-group members that are still joined and waits
//     for them to expire after a restart: close readers before the broker,
//     or the first rebalance after a restart stalls for their session timeout.
package broker
