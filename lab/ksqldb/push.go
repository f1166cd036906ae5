package ksqldb

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	req, props, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	stmts, err := sql.Parse(*req.KSQL)
	if err != nil {
		s.writeStatementError(w, r, *req.KSQL, withFailedLine(*req.KSQL, err), nil)
		return
	}
	if len(stmts) != 1 {
		// StatementParser.parseSingleStatement's refusal
		s.writeStatementError(w, r, *req.KSQL, stmterr.Bad("Expected exactly one KSQL statement; found %d instead", len(stmts)), nil)
		return
	}
	if err := notIntegerClause(stmts[0].Stmt); err != nil {
		// refused as the statement is prepared, before its variables are
		// substituted; the message ends with the statement (withFailedLine)
		s.writeStatementError(w, r, *req.KSQL, stmterr.Bad("%s\nStatement: %s", err, stmts[0].Text), nil)
		return
	}
	p, err := newSessionVars(false, true, req.SessionVariables).prepare(stmts[0])
	if err != nil {
		s.writeStatementError(w, r, *req.KSQL, err, nil)
		return
	}
	if q := planner.StatementQuery(p.Stmt); q != nil {
		s.mu.Lock()
		err = planner.MissingSource(s.ms, q)
		s.mu.Unlock()
		if err != nil {
			// StreamedQueryResource.parseStatement prepares the statement,
			// and answers its failure itself, before any migration and
			// before the statement's kind is looked at
			s.writeStatementError(w, r, *req.KSQL, err, nil)
			return
		}
	}
	if err := coerceOverrides(req.StreamsProperties); err != nil {
		// StreamedQueryResource.handleStatement reads the request's
		// overrides once the statement is prepared: Errors.badRequest, or
		// for an unknown name, which it does not catch,
		// OldApiUtils.mapException
		code, ec := http.StatusBadRequest, 40000
		var nf *propertyNotFoundError
		if errors.As(err, &nf) {
			code, ec = http.StatusInternalServerError, 50000
		}
		s.writeJSON(w, r, code, restapi.GenericError{Type: "generic_error", ErrorCode: ec, Message: err.Error()})
		return
	}
	if err := unsupportedGuarantee(props); err != nil {
		s.writeStatementError(w, r, *req.KSQL, err, nil)
		return
	}
	if pr, ok := p.Stmt.(*sql.Print); ok {
		s.printTopic(w, r, p, pr, props)
		return
	}
	out := s.oldAPIOutput(w, r)
	qs, ok := p.Stmt.(*sql.QueryStatement)
	if !ok {
		out.fail(p.Text, stmterr.Bad("The following statement types should be issued to the '/ksql' endpoint: statements other than SELECT and PRINT"))
		return
	}
	if migrateQuery(props) {
		s.migratedQuery(r.Context(), w, r, p, qs.Query, props)
		return
	}
	if r.ProtoMajor == 2 {
		// OldApiUtils: "The /query endpoint is not available using HTTP2"
		// (405; HTTP/2 carries no reason phrase) once the query would stream
		out.open = func(string, types.Schema) restapi.ResultWriter {
			w.Header().Set("Content-Type", restapi.MediaJSON)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return nil
		}
	}
	if qs.Query.EmitChanges || qs.Query.EmitFinal {
		s.pushQuery(r.Context(), pushHeader(out), p, qs.Query, props, false)
		return
	}
	s.pullQuery(r.Context(), out, p, qs.Query, props)
}

// queryOutput is where a query's answer goes: failures before the first
// byte, and the writer of its results.
type queryOutput struct {
	fail func(text string, err error)
	open func(queryID string, out types.Schema) restapi.ResultWriter
	// node is this server's location as a pull query's routing names
	// its local node (see localNode)
	node string
}

// localNode is the location KsLocator gives the local node: the protocol,
// host and port of the listener ksqlDB advertises to Kafka Streams
// (application.server, KsqlRestConfig.getInterNodeListener: the first
// listener) and "/" (KsLocator.buildLocation). Here the listener is the
// address the request came in on.
func localNode(r *http.Request) string {
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		host = a.String()
	}
	return scheme + "://" + host + "/"
}

// oldAPIOutput answers on the old /query API.
func (s *Server) oldAPIOutput(w http.ResponseWriter, r *http.Request) queryOutput {
	return queryOutput{
		node: localNode(r),
		fail: func(text string, err error) {
			var pce *pushCapError
			var spe *scalablePushError
			var fe *filterError
			switch {
			case errors.As(err, &fe):
				text, err = fe.stmt, stmterr.Bad("%s", fe.raw)
			case errors.As(err, &pce):
				err = stmterr.Bad("%s", pce.Error())
			case errors.As(err, &spe):
				err = stmterr.Bad("%s", spe.Error())
			}
			s.writeStatementError(w, r, text, err, nil)
		},
		open: func(queryID string, out types.Schema) restapi.ResultWriter {
			w.Header().Set("Content-Type", restapi.MediaJSON)
			w.WriteHeader(http.StatusOK)
			rw := &restapi.StreamedRows{W: w, FlushFn: restapi.Flusher(w), OldAPI: true}
			rw.Header(queryID, out)
			return rw
		},
	}
}

// windowBoundsAsKeys marks WINDOWSTART and WINDOWEND as key columns, as a
// pull query on a windowed table's header shows them wherever they are
// projected (rest-query-validation-tests
// pull-queries-against-materialized-aggregates.json, "windowed - select
// star": "`ID` STRING KEY, `WINDOWSTART` BIGINT KEY, `WINDOWEND` BIGINT KEY, ...").
func windowBoundsAsKeys(s types.Schema) types.Schema {
	cols := append([]types.Column(nil), s.Cols...)
	for i := range cols {
		if expr.IsWindowBound(cols[i].Name) {
			cols[i].Key = true
		}
	}
	return types.Schema{Cols: cols}
}

// pushQuery runs a transient push query until its LIMIT, the client leaving
// (ctx), /close-query (closable: started on /query-stream) or server shutdown.
func (s *Server) pushQuery(ctx context.Context, out queryOutput, p sql.Parsed, q *sql.Query, props map[string]string, closable bool) {
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		out.fail(p.Text, stmterr.ErrShuttingDown)
		return
	}
	resolveCustomTypes(p.Stmt, s.ms.Types)
	// QueryExecutor.handleQuery tells a scalable push query from the
	// statement alone; a classic one meets the cap
	// (QueryExecutor.handlePushQuery) before it is analysed and planned
	scalable := s.scalablePush(q, q.From, props)
	if !scalable {
		if err := s.push.atCap(p.Text); err != nil {
			s.mu.Unlock()
			out.fail(p.Text, err)
			return
		}
	}
	plan, err := planner.PlanQuery(s.ms, q, planner.ModePush, "", planner.SuppressDisabled(suppressDisabled(props)), planner.Transient())
	err = withFilterStatement(err, q)
	if err == nil && scalable {
		err = errNoScalablePushRegistry
	}
	if err == nil && plan.Agg != nil {
		plan.Agg.Configure(props)
	}
	if err == nil {
		planner.PlanTransient(plan, q)
	}
	if err == nil {
		// under s.mu, so that Close, which sets closed under it, waits for this query
		s.transient.Add(1)
		defer s.transient.Done()
	}
	s.mu.Unlock()
	if err == nil {
		err = s.checkJoin(ctx, nil, plan)
	}
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queryID := transientQueryID(q, plan)
	if err := s.push.register(queryID, p.Text, cancel, closable); err != nil {
		out.fail(p.Text, err)
		return
	}
	defer s.push.unregister(queryID)
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	start, err := s.planStartOffsets(ctx, plan, s.offsetReset(props))
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	input := s.newPushInput(queryID, plan)
	proc := operators.NewProcessor(plan)
	setEmitInterval(proc, props)
	// a join's internal topics exist before its first row, and are
	// deleted once it ends (see pushstores.go)
	app := s.transientAppID(queryID)
	stores, err := s.newPushStores(ctx, app, queryID, q, props, plan, proc)
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	defer stores.close(ctx)
	// a join that rekeys a stream reads it back from its repartition
	// topic (see pushrekey.go)
	consume, err := stores.rekeyFrom(ctx, start)
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	input.readRekeyed(stores)
	stores.waitRekeyed(ctx)
	feed, err := s.pushFeed(ctx, plan, consume, input.tables)
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	// the query's consumer is a member of its application's group until
	// it ends (see pushgroup.go)
	cl, err := s.pushConsumer(app, consume)
	if err != nil {
		out.fail(p.Text, err)
		return
	}
	defer s.deletePushGroup(ctx, app)
	defer cl.Close()
	rw := out.open(queryID, plan.Out)
	if rw == nil {
		return
	}
	if plan.Limit != nil && *plan.Limit <= 0 {
		// LIMIT 0 is reached before the first row (push-queries.json "zero limit")
		rw.End("Limit Reached")
		return
	}
	var sent int64
	for {
		pctx, pcancel := context.WithTimeout(ctx, s.cfg.keepAlive)
		fs := cl.PollFetches(pctx)
		pcancel()
		fs = feed.gather(ctx, fs, cl.PollFetches)
		if ctx.Err() != nil {
			// closed by /close-query or by the server stopping: end the response
			// cleanly; a client that left gets nothing more
			if s.push.closedByRequest(queryID) || s.ctx.Err() != nil {
				rw.End("Query Completed")
			}
			return
		}
		wrote := false
		done := false
		var failed *restapi.QueryFailure
		input.each(ctx, fs, func(in *kgo.Record, row operators.InRow) {
			if done {
				return
			}
			if !stores.apply(ctx, in, row) {
				return // a foreign-key join's right row no subscription reaches
			}
			outs, changes := proc.Process(row, stores.logsChanges())
			if f := s.pushQueryFailure(queryID, app, plan, proc, in, row); f != nil {
				// the query's Kafka Streams app dies: the endpoint
				// reports it and ends the response
				failed, done = f, true
				return
			}
			steps := plan.StepFailures()
			s.logExpressionFailures(queryID, steps[:]...)
			stores.log(ctx, in, changes)
			for _, o := range outs {
				if stores.internal(ctx, in, o) {
					continue
				}
				stores.project(ctx, in, o)
				rw.Row(o.Vals, o.Tombstone)
				wrote = true
				sent++
				if plan.Limit != nil && sent >= *plan.Limit {
					done = true
					return
				}
			}
		})
		stores.flush(ctx)
		if failed != nil {
			rw.Fail(*failed)
			return
		}
		if done {
			rw.End("Limit Reached")
			return
		}
		if !wrote {
			rw.Idle()
		}
		rw.Flush()
	}
}

// startOffsets resolves where a transient query starts on every partition of topic.
func (s *Server) startOffsets(ctx context.Context, topic, reset string) (map[string]map[int32]kgo.Offset, error) {
	list := s.adm.ListEndOffsets
	if reset == "earliest" {
		list = s.adm.ListStartOffsets
	}
	// the client's metadata cache may not know a topic created moments ago: retry briefly
	for attempt := 0; ; attempt++ {
		offs, err := list(ctx, topic)
		if err != nil {
			return nil, fmt.Errorf("list offsets of %s: %w", topic, err)
		}
		out := map[string]map[int32]kgo.Offset{topic: {}}
		var ferr error
		offs.Each(func(o kadm.ListedOffset) {
			if o.Err != nil {
				ferr = o.Err
				return
			}
			out[topic][o.Partition] = kgo.NewOffset().At(o.Offset)
		})
		if ferr == nil {
			return out, nil
		}
		if !errors.Is(ferr, kerr.UnknownTopicOrPartition) || attempt >= 20 {
			return nil, fmt.Errorf("list offsets of %s: %w", topic, ferr)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// transientQueryID is the id of a transient query, a push query's or a
// pull query's over a stream (QueryIdUtil.buildId): the leftmost source's
// alias and a random non-negative long (Math.abs(ThreadLocalRandom.nextLong())).
func transientQueryID(q *sql.Query, plan *planner.Plan) string {
	leftmost := q.FromAlias
	if leftmost == "" {
		leftmost = plan.Source.Name
	}
	return fmt.Sprintf("transient_%s_%d", leftmost, rand.Int64())
}
