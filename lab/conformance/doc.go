// Package conformance is the lab's provider conformance suite: Ginkgo specs
// that every stack provider must pass before the scenarios rely on it. The
// specs use real clients only — kafka-go, plain HTTP against the Schema
// Registry, REST Proxy (v2 and v3), Kafka Connect and ksqlDB APIs, goavro
// and pgx — so they say nothing about how a provider is built, only that it
// behaves like the Confluent Platform.
//
// A provider declares the Features it supports; the specs of the others
// are skipped with "feature X not declared by provider Y". After the suite,
// each feature's outcome (passed, failed, or skipped with the reason) is
// printed and, when CTALAB_CONFORMANCE_DIR is set (make unit sets it), written
// there as <provider>.txt for make to show.
//
// A provider's test suite calls Specs with its features and a function
// returning its running stack; the embedded provider runs it here, and the
// containers provider runs it unchanged where a Docker engine answers.
package conformance
