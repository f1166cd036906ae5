package ksqldb

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// Pull queries on streams (ksqlDB 0.23+, KLIP-53): the query reads the
// stream's topic from the start of every partition up to the end offsets
// it saw when it started, filters and projects each record as a push query
// would, and completes.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/select-pull-query/

// pullQueryHelp ends every PullQueryValidator message.
const pullQueryHelp = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."

// checkPullClauses applies PullQueryValidator's rules after the JOIN one;
// props are the request's, for ksql.query.pull.limit.clause.enabled (true
// by default).
func checkPullClauses(q *sql.Query, props map[string]string) error {
	refuse := func(msg string) error { return stmterr.Bad("%s", msg+pullQueryHelp) }
	switch {
	case q.Window != nil:
		return refuse("Pull queries don't support WINDOW clauses.")
	case len(q.GroupBy) > 0:
		return refuse("Pull queries don't support GROUP BY clauses.")
	case q.HasPartitionBy:
		return refuse("Pull queries don't support PARTITION BY clauses.")
	case q.Having != nil:
		return refuse("Pull queries don't support HAVING clauses.")
	case q.Limit != nil && strings.EqualFold(strings.TrimSpace(props["ksql.query.pull.limit.clause.enabled"]), "false"):
		return refuse("LIMIT clause in pull queries is currently disabled. You can enable them by setting ksql.query.pull.limit.clause.enabled=true.")
	case q.Limit != nil && *q.Limit < 0:
		return refuse("Pull queries don't support negative integers in the LIMIT clause.")
	}
	var sel []sql.Expr
	for _, it := range q.Items {
		if it.Expr != nil {
			sel = append(sel, it.Expr)
		}
	}
	if cols := disallowedPseudo(sel...); cols != "" {
		return refuse("Pull queries don't support the following columns in SELECT clauses: " + cols + "\n")
	}
	if cols := disallowedPseudo(q.Where); cols != "" {
		return refuse("Pull queries don't support the following columns in WHERE clauses: " + cols + "\n")
	}
	return nil
}

// disallowedPseudo lists the ROWPARTITION and ROWOFFSET references of es
// (SystemColumns.isDisallowedInPullOrScalablePushQueries; ROWTIME is allowed).
func disallowedPseudo(es ...sql.Expr) string {
	var out []string
	for _, e := range es {
		expr.Walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok && (ref.Name == "ROWPARTITION" || ref.Name == "ROWOFFSET") {
				out = append(out, "`"+ref.Name+"`")
			}
		})
	}
	return strings.Join(out, ", ")
}

// pullStream answers a pull query on a stream; the caller holds no lock.
func (s *Server) pullStream(ctx context.Context, out queryOutput, p sql.Parsed, q *sql.Query, props map[string]string) {
	if err := checkPullClauses(q, props); err != nil {
		out.fail(p.Text, err)
		return
	}
	s.mu.Lock()
	// a transient query's plan, whose steps log what they throw
	// (EngineExecutor.executeStreamPullQuery)
	plan, err := planner.PlanQuery(s.ms, q, planner.ModePush, "", planner.Transient())
	s.mu.Unlock()
	if err != nil {
		out.fail(p.Text, withFilterStatement(err, q))
		return
	}
	if plan.Agg != nil {
		out.fail(p.Text, stmterr.Bad("%s", "Pull queries don't support aggregate functions."+pullQueryHelp))
		return
	}
	topic := plan.Source.Topic
	starts, err := s.startOffsets(ctx, topic, "earliest")
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	ends, err := s.adm.ListCommittedOffsets(ctx, topic) // a read_committed consumer's end
	if err == nil {
		err = ends.Error()
	}
	if err != nil {
		out.fail(p.Text, fmt.Errorf("list end offsets of %s: %w", topic, err))
		return
	}
	pending := map[int32]int64{} // partition -> end offset still to reach
	consume := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		start, ok := starts[topic][o.Partition]
		if ok && start.EpochOffset().Offset < o.Offset {
			pending[o.Partition] = o.Offset
			consume[o.Partition] = start
		}
	})

	// the header of a stream's pull query marks no KEY columns
	// (pull-queries-against-streams.json)
	queryID := "query_" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	rw := out.open(queryID, valueColumns(plan.Out))
	if rw == nil {
		return
	}
	if plan.Limit != nil && *plan.Limit <= 0 {
		rw.End("Limit Reached")
		return
	}
	if len(pending) == 0 {
		rw.End("Query Completed")
		return
	}
	// control records are kept so that a transaction marker at the end of
	// a partition still shows the scan reached its end offset
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.brokers...), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: consume}),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	if err != nil {
		s.log.Error("pull query on stream: new client", "err", err)
		rw.End("")
		return
	}
	defer cl.Close()
	// its steps' loggers, its source's deserializer's too, are named
	// after the transient query's id (QueryRegistryImpl.createStreamPullQuery,
	// buildTransientQuery)
	loggerID := transientQueryID(q, plan)
	dec := s.newDecoder(loggerID, plan.Source)
	proc := operators.NewProcessor(plan)
	var sent int64
	for len(pending) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return // the client left
		}
		done := false
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := pending[r.Partition]
			if done || !ok || r.Offset >= end {
				return
			}
			if r.Offset+1 >= end {
				delete(pending, r.Partition)
				cl.PauseFetchPartitions(map[string][]int32{topic: {r.Partition}})
			}
			if r.Attrs.IsControl() {
				return
			}
			row, ok := dec.decode(ctx, r)
			if !ok {
				return
			}
			outs, _ := proc.Process(row, false)
			steps := plan.StepFailures()
			s.logExpressionFailures(loggerID, steps[:]...)
			for _, o := range outs {
				rw.Row(o.Vals, o.Tombstone)
				sent++
				if plan.Limit != nil && sent >= *plan.Limit {
					done = true
					return
				}
			}
		})
		if done {
			rw.End("Limit Reached")
			return
		}
		rw.Flush()
	}
	rw.End("Query Completed")
}
