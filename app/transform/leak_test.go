package transform

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ctalab/ctalab/internal/leakcheck"
)

// A Transformer that returns leaves no kafka-go connection pool behind: a
// leaked pool keeps dialing the old broker's address, and once another
// server holds that port (a later lab, an HTTP service), it decodes that
// server's answers as Kafka responses, with allocations as large as the
// garbage says.
func TestARunThatReturnsLeavesNoKafkaConnectionPoolBehind(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1), kfake.SeedTopics(1, "org.chicago.cta.stations"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	before := leakcheck.KafkaGoPools()
	tr, err := New(Config{Brokers: cluster.ListenAddrs(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx) }()
	for leakcheck.KafkaGoPools() == before { // the run has its pool
		if ctx.Err() != nil {
			t.Fatal("the transformer opened no kafka-go connection pool")
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	// Closing a pool ends its loop at once; a leaked one never ends.
	deadline := time.Now().Add(5 * time.Second)
	for leakcheck.KafkaGoPools() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := leakcheck.KafkaGoPools() - before; n > 0 {
		t.Fatalf("%d kafka-go connection pools still run after Run returned", n)
	}
}
