// Package topicname holds Apache Kafka's rules for topic names, so that the
// embedded broker and the stand-ins that create topics (REST Proxy, ksqlDB,
// Kafka Connect) refuse the same names with the same words.
//
// The rules are those of Kafka 3.9's
// clients/src/main/java/org/apache/kafka/common/internals/Topic.java
// (apache/kafka, branch 3.9): at most 249 characters, only ASCII
// alphanumerics, '.', '_' and '-', and neither "." nor "..". A name mixing
// '.' and '_' only draws a warning from Kafka's tools; it is valid here too.
package topicname
