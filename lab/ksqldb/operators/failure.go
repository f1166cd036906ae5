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
