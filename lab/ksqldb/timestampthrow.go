package ksqldb

import (
	"fmt"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// throwsOnInvalidTimestamp reports ksql.timestamp.throw.on.invalid=true
// among a query's properties: a record whose timestamp does not extract
// then fails the query instead of being skipped
// (KsqlConfig.KSQL_TIMESTAMP_THROW_ON_INVALID, false by default).
func throwsOnInvalidTimestamp(props map[string]string) bool {
	return strings.EqualFold(strings.TrimSpace(props["ksql.timestamp.throw.on.invalid"]), "true")
}

// timestampExtractorError is how Kafka Streams fails a stream thread whose
// timestamp extractor throws: LoggingTimestampExtractor logs the record to
// the processing log and throws again when told to, and the thread stops
// with a StreamsException naming the record.
type timestampExtractorError struct {
	topic     string
	partition int32
	offset    int64
	err       error
}

func (e *timestampExtractorError) Error() string {
	return fmt.Sprintf("Fatal user code error in TimestampExtractor callback for record %s-%d@%d: %v", e.topic, e.partition, e.offset, e.err)
}

func (e *timestampExtractorError) Unwrap() error { return e.err }

// failTimestamp records r's timestamp failure on a decoder that throws:
// it, and every record after it, is then dropped until the failure is
// taken (takeFailure).
func (d *decoder) failTimestamp(r *kgo.Record, err error) {
	if d.throwTS && d.fatal == nil {
		d.fatal = &timestampExtractorError{topic: r.Topic, partition: r.Partition, offset: r.Offset, err: err}
	}
}

// takeFailure returns and clears the decoder's failure: the batch it ends
// must not commit, and the records after it are read again when the
// thread starts again from the committed offsets.
func (d *decoder) takeFailure() error {
	err := d.fatal
	d.fatal = nil
	if err == nil {
		return nil
	}
	return err
}

// decodeFailure is the failure of a decoder of the query's main thread:
// the source's where no first stage reads it, and the joins'.
func (q *runningQuery) decodeFailure() error {
	if q.stage() == nil {
		if err := q.dec.takeFailure(); err != nil {
			return err
		}
	}
	for _, d := range q.joinDecs {
		if err := d.takeFailure(); err != nil {
			return err
		}
	}
	return nil
}
