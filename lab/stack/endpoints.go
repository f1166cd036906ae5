package stack

import "context"

// Endpoints are the addresses of a running stack's services, as a client on
// this host reaches them. An empty string means the service is not available
// in that stack.
type Endpoints struct {
	// Brokers are the Kafka bootstrap addresses, host:port.
	Brokers []string
	// SchemaRegistry is the Schema Registry base URL, e.g. http://127.0.0.1:8081.
	SchemaRegistry string
	// RESTProxy is the Kafka REST Proxy base URL, e.g. http://127.0.0.1:8082.
	RESTProxy string
	// Connect is the Kafka Connect worker base URL, e.g. http://127.0.0.1:8083.
	Connect string
	// KSQLDB is the ksqlDB server base URL, e.g. http://127.0.0.1:8088.
	KSQLDB string
	// Postgres is a libpq URL for the cta database as the host reaches it,
	// e.g. postgres://cta_admin:chicago@127.0.0.1:5432/cta.
	Postgres string
	// PostgresFromConnect is the JDBC URL Kafka Connect uses to reach the same
	// database, e.g. jdbc:postgresql://postgres:5432/cta inside compose.
	PostgresFromConnect string
}

// Stack is a running set of lab services.
type Stack interface {
	// Endpoints returns where the stack's services listen.
	Endpoints() Endpoints
	// Close stops every service and releases its resources. It is safe to
	// call more than once.
	Close(ctx context.Context) error
}
