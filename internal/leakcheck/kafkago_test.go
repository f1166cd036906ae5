package leakcheck

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

// A kafka-go Transport that has asked a broker for metadata runs a pool
// loop until its idle connections are closed; the count sees both.
func TestKafkaGoPoolsCountsAPoolUntilItsTransportIsClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0") // answers nothing: the pool is made before it dials
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	before := KafkaGoPools()
	tr := &kafka.Transport{}
	c := &kafka.Client{Addr: kafka.TCP(ln.Addr().String()), Transport: tr, Timeout: 200 * time.Millisecond}
	_, _ = c.Metadata(context.Background(), &kafka.MetadataRequest{})
	if got := KafkaGoPools() - before; got != 1 {
		t.Fatalf("%d pools counted after one Transport's request, want 1", got)
	}
	tr.CloseIdleConnections()
	deadline := time.Now().Add(10 * time.Second)
	for KafkaGoPools() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if got := KafkaGoPools() - before; got != 0 {
		t.Fatalf("%d pools still counted after CloseIdleConnections, want 0", got)
	}
}
