package operators

import "github.com/ctalab/ctalab/lab/ksqldb/expr"

// A row whose aggregation throws (a DECIMAL SUM that overflows) fails its
// stream thread in ksqlDB: the exception reaches Kafka Streams uncaught,
// the rows processed before it have been forwarded, it and every row after
// it are not. The processor keeps the failure and takes no further rows
// until the query takes it (TakeFailure) and restores its state.

// fail records err as the processor's failure unless one is kept already.
func (p *Processor) fail(err error) {
	if p.failure == nil {
		p.failure = err
	}
}

// Failure is the failure of the last row processed, or of one before it
// that no one has taken yet; the caller holds p.Mu.
func (p *Processor) Failure() error { return p.failure }

// TakeFailure returns and clears the processor's failure; the caller
// holds p.Mu.
func (p *Processor) TakeFailure() error {
	err := p.failure
	p.failure = nil
	return err
}

// addAll adds a row to each aggregate's state of a window or session; it
// reports false, the failure kept, when an aggregate throws.
func (p *Processor) addAll(states []expr.AggState, row []any) bool {
	for i, c := range p.plan.Agg.Calls {
		if err := c.Add(&states[i], row, 1); err != nil {
			p.fail(err)
			return false
		}
	}
	return true
}

// ErrWindowedResultKey is what the projection of a join of windowed
// tables throws at the join's first result (see
// planner/windowedtables.go): StateSerdes.rawKey (Kafka Streams 3.9.0)
// rethrows, as a StreamsException naming the store's key serializer, the
// ClassCastException of that serializer (GenericKeySerDe's
// GenericSerializer reading GenericKey::values, wrapped in ksqlDB's
// LoggingSerializer) given a Windowed key.
var ErrWindowedResultKey error = &thrown{
	msg:   "A serializer (io.confluent.ksql.logging.processing.LoggingSerializer) is not compatible to the actual key type (key type: org.apache.kafka.streams.kstream.Windowed). Change the default Serdes in StreamConfig or provide correct Serdes via method parameters.",
	cause: &thrown{msg: "class org.apache.kafka.streams.kstream.Windowed cannot be cast to class io.confluent.ksql.GenericKey (org.apache.kafka.streams.kstream.Windowed and io.confluent.ksql.GenericKey are in unnamed module of loader 'app')"},
}

// thrown is a Java exception: its message and its cause.
type thrown struct {
	msg   string
	cause error
}

func (e *thrown) Error() string { return e.msg }
func (e *thrown) Unwrap() error { return e.cause }
