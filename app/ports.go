package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"time"
)

// speaksKafka reports whether the server at addr answers a Kafka
// ApiVersions request (API key 18, version 0, whose request body is empty)
// with a response carrying the same correlation id. The framing — an int32
// size, then request_api_key int16, request_api_version int16,
// correlation_id int32 and client_id as a nullable int16-length string — is
// Kafka's request header v1: https://kafka.apache.org/protocol#protocol_messages
// and https://kafka.apache.org/protocol#The_Messages_ApiVersions.
func speaksKafka(addr string, timeout time.Duration) bool {
	c, err := net.DialTimeout("tcp", addr, timeout)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(timeout))
	const correlation = 0x6374616c
	clientID := "ctalab-probe"
	req := binary.BigEndian.AppendUint32(nil, uint32(2+2+4+2+len(clientID)))
	req = binary.BigEndian.AppendUint16(req, 18) // ApiVersions
	req = binary.BigEndian.AppendUint16(req, 0)  // version 0
	req = binary.BigEndian.AppendUint32(req, correlation)
	req = binary.BigEndian.AppendUint16(req, uint16(len(clientID)))
	req = append(req, clientID...)
	if _, err := c.Write(req); err != nil {
		return false
	}
	var head [8]byte
	if _, err := io.ReadFull(c, head[:]); err != nil {
		return false
	}
	size := binary.BigEndian.Uint32(head[:4])
	return size >= 6 && size < 1<<20 && binary.BigEndian.Uint32(head[4:]) == correlation
}

// checkDashboardPort fails when the dashboard's listen address cannot be
// bound, naming the port and the flag, before anything slow starts.
func checkDashboardPort(listen string) error {
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		_, port, _ := net.SplitHostPort(listen)
		return fmt.Errorf("the dashboard cannot listen on port %s (--listen %s): %w\n(stop whatever uses port %s, or give another address, e.g. --listen 127.0.0.1:0 for any free port)", port, listen, err, port)
	}
	return ln.Close()
}

// notKafkaError is a Kafka port held by something that does not answer the
// Kafka protocol.
func notKafkaError(port int) error {
	return fmt.Errorf("port %d is in use, but what listens there does not answer the Kafka protocol, so it is neither a running stack nor free for the embedded one\n(to start the embedded stack beside it, run with --port-offset 10000; to use a Kafka cluster elsewhere, give --brokers or set CTALAB_BROKERS)", port)
}
