package ksqldb

import (
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkSharedTopics refuses a persistent join in which a table reads a
// topic another of the join's sources reads, as building its Kafka Streams
// topology fails in ksqlDB 0.29's sandbox: the DSL merges the sources of
// streams over one topic (InternalStreamsBuilder.mergeDuplicateSourceNodes),
// but a table's source is not merged, and InternalTopologyBuilder.
// validateTopicNotAlreadyRegistered throws a TopologyException, which
// KsqlResource answers as a server error (Errors.serverErrorForStatement)
// with the exception's message. Two streams over one topic join.
func checkSharedTopics(plan *planner.Plan) error {
	if plan.Join == nil {
		return nil
	}
	readers := map[string]int{}
	for _, l := range plan.Join.Leaves {
		readers[l.Source.Topic]++
	}
	for _, l := range plan.Join.Leaves {
		if l.Source.Table && readers[l.Source.Topic] > 1 {
			return &stmterr.Error{Code: 50000, Msg: "Invalid topology: Topic " + l.Source.Topic + " has already been registered by another source."}
		}
	}
	return nil
}
