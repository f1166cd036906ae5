package ksqldb

import (
	"context"
	"strconv"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// pullQuery answers a pull query: a stream's is read to its end
// (pullStream); a table's reads the store of the query that materializes
// it. The checks run in ksqlDB's order: PullQueryValidator, the analysis
// (types), the WHERE clause's planning (QueryFilterNode), then the
// physical plan's (the table's materialization, whether a table scan is
// allowed).
func (s *Server) pullQuery(ctx context.Context, out queryOutput, p sql.Parsed, q *sql.Query, props map[string]string) {
	const hint = "\nAdd EMIT CHANGES if you intended to issue a push query."
	s.mu.Lock()
	resolveCustomTypes(p.Stmt, s.ms.Types)
	// the statement is prepared (its sources looked up) before
	// PullQueryValidator sees it
	if err := planner.MissingSource(s.ms, q); err != nil {
		s.mu.Unlock()
		out.fail(p.Text, err)
		return
	}
	if len(q.Joins) > 0 { // PullQueryValidator
		s.mu.Unlock()
		out.fail(p.Text, stmterr.Bad("Pull queries don't support JOIN clauses. See https://cnfl.io/queries for more info."+hint))
		return
	}
	src := s.ms.Sources[q.From]
	if !src.Table {
		s.mu.Unlock()
		s.pullStream(ctx, out, p, q, props)
		return
	}
	if err := checkPullClauses(q, props); err != nil {
		s.mu.Unlock()
		out.fail(p.Text, err)
		return
	}
	plan, err := planner.PlanQuery(s.ms, q, planner.ModePush, "", planner.Pull())
	if expr.IsOperandError(err) {
		err = s.pullOperandError(q, src, pullOptionsOf(props), err)
		s.mu.Unlock()
		out.fail(p.Text, err)
		return
	}
	s.mu.Unlock()
	if err != nil {
		out.fail(p.Text, withTablePullFilterStatement(err, q, p.Text))
		return
	}
	if plan.Agg != nil {
		out.fail(p.Text, stmterr.Bad("Pull queries don't support aggregate functions."+hint))
		return
	}
	opts := pullOptionsOf(props)
	scan, reads, err := planPullScan(q.Where, src.Schema, src.Window != nil, opts)
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	if q.Where != nil {
		if err := plan.FilterAsRewritten(pullRewrite(q.Where)); err != nil {
			out.fail(p.Text, withTablePullFilterStatement(err, q, p.Text))
			return
		}
	}
	if err := checkPullStar(q); err != nil {
		out.fail(p.Text, err)
		return
	}
	s.mu.Lock()
	var rq *runningQuery
	for _, cand := range s.running {
		if cand.info.Sink == src.Name && cand.info.Materialize {
			rq = cand
		}
	}
	s.mu.Unlock()
	if rq == nil {
		out.fail(p.Text, stmterr.Bad("The `%s` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_%s AS SELECT * FROM %s'. See https://cnfl.io/queries for more info."+hint, src.Name, src.Name, src.Name))
		return
	}
	if err := requireTableScan(scan, src.Window != nil, opts); err != nil {
		out.fail(p.Text, err)
		return
	}
	// the store's tasks: the partitions of the query's source, over which
	// KafkaStreams.queryMetadataForKey hashes a key (StreamsMetadataState,
	// the sub-topology's source topics), whatever the table's own topic has
	tasks := s.topicPartitions(ctx, rq.plan.Source.Topic, rq.plan.Source.Partitions)
	// every row here is evaluated, while ksqlDB's SelectOperator sees only
	// the rows a key lookup or range scan reads: what WHERE throws is
	// logged for those
	var read func(row []any) bool
	if scan == pullKeyLookup || scan == pullRangeScan && opts.rangeScans && src.Window == nil {
		if read, err = plan.Reads(reads); err != nil {
			out.fail(p.Text, err)
			return
		}
	}
	header := plan.Out
	if src.Window != nil {
		header = windowBoundsAsKeys(header)
	}
	if len(q.Items) == 1 && q.Items[0].Star {
		header = selectStarHeader(header, src.Schema)
	}
	queryID := "query_" + strconv.FormatInt(time.Now().UnixMilli(), 10)
	if st := rq.streamsState(); st == streamsRebalancing {
		// the store cannot be read while the query's app restores it
		// (see pullNotRunning); the routing fails after the header
		if rw := out.open(queryID, header); rw != nil {
			rw.Fail(pullNotRunning(out.node, st))
		}
		return
	}
	var rows [][]any
	proc := operators.NewProcessor(plan)
	rq.proc.Mu.Lock()
	for _, k := range storeKeys(rq, tasks, scan == pullKeyLookup) {
		vals := rq.storedRow(ctx, rq.proc.Materialized[k])
		// ROWTIME is the row's time; ROWPARTITION and ROWOFFSET were refused
		row := append(append([]any(nil), vals...), rq.proc.MaterializedTS[k], nil, nil)
		if src.Window != nil {
			g := rq.proc.Groups[k] // a windowed table's row has its window's group
			if g == nil {
				continue
			}
			row = append(row, g.WindowStart, g.WindowEnd)
		}
		pass := proc.Pass(row)
		if read == nil || read(row) {
			s.logExpressionFailures(planner.PullQueryLogger, plan.WhereFailures)
		} else {
			plan.WhereFailures.Take()
		}
		if pass {
			rows = append(rows, proc.Project(row))
			s.logExpressionFailures(planner.PullQueryLogger, plan.Failures)
			if plan.Limit != nil && int64(len(rows)) >= *plan.Limit {
				break
			}
		}
	}
	rq.proc.Mu.Unlock()
	if plan.Limit != nil && int64(len(rows)) > *plan.Limit {
		rows = rows[:*plan.Limit]
	}
	rw := out.open(queryID, header)
	if rw == nil {
		return
	}
	for _, row := range rows {
		rw.Row(row, false)
	}
	rw.End("")
}

// pullNotRunning is how a pull query fails when the store of the query
// materializing its table cannot be read because the query's Kafka
// Streams app is in state st, at the local node node: Kafka Streams
// refuses the store while a stream thread is not RUNNING
// (StreamThreadStateStoreProvider.stores, apache/kafka 3.9.0-rc3);
// KsStateStore.store catches that and, the app not RUNNING, throws
// NotRunningException; HARouting.executeOrRouteQuery wraps it in a
// KsqlException naming the node, which executeRounds gets through
// Future.get as an ExecutionException (its message the cause's toString)
// and throws as a MaterializationException with no cause
// (confluentinc/ksql v7.9.4). A query in ERROR here is read as it is: its
// stream thread backs off before Kafka Streams replaces it
// (QueryMetadataImpl.uncaughtHandler: REPLACE_THREAD), still RUNNING.
func pullNotRunning(node, st string) restapi.QueryFailure {
	msg := "Unable to execute pull query: io.confluent.ksql.util.KsqlException: Error executing query locally at node " +
		node + ": The query was not in a running state. state: " + st
	return restapi.QueryFailure{Thrown: "io.confluent.ksql.execution.streams.materialization.MaterializationException: " + msg,
		Chain: msg, Pull: true}
}

// checkPullStar refuses a wildcard next to other expressions
// (QueryProjectNode.isSelectStar).
func checkPullStar(q *sql.Query) error {
	for _, it := range q.Items {
		if it.Star && len(q.Items) != 1 {
			return stmterr.Bad("Pull queries only support wildcards in the projects if they are the only expression")
		}
	}
	return nil
}

// selectStarHeader is the header of SELECT * on a table: its key columns
// (window bounds included), then its header columns, marked as such, then
// its value columns (QueryProjectNode.buildPullQuerySelectStarSchema); the
// rows keep out's order (pull-queries-with-headers.json "select * against
// CST table with headers").
func selectStarHeader(out, src types.Schema) types.Schema {
	headers := map[string]types.Column{}
	for _, c := range src.Cols {
		if c.Header {
			headers[c.Name] = c
		}
	}
	var keys, hdrs, vals []types.Column
	for _, c := range out.Cols {
		h, isHeader := headers[c.Name]
		switch {
		case c.Key:
			keys = append(keys, c)
		case isHeader:
			c.Header, c.OneHeader, c.HeaderKey = true, h.OneHeader, h.HeaderKey
			hdrs = append(hdrs, c)
		default:
			vals = append(vals, c)
		}
	}
	return types.Schema{Cols: append(append(keys, hdrs...), vals...)}
}
