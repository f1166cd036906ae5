package broker

import (
	"context"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A stopped broker is off the network as a stopped Kafka is: a new
// connection is refused and an open one is cut; started again on the same
// address it serves what it held before and what comes after.
func TestStoppedListenerRefusesAndCutsConnectionsAndKeepsTheData(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "kept", "before")

	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.RequestRetries(0), kgo.RetryTimeout(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Ping(ctx); err != nil {
		t.Fatalf("ping before: %v", err)
	}

	if err := b.StopListening(); err != nil {
		t.Fatal(err)
	}
	if b.Listening() {
		t.Fatal("Listening() is true after StopListening")
	}
	if _, err := net.DialTimeout("tcp", b.Addrs()[0], time.Second); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("dial a stopped broker: %v, want connection refused", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	err = cl.ProduceSync(pctx, &kgo.Record{Topic: "kept", Value: []byte("while stopped")}).FirstErr()
	cancel()
	if err == nil {
		t.Fatal("a produce on a client connected before the stop succeeded while the broker was stopped")
	}

	if err := b.StartListening(); err != nil {
		t.Fatal(err)
	}
	produce(ctx, t, b, "kept", "after")
	got := map[string]bool{}
	for _, k := range consumeGroup(ctx, t, b, "kept", "after-the-stop", 2) {
		got[k] = true
	}
	if !got["before"] || !got["after"] {
		t.Fatalf("after a start: keys %v, want before and after", got)
	}
}
