package ksqldb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

func (s *Server) handleQuery(w http.ResponseWriter, r *http.Request) {
	req, props, ok := s.readRequest(w, r)
	if !ok {
		return
	}
	stmts, err := sql.Parse(*req.KSQL)
	if err != nil {
		s.writeStatementError(w, r, *req.KSQL, err, nil)
		return
	}
	if len(stmts) != 1 {
		s.writeStatementError(w, r, *req.KSQL, badStatement("Expected exactly one statement, got %d", len(stmts)), nil)
		return
	}
	p := stmts[0]
	qs, ok := p.Stmt.(*sql.QueryStatement)
	if !ok {
		s.writeStatementError(w, r, p.Text, badStatement("The following statement types should be issued to the '/ksql' endpoint: statements other than SELECT and PRINT"), nil)
		return
	}
	if qs.Query.EmitChanges {
		s.pushQuery(w, r, p, qs.Query, props)
		return
	}
	s.pullQuery(w, r, p, qs.Query)
}

type rowWriter struct {
	w     http.ResponseWriter
	r     *http.Request
	flush func()
}

func (s *Server) startStream(w http.ResponseWriter, r *http.Request, queryID string, sch schema) *rowWriter {
	w.Header().Set("Content-Type", responseType(r))
	w.WriteHeader(http.StatusOK)
	hdr, _ := json.Marshal(map[string]any{"header": map[string]any{"queryId": queryID, "schema": sch.String()}})
	_, _ = w.Write([]byte("["))
	_, _ = w.Write(hdr)
	rw := &rowWriter{w: w, r: r, flush: func() {}}
	if f, ok := w.(http.Flusher); ok {
		rw.flush = f.Flush
	}
	rw.flush()
	return rw
}

func (rw *rowWriter) row(vals []any, tombstone bool) {
	var b bytes.Buffer
	b.WriteString(",\n{\"row\":{\"columns\":[")
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONValue(&b, v)
	}
	b.WriteString("]")
	if tombstone {
		b.WriteString(",\"tombstone\":true")
	}
	b.WriteString("}}")
	_, _ = rw.w.Write(b.Bytes())
}

func (rw *rowWriter) end(final string) {
	if final != "" {
		b, _ := json.Marshal(map[string]string{"finalMessage": final})
		_, _ = rw.w.Write([]byte(",\n"))
		_, _ = rw.w.Write(b)
	}
	_, _ = rw.w.Write([]byte("]\n"))
	rw.flush()
}

func usesPseudo(q *sql.Query) bool {
	found := false
	check := func(e sql.Expr) {
		walk(e, func(x sql.Expr) {
			if ref, ok := x.(*sql.ColumnRef); ok {
				for _, pc := range pseudoColumns {
					if ref.Name == pc.Name {
						found = true
					}
				}
			}
		})
	}
	for _, it := range q.Items {
		check(it.Expr)
	}
	check(q.Where)
	return found
}

func (s *Server) pullQuery(w http.ResponseWriter, r *http.Request, p sql.Parsed, q *sql.Query) {
	const hint = "\nAdd EMIT CHANGES if you intended to issue a push query."
	s.mu.Lock()
	src, ok := s.ms.sources[q.From]
	if !ok {
		s.mu.Unlock()
		s.writeStatementError(w, r, p.Text, badStatement("%s does not exist.", q.From), nil)
		return
	}
	if !src.Table {
		s.mu.Unlock()
		s.writeStatementError(w, r, p.Text, unsupported("Pull queries on streams"), nil)
		return
	}
	if len(q.GroupBy) > 0 || q.Having != nil {
		s.mu.Unlock()
		s.writeStatementError(w, r, p.Text, badStatement("Pull queries don't support GROUP BY clauses. See https://cnfl.io/queries for more info."+hint), nil)
		return
	}
	if usesPseudo(q) {
		s.mu.Unlock()
		s.writeStatementError(w, r, p.Text, unsupported("ROWTIME/ROWPARTITION/ROWOFFSET in pull queries"), nil)
		return
	}
	var rq *runningQuery
	for _, cand := range s.running {
		if cand.info.Sink == src.Name && cand.info.Materialize {
			rq = cand
		}
	}
	if rq == nil {
		s.mu.Unlock()
		s.writeStatementError(w, r, p.Text, badStatement("The `%s` table isn't queryable. To derive a queryable table, you can do 'CREATE TABLE QUERYABLE_%s AS SELECT * FROM %s'. See https://cnfl.io/queries for more info."+hint, src.Name, src.Name, src.Name), nil)
		return
	}
	plan, err := planQuery(s.ms, q, modePush, "")
	s.mu.Unlock()
	if err != nil {
		s.writeStatementError(w, r, p.Text, err, nil)
		return
	}
	if plan.agg != nil {
		s.writeStatementError(w, r, p.Text, badStatement("Pull queries don't support aggregate functions."+hint), nil)
		return
	}
	rq.proc.mu.Lock()
	keys := make([]string, 0, len(rq.proc.mat))
	for k := range rq.proc.mat {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var rows [][]any
	proc := newProcessor(plan)
	for _, k := range keys {
		vals := rq.proc.mat[k]
		row := append(append([]any(nil), vals...), nil, nil, nil)
		if proc.pass(row) {
			rows = append(rows, proc.project(row))
		}
	}
	rq.proc.mu.Unlock()
	if plan.limit != nil && int64(len(rows)) > *plan.limit {
		rows = rows[:*plan.limit]
	}
	rw := s.startStream(w, r, "query_"+strconv.FormatInt(time.Now().UnixMilli(), 10), plan.out)
	for _, row := range rows {
		rw.row(row, false)
	}
	rw.end("")
}

func (s *Server) pushQuery(w http.ResponseWriter, r *http.Request, p sql.Parsed, q *sql.Query, props map[string]string) {
	s.mu.Lock()
	if s.closed.Load() {
		s.mu.Unlock()
		s.writeJSON(w, r, http.StatusServiceUnavailable, genericError{Type: "generic_error", ErrorCode: 50302, Message: "The server is shutting down"})
		return
	}
	plan, err := planQuery(s.ms, q, modePush, "")
	if err == nil {
		s.transient.Add(1)
		defer s.transient.Done()
	}
	s.mu.Unlock()
	if err != nil {
		s.writeStatementError(w, r, p.Text, err, nil)
		return
	}
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	stop := context.AfterFunc(s.ctx, cancel)
	defer stop()

	queryID := fmt.Sprintf("transient_%s_%d", plan.src.Name, rand.Uint64()%1e18)
	start, err := s.startOffsets(ctx, plan.src.Topic, s.offsetReset(props))
	if err != nil {
		s.writeStatementError(w, r, p.Text, err, nil)
		return
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(s.brokers...), kgo.ConsumePartitions(start),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		s.writeStatementError(w, r, p.Text, fmt.Errorf("start push query: %w", err), nil)
		return
	}
	defer cl.Close()
	dec := s.newDecoder(queryID, plan.src)
	proc := newProcessor(plan)
	rw := s.startStream(w, r, queryID, plan.out)
	var sent int64
	for {
		pctx, pcancel := context.WithTimeout(ctx, s.cfg.keepAlive)
		fs := cl.PollFetches(pctx)
		pcancel()
		if ctx.Err() != nil {
			if s.ctx.Err() != nil && r.Context().Err() == nil {
				rw.end("Query Completed")
			}
			return
		}
		wrote := false
		done := false
		fs.EachRecord(func(rec *kgo.Record) {
			if done {
				return
			}
			row, ok := dec.decode(ctx, rec)
			if !ok {
				return
			}
			outs, _ := proc.process(row, false)
			for _, o := range outs {
				rw.row(o.vals, o.tombstone)
				wrote = true
				sent++
				if plan.limit != nil && sent >= *plan.limit {
					done = true
					return
				}
			}
		})
		if done {
			rw.end("Limit Reached")
			return
		}
		if !wrote {
			_, _ = w.Write([]byte("\n"))
		}
		rw.flush()
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
