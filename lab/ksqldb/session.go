package ksqldb

import (
	"encoding/binary"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// SESSION windows, as Kafka Streams 3.9 KStreamSessionWindowAggregate runs
// them for ksqlDB:
//
//   - a record at t joins every session of its key that ends at or after
//     t - gap and starts at or before t + gap; they merge into one session
//     spanning them all and t (their aggregates merged, then the record
//     added); a record alone starts the session [t, t];
//   - stream time less grace less gap is the close time: a merged session
//     ending before it is dropped; EMIT FINAL forwards each session once it
//     ends before it;
//   - EMIT CHANGES forwards a tombstone for each session merged away, then
//     the merged session, each timestamped with its session's end;
//   - the session store keeps sessions for gap + grace (or RETENTION).
//
// query-validation-tests session-windows.json, window-bounds.json
// ("table session") and suppress.json show the rows these give.

// sessionKey appends a session's window to a group key.
func sessionKey(b []byte, start, end int64) []byte {
	b = append(b, '\x03')
	b = binary.BigEndian.AppendUint64(b, uint64(start))
	return binary.BigEndian.AppendUint64(b, uint64(end))
}

// sessionBase is the group key of a session's grouping values alone.
func sessionBase(g *group) string { return g.key[:len(g.key)-17] }

// refuseUnmergeable refuses, in a SESSION window, the aggregates whose
// merge needs record offsets this server does not keep in their state.
func (p *aggPlan) refuseUnmergeable(name string) error {
	if p.win != nil && p.win.kind == sql.Session && (name == "LATEST_BY_OFFSET" || name == "EARLIEST_BY_OFFSET") {
		return stmterr.Unsupported(name + " in a SESSION window")
	}
	return nil
}

// processSession adds a stream row to its key's session; the caller holds p.mu.
func (p *processor) processSession(r inRow, changelog bool) ([]outRow, []change) {
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	ap := p.plan.agg
	w := ap.win
	if r.tombstone || !p.pass(r.vals) {
		return p.outs, p.changes
	}
	p.gvals = p.gvals[:0]
	for _, g := range ap.groupEval {
		v := g.eval(r.vals)
		if v == nil {
			p.skipped++
			return p.outs, p.changes
		}
		p.gvals = append(p.gvals, v)
	}
	t := r.ts
	if t < 0 || t > maxRecordTime {
		p.clock.late++
		return p.outs, p.changes
	}
	p.clock.streamTime = max(p.clock.streamTime, t)
	closeAt := p.clock.streamTime - w.grace - w.size
	base := string(appendVals(p.keyBuf[:0], p.gvals))
	list := p.sessions[base]
	var merged []*group
	start, end := t, t
	for _, s := range list {
		if s.wend >= t-w.size && s.wstart <= t+w.size {
			merged = append(merged, s)
			start, end = min(start, s.wstart), max(end, s.wend)
		}
	}
	if end < closeAt {
		p.clock.late++
		return p.outs, p.changes
	}
	states := make([]aggState, len(ap.calls))
	for _, s := range merged {
		for i, c := range ap.calls {
			c.merge(&states[i], s.states[i])
		}
	}
	if start != t || end != t || len(merged) == 0 {
		for _, s := range merged {
			p.dropSession(s, changelog, !w.final)
		}
	}
	for i, c := range ap.calls {
		c.add(&states[i], r.vals, 1)
	}
	gk := string(sessionKey([]byte(base), start, end))
	g := newGroup(gk, slices.Clone(p.gvals), states)
	g.windowed, g.wstart, g.wend, g.maxTs = true, start, end, end
	p.groups[gk] = g
	list = p.sessions[base]
	i, _ := slices.BinarySearchFunc(list, start, func(s *group, v int64) int { return compareInt64(s.wstart, v) })
	if i < len(list) && list[i].key == gk { // the session [t, t] again
		list[i] = g
	} else {
		list = slices.Insert(list, i, g)
	}
	p.sessions[base] = list
	p.clock.nextSweep = min(p.clock.nextSweep, p.deadline(g))
	if changelog {
		p.changes = append(p.changes, change{key: g.logKey, group: g})
	}
	if !w.final {
		p.emitWindow(g)
	}
	p.sweep(changelog)
	return p.outs, p.changes
}

// dropSession forgets a session merged into another or past retention; a
// merged-away session that had a row gets a tombstone (forward).
func (p *processor) dropSession(s *group, changelog, forward bool) {
	delete(p.groups, s.key)
	base := sessionBase(s)
	list := slices.DeleteFunc(p.sessions[base], func(x *group) bool { return x == s })
	if len(list) == 0 {
		delete(p.sessions, base)
	} else {
		p.sessions[base] = list
	}
	if changelog {
		p.changes = append(p.changes, change{key: s.logKey, del: true})
	}
	if vals, had := p.mat[s.key]; had {
		p.dropMat(s.key)
		if forward {
			p.outs = append(p.outs, outRow{vals: keysOnly(p.plan.out, vals), tombstone: true, ts: s.wend, windowed: true, wstart: s.wstart, wend: s.wend})
		}
	}
}

// merge folds the state of a merged-away session into dst, as the UDAFs'
// merge functions do (ksqlDB KudafAggregator.getMerger).
func (c *aggCall) merge(dst *aggState, src aggState) {
	switch c.name {
	case "COUNT", "SUM", "AVG":
		if c.result.Kind() == types.KindDecimal && src.V != nil {
			dst.V = types.DecimalSum(c.result, dst.V, src.V, 1) // DecimalSumKudaf.merge
		}
		dst.N += src.N
		dst.I += src.I
		dst.F += src.F
	case "STDDEV_SAMPLE", "STDDEV_SAMP":
		c.mergeStddev(dst, src)
	case "CORRELATION":
		mergeCorrelation(dst, src)
	case "ATTR":
		mergeAttr(dst, src)
	case "SUM_LIST":
		dst.F += src.F
		if c.result == types.Integer {
			dst.I = int64(int32(dst.I) + int32(src.I))
		} else {
			dst.I += src.I
		}
	case "MIN":
		if src.V != nil && (dst.V == nil || types.Compare(src.V, dst.V) < 0) {
			dst.V = src.V
		}
	case "MAX":
		if src.V != nil && (dst.V == nil || types.Compare(src.V, dst.V) > 0) {
			dst.V = src.V
		}
	case "COLLECT_LIST":
		list, _ := dst.V.([]any)
		more, _ := src.V.([]any)
		dst.V = append(slices.Clone(list), more...)
	case "COLLECT_SET":
		list, _ := dst.V.([]any)
		list = slices.Clone(list)
		more, _ := src.V.([]any)
		for _, v := range more {
			if !slices.ContainsFunc(list, func(e any) bool { return types.EqualOrBothNull(e, v) }) {
				list = append(list, v)
			}
		}
		dst.V = list
	case "HISTOGRAM":
		m, _ := dst.V.(map[string]any)
		out := make(map[string]any, len(m))
		for k, n := range m {
			out[k] = n
		}
		more, _ := src.V.(map[string]any)
		for k, n := range more {
			if have, ok := out[k].(int64); ok {
				out[k] = have + n.(int64)
			} else if len(out) < 1000 {
				out[k] = n
			}
		}
		dst.V = out
	case "TOPK", "TOPKDISTINCT":
		list, _ := dst.V.([]any)
		more, _ := src.V.([]any)
		all := append(slices.Clone(list), more...)
		slices.SortStableFunc(all, func(a, b any) int { return types.Compare(b, a) })
		if c.name == "TOPKDISTINCT" {
			all = slices.CompactFunc(all, func(a, b any) bool { return types.Compare(a, b) == 0 })
		}
		if len(all) > c.k {
			all = all[:c.k]
		}
		dst.V = all
	case "COUNT_DISTINCT":
		if len(src.Set) > 0 && dst.Set == nil {
			dst.Set = map[string]struct{}{}
		}
		for m := range src.Set {
			dst.Set[m] = struct{}{}
		}
	}
}

// indexSessions rebuilds the per-key session lists from restored groups.
func (p *processor) indexSessions() {
	p.sessions = map[string][]*group{}
	for _, g := range p.groups {
		base := sessionBase(g)
		p.sessions[base] = append(p.sessions[base], g)
	}
	for _, list := range p.sessions {
		slices.SortFunc(list, func(a, b *group) int { return compareInt64(a.wstart, b.wstart) })
	}
}
