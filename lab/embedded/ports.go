package embedded

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
)

// Ports are the listen ports of the stack's services; 0 picks a free port.
type Ports struct {
	Kafka, SchemaRegistry, RESTProxy, Connect, KSQLDB, Postgres int
}

// StandardPorts are the Confluent Platform's default ports and PostgreSQL's.
var StandardPorts = Ports{Kafka: 9092, SchemaRegistry: 8081, RESTProxy: 8082, Connect: 8083, KSQLDB: 8088, Postgres: 5432}

// Shifted returns p with n added to every port: a second lab beside the
// first uses StandardPorts.Shifted(n).
func (p Ports) Shifted(n int) Ports {
	return Ports{Kafka: p.Kafka + n, SchemaRegistry: p.SchemaRegistry + n, RESTProxy: p.RESTProxy + n, Connect: p.Connect + n, KSQLDB: p.KSQLDB + n, Postgres: p.Postgres + n}
}

// List returns the ports in the order Kafka, Schema Registry, REST Proxy,
// Connect, ksqlDB, PostgreSQL.
func (p Ports) List() []int {
	return []int{p.Kafka, p.SchemaRegistry, p.RESTProxy, p.Connect, p.KSQLDB, p.Postgres}
}

// FreeOffset returns an offset n, a multiple of 10 from 10000 up, at which
// every port of StandardPorts.Shifted(n) is free on 127.0.0.1 right now.
// Offsets are tried in random order so that processes looking at once
// rarely pick the same; a port can still be taken between this call and
// the listen, so callers retry a start that fails on a taken port.
func FreeOffset() (int, error) {
	for range 200 {
		n := 10000 + 10*rand.IntN(4000)
		if allFree(StandardPorts.Shifted(n).List()) {
			return n, nil
		}
	}
	return 0, errors.New("find a free port offset: 200 offsets tried, each had a standard port taken")
}

func allFree(ports []int) bool {
	for _, port := range ports {
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			return false
		}
		ln.Close()
	}
	return true
}
