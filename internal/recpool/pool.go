package recpool

import (
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Pool is a kgo.PoolRecords: pass it to kgo.WithPools. franz-go takes a
// batch's slice with GetRecords and puts it back, zeroed, once every
// record decoded into it was recycled. Safe for concurrent use; the slices
// nobody takes are left to the collector (sync.Pool).
type Pool struct {
	p      sync.Pool
	reused atomic.Int64
}

// GetRecords is a slice of n records, taken from the pool when one large
// enough is there.
func (rp *Pool) GetRecords(n int) []kgo.Record {
	if s, ok := rp.p.Get().(*[]kgo.Record); ok && cap(*s) >= n {
		rp.reused.Add(1)
		return (*s)[:n]
	}
	return make([]kgo.Record, n)
}

// PutRecords takes back a slice franz-go zeroed.
func (rp *Pool) PutRecords(s []kgo.Record) { rp.p.Put(&s) }

// Reused is how many slices were handed out again.
func (rp *Pool) Reused() int64 { return rp.reused.Load() }

// Recycle gives every record of fs back to its pool. The caller must hold
// no reference to the records afterwards (their key, value and header
// slices stay valid: they are not pooled).
func Recycle(fs kgo.Fetches) {
	fs.EachRecord(func(r *kgo.Record) { r.Recycle() })
}
