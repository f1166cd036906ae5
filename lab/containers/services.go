package containers

import (
	"encoding/json"
	"io"

	"github.com/testcontainers/testcontainers-go/wait"
)

// kafkaBootstrap is how the other containers reach the broker.
var kafkaBootstrap = internalAddr(kafkaAlias, kafkaInternalPort)

// schemaRegistryURL is how the other containers reach Schema Registry.
var schemaRegistryURL = internalURL(schemaRegistryAlias, schemaRegistryPort)

// jdbcSourceClass is the connector class whose presence in
// GET /connector-plugins shows the JDBC plugin was installed.
const jdbcSourceClass = "io.confluent.connect.jdbc.JdbcSourceConnector"

func schemaRegistryEnv() map[string]string {
	return map[string]string{
		"SCHEMA_REGISTRY_HOST_NAME":                           schemaRegistryAlias,
		"SCHEMA_REGISTRY_LISTENERS":                           "http://0.0.0.0:8081",
		"SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS":        "PLAINTEXT://" + kafkaBootstrap,
		"SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR": "1",
		"SCHEMA_REGISTRY_HEAP_OPTS":                           schemaRegistryHeap,
	}
}

func schemaRegistryService(image string) service {
	return service{
		name:  schemaRegistryAlias,
		image: image,
		port:  schemaRegistryPort,
		env:   schemaRegistryEnv(),
		ready: []wait.Strategy{wait.ForHTTP("/subjects").WithPort(tcpPort(schemaRegistryPort))},
	}
}

func restProxyEnv() map[string]string {
	return map[string]string{
		"KAFKA_REST_HOST_NAME":           restProxyAlias,
		"KAFKA_REST_LISTENERS":           "http://0.0.0.0:8082",
		"KAFKA_REST_BOOTSTRAP_SERVERS":   "PLAINTEXT://" + kafkaBootstrap,
		"KAFKA_REST_SCHEMA_REGISTRY_URL": schemaRegistryURL,
		"KAFKAREST_HEAP_OPTS":            restProxyHeap,
	}
}

func restProxyService(image string) service {
	return service{
		name:  restProxyAlias,
		image: image,
		port:  restProxyPort,
		env:   restProxyEnv(),
		ready: []wait.Strategy{wait.ForHTTP("/topics").WithPort(tcpPort(restProxyPort))},
	}
}

// connectEnv is a distributed worker whose group, internal topics and
// converters are those of Kafka's sample connect-distributed.properties.
// exactly.once.source.support keeps its default (disabled): source tasks
// write without transactions and commit offsets after the records are
// acknowledged, so data topics hold no transaction markers.
func connectEnv() map[string]string {
	return map[string]string{
		"CONNECT_BOOTSTRAP_SERVERS":                 kafkaBootstrap,
		"CONNECT_LISTENERS":                         "http://0.0.0.0:8083",
		"CONNECT_REST_ADVERTISED_HOST_NAME":         connectAlias,
		"CONNECT_GROUP_ID":                          "connect-cluster",
		"CONNECT_CONFIG_STORAGE_TOPIC":              "connect-configs",
		"CONNECT_OFFSET_STORAGE_TOPIC":              "connect-offsets",
		"CONNECT_STATUS_STORAGE_TOPIC":              "connect-status",
		"CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_STATUS_STORAGE_REPLICATION_FACTOR": "1",
		"CONNECT_KEY_CONVERTER":                     "org.apache.kafka.connect.json.JsonConverter",
		"CONNECT_VALUE_CONVERTER":                   "org.apache.kafka.connect.json.JsonConverter",
		"CONNECT_PLUGIN_PATH":                       "/usr/share/java,/usr/share/confluent-hub-components",
		"KAFKA_HEAP_OPTS":                           connectHeap,
	}
}

// connectCommand installs the JDBC connector from Confluent Hub, then starts
// the worker with the image's own entry point. With an empty plugin it only
// starts the worker (for an image that already contains the connector).
func connectCommand(plugin string) []string {
	run := "exec /etc/confluent/docker/run"
	if plugin == "" {
		return []string{"bash", "-c", run}
	}
	return []string{"bash", "-c", "confluent-hub install --no-prompt " + plugin + " && " + run}
}

func connectService(image, plugin string) service {
	return service{
		name:  connectAlias,
		image: image,
		port:  connectPort,
		env:   connectEnv(),
		cmd:   connectCommand(plugin),
		ready: []wait.Strategy{
			wait.ForHTTP("/connector-plugins").WithPort(tcpPort(connectPort)).
				WithResponseMatcher(listsJDBCSource),
		},
	}
}

// listsJDBCSource reports whether a GET /connector-plugins body lists the
// JDBC source connector.
func listsJDBCSource(body io.Reader) bool {
	var plugins []struct {
		Class string `json:"class"`
	}
	if err := json.NewDecoder(body).Decode(&plugins); err != nil {
		return false
	}
	for _, p := range plugins {
		if p.Class == jdbcSourceClass {
			return true
		}
	}
	return false
}

func ksqldbEnv() map[string]string {
	return map[string]string{
		"KSQL_BOOTSTRAP_SERVERS":                                kafkaBootstrap,
		"KSQL_LISTENERS":                                        "http://0.0.0.0:8088",
		"KSQL_KSQL_SERVICE_ID":                                  "default_",
		"KSQL_KSQL_SCHEMA_REGISTRY_URL":                         schemaRegistryURL,
		"KSQL_KSQL_CONNECT_URL":                                 internalURL(connectAlias, connectPort),
		"KSQL_KSQL_INTERNAL_TOPIC_REPLICAS":                     "1",
		"KSQL_KSQL_LOGGING_PROCESSING_TOPIC_REPLICATION_FACTOR": "1",
		"KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE":        "true",
		"KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE":       "true",
		// Persistent queries' consumer-group session timeout: 10 s, not
		// Kafka's 45 s, so a query whose server died is rebalanced away
		// soon after the stack restarts (the embedded stack runs with the
		// same value).
		"KSQL_KSQL_STREAMS_SESSION_TIMEOUT_MS": "10000",
		// The Kafka appender that writes the processing log to its topic
		// (https://docs.ksqldb.io/en/0.29.0-ksqldb/operate-and-deploy/installation/install-ksqldb-with-docker/,
		// "Enable the ksqlDB Processing Log").
		"KSQL_LOG4J_PROCESSING_LOG_BROKERLIST": kafkaBootstrap,
		"KSQL_LOG4J_PROCESSING_LOG_TOPIC":      "default_ksql_processing_log",
		"KSQL_CACHE_MAX_BYTES_BUFFERING":       "0",
		"KSQL_HEAP_OPTS":                       ksqldbHeap,
	}
}

func ksqldbService(image string) service {
	return service{
		name:  ksqldbAlias,
		image: image,
		port:  ksqldbPort,
		env:   ksqldbEnv(),
		ready: []wait.Strategy{
			wait.ForHTTP("/healthcheck").WithPort(tcpPort(ksqldbPort)).
				WithResponseMatcher(reportsHealthy),
		},
	}
}

// reportsHealthy reports whether a ksqlDB GET /healthcheck body says
// {"isHealthy":true}.
func reportsHealthy(body io.Reader) bool {
	var h struct {
		IsHealthy bool `json:"isHealthy"`
	}
	return json.NewDecoder(body).Decode(&h) == nil && h.IsHealthy
}

// postgresEnv is the image's superuser only: seeding creates the cta_admin
// role, the cta database and the stations table, as it does on any
// PostgreSQL.
func postgresEnv() map[string]string {
	return map[string]string{
		"POSTGRES_USER":     postgresSuperuser,
		"POSTGRES_PASSWORD": postgresSuperPassword,
	}
}

// postgresService is ready once the server is up for good: the image's
// entry point starts it twice (once for initialisation), hence two
// occurrences of the log line, as the testcontainers postgres module waits.
func postgresService(image string) service {
	return service{
		name:  postgresAlias,
		image: image,
		port:  postgresPort,
		env:   postgresEnv(),
		ready: []wait.Strategy{
			wait.ForLog("database system is ready to accept connections").WithOccurrence(2),
			wait.ForListeningPort(tcpPort(postgresPort)),
		},
	}
}
