package broker

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// describeClusterID asks the broker for its cluster id as an admin client
// does (DescribeCluster).
func describeClusterID(ctx context.Context, t *testing.T, b *Broker) string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	md, err := kadm.NewClient(cl).BrokerMetadata(ctx)
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	return md.Cluster
}

// A KRaft cluster's id is a random (version 4, variant 2) UUID printed as
// Kafka's Uuid.toString prints it: URL-safe base64 without padding, 22
// characters, never starting with '-' (apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/Uuid.java, randomUuid and
// toString). Clients and the REST Proxy's v3 URLs carry it.
func TestClusterIDIsARandomKafkaUUID(t *testing.T) {
	ctx := testContext(t)
	id := describeClusterID(ctx, t, startBroker(ctx, t))
	raw, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(id) != 22 || len(raw) != 16 {
		t.Fatalf("cluster id %q: want 22 characters of URL-safe base64 for 16 bytes (%v)", id, err)
	}
	if raw[6]>>4 != 4 || raw[8]>>6 != 2 {
		t.Fatalf("cluster id %q: want a version 4, variant 2 UUID, got version %d variant %d", id, raw[6]>>4, raw[8]>>6)
	}
	if id[0] == '-' {
		t.Fatalf("cluster id %q starts with '-', which Kafka never generates", id)
	}
	if other := describeClusterID(ctx, t, startBroker(ctx, t)); other == id {
		t.Fatalf("two fresh brokers share the cluster id %q", id)
	}
}

// Kafka formats a cluster id into meta.properties once; it stays across
// orderly restarts and across a crash that left no shutdown state behind.
func TestClusterIDSurvivesRestartsAndCrashes(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	id := describeClusterID(ctx, t, b)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// The broker's own state wins over the recorded copy: a data dir
	// written before the copy existed keeps the id its state carries.
	if err := os.Remove(filepath.Join(dir, clusterIDFile)); err != nil {
		t.Fatal(err)
	}
	b = startBroker(ctx, t, WithDataDir(dir))
	if got := describeClusterID(ctx, t, b); got != id {
		t.Fatalf("after a restart the cluster id is %q, was %q", got, id)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	// A kill -9 leaves no shutdown state: the broker's own meta.json is
	// written only on an orderly close.
	if err := os.Remove(filepath.Join(dir, "meta.json")); err != nil {
		t.Fatal(err)
	}
	if got := describeClusterID(ctx, t, startBroker(ctx, t, WithDataDir(dir))); got != id {
		t.Fatalf("after a crash the cluster id is %q, was %q", got, id)
	}
}
