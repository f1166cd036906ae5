package embedded

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
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
// every port of StandardPorts.Shifted(n), and each of also moved by n (a
// caller's own ports, say the dashboard's 8888), is free on 127.0.0.1 right now and
// below the kernel's ephemeral port range (see ephemeralLow), where another
// program's outgoing connection could take it before the lab listens.
// Offsets are tried in random order so that processes looking at once
// rarely pick the same; a port can still be taken between this call and
// the listen, so callers retry a start that fails on a taken port.
func FreeOffset(also ...int) (int, error) {
	ports := append(StandardPorts.List(), also...)
	highest := slices.Max(ports)
	const lowest = 10000
	choices := (ephemeralLow()-1-highest-lowest)/10 + 1
	if choices < 1 {
		return 0, fmt.Errorf("find a free port offset: the ephemeral port range starts at %d, leaving no offset from %d up below it", ephemeralLow(), lowest)
	}
	for range 200 {
		n := lowest + 10*rand.IntN(choices)
		moved := make([]int, len(ports))
		for i, p := range ports {
			moved[i] = p + n
		}
		if allFree(moved) {
			return n, nil
		}
	}
	return 0, errors.New("find a free port offset: 200 offsets tried, each had a standard port taken")
}

// ephemeralLow is the first port of net.ipv4.ip_local_port_range, from
// which Linux picks the source ports of outgoing connections and the ports
// of port-0 listens; 32768, its default, where it cannot be read.
func ephemeralLow() int {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return 32768
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 32768
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return 32768
	}
	return n
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
