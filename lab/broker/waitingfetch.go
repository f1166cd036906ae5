package broker

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// Fetches kfake holds back while a cleaning moves a log start.
//
// A fetch that finds fewer than its MinBytes after its offset waits, up to
// its MaxWait, and kfake serves it again when records come or the wait
// ends, without the control function that moved its offsets past what a
// cleaning removed (logStarts.fixFetch). A cleaning in between can remove
// the very offset the fetch waits at; kfake would then answer
// OFFSET_OUT_OF_RANGE where Kafka reads the next batch kept. So the
// control function keeps each fetch of a compacted topic that may wait,
// until its wait is surely over, and a cleaning that moves a log start
// moves the offsets of the fetches kept, in the same event loop, before
// kfake serves them again. kfake serves a waiting fetch from the request
// it parsed first, so moving that request's offsets is what it reads.
//
// Which topics are compacted is what the cleaner's last scan saw; a fetch
// of a topic no scan has seen yet is kept too. The answer guard
// (logStarts.guardFetch) stays for a fetch served later than waitSlack
// after its wait: it answers such a partition with no records.

// waitSlack is how long after its MaxWait a fetch is still looked after:
// kfake serves a fetch whose wait ended once its event loop is free.
const waitSlack = 30 * time.Second

// waitingFetch is a fetch kfake may hold back, and until when it may.
type waitingFetch struct {
	req   *kmsg.FetchRequest
	until time.Time
}

// topicKinds is what the cleaner's last scan saw of the topics with
// records: compacted or not, by name and by ID.
type topicKinds struct {
	compacted, other     map[string]bool
	compactedID, otherID map[[16]byte]bool
}

// mayBeCompacted reports whether a fetch of the topic may read a partition
// a cleaning changes: a compacted topic, or one the scan has not seen.
func (k *topicKinds) mayBeCompacted(name string, id [16]byte) bool {
	if k == nil {
		return true
	}
	if name != "" {
		return k.compacted[name] || !k.other[name]
	}
	return k.compactedID[id] || !k.otherID[id]
}

// waitingFetches keeps the fetches of compacted topics that may wait.
type waitingFetches struct {
	kinds atomic.Pointer[topicKinds]

	mu   sync.Mutex
	kept []waitingFetch
}

// seen records what a cleaner's scan saw of the topics.
func (w *waitingFetches) seen(k *topicKinds) { w.kinds.Store(k) }

// keep keeps req if it may wait and names a topic that may be compacted;
// called by the control function, in the event loop.
func (w *waitingFetches) keep(req *kmsg.FetchRequest, now time.Time) {
	if req.MaxWaitMillis <= 0 || req.MinBytes <= 0 {
		return
	}
	kinds := w.kinds.Load()
	compacted := false
	for _, t := range req.Topics {
		if kinds.mayBeCompacted(t.Topic, t.TopicID) {
			compacted = true
			break
		}
	}
	if !compacted {
		return
	}
	until := now.Add(time.Duration(req.MaxWaitMillis)*time.Millisecond + waitSlack)
	w.mu.Lock()
	w.kept = append(w.kept, waitingFetch{req: req, until: until})
	w.mu.Unlock()
}

// each calls fix with every fetch kept whose wait may not be over, and
// forgets the others; called by the cleaner's control function, in the
// event loop, where kfake serves none of them meanwhile.
func (w *waitingFetches) each(now time.Time, fix func(*kmsg.FetchRequest)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	live := w.kept[:0]
	for _, f := range w.kept {
		if now.Before(f.until) {
			fix(f.req)
			live = append(live, f)
		}
	}
	clear(w.kept[len(live):])
	w.kept = live
}
