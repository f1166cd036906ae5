package broker

import (
	"context"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/testtools"
)

// A transaction open when the broker dies is aborted when it comes back,
// and ended by an ABORT marker in the log: Kafka's transaction coordinator
// aborts such a transaction (its producer's epoch bumped) and writes the
// markers through WriteTxnMarkers (TransactionCoordinator.abortTimedOutTransactions,
// apache/kafka core/src/main/scala/kafka/coordinator/transaction/TransactionCoordinator.scala).
// A read_committed consumer needs the marker: the fetch response lists the
// aborted transaction by producer ID and first offset, and the consumer
// drops that producer's batches from there until it meets the producer's
// control batch (KIP-98, "Transactional Messaging in Kafka", the consumer's
// aborted-transaction index). Without it, everything the same producer
// commits after the restart would be dropped too: a Kafka Streams or
// ksqlDB query restoring its state from the changelog would lose it.
func TestATransactionOpenWhenTheBrokerDiesIsAbortedWithAMarker(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	const topic = "counts-changelog"
	createTopicWith(ctx, t, b, topic, nil)

	w := txnClient(t, b, "counter")
	inTxn(ctx, t, w, kgo.TryCommit, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("a1")})
	if err := w.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	produceSync(ctx, t, w, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("b1")})

	// The broker dies here: its data dir as a SIGKILL leaves it (every
	// write reached the files; no shutdown wrote anything more).
	crashed := t.TempDir()
	copyDir(t, dir, crashed)
	w.Close()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	r := startBroker(ctx, t, WithDataDir(crashed))
	w2 := txnClient(t, r, "counter")
	inTxn(ctx, t, w2, kgo.TryCommit,
		&kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("c1")},
		&kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("c2")})

	want := "a1 c1 c2"
	if got := values(readAll(ctx, t, r, topic, kgo.ReadCommitted())); got != want {
		t.Errorf("franz-go, read_committed, reads %q; want %q (b1 aborted, c1 and c2 committed after the restart)", got, want)
	}
	if got := kcatReadCommitted(ctx, t, r, topic); got != want {
		t.Errorf("kcat (librdkafka), isolation.level=read_committed, reads %q; want %q", got, want)
	}

	// The open transaction's producer was fenced: its epoch was bumped.
	adm := kadm.NewClient(plainClient(t, r))
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	stable, err := adm.ListCommittedOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	e, _ := ends.Lookup(topic, 0)
	s, _ := stable.Lookup(topic, 0)
	if e.Offset != s.Offset {
		t.Errorf("last stable offset %d, high watermark %d: no transaction should be open", s.Offset, e.Offset)
	}
}

// A transaction open when the broker is stopped cleanly stays open: the
// broker keeps it across the restart, and its producer commits it.
func TestATransactionOpenAtACleanStopIsNotAborted(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	const topic = "orders"
	createTopicWith(ctx, t, b, topic, nil)
	w := txnClient(t, b, "orders-writer")
	if err := w.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	produceSync(ctx, t, w, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte("o1")})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	r := startBroker(ctx, t, WithDataDir(dir), WithListenAddr(b.Addrs()[0]))
	if err := w.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatalf("commit across a clean restart: %v", err)
	}
	if got := values(readAll(ctx, t, r, topic, kgo.ReadCommitted())); got != "o1" {
		t.Errorf("read_committed reads %q after the commit, want %q", got, "o1")
	}
}

func values(rs []*kgo.Record) string {
	var vs []string
	for _, r := range rs {
		vs = append(vs, string(r.Value))
	}
	return strings.Join(vs, " ")
}

// kcatReadCommitted reads a topic from its start with librdkafka's
// read_committed isolation and returns the values, space-separated.
func kcatReadCommitted(ctx context.Context, t *testing.T, b *Broker, topic string) string {
	t.Helper()
	kcat := testtools.Kcat(t)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(cctx, kcat, "-b", b.Addrs()[0], "-X", "isolation.level=read_committed",
		"-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%s\n").Output()
	if err != nil {
		t.Fatalf("kcat: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// copyDir copies the files under src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
}
