// Package lab starts the infrastructure the CTA pipeline runs on and tells
// the application where to find it.
//
// A Stack is the running infrastructure: a Kafka broker, a Schema Registry,
// a REST Proxy, Kafka Connect, ksqlDB and PostgreSQL. Three providers start
// one: "embedded" (one Go process speaking the same protocols, plus a private
// PostgreSQL server), "containers" (the real Confluent Platform images through
// testcontainers-go) and "external" (endpoints read from the environment).
// Package lab holds infrastructure only; it never imports the application.
package lab
