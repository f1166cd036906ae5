// Package containers is the lab's container provider: it starts the real
// Confluent Platform 7.9 (Kafka in KRaft mode, Schema Registry, REST Proxy,
// Kafka Connect with the JDBC source connector, ksqlDB) and PostgreSQL 16 with
// testcontainers-go on one Docker network, seeds the stations table and
// reports every service's host endpoint as a stack.Stack. Connect's image is
// built from deploy/connect/Dockerfile, the connector installed at build
// time, as docker-compose.yml builds it. Ports are published on loopback
// for an engine on this machine and on every interface for one elsewhere
// (EngineHost, PublishIP, testcontainers' own host resolution).
//
// The lab's specs run it only with LAB_STACK=containers; the subpackage
// enginetest checks what it asks a Docker engine for without one.
//
// Available tells, quickly and without panicking, whether a Docker engine
// answers; callers pick the embedded stack when it does not. The repository's
// docker-compose.yml runs the same images with the same settings on the
// standard ports, and a test keeps the two in step.
package containers
