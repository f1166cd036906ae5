// Package web is the lab console in a browser, on :9021 as Confluent
// Control Center: the running pipeline drawn live (topics, producers,
// consumer groups, connectors, ksqlDB queries and the dashboard, each edge
// with its rate and lag), topics with a message browser and a live tail,
// consumer groups (members, assignments, per-partition lag, lag over time,
// offset reset on an empty group), Kafka Connect with its connectors'
// offsets, a ksqlDB editor, the Schema Registry's subjects, and the
// lab's fault actions where the lab offers them.
//
// It talks only the public protocols (Kafka through franz-go's kadm and
// kgo; the Schema Registry, Kafka Connect and ksqlDB REST APIs; the
// dashboard's /metrics), so it works the same on the embedded stack and on
// Confluent Platform. The REST views pass requests through to the service
// and its answers back unchanged, so a refused request shows the product's
// own status, error_code and message. Records decode with the console
// consumer's decoder (console.Decoder). The page is static HTML, CSS and a
// dependency-free script embedded in the binary.
//
// Files by role: server.go (options, routes, lifecycle), pipeline.go (the
// topology sampler), layout.go (columns by stage), topics.go (topics and
// the message browser), groups.go (consumer groups and offset reset),
// proxy.go (the REST pass-through), faults.go.
package web
