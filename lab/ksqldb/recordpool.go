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
// records across polls until the table sides catch up). Such a query gives
// a batch's records back (recpool.Recycle) once the batch was processed,
// written and committed: results are records of their own, offsets and
// positions are numbers. A batch that failed is left to the collector.
func (q *runningQuery) poolRecords() []kgo.Opt {
	if q.plan.Join != nil {
		return nil
	}
	return []kgo.Opt{kgo.WithPools(queryRecords)}
}

// batchDone gives back what a batch that went through whole holds: its
// fetched records to their pool (see poolRecords), and the records the
// query wrote for it, all acknowledged by now, to the arena for the next
// batch.
func (q *runningQuery) batchDone(fs kgo.Fetches) {
	recpool.Recycle(fs)
	q.proc.Mu.Lock()
	q.arena.reuse()
	q.proc.Mu.Unlock()
}

// idle lets the arena's kept blocks go when a poll brought nothing.
func (q *runningQuery) idle() {
	q.proc.Mu.Lock()
	q.arena.trim()
	q.proc.Mu.Unlock()
}
