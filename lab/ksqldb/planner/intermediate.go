package planner

import (
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// checkIntermediate refuses an aggregation whose state the value format of
// its leftmost source cannot hold: ksqlDB materializes the aggregates'
// intermediate states in that format (AggregateNode's valueFormat), and
// MaterializationUtil.buildValueSerde reports a format that cannot
// serialize them, when the topology is built, after every other check of
// the query (DELIMITED holds no STRUCT, ARRAY or MAP: AVG, STDDEV_SAMP,
// CORRELATION, TOPK, LATEST_BY_OFFSET ... keep one).
func checkIntermediate(p *Plan) error {
	if p.Agg == nil {
		return nil
	}
	format := p.Source.ValueFormat
	if p.Join != nil {
		format = p.Join.Leaves[0].Source.ValueFormat
	}
	for i, c := range p.Agg.Calls {
		col := types.Column{Name: "KSQL_AGG_VARIABLE_" + strconv.Itoa(i), Type: c.IntermediateType()}
		if formats.Check(format, []types.Column{col}, false, nil) != nil {
			return stmterr.Bad("One of the functions used in the statement has an intermediate type that the value format can not handle. Please remove the function or change the format.\nConsider up-voting https://github.com/confluentinc/ksql/issues/3950, which will resolve this limitation")
		}
	}
	return nil
}
