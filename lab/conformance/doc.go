// Package conformance is the lab's provider conformance suite: Ginkgo specs
// that every stack provider must pass before the scenarios rely on it. The
// specs use real clients only — kafka-go, plain HTTP against the Schema
// Registry and REST Proxy, goavro and pgx — so they say nothing about how a
// provider is built, only that it behaves like the Confluent Platform.
//
// A provider's test suite calls Specs with a function returning its
// running stack; the embedded provider runs it here, and the containers
// provider runs it unchanged where a Docker engine answers.
package conformance
