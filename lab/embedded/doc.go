// Package embedded runs the whole lab in one Go process: franz-go's kfake as
// the Kafka broker, the Schema Registry, REST Proxy, Kafka Connect and ksqlDB
// stand-ins of this module on their own HTTP listeners, and a private
// PostgreSQL server started from the machine's binaries and seeded with the
// stations table.
//
// Every listener binds 127.0.0.1. Tests use port 0 everywhere and a temporary
// data dir; the demo lab uses the standard ports and a persistent data dir,
// so topics, schemas, connector offsets and ksqlDB queries survive a restart
// exactly where they do on the real platform.
//
// WithSecurity secures the stack as a managed cluster is (Kafka SASL_SSL with
// a certificate from the lab's own CA, HTTP basic auth on every stand-in)
// and writes client properties files for the user (security.go).
//
// For fault tests, WithBrokers runs the stand-ins against a broker in a
// process of its own ("lab broker"), which a test can kill, and
// (*Stack).RestartKSQLDB restarts the ksqlDB server alone on its port.
//
// A program that may run the stack in its own process (the lab CLI, the
// app) calls LimitMemory first thing in main: a soft memory limit of
// MemoryLimit for the Go runtime, lifted to one and a half times the live
// heap while that needs more, unless GOMEMLIMIT sets another
// (memlimit.go).
package embedded
