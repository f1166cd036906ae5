package containers

import (
	"strconv"
)

// Network aliases. Each container joins the stack's network under its
// service name, the same name docker-compose.yml gives it, so the addresses
// the services use for each other are the same in both.
const (
	kafkaAlias          = "kafka"
	schemaRegistryAlias = "schema-registry"
	restProxyAlias      = "rest-proxy"
	connectAlias        = "connect"
	ksqldbAlias         = "ksqldb"
	postgresAlias       = "postgres"
)

// Container ports.
const (
	// kafkaHostPort is the PLAINTEXT_HOST listener, the one published to
	// the host and advertised with the host's address.
	kafkaHostPort = 9092
	// kafkaInternalPort is the PLAINTEXT listener the other containers use.
	kafkaInternalPort = 29092
	// kafkaControllerPort is the KRaft controller listener.
	kafkaControllerPort = 29093
	schemaRegistryPort  = 8081
	restProxyPort       = 8082
	connectPort         = 8083
	ksqldbPort          = 8088
	postgresPort        = 5432
)

// ClusterID is the KRaft cluster id the broker's storage is formatted with:
// 16 bytes ("ctalab-kraft-001") in unpadded URL-safe base64, the form
// kafka-storage random-uuid prints.
const ClusterID = "Y3RhbGFiLWtyYWZ0LTAwMQ"

// JVM heap caps. The images' defaults add up to about 7 GB at their
// ceilings; these keep the whole stack near 3 GB.
const (
	kafkaHeap          = "-Xms256m -Xmx512m"
	schemaRegistryHeap = "-Xms128m -Xmx256m"
	restProxyHeap      = "-Xms128m -Xmx256m"
	connectHeap        = "-Xms256m -Xmx768m"
	ksqldbHeap         = "-Xms256m -Xmx1g"
)

// Database names: the cta database and its owner, as the application and
// the JDBC source connector use them.
const (
	ctaDatabase = "cta"
	ctaUser     = "cta_admin"
	ctaPassword = "chicago"

	// postgresSuperuser / postgresSuperPassword are the postgres image's
	// superuser, used only to seed.
	postgresSuperuser     = "postgres"
	postgresSuperPassword = "postgres"
)

// tcpPort is the testcontainers spelling of a container port: "8081/tcp".
func tcpPort(p int) string { return strconv.Itoa(p) + "/tcp" }

// internalAddr is host:port on the stack's network.
func internalAddr(alias string, port int) string { return alias + ":" + strconv.Itoa(port) }

// internalURL is an http URL on the stack's network.
func internalURL(alias string, port int) string { return "http://" + internalAddr(alias, port) }
