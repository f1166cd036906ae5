package dashboard

import "sync/atomic"

// backlog counts the records the fetchers fetched that their readers have
// not applied yet: a tick's arrivals come in one fetch, and once the
// backlog is empty again they are all in the model, so the push need not
// wait for a quiet spell to send them together (see settleOn).
type backlog struct {
	n       atomic.Int64
	drained chan struct{} // signalled when n falls to 0
}

func newBacklog() *backlog { return &backlog{drained: make(chan struct{}, 1)} }

// add counts n fetched records, before any of them is handed to a reader.
func (b *backlog) add(n int) { b.n.Add(int64(n)) }

// done takes n records off: applied, or dropped by a closed partition.
func (b *backlog) done(n int) {
	if b.n.Add(-int64(n)) == 0 {
		signal(b.drained)
	}
}

// empty reports whether every fetched record was applied.
func (b *backlog) empty() bool { return b.n.Load() <= 0 }
