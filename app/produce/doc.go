// Package produce is the simulation's way out to Kafka: a sim.Sink that writes
// train arrivals to the per-station arrivals topics and turnstile entries to
// the turnstile topic with kafka-go (Avro values in the Confluent wire format,
// schemas registered in the Schema Registry), and POSTs the hourly weather to
// the Kafka REST Proxy, as the original's "legacy" weather station did.
//
// Topics are created explicitly before anything is produced. Writes are
// asynchronous with acks from all replicas, and every delivery is counted.
// Records go out through two senders (sender.go), each with one produce
// request in flight per leader broker and all it was handed meanwhile in the
// next: the turnstile entries', and the arrivals', so that a tick's
// arrivals, spread over up to 78 topics, go out together in one request and
// never wait behind the tick's thousands of entries; the entries follow
// once the arrivals are stored, with a lead of a few milliseconds for the
// arrivals' way to the dashboard (arrivalsLead).
// An accepted record is held until it is acknowledged: through an outage of
// Kafka, the Schema Registry or the REST Proxy the producer retries with a
// capped, jittered backoff (see package retry) for as long as its context
// lives, logging the outage once when it starts and once when it ends. The
// senders have no idempotence, so a request whose acknowledgement was lost
// is stored twice; Stats counts the records sent again. A permanent error (a
// 4xx the user must fix, a Kafka error such as an authorization failure)
// stops the simulation and is returned by Close, so nothing is lost
// silently.
package produce
