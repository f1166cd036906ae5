// Package transforms holds the single message transformations and
// predicates that ship with Apache Kafka 3.9 Connect
// (org.apache.kafka.connect.transforms and ...transforms.predicates), with
// their class names, config keys, defaults, validation messages and output
// records, on the record model of package data.
//
// A Plugin describes one class: its config keys (which the worker embeds
// into a connector's ConfigDef under "transforms.<alias>." or
// "predicates.<alias>.") and a constructor taking the parsed values. Parsed
// values follow ConfigDef's types: STRING string, LIST []string, BOOLEAN
// bool, INT int32, LONG int64; nil is a null value.
//
// Errors a transformation raises on a record are *Error values naming the
// Java exception (DataException, ConfigException, ...), so the worker can
// report them in the shape of a Connect task trace.
//
// Reference: https://kafka.apache.org/39/documentation.html#connect_transforms
// and apache/kafka connect/transforms/src/main/java/org/apache/kafka/connect/transforms/.
package transforms
