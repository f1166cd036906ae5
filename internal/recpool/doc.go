// Package recpool lends franz-go consumers the record slices they decode
// fetched batches into (kgo.PoolRecords), so that a consumer that is done
// with a batch's records, and says so with Recycle, does not make the
// client allocate a new slice for every batch.
package recpool
