package produce

import (
	"context"
	"testing"
	"time"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/internal/leakcheck"
)

// A closed Producer leaves no kafka-go connection pool behind: a leaked
// pool keeps dialing the old broker's address, and once another server
// holds that port it decodes that server's answers as Kafka responses.
func TestAClosedProducerLeavesNoKafkaConnectionPoolBehind(t *testing.T) {
	cfg := fakeBackends(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	data, _ := sim.LoadData()
	s, err := sim.New(sim.Schedule{Start: time.Date(2026, 11, 23, 7, 55, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 1, Seed: 5}, data)
	if err != nil {
		t.Fatal(err)
	}
	before := leakcheck.KafkaGoPools()
	p, err := New(ctx, cfg, s.Lines())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Run(ctx, p); err != nil {
		t.Fatal(err)
	}
	if leakcheck.KafkaGoPools() == before {
		t.Fatal("the producer opened no kafka-go connection pool")
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// Closing a pool ends its loop at once; a leaked one never ends.
	deadline := time.Now().Add(5 * time.Second)
	for leakcheck.KafkaGoPools() > before && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := leakcheck.KafkaGoPools() - before; n > 0 {
		t.Fatalf("%d kafka-go connection pools still run after Close", n)
	}
}
