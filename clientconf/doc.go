// Package clientconf is the one description of how a client reaches a
// Kafka cluster and its HTTP services (Schema Registry, REST Proxy, Kafka
// Connect, ksqlDB): addresses, TLS, SASL and HTTP basic auth. It reads a
// client properties file in the Confluent format, CTALAB_* environment
// variables and command-line flags, and builds every client the app and
// the lab use from the result (franz-go, kafka-go, net/http), so that no
// client keeps a second copy of these settings.
package clientconf
