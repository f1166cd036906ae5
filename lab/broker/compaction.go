package broker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
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
const cleanerRetry = 100 * time.Millisecond

// cleaner runs kfake's log cleaner only when no transaction is open on a
// compacted partition.
type cleaner struct {
	cluster *kfake.Cluster
	// partitions is where kfake keeps each partition's log: a directory
	// "<escaped topic>-<partition>" per partition holding records.
	partitions string
}

// install registers the control function that cleans when it is safe.
func (cl *cleaner) install() {
	cl.cluster.ControlKey(66, func(kreq kmsg.Request) (kmsg.Response, error, bool) {
		cl.cluster.KeepControl()
		req, ok := kreq.(*kmsg.ListTransactionsRequest)
		if !ok || len(req.StateFilters) != 1 || req.StateFilters[0] != cleanerMarker {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.ListTransactionsResponse)
		if open := cl.openCompactedPartition(); open != "" {
			resp.UnknownStateFilters = []string{open}
			return resp, nil, true
		}
		cl.cluster.Compact()
		return resp, nil, true
	})
}

// openCompactedPartition names a compacted partition holding records of an
// open transaction, or returns "". It runs inside a control function, so
// the partitions do not change while it looks.
func (cl *cleaner) openCompactedPartition() string {
	entries, err := os.ReadDir(cl.partitions)
	if errors.Is(err, fs.ErrNotExist) {
		return "" // no partition has records yet
	}
	if err != nil {
		return "(partitions unreadable: " + err.Error() + ")" // never clean blind
	}
	seen := map[string]bool{}
	for _, e := range entries {
		topic, _, ok := parsePartDir(e.Name())
		if !ok || seen[topic] {
			continue
		}
		seen[topic] = true
		ti := cl.cluster.TopicInfo(topic)
		if ti == nil {
			continue // deleted
		}
		if v := ti.Configs["cleanup.policy"]; v == nil || !strings.Contains(*v, "compact") {
			continue
		}
		for _, p := range cl.cluster.PartitionInfos(topic) {
			if p.LastStableOffset < p.HighWatermark {
				return topic + "-" + strconv.Itoa(int(p.Partition))
			}
		}
	}
	return ""
}

// run applies retention every interval and cleans, each time as soon as
// no transaction is open on a compacted partition. A cleaning that has
// waited longer than cleanerPatience is logged once, with the partition
// that holds it back.
func (cl *cleaner) run(admin *kgo.Client, interval time.Duration, stop <-chan struct{}, logger *slog.Logger) {
	t := time.NewTimer(interval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		// retention does not wait for transactions: Kafka deletes whole
		// segments below the high watermark.
		cl.cluster.ApplyRetention()
		start, warned := time.Now(), false
		for {
			open, err := cl.clean(admin, stop)
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
func (cl *cleaner) clean(admin *kgo.Client, stop <-chan struct{}) (open string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	go func() {
		select {
		case <-stop:
			cancel()
		case <-ctx.Done():
		}
	}()
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
