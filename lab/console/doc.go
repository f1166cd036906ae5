// Package console is the learner's command line to a running lab, the
// counterpart of the Kafka and Confluent console tools: consume (as
// kafka-avro-console-consumer, decoding Avro, JSON Schema and plain values
// through the Schema Registry), produce (as kafka-avro-console-producer,
// JSON lines to Avro), topics (as kafka-topics.sh), groups (as
// kafka-consumer-groups.sh) and ksql (a shell on ksqlDB's REST API, as the
// ksql CLI). The lab command dispatches to Main.
//
// It talks only the real protocols (Kafka, the Schema Registry and ksqlDB
// REST APIs),
// so it works the same against the embedded stack and Confluent Platform.
package console
