// Package connectimage holds the Kafka Connect image the lab runs:
// Dockerfile (confluentinc/cp-kafka-connect with kafka-connect-jdbc
// installed at build time), embedded so that the container provider builds
// the same image docker-compose.yml builds, from any working directory.
package connectimage
