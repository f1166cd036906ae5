package broker

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestKcatListsAndConsumes checks the broker with librdkafka, the client
// behind most non-Go Kafka tools: kcat lists the topic and reads back what
// kafka-go produced.
func TestKcatListsAndConsumes(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("kcat not on PATH; run scripts/install-test-deps")
	}
	ctx := testContext(t)
	b := startBroker(ctx, t)
	addr := b.Addrs()[0]
	produce(ctx, t, b, "kcat-topic", "a", "b", "c")

	run := func(args ...string) string {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(cctx, kcat, args...).Output()
		if err != nil {
			var stderr string
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return string(out)
	}

	var meta struct {
		Brokers []struct {
			Name string `json:"name"`
		} `json:"brokers"`
		Topics []struct {
			Topic      string `json:"topic"`
			Partitions []struct {
				Partition int `json:"partition"`
			} `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(run("-b", addr, "-L", "-J")), &meta); err != nil {
		t.Fatalf("kcat -L -J output: %v", err)
	}
	if len(meta.Brokers) != 1 || !strings.HasSuffix(meta.Brokers[0].Name, addr) {
		t.Fatalf("kcat sees brokers %+v, want one at %s", meta.Brokers, addr)
	}
	found := false
	for _, tp := range meta.Topics {
		if tp.Topic == "kcat-topic" {
			found = true
			if len(tp.Partitions) != DefaultPartitions {
				t.Fatalf("kcat-topic has %d partitions, want %d", len(tp.Partitions), DefaultPartitions)
			}
		}
	}
	if !found {
		t.Fatalf("kcat -L does not list kcat-topic: %+v", meta.Topics)
	}

	got := run("-b", addr, "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n")
	if want := "a=value-a\nb=value-b\nc=value-c\n"; got != want {
		t.Fatalf("kcat consumed %q, want %q", got, want)
	}
}
