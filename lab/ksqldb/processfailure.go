package ksqldb

import (
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
)

// processError is how Kafka Streams fails a stream thread whose processing
// of a record throws (StreamTask.process wraps the exception in a
// StreamsException naming the record); ksqlDB's uncaught exception handler
// then puts the query in ERROR and replaces the thread, which reads the
// records again from the committed offsets (QueryMetadataImpl.uncaughtHandler).
type processError struct {
	topic     string
	partition int32
	offset    int64
	err       error
}

func (e *processError) Error() string {
	return fmt.Sprintf("Exception caught in process. topic=%s, partition=%d, offset=%d: %v", e.topic, e.partition, e.offset, e.err)
}

func (e *processError) Unwrap() error { return e.err }

// noteProcessFailure keeps the processor's failure, if its last row threw,
// with the record r that it came of; the caller holds q.proc.Mu.
func (q *runningQuery) noteProcessFailure(r *kgo.Record) {
	if q.procFailure != nil {
		return
	}
	if err := q.proc.Failure(); err != nil {
		q.procFailure = &processError{topic: r.Topic, partition: r.Partition, offset: r.Offset, err: err}
	}
}

// batchFailure is the failure that ends a batch, if any: a timestamp that
// threw (decodeFailure) or a record whose processing threw. Both are
// cleared; the batch must not commit.
func (q *runningQuery) batchFailure() error {
	q.proc.Mu.Lock()
	taken := q.proc.TakeFailure()
	failed := q.procFailure
	q.procFailure = nil
	q.proc.Mu.Unlock()
	if err := q.decodeFailure(); err != nil {
		return err
	}
	if failed != nil {
		return failed
	}
	// a failure no record noted (noteProcessFailure runs after each one)
	// still ends the batch, if without the record's coordinates
	return taken
}
