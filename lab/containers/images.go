package containers

import (
	connectimage "github.com/ctalab/ctalab/deploy/connect"
	"github.com/ctalab/ctalab/internal/platform"
)

// Pinned images. Every tag is exact so that a run today and a run next year
// start the same software; override them with the With*Image options.
const (
	// CPVersion is the Confluent Platform release of the default images.
	CPVersion = platform.CPVersion

	// KafkaImage is the broker: Apache Kafka 3.9 in KRaft mode.
	KafkaImage = "confluentinc/cp-kafka:" + CPVersion
	// SchemaRegistryImage is Confluent Schema Registry.
	SchemaRegistryImage = "confluentinc/cp-schema-registry:" + CPVersion
	// RESTProxyImage is the Confluent REST Proxy (kafka-rest).
	RESTProxyImage = "confluentinc/cp-kafka-rest:" + CPVersion
	// ConnectImage is a Kafka Connect worker without connectors, the base
	// of ConnectJDBCImage.
	ConnectImage = "confluentinc/cp-kafka-connect:" + CPVersion
	// ConnectJDBCImage is the Connect image the stack runs: ConnectImage
	// with JDBCConnector installed at build time, built from
	// deploy/connect/Dockerfile.
	ConnectJDBCImage = connectimage.Image
	// KSQLDBImage is the ksqlDB server (ksqlDB 0.29 in CP 7.9).
	KSQLDBImage = "confluentinc/cp-ksqldb-server:" + CPVersion
	// PostgresImage is the PostgreSQL server the JDBC source connector reads.
	PostgresImage = "postgres:16"

	// JDBCConnector is the Confluent Hub id of the JDBC connector that
	// Connect installs at start (it bundles the PostgreSQL JDBC driver).
	JDBCConnector = "confluentinc/kafka-connect-jdbc:" + platform.JDBCConnectorVersion
)
