package ksqldb

import (
	"context"
	"strings"
	"sync"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// PAUSE and RESUME as ksqlDB 0.29 runs them (confluentinc/ksql v7.9.0,
// ValidatedCommandFactory.createForPauseQuery and createForResumeQuery,
// InteractiveStatementExecutor, QueryMetadataImpl.pause): a paused
// persistent query stays in its consumer group and keeps its state, but
// takes no records in until it is resumed; its status is PAUSED. Both are
// commands of the command topic, so a restarted server starts a paused
// query paused. An id of a transient query is accepted and does nothing,
// as there.

func (s *Server) execPause(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.Pause) (any, error) {
	verb, done := "pause", "Query paused."
	if st.Resume {
		verb, done = "resume", "Query resumed."
	}
	target := st.QueryID
	var ids []string
	switch {
	case st.All:
		target = "ALL"
		for _, q := range ec.ms.SortedQueries() {
			ids = append(ids, q.ID)
		}
	case strings.Contains(strings.ToLower(target), "transient_"):
	default:
		qi, ok := ec.ms.Queries[target]
		if !ok {
			return nil, stmterr.Bad("Unknown queryId: %s", target)
		}
		if qi.SourceTable {
			return nil, stmterr.Bad("Cannot %s query '%s' because it is linked to a source table.", verb, target)
		}
		ids = []string{target}
	}
	cmdID := verb + "/" + target + "/execute"
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		next := *ec.ms.Queries[id] // a sandbox shares the live store's queries
		next.Paused = !st.Resume
		ec.ms.Queries[id] = &next
		if !ec.sandbox {
			if rq := s.running[id]; rq != nil {
				rq.gate.set(next.Paused)
			}
		}
	}
	return status(p, cmdID, done, seq, ""), nil
}

// pauseGate holds a query's loop while the query is paused.
type pauseGate struct {
	mu      sync.Mutex
	paused  bool
	resumed chan struct{} // closed when a pause ends
}

func (g *pauseGate) set(paused bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case paused && !g.paused:
		g.resumed = make(chan struct{})
	case !paused && g.paused:
		close(g.resumed)
	}
	g.paused = paused
}

func (g *pauseGate) isPaused() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.paused
}

// wait returns at once when the query is not paused, else when it is
// resumed; false when ctx ends first.
func (g *pauseGate) wait(ctx context.Context) bool {
	g.mu.Lock()
	paused, resumed := g.paused, g.resumed
	g.mu.Unlock()
	if !paused {
		return true
	}
	select {
	case <-resumed:
		return true
	case <-ctx.Done():
		return false
	}
}
