// Package broker runs the embedded Kafka broker: franz-go's kfake as a
// single persistent node on 127.0.0.1, set up to behave like cp-kafka for
// the pipeline (topics auto-created with one partition, compacted topics
// compacted on a timer, consumer-group session timeouts down to 1 s).
//
// Between clients and kfake sits a thin protocol layer, in rooms by role:
//
//   - listener.go: the accept loop survives failing accepts (EMFILE,
//     ECONNABORTED, ...) with net/http's back-off; kfake would stop
//     accepting for good on the first error.
//   - wire.go: each connection follows Kafka's framing, closes on a request
//     larger than socket.request.max.bytes before reading it
//     (WithSocketRequestMaxBytes), and lets protocol.go rewrite a few
//     requests and their responses.
//   - versions.go, control.go: ApiVersions answers Kafka 3.9's ranges for
//     every API kfake serves; versions 3.9 has but kfake cannot serve
//     (Produce v0-2, Fetch v0-3, OffsetForLeaderEpoch v0-2: the message
//     format before v2) are answered UNSUPPORTED_VERSION per partition;
//     SASL on a plaintext listener is ILLEGAL_SASL_STATE.
//   - security.go: WithSecurity makes the listener SSL, SASL_PLAINTEXT or
//     SASL_SSL (kfake's SASL PLAIN/SCRAM users, TLS wrapped around the
//     listener); wire.go answers a failed SaslAuthenticate
//     SASL_AUTHENTICATION_FAILED with Kafka's message where kfake would
//     only drop the connection.
//   - protocol.go: Metadata lists __consumer_offsets and
//     __transaction_state as internal topics with 50 partitions and never
//     auto-creates an internal topic or one with a name Kafka refuses
//     (lab/topicname); CreateTopics refuses such names per topic.
//   - adminerrors.go, topicconfigs.go: CreateTopics, DeleteTopics and
//     CreatePartitions refuse each topic with the code and message Kafka
//     3.9's KRaft controller answers, where kfake answers without one or
//     not at all: a topic that exists or whose name collides with an
//     existing one's ('.' against '_'), invalid partition counts or
//     replication factors (more replicas than the one broker), manual
//     assignments, a name given twice (DeleteTopics and CreatePartitions
//     too, which then leave that topic be), a DeleteTopics topic given by
//     both name and ID or neither, an unknown topic, partitions not
//     increased, and topic configs: unknown names, null values, and values
//     LogConfig's ConfigDef refuses ("Invalid value soon for configuration
//     retention.ms: Not a number of type LONG"), checked before the counts.
//     AlterConfigs and IncrementalAlterConfigs check a topic's new configs
//     the same way (APPEND and SUBTRACT only on LIST configs) before the
//     topic is looked up ("The topic 'x' does not exist."); APPEND and
//     SUBTRACT start from the config's default where the topic sets none
//     (cleanup.policy delete,compact after appending compact). DeleteRecords
//     refuses internal topics (INVALID_TOPIC_EXCEPTION) and topics whose
//     cleanup.policy lacks delete (POLICY_VIOLATION), and succeeds without
//     moving the log start for an offset below it.
//   - configs.go: DescribeConfigs of a topic lists every config of Kafka
//     3.9's LogConfig (kfake lists eleven), each with its value, source,
//     type, synonyms and documentation as the compose file's cp-kafka
//     shows them: the broker's defaults and its static settings
//     (min.insync.replicas is STATIC_BROKER_CONFIG there), in the order of
//     the Scala mutable.HashMap ConfigHelper builds of them; CreateTopics
//     v5+ answers a created topic's every config as the controller
//     resolves them. brokerconfigs.go: DescribeConfigs of the broker
//     (by its id) lists every config of Kafka 3.9's KafkaConfig, read from
//     the documentation Kafka's build generates from it
//     (upstream/kafka_config.html), each with its value, source, synonyms,
//     type, read-only flag, sensitivity and documentation as cp-kafka
//     shows them: its static settings, its node id as broker.id, its
//     cleaner's interval as log.cleaner.backoff.ms, the dynamic values
//     kfake holds (DYNAMIC_DEFAULT_BROKER_CONFIG where they were set
//     cluster-wide), and the defaults; of the cluster-wide defaults
//     (broker ""), the dynamic defaults alone.
//   - logfiles.go: CreateTopics makes each created partition's log
//     directory and empty first segment before it answers, as Kafka makes a
//     partition's log when the partition is created; kfake would make them
//     on the first batch, on the loop that serves every client.
//   - recompress.go: a topic's compression.type (other than "producer")
//     recompresses incoming batches; batchrecords.go reads their records
//     as a stream, bounded by socket.request.max.bytes decompressed and
//     max.message.bytes rewritten, and answers Kafka's errors for a batch
//     it cannot decompress (UNKNOWN_SERVER_ERROR), malformed records
//     (INVALID_RECORD) and one too large (MESSAGE_TOO_LARGE).
//   - txnrecovery.go: a transaction the log leaves open after an abrupt
//     stop is aborted on start with an ABORT marker (WriteTxnMarkers), as
//     Kafka's transaction coordinator aborts it; kfake alone would count it
//     aborted without a marker, and read_committed consumers would then
//     drop what its producer commits afterwards. Produce waits until then.
//   - logstart.go: a compacted partition's log start offset stays where
//     Kafka keeps it when the cleaner removes records: ListOffsets for the
//     earliest offset answers it, and a fetch from a removed offset reads
//     the next kept batch (kfake moves the log start to the first batch it
//     keeps and would answer OFFSET_OUT_OF_RANGE). Kept in the data dir.
//     A fetch waiting for records while a cleaning removes its offset is
//     moved too (waitingfetch.go).
//   - compaction.go: the log cleaner runs every log.cleaner.backoff.ms
//     (WithCompactionInterval), and never past an open transaction, as
//     Kafka bounds cleaning by the first unstable offset: kfake's cleaner
//     would let a record of a transaction that later aborts replace a
//     committed one. It waits for a moment when no compacted partition
//     holds an open transaction's records. A cleaning keeps a journal of
//     the partitions' old files, from which Start puts them back if the
//     broker died mid-cleaning (kfake deletes a partition's files before
//     it writes the cleaned ones).
//
// Known differences from Apache Kafka, mostly from kfake:
//
//   - With auto-creation on, a Metadata request that asks for creation
//     creates the topic. kafka-go's Conn.ReadPartitions (also used by
//     DialLeader) always asks, so merely looking up a deleted or missing
//     topic re-creates it with DefaultPartitions partitions. Turn
//     auto-creation off (WithAutoCreateTopics(false)) where that matters.
//   - Compaction always keeps the last batch. A Fetch response's
//     LogStartOffset is kfake's, past the records compaction removed, where
//     Kafka's is the log start (logstart.go). kfake applies retention.ms
//     (default 7 days, by record timestamp) to topics whose cleanup.policy
//     is compact alone, which Kafka never deletes by age. It cleans all
//     compacted partitions at once, so an open transaction on one holds
//     back the cleaning of all (Kafka cleans each below its own first
//     unstable offset).
//   - Close saves consumer-group members that are still joined and waits
//     for them to expire after a restart: close readers before the broker,
//     or the first rebalance after a restart stalls for their session timeout.
//   - The internal topics exist only in Metadata: Produce, Fetch and
//     ListOffsets on them answer UNKNOWN_TOPIC_OR_PARTITION, and committed
//     offsets are not readable as records.
//   - Clients using the message format before v2 are refused (see above)
//     rather than up- or down-converted.
//   - DescribeConfigs of the broker lists its configs in the order of a
//     Scala mutable.HashMap of them, as Kafka does, with the table a map of
//     that many configs grows to: a map of cluster-wide defaults that once
//     held more keeps its larger table in Kafka. kfake keeps
//     one value for each dynamic broker config: one set both cluster-wide
//     and for the broker shows the last value set, at the level it was set
//     at, and deleting it at either level deletes it at both. Dynamic
//     configs kfake accepts that KafkaConfig does not define are left out,
//     of the broker's answer and of the cluster-wide defaults'. The
//     listener configs
//     (listeners, advertised.listeners, the security protocol map, the
//     controller's listener and quorum voters) show their defaults, not the
//     compose file's values, which name the containers. A topic's values
//     do not follow broker configs altered at run time.
//   - A topic stored by an older version under a name Kafka refuses is
//     loaded and served as stored, with a warning at start-up.
package broker
