package broker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The cleaner of a compacted topic never looks past the first record of an
// open transaction: Kafka's LogCleanerManager bounds the cleanable range
// by the log's first unstable offset ("we do not clean beyond the first
// unstable offset", apache/kafka core/src/main/scala/kafka/log/LogCleanerManager.scala,
// cleanableOffsets). A record of a transaction that may still abort
// therefore never replaces a committed one. Kafka Streams relies on it:
// its state stores are restored from compacted changelogs written in
// transactions, and a transaction aborts whenever its producer is fenced
// or the broker dies before the commit markers are written.
func TestCompactionKeepsACommittedRecordThatAnAbortedTransactionWouldHaveReplaced(t *testing.T) {
	ctx := testContext(t)
	interval := 50 * time.Millisecond
	b := startBroker(ctx, t, WithCompactionInterval(interval))
	const topic = "store-changelog"
	createTopicWith(ctx, t, b, topic, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")})

	committed := txnClient(t, b, "committed-writer")
	inTxn(ctx, t, committed, kgo.TryCommit, &kgo.Record{Topic: topic, Key: []byte("station-1"), Value: []byte("count=7")})

	// Superseded records below every transaction: the cleaner may remove
	// the first once it runs.
	plain := plainClient(t, b)
	for _, v := range []string{"1", "2"} {
		produceSync(ctx, t, plain, &kgo.Record{Topic: topic, Key: []byte("x"), Value: []byte(v)})
	}

	open := txnClient(t, b, "open-writer")
	if err := open.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	produceSync(ctx, t, open, &kgo.Record{Topic: topic, Key: []byte("station-1"), Value: []byte("count=8")})
	// A later record, so that the open transaction's is not the log's last
	// batch, which kfake's cleaner always keeps.
	produceSync(ctx, t, plain, &kgo.Record{Topic: topic, Key: []byte("tail"), Value: []byte("t")})

	// The fault window: twenty cleaner intervals with the transaction
	// open, in which a cleaner that ignored it would drop count=7.
	time.Sleep(20 * interval)
	if err := open.EndTransaction(ctx, kgo.TryAbort); err != nil {
		t.Fatalf("abort: %v", err)
	}

	// Once the cleaner has run after the abort (x=1 is gone), station-1
	// still reads count=7 for a read_committed consumer.
	deadline := time.Now().Add(20 * time.Second)
	for {
		recs := readAll(ctx, t, b, topic, kgo.ReadCommitted())
		xs := 0
		var station []string
		for _, r := range recs {
			switch string(r.Key) {
			case "x":
				xs++
			case "station-1":
				station = append(station, string(r.Value))
			}
		}
		if xs == 1 {
			if len(station) == 0 || station[len(station)-1] != "count=7" {
				t.Fatalf("after compaction station-1 reads %v; want its committed count=7 (the aborted count=8 must not have replaced it)", station)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cleaner never ran after the transaction ended: x still has %d records", xs)
		}
		time.Sleep(interval)
	}
}

// Compaction still happens while transactions come and go on the topic: it
// waits for a moment when no transaction is open on a compacted partition.
func TestCompactionRunsBetweenTransactions(t *testing.T) {
	ctx := testContext(t)
	interval := 50 * time.Millisecond
	b := startBroker(ctx, t, WithCompactionInterval(interval))
	const topic = "busy-changelog"
	createTopicWith(ctx, t, b, topic, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")})
	w := txnClient(t, b, "busy-writer")
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := w.BeginTransaction(); err != nil {
				done <- err
				return
			}
			if err := w.ProduceSync(ctx, &kgo.Record{Topic: topic, Key: []byte("k"), Value: []byte{byte(i)}}).FirstErr(); err != nil {
				done <- err
				return
			}
			if err := w.EndTransaction(ctx, kgo.TryCommit); err != nil {
				done <- err
				return
			}
		}
	}()
	defer func() {
		close(stop)
		if err := <-done; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("writer: %v", err)
		}
	}()
	// Every transaction rewrites one key: once the log holds a few hundred
	// offsets, a cleaning after that leaves far fewer records below them
	// than the writer wrote there (half as many as offsets: each
	// transaction adds its commit marker).
	var mark int64
	deadline := time.Now().Add(30 * time.Second)
	for mark <= 400 {
		if time.Now().After(deadline) {
			t.Fatalf("the writer wrote only %d offsets", mark)
		}
		time.Sleep(50 * time.Millisecond)
		mark = b.cluster.PartitionInfo(topic, 0).HighWatermark
	}
	for {
		n := 0
		for _, r := range readAll(ctx, t, b, topic, kgo.ReadUncommitted()) {
			if r.Offset < mark {
				n++
			}
		}
		if n < int(mark)/8 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no compaction while transactions came and went: %d records below offset %d", n, mark)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func txnClient(t *testing.T, b *Broker, id string) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.TransactionalID(id), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func plainClient(t *testing.T, b *Broker) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerLinger(0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func produceSync(ctx context.Context, t *testing.T, cl *kgo.Client, r *kgo.Record) {
	t.Helper()
	if err := cl.ProduceSync(ctx, r).FirstErr(); err != nil {
		t.Fatalf("produce %s: %v", r.Key, err)
	}
}

func inTxn(ctx context.Context, t *testing.T, cl *kgo.Client, end kgo.TransactionEndTry, rs ...*kgo.Record) {
	t.Helper()
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		produceSync(ctx, t, cl, r)
	}
	if err := cl.EndTransaction(ctx, end); err != nil {
		t.Fatal(err)
	}
}

// readAll reads partition 0 of topic from its start to the high watermark
// it had when the read began (or, reading committed records, until a fetch
// brings nothing new for half a second).
func readAll(ctx context.Context, t *testing.T, b *Broker, topic string, iso kgo.IsolationLevel) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.FetchIsolationLevel(iso),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	end := b.cluster.PartitionInfo(topic, 0).HighWatermark
	var out []*kgo.Record
	// An empty poll ends the read once records came (what is left past
	// the last, aborted records and markers, is not returned); before
	// that, the client may still be finding the partition on a busy
	// machine, so it keeps polling for a while.
	seen, giveUp := false, time.Now().Add(10*time.Second)
	for {
		pctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		fs := cl.PollFetches(pctx)
		cancel()
		if err := ctx.Err(); err != nil {
			t.Fatal(err)
		}
		fs.EachError(func(_ string, _ int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "context deadline") {
				t.Fatalf("read %s: %v", topic, err)
			}
		})
		n := 0
		last := int64(-1)
		fs.EachRecord(func(r *kgo.Record) {
			if r.Offset < end {
				out = append(out, r)
			}
			n++
			last = r.Offset
		})
		if n == 0 && (seen || time.Now().After(giveUp)) || n > 0 && last >= end-1 {
			return out
		}
		seen = seen || n > 0
	}
}

// DescribeConfigs of the broker shows the interval it cleans at, Kafka's
// log.cleaner.backoff.ms (default 15000, https://kafka.apache.org/39/documentation.html#brokerconfigs_log.cleaner.backoff.ms);
// asked by id, as the cluster-wide defaults list only dynamic ones
// (ConfigHelper.describeConfigs).
func TestDescribeConfigsShowsTheCleanerBackoff(t *testing.T) {
	ctx := testContext(t)
	for _, c := range []struct {
		opts []Option
		want string
	}{
		{nil, "15000"},
		{[]Option{WithCompactionInterval(250 * time.Millisecond)}, "250"},
	} {
		b := startBroker(ctx, t, c.opts...)
		node, _ := strconv.Atoi(nodeID(t, b))
		rcs, err := kadm.NewClient(plainClient(t, b)).DescribeBrokerConfigs(ctx, int32(node))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, rc := range rcs {
			for _, cfg := range rc.Configs {
				if cfg.Key == "log.cleaner.backoff.ms" {
					got = cfg.MaybeValue()
				}
			}
		}
		if got != c.want {
			t.Errorf("log.cleaner.backoff.ms = %q, want %q", got, c.want)
		}
	}
}

// A broker killed (SIGKILL) while it compacts a topic comes back with
// every record the compaction would have kept. kfake's cleaner deletes a
// partition's segment files before it writes the cleaned ones, so a kill in
// between would leave the partition without its records; Kafka's cleaner
// writes cleaned segments under a ".cleaned" suffix and swaps them in
// afterwards (LogCleaner, "swap in new segment"), so a crash leaves the old
// segments or the new, never neither.
func TestAKillDuringCompactionLosesNoRecord(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	// The cleaner runs back to back, so most of the time it is rewriting.
	b := startChild(t, dir, "", time.Millisecond)
	const topic, n = "big-table", 600
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addr), kgo.ProducerBatchMaxBytes(1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}, topic); err != nil {
		t.Fatal(err)
	}
	value := func(k int) []byte {
		return []byte(fmt.Sprintf("%06d", k) + strings.Repeat("x", 40<<10))
	}
	for from := 0; from < n; from += 20 {
		var rs []*kgo.Record
		for k := from; k < from+20; k++ {
			rs = append(rs, &kgo.Record{Topic: topic, Key: []byte(fmt.Sprintf("k%06d", k)), Value: value(k)})
		}
		if err := cl.ProduceSync(ctx, rs...).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	cl.Close()

	// The kill comes while the cleaner rewrites the partition: its first
	// segment file, watched in the data dir, is gone or not yet full.
	addr := b.addr
	seg := filepath.Join(dir, "partitions", topic+"-0", "0.dat")
	st, err := os.Stat(seg)
	if err != nil {
		t.Fatal(err)
	}
	full := st.Size()
	for kill := 1; kill <= 3; kill++ {
		deadline := time.Now().Add(20 * time.Second)
		for {
			st, err := os.Stat(seg)
			if err != nil || st.Size() < full/2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the cleaner never rewrote the partition")
			}
		}
		b.kill()
		b = startChild(t, dir, addr, time.Millisecond)
		keys := map[string]bool{}
		for _, r := range readAllAt(ctx, t, b.addr, topic) {
			k := string(r.Key)
			if want := value(0)[6:]; !strings.HasSuffix(string(r.Value), string(want)) || string(r.Value[:6]) != k[1:] {
				t.Fatalf("after kill %d: record %s has a damaged value", kill, k)
			}
			keys[k] = true
		}
		if len(keys) != n {
			t.Fatalf("after kill %d during compaction: %d of the %d keys are left", kill, len(keys), n)
		}
	}
}

// readAllAt reads partition 0 of topic from its start to its high
// watermark, through a client of the broker at addr.
func readAllAt(ctx context.Context, t *testing.T, addr, topic string) []*kgo.Record {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(addr),
		kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().AtStart()}}),
		kgo.FetchMaxWait(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := ends.Lookup(topic, 0)
	var out []*kgo.Record
	for last := int64(-1); last < end.Offset-1; {
		fs := cl.PollFetches(ctx)
		if err := fs.Err0(); err != nil {
			t.Fatalf("read %s: %v", topic, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			out = append(out, r)
			last = r.Offset
		})
	}
	return out
}

// A consumer reading a compacted partition from an offset the cleaner has
// removed gets the records from the next one kept, as from Kafka, whose
// cleaner never moves a partition's log start offset (records are removed,
// offsets stay; a fetch returns the first batch at or after the offset).
// kfake's cleaner moves the log start to the first batch it keeps, and
// would answer OFFSET_OUT_OF_RANGE: a consumer positioned before it would
// fail (kafka-go's Conn) or reset by auto.offset.reset, perhaps to the end.
func TestAFetchFromAnOffsetCompactionRemovedReadsTheNextKeptRecord(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir), WithCompactionInterval(50*time.Millisecond))
	const topic = "stations-table"
	createTopicWith(ctx, t, b, topic, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")})
	produce(ctx, t, b, topic, "a", "a", "a", "b", "c")
	// the cleaner removes offsets 0 and 1 (a is written again at 2)
	deadline := time.Now().Add(20 * time.Second)
	for b.cluster.PartitionInfo(topic, 0).LogStartOffset == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the cleaner never ran")
		}
		time.Sleep(20 * time.Millisecond)
	}
	readFromZero := func(b *Broker, when string) {
		t.Helper()
		conn, err := kafka.DialLeader(ctx, "tcp", b.Addrs()[0], topic, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		// kafka-go's Seek checks the offset against ListOffsets' earliest,
		// which Kafka answers 0 still
		if _, err := conn.Seek(0, kafka.SeekAbsolute); err != nil {
			t.Fatalf("%s: seek to 0: %v", when, err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		var got []string
		for len(got) < 3 {
			m, err := conn.ReadMessage(1 << 20)
			if err != nil {
				t.Fatalf("%s: read %s from offset 0: %v (read %v)", when, topic, err, got)
			}
			got = append(got, fmt.Sprintf("%d:%s", m.Offset, m.Key))
		}
		if want := "2:a 3:b 4:c"; strings.Join(got, " ") != want {
			t.Errorf("%s: read %q from offset 0, want %q", when, strings.Join(got, " "), want)
		}
		// franz-go fetches by topic ID (Fetch v13+), from offset 0 exactly
		cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...),
			kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: {0: kgo.NewOffset().At(0)}}),
			kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd()))
		if err != nil {
			t.Fatal(err)
		}
		defer cl.Close()
		got = got[:0]
		for len(got) < 3 {
			pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			fs := cl.PollFetches(pctx)
			cancel()
			if err := fs.Err0(); err != nil {
				t.Fatalf("%s: franz-go from offset 0: %v (read %v)", when, err, got)
			}
			fs.EachRecord(func(r *kgo.Record) { got = append(got, fmt.Sprintf("%d:%s", r.Offset, r.Key)) })
		}
		if want := "2:a 3:b 4:c"; strings.Join(got, " ") != want {
			t.Errorf("%s: franz-go read %q from offset 0, want %q", when, strings.Join(got, " "), want)
		}
	}
	readFromZero(b, "after compaction")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	readFromZero(startBroker(ctx, t, WithDataDir(dir)), "after a restart")
}
