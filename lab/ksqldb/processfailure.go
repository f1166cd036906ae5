package ksqldb

import (
	"errors"
	"fmt"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
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

// pushFailure is how a push query's endpoint reports the StreamsException
// StreamTask.process throws (Kafka Streams 3.9.0) when processing record r
// throws err: ProcessorNode hands err to the default
// LogAndFailProcessingExceptionHandler, whose FailedProcessingException
// StreamTask rethrows as "Exception caught in process" naming the task
// (sub-topology 0, the record's partition), the source node that read the
// record (node), and the record, caused by err.
func pushFailure(node string, r *kgo.Record, err error) restapi.QueryFailure {
	msg := fmt.Sprintf("Exception caught in process. taskId=0_%d, processor=%s, topic=%s, partition=%d, offset=%d",
		r.Partition, node, r.Topic, r.Partition, r.Offset)
	return restapi.QueryFailure{
		Thrown: "org.apache.kafka.streams.errors.StreamsException: " + msg,
		Chain:  errorMessageChain(msg, append([]string{err.Error()}, causes(err)...)...),
	}
}

// pushQueryFailure is the failure of push query queryID's processing of
// record r (its row row) that ends the query, nil for none: the join of
// windowed tables' (operators.ErrWindowedResultKey), for a record its
// table's source node reads, which the LoggingSerializer of the
// Project-Last store's key serde logs first (LoggingSerializer.serialize:
// a SerializationError of the serde's logger <query id>.Project.serializer,
// GenericSerdeFactory.wrapInLoggingSerde, naming the topic the store's
// serdes are for, its changelog under the query's application id app).
// Other failures a processor keeps end its rows, not the response.
func (s *Server) pushQueryFailure(queryID, app string, plan *planner.Plan, proc *operators.Processor, r *kgo.Record, row operators.InRow) *restapi.QueryFailure {
	proc.Mu.Lock()
	err := proc.Failure()
	proc.Mu.Unlock()
	if !errors.Is(err, operators.ErrWindowedResultKey) {
		return nil
	}
	thrown := errors.Unwrap(err) // the serializer's ClassCastException
	s.log.Debug("push query failed", "query", queryID, "err", err)
	if s.cfg.processingLog {
		s.writeProcessingLog(processingLogEntry{Level: "ERROR", Logger: "processing." + queryID + ".Project.serializer", Time: time.Now().UnixMilli(),
			Message: processingMessage{Type: 3, SerializationError: &serializationLog{
				Target: "key", ErrorMessage: thrown.Error(), Cause: causes(thrown), Topic: app + "-Project-Last-changelog"}}})
	}
	f := pushFailure(plan.Join.WindowedTableSourceNode(row.Leaf), r, err)
	return &f
}
