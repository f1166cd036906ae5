package embedded

import (
	"net"
	"strconv"
	"sync"
)

// composeHosts answers the compose file's service addresses, as a container
// on the compose network sees them (postgres:5432, schema-registry:8081, ...),
// with the embedded services that play those roles. Connect dials through
// it, so a connector config written for docker-compose.yml runs unchanged.
type composeHosts struct {
	mu    sync.RWMutex
	addrs map[string]string // "service:container-port" -> embedded address
}

// The compose services and the port each listens on inside the network
// (docker-compose.yml: hostname and listener of each service).
const (
	composeKafka          = "kafka:29092"
	composeSchemaRegistry = "schema-registry:8081"
	composeRESTProxy      = "rest-proxy:8082"
	composeConnect        = "connect:8083"
	composeKSQLDB         = "ksqldb:8088"
	composePostgres       = "postgres:5432"
)

func newComposeHosts() *composeHosts { return &composeHosts{addrs: map[string]string{}} }

func (c *composeHosts) set(service, addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.addrs[service] = addr
}

// resolve is a connect.HostResolver.
func (c *composeHosts) resolve(hostPort string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	a, ok := c.addrs[hostPort]
	return a, ok
}

func loopback(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }
