// Package foreign holds the specs in which programs written with other
// languages' Kafka clients — kafkajs on Node.js and confluent-kafka
// (librdkafka) on Python — run against the embedded stack carrying the
// pipeline's data: they read every topic the stand-ins write and must count
// and fingerprint the records as a Go client (franz-go) does, and they use
// the REST Proxy's v2 consumer and v3 APIs with their own HTTP clients.
// The programs live in testdata; the package itself has no code.
package foreign
