package platform

// CPVersion is the Confluent Platform release: the tag of the cp-* images
// the containers provider runs.
const CPVersion = "7.9.4"

// Kafka's build in that release (confluentinc/kafka, tag v7.9.4): the
// version its AppInfoParser reports (gradle.properties "version"), which a
// Connect worker answers on GET / and as the version of Kafka's own
// plugins, and its commit id (build.gradle's determineCommitId, the
// release build's commit: the tag's; cp-kafka-connect:7.9.0 logs "Kafka
// commitId: ebe6df624d6bc758c37aba7053cf868c1e532ccd", v7.9.0's commit).
const (
	KafkaVersion  = CPVersion + "-ccs"
	KafkaCommitID = "d2c1fa6f7a2b74ddfaf09ec2f05a91aa16c5051d"
)

// Schema Registry's build in that release (confluentinc/schema-registry,
// tag v7.9.4): schema-registry-app.properties' application.version (the
// Maven project version) and application.commitId (buildnumber-maven-plugin's
// revision of the release build: the tag's commit), which GET
// /v1/metadata/version answers.
const (
	SchemaRegistryVersion  = CPVersion
	SchemaRegistryCommitID = "1298b56a06ec2a24de83c074e820aa765b918514"
)

// KSQLDBVersion is ksqlDB's version in that release (confluentinc/ksql, tag
// v7.9.4: ksqldb/version.properties, the Maven project version), which
// /info and /v1/metadata answer.
const KSQLDBVersion = CPVersion

// JDBCConnectorVersion is the Confluent Hub release of kafka-connect-jdbc
// the Connect image installs, which its JdbcSourceConnector reports as its
// version (Version.getVersion).
const JDBCConnectorVersion = "10.8.4"
