package ksqldb

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// A log whose tail is a transaction the broker aborted at start-up because
// a crash left it open (the embedded broker writes no abort marker for it,
// a read-committed fetch just skips it) is still read to its end offset:
// the read follows the position past the aborted batches, as Kafka's
// consumer.position() does, instead of waiting for a record at the end.
// This is what a ksqlDB query's state restore meets after the lab process
// was killed in the middle of a transaction.
func TestReadCommittedToReachesTheEndPastATransactionAbortedByACrash(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	const topic = "changelog"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(dir), kfake.Ports(port))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kadm.NewClient(plain).CreateTopic(ctx, 1, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"a", "b"} {
		if err := plain.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(v), Value: []byte(v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	txn, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("t1"), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	inTxn := func(vals ...string) {
		t.Helper()
		if err := txn.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			if err := txn.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte(v), Value: []byte(v)}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
	}
	inTxn("c")
	if err := txn.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	inTxn("x", "y", "z") // left open: the process dies here
	plain.Close()
	c.Close()
	txn.Close()
	// What a clean Close saves beside the logs (open transactions, each
	// partition's snapshot) is what a SIGKILL does not leave behind.
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && (d.Name() == "session_state.json" || d.Name() == "snapshot.json") {
			err = os.Remove(path)
		}
		return err
	}); err != nil && !errors.Is(err, fs.ErrNotExist) {
		t.Fatal(err)
	}

	c2, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(dir), kfake.Ports(port))
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c2.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListCommittedOffsets(ctx, topic)
	if err != nil || ends.Error() != nil {
		t.Fatalf("list committed offsets: %v %v", err, ends.Error())
	}
	end, _ := ends.Lookup(topic, 0)
	// a, b, c, c's commit marker and the three aborted records
	if end.Offset != 7 {
		t.Fatalf("the log's committed end is %d, want 7 (the crash-aborted tail counts)", end.Offset)
	}
	var got []string
	if err := readCommittedTo(ctx, cl, map[string]map[int32]int64{topic: {0: end.Offset}}, 5*time.Second, func(r *kgo.Record) {
		got = append(got, string(r.Value))
	}); err != nil {
		t.Fatalf("read to the end: %v (records so far %v)", err, got)
	}
	if !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("read %v, want the committed records a b c", got)
	}
}
