// Package produce is the simulation's way out to Kafka: a sim.Sink that writes
// train arrivals to the per-station arrivals topics and turnstile entries to
// the turnstile topic with kafka-go (Avro values in the Confluent wire format,
// schemas registered in the Schema Registry), and POSTs the hourly weather to
// the Kafka REST Proxy, as the original's "legacy" weather station did.
//
// Topics are created explicitly before anything is produced. Writes are
// asynchronous with acks from all replicas; every delivery is counted, and
// the first delivery error stops the simulation and is returned by Close, so
// nothing is lost silently.
package produce
