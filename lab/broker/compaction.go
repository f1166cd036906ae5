package broker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// The log cleaner.
//
// Kafka never cleans a compacted partition beyond its first unstable
// offset, the first record of a transaction still open (LogCleanerManager
// cleanableOffsets, apache/kafka core/src/main/scala/kafka/log/LogCleanerManager.scala:
// "we do not clean beyond the first unstable offset"). kfake's cleaner
// looks at every batch but the last, open transactions included: a record
// of a transaction that later aborts then replaces the committed record of
// its key, which is gone for good once the abort is known. A Kafka Streams
// or ksqlDB state store restored from such a changelog loses updates whose
// input offsets were committed.
//
// kfake cleans all compacted topics at once and cannot be told where to
// stop, so the broker runs the cleaner only at a moment when no compacted
// partition holds an open transaction's records, and decides that inside
// the cluster's event loop, where no request is served meanwhile: a
// control function, which kfake runs while it holds every client request
// back, checks every compacted partition's last stable offset against its
// high watermark and cleans only if they agree everywhere. The control
// function is run by a request only the broker sends to itself
// (ListTransactions with cleanerMarker as its state filter). kfake's own
// cleaner timer is set beyond any lab's life (kfakeCleanerBackoff), and
// DescribeConfigs shows the broker's real log.cleaner.backoff.ms.

// cleanerMarker is the state filter of the ListTransactions request that
// runs the cleaner. Kafka's transaction states are single words in
// capitals (TransactionState), so no client's filter can be this.
const cleanerMarker = "ctalab.log-cleaner"

// kfakeCleanerBackoff is the log.cleaner.backoff.ms kfake is given so that
// its own timer never fires: about 31 years.
const kfakeCleanerBackoff = "1000000000000"

// cleanerPatience is how long a cleaning waits for open transactions before
// the broker says so in its log.
const cleanerPatience = time.Minute

// cleanerRetry is how soon the cleaner tries again after finding an open
// transaction on a compacted partition.
const cleanerRetry = 250 * time.Millisecond

// cleaner runs kfake's log cleaner only when no transaction is open on a
// compacted partition.
type cleaner struct {
	cluster *kfake.Cluster
	logger  *slog.Logger
	// dataDir holds the cleaning journal.
	dataDir string
	// broken is set, inside the control function, once a journal could
	// not be ended: no cleaning runs after that.
	broken bool
	// partitions is where kfake keeps each partition's log: a directory
	// "<escaped topic>-<partition>" per partition holding records.
	partitions string
	// starts keeps the log starts a cleaning moves (logstart.go).
	starts *logStarts
	// retentionDue is set by run once an interval has passed: the next
	// control function applies retention (it is not applied on every
	// retry).
	retentionDue atomic.Bool
}

// compactedTopic is a compacted topic scan found, its ID, whether its
// cleanup.policy is compact alone (Kafka applies no retention to it), and
// its partitions' directories.
type compactedTopic struct {
	name        string
	id          [16]byte
	compactOnly bool
	dirs        []string
}

// install registers the control function that cleans when it is safe.
func (cl *cleaner) install() {
	cl.cluster.ControlKey(66, func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		cl.cluster.KeepControl()
		req, ok := kreq.(*kmsg.ListTransactionsRequest)
		if !ok || len(req.StateFilters) != 1 || req.StateFilters[0] != cleanerMarker {
			return nil, nil, false
		}
		if cl.broken {
			resp := req.ResponseKind().(*kmsg.ListTransactionsResponse)
			resp.UnknownStateFilters = []string{"(cleaning journal broken)"}
			return resp, nil, true
		}
		resp := req.ResponseKind().(*kmsg.ListTransactionsResponse)
		topics, open := cl.scan()
		retain := cl.retentionDue.Swap(false)
		if open != "" && !retain { // a retry that has nothing to do yet
			resp.UnknownStateFilters = []string{open}
			return resp, nil, true
		}
		before := cl.startsOf(topics)
		if retain {
			// retention does not wait for transactions: Kafka deletes
			// whole segments below the high watermark
			cl.cluster.ApplyRetention()
		}
		retained := cl.startsOf(topics)
		var dirs []string
		for _, t := range topics {
			dirs = append(dirs, t.dirs...)
		}
		switch {
		case open != "":
			resp.UnknownStateFilters = []string{open}
		case len(dirs) == 0:
		default:
			if err := cl.journal(dirs); err != nil {
				resp.UnknownStateFilters = []string{"(cleaning journal: " + err.Error() + ")"}
				break
			}
			cl.cluster.Compact()
			if err := cl.dropJournal(); err != nil {
				// A journal left ready would take the partitions back to
				// before this cleaning after a restart, losing what is
				// written meanwhile.
				cl.logger.Error("cannot end the log cleaning's journal; the broker stops cleaning until it is restarted", "err", err)
				cl.broken = true
			}
		}
		cl.recordStarts(topics, before, retained, cl.startsOf(topics))
		if cl.starts != nil {
			cl.starts.cleaned()
		}
		return resp, nil, true
	})
}

// scan lists the compacted topics with partition directories, and names a
// partition of theirs holding records of an open transaction ("" when
// none does). It runs inside the control function, so the partitions do
// not change while it looks.
func (cl *cleaner) scan() (topics []compactedTopic, open string) {
	entries, err := os.ReadDir(cl.partitions)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "" // no partition has records yet
	}
	if err != nil {
		return nil, "(partitions unreadable: " + err.Error() + ")" // never clean blind
	}
	index := map[string]int{} // topic -> its place in topics, -1 when not compacted
	kinds := &topicKinds{compacted: map[string]bool{}, other: map[string]bool{}, compactedID: map[[16]byte]bool{}, otherID: map[[16]byte]bool{}}
	if cl.starts != nil {
		defer func() {
			if open == "" || !strings.HasPrefix(open, "(") {
				cl.starts.waiting.seen(kinds)
			}
		}()
	}
	for _, e := range entries {
		topic, _, ok := parsePartDir(e.Name())
		if !ok {
			continue
		}
		i, seen := index[topic]
		if !seen {
			i = -1
			if ti := cl.cluster.TopicInfo(topic); ti != nil {
				kinds.other[topic], kinds.otherID[ti.TopicID] = true, true
				if v := ti.Configs["cleanup.policy"]; v != nil && strings.Contains(*v, "compact") {
					delete(kinds.other, topic)
					delete(kinds.otherID, ti.TopicID)
					kinds.compacted[topic], kinds.compactedID[ti.TopicID] = true, true
					i = len(topics)
					topics = append(topics, compactedTopic{name: topic, id: ti.TopicID, compactOnly: !strings.Contains(*v, "delete")})
					for _, p := range cl.cluster.PartitionInfos(topic) {
						if p.LastStableOffset < p.HighWatermark && open == "" {
							open = topic + "-" + strconv.Itoa(int(p.Partition))
						}
					}
				}
			}
			index[topic] = i
		}
		if i >= 0 {
			topics[i].dirs = append(topics[i].dirs, e.Name())
		}
	}
	return topics, open
}

// startsOf is the log start offset of every partition of topics.
func (cl *cleaner) startsOf(topics []compactedTopic) map[string]map[int32]int64 {
	out := make(map[string]map[int32]int64, len(topics))
	for _, t := range topics {
		ps := map[int32]int64{}
		for _, p := range cl.cluster.PartitionInfos(t.name) {
			ps[p.Partition] = p.LogStartOffset
		}
		out[t.name] = ps
	}
	return out
}

// recordStarts keeps the log starts the control function moved that Kafka
// would not have moved: the cleaning's, and retention's on a topic whose
// cleanup.policy is compact alone.
func (cl *cleaner) recordStarts(topics []compactedTopic, before, retained, after map[string]map[int32]int64) {
	if cl.starts == nil {
		return
	}
	changed := false
	for _, t := range topics {
		kafka := retained[t.name]
		if t.compactOnly {
			kafka = before[t.name]
		}
		for p, a := range after[t.name] {
			if k, ok := kafka[p]; ok && cl.starts.moved(t.name, t.id, p, k, a) {
				changed = true
			}
		}
	}
	if changed {
		if err := cl.starts.save(); err != nil {
			cl.logger.Error("cannot keep the compacted partitions' log starts in the data dir; after a restart, fetches before them may be answered OFFSET_OUT_OF_RANGE", "err", err)
		}
	}
}

// run applies retention every interval and cleans, each time as soon as
// no transaction is open on a compacted partition. A cleaning that has
// waited longer than cleanerPatience is logged once, with the partition
// that holds it back.
func (cl *cleaner) run(admin *kgo.Client, interval time.Duration, stop <-chan struct{}, logger *slog.Logger) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		cl.retentionDue.Store(true)
		start, warned := time.Now(), false
		for {
			open, err := cl.clean(ctx, admin)
			if err == nil && open == "" {
				break
			}
			if !warned && time.Since(start) > cleanerPatience {
				warned = true
				logger.Warn("log compaction is waiting for transactions to end: the cleaner never cleans past an open transaction",
					"waited", time.Since(start).Round(time.Second), "open_on", open, "err", err)
			}
			select {
			case <-stop:
				return
			case <-time.After(cleanerRetry):
			}
		}
		if warned {
			logger.Info("log compaction ran after waiting for transactions to end", "waited", time.Since(start).Round(time.Second))
		}
		t.Reset(interval)
	}
}

// clean asks the broker to run the cleaner. It returns the partition whose
// open transaction kept the cleaner from running, if one did.
func (cl *cleaner) clean(ctx context.Context, admin *kgo.Client) (open string, err error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrListTransactionsRequest()
	req.StateFilters = []string{cleanerMarker}
	resp, err := req.RequestWith(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("run the log cleaner: %w", err)
	}
	if len(resp.UnknownStateFilters) > 0 {
		return resp.UnknownStateFilters[0], nil
	}
	return "", nil
}

// The cleaning journal.
//
// kfake's cleaner deletes a partition's segment and index files before it
// writes the cleaned ones: a broker killed in between would come back
// without the partition's records. Kafka's cleaner writes cleaned segments
// under a ".cleaned" suffix and swaps them in (LogCleaner, Cleaner.cleanSegments),
// so a crash leaves the old segments or the new ones. Here, before each
// cleaning, every compacted partition's files are hard-linked into the
// journal directory (which keeps the old contents alive whatever kfake
// deletes); "ready" is written once all are linked; after the cleaning the
// marker is unlinked and the journal removed. Start finds a ready journal only if
// the broker died during a cleaning, and puts the partitions' old files
// back: the log as it was before that cleaning, which lost nothing.
const (
	journalDir   = "cleaning"
	journalReady = "ready"
)

// journal links the files of every compacted partition into the journal
// and marks it ready. It runs inside the control function.
func (cl *cleaner) journal(compacted []string) error {
	j := filepath.Join(cl.dataDir, journalDir)
	if err := os.RemoveAll(j); err != nil {
		return err
	}
	if err := os.MkdirAll(j, 0o755); err != nil {
		return err
	}
	for _, part := range compacted {
		files, err := os.ReadDir(filepath.Join(cl.partitions, part))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(j, part), 0o755); err != nil {
			return err
		}
		for _, f := range files {
			name := f.Name()
			if !strings.HasSuffix(name, ".dat") && !strings.HasSuffix(name, ".idx") {
				continue
			}
			if err := os.Link(filepath.Join(cl.partitions, part, name), filepath.Join(j, part, name)); err != nil {
				return err
			}
		}
	}
	return os.WriteFile(filepath.Join(j, journalReady), nil, 0o644)
}

// dropJournal ends a cleaning: the journal stops being ready in one step
// (its marker unlinked), then it is removed.
func (cl *cleaner) dropJournal() error {
	j := filepath.Join(cl.dataDir, journalDir)
	if err := os.Remove(filepath.Join(j, journalReady)); err != nil {
		return err
	}
	return os.RemoveAll(j)
}

// recoverCleaning puts back the logs a cleaning was rewriting when the
// broker died, and returns the partitions it restored. It runs before kfake
// loads the data dir.
func recoverCleaning(dataDir string) ([]string, error) {
	j := filepath.Join(dataDir, journalDir)
	if _, err := os.Stat(filepath.Join(j, journalReady)); err != nil {
		// no journal, or one the broker died while making: the cleaning
		// had not begun.
		if err := os.RemoveAll(j); err != nil {
			return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
		}
		return nil, nil
	}
	parts, err := os.ReadDir(j)
	if err != nil {
		return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
	}
	var restored []string
	for _, p := range parts {
		if !p.IsDir() {
			continue
		}
		pdir := filepath.Join(dataDir, "partitions", p.Name())
		current, err := os.ReadDir(pdir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
		}
		for _, f := range current {
			if name := f.Name(); strings.HasSuffix(name, ".dat") || strings.HasSuffix(name, ".idx") {
				if err := os.Remove(filepath.Join(pdir, name)); err != nil {
					return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
				}
			}
		}
		if err := os.MkdirAll(pdir, 0o755); err != nil {
			return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
		}
		old, err := os.ReadDir(filepath.Join(j, p.Name()))
		if err != nil {
			return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
		}
		for _, f := range old {
			if err := os.Rename(filepath.Join(j, p.Name(), f.Name()), filepath.Join(pdir, f.Name())); err != nil {
				return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
			}
		}
		restored = append(restored, p.Name())
	}
	if err := os.RemoveAll(j); err != nil {
		return nil, fmt.Errorf("recover from an interrupted log cleaning: %w", err)
	}
	return restored, nil
}
