package ksqldb

import (
	"sync"
	"sync/atomic"

	"github.com/twmb/franz-go/pkg/kgo"
)

// recordPool lends a query's consumer the record slices franz-go decodes
// a fetched batch into (kgo.PoolRecords) and takes them back once every
// record of the batch was recycled, so a running query does not allocate a
// slice of records per batch. Shared by all queries; sync.Pool lets the
// collector take slices nobody uses.
type recordPool struct {
	p      sync.Pool
	reused atomic.Int64 // slices handed out again
}

// queryRecords is the pool of the persistent queries' consumers.
var queryRecords = &recordPool{}

// GetRecords is a slice of n records, taken from the pool when one large
// enough is there.
func (rp *recordPool) GetRecords(n int) []kgo.Record {
	if s, ok := rp.p.Get().(*[]kgo.Record); ok && cap(*s) >= n {
		rp.reused.Add(1)
		return (*s)[:n]
	}
	return make([]kgo.Record, n)
}

// PutRecords takes back a slice franz-go zeroed.
func (rp *recordPool) PutRecords(s []kgo.Record) { rp.p.Put(&s) }

// poolRecords is the consumer option of a query whose batches are done
// with once committed: one without a join (a join's feed keeps polled
// records across polls until the table sides catch up).
func (q *runningQuery) poolRecords() []kgo.Opt {
	if q.plan.Join != nil {
		return nil
	}
	return []kgo.Opt{kgo.WithPools(queryRecords)}
}

// recycle gives the records of a batch that was processed, written and
// committed back to the pool: nothing refers to them any more (results
// were encoded into records of their own, offsets and positions are
// numbers). A batch that failed is not recycled; the collector takes it.
func recycle(fs kgo.Fetches) {
	fs.EachRecord(func(r *kgo.Record) { r.Recycle() })
}
