// Package schema holds the pipeline's Avro schemas (the .avsc files, embedded)
// and speaks the Confluent wire format: a zero magic byte, the 4-byte
// big-endian Schema Registry id of the writer's schema, then the Avro binary
// body. Registry is the project's shared Schema Registry client (package
// srclient) registering these schemas under TopicNameStrategy subjects
// (<topic>-key, <topic>-value); Serde encodes and decodes records through it.
package schema
