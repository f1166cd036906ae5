package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/internal/recpool"
)

// queryRecords lends the persistent queries' consumers the record slices
// franz-go decodes fetched batches into, so that a running query does not
// allocate a slice of records per batch.
var queryRecords = &recpool.Pool{}

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
func recycle(fs kgo.Fetches) { recpool.Recycle(fs) }
