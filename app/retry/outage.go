package retry

import (
	"log/slog"
	"sync"
	"time"
)

// Outage tracks whether a dependency answers, and logs once when it stops
// ("<what> unreachable at <where>, retrying", Warn) and once when it answers
// again, with how long it was away and how many records were held (Info).
// It is safe for concurrent use.
type Outage struct {
	log         *slog.Logger
	what, where string
	now         func() time.Time

	mu     sync.Mutex
	since  time.Time
	active bool
	count  int
	peak   int64 // the most records held during the outage in progress
}

// NewOutage returns an Outage for the dependency what (e.g. "Kafka"),
// reached at where (e.g. "localhost:9092").
func NewOutage(log *slog.Logger, what, where string) *Outage {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Outage{log: log, what: what, where: where, now: time.Now}
}

// Fail records a failed attempt while held records wait for delivery; the
// first failure of an outage is logged with its error.
func (o *Outage) Fail(err error, held int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.active {
		o.peak = max(o.peak, held)
		return
	}
	o.active, o.since, o.peak = true, o.now(), held
	o.count++
	o.log.Warn(o.what+" unreachable at "+o.where+", retrying", "err", err, "held", held)
}

// Recover records a successful attempt, held records still waiting; it
// ends and logs an outage in progress with its duration and the most
// records held during it.
func (o *Outage) Recover(held int64) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.active {
		return
	}
	o.active = false
	o.log.Info(o.what+" reachable again at "+o.where, "outage", o.now().Sub(o.since).Round(time.Millisecond), "held", max(o.peak, held))
}

// Active reports whether an outage is in progress.
func (o *Outage) Active() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.active
}

// Count returns how many outages have started.
func (o *Outage) Count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.count
}
