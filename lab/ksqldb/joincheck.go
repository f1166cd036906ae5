package ksqldb

import (
	"context"
	"fmt"

	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkJoinPartitions refuses a join whose sources' topics have different
// partition counts (JoinNode.ensureMatchingPartitionCounts, the names
// quoted as SourceName prints them).
func (s *Server) checkJoinPartitions(ctx context.Context, ec *execCtx, jp *planner.JoinPlan) error {
	count := func(l planner.JoinLeaf) (int, error) {
		var tm topicMeta
		var err error
		if ec != nil {
			tm, err = s.topicMetaBeforeRefusing(ctx, ec, l.Source.Topic)
		} else {
			tm, err = s.topicMeta(ctx, l.Source.Topic)
		}
		if err != nil {
			return 0, err
		}
		if !tm.exists {
			return 0, fmt.Errorf("topic %s of %s does not exist", l.Source.Topic, l.Source.Name)
		}
		return tm.partitions, nil
	}
	for _, p := range jp.Pairs {
		l, r := jp.Leaves[p[0]], jp.Leaves[p[1]]
		lp, err := count(l)
		if err != nil {
			return err
		}
		rp, err := count(r)
		if err != nil {
			return err
		}
		if lp != rp {
			return stmterr.Bad("Can't join `%s` with `%s` since the number of partitions don't match. `%s` partitions = %d; `%s` partitions = %d. Please repartition either one so that the number of partitions match.",
				l.Alias, r.Alias, l.Alias, lp, r.Alias, rp)
		}
	}
	return nil
}

// checkJoin runs the checks of a join that need the cluster: co-partitioning.
// ec is nil outside a statement (push queries).
func (s *Server) checkJoin(ctx context.Context, ec *execCtx, p *planner.Plan) error {
	if p.Join == nil || ec != nil && ec.replay {
		return nil
	}
	return s.checkJoinPartitions(ctx, ec, p.Join)
}
