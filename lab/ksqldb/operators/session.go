package operators

import (
	"cmp"
	"encoding/binary"
	"slices"
)

// SESSION windows, as Kafka Streams 3.9 KStreamSessionWindowAggregate runs
// them for ksqlDB:
//
//   - a record at t joins every session of its key that ends at or after
//     t - gap and starts at or before t + gap; they merge into one session
//     spanning them all and t (their aggregates merged, then the record
//     added); a record alone starts the session [t, t];
//   - stream time less grace less gap is the close time: a merged session
//     ending before it is dropped (EMIT FINAL: see emitfinal.go);
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

// sessionBase is the group key of a session's task and grouping values
// alone.
func sessionBase(g *group) string { return g.key[:len(g.key)-17] }

// processSession adds a stream row to its key's session; the caller holds p.mu.
func (p *Processor) processSession(r InRow, changelog bool) ([]OutRow, []Change) {
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	ap := p.plan.Agg
	w := ap.Window
	if r.Tombstone || r.Group == nil && !p.Pass(r.Vals) || !p.groupValues(r.Vals, r.Group) {
		return p.outs, p.changes
	}
	t := r.TS
	r.Task = p.windowTask(r.Task)
	c := p.taskClock(r.Task)
	if t < 0 || t > maxRecordTime {
		c.late++
		return p.outs, p.changes
	}
	c.streamTime = max(c.streamTime, t)
	closeAt := c.streamTime - w.Grace - w.Size
	// KStreamSessionWindowAggregate initializes an aggregate for every
	// record, before it looks for the sessions it merges or finds it late
	states := ap.Init()
	base := string(appendVals(taskGroupKey(p.keyBuf[:0], r.Task), p.gvals))
	list := p.sessions[base]
	var merged []*group
	start, end := t, t
	// EMIT FINAL's time-ordered store finds the sessions ending after the
	// latest end written less the retention (getActualFrom)
	minEnd := t - w.Size
	if w.Final {
		minEnd = max(minEnd, c.storeTime-w.Retention+1)
	}
	for _, s := range list {
		if s.WindowEnd >= minEnd && s.WindowStart <= t+w.Size {
			merged = append(merged, s)
			start, end = min(start, s.WindowStart), max(end, s.WindowEnd)
		}
	}
	if end < closeAt {
		c.late++
		if w.Final {
			p.forwardFinal(c, r.Task, closeAt, changelog)
		}
		return p.outs, p.changes
	}
	for _, s := range merged {
		for i, c := range ap.Calls {
			c.Merge(&states[i], s.states[i])
		}
	}
	if start != t || end != t || len(merged) == 0 {
		for _, s := range merged {
			p.dropSession(s, changelog, !w.Final, t)
		}
	}
	if !p.addAll(states, r.Vals) {
		return p.outs, nil // the merged sessions' tombstones went out before the aggregator threw
	}
	gk := string(sessionKey([]byte(base), start, end))
	g := newGroup(gk, slices.Clone(p.gvals), states)
	g.windowed, g.WindowStart, g.WindowEnd, g.maxTs, g.task = true, start, end, end, r.Task
	p.noteNonAgg(g, r.Vals) // the merger's columns give way to the row's (KudafAggregator)
	p.Groups[gk] = g
	list = p.sessions[base]
	i, _ := slices.BinarySearchFunc(list, start, func(s *group, v int64) int { return cmp.Compare(s.WindowStart, v) })
	if i < len(list) && list[i].key == gk { // the session [t, t] again
		list[i] = g
	} else {
		list = slices.Insert(list, i, g)
	}
	p.sessions[base] = list
	c.storeTime = max(c.storeTime, end)
	c.nextSweep = min(c.nextSweep, p.expiresAt(g))
	if changelog {
		// a session store logs the time of the record at hand
		p.changes = append(p.changes, Change{Key: g.logKey, group: g, TS: t})
	}
	if w.Final {
		p.forwardFinal(c, r.Task, closeAt, changelog)
	} else {
		p.emitWindow(g)
	}
	p.sweep(c, r.Task)
	return p.outs, p.changes
}

// dropSession forgets a session merged into another or past retention; a
// merged-away session that had a row gets a tombstone (forward). A session
// merged away is removed from the store, which logs its deletion at the
// time of the record at hand (ts); one past retention goes with its
// store segment, which logs nothing.
func (p *Processor) dropSession(s *group, changelog, forward bool, ts int64) {
	delete(p.Groups, s.key)
	base := sessionBase(s)
	list := slices.DeleteFunc(p.sessions[base], func(x *group) bool { return x == s })
	if len(list) == 0 {
		delete(p.sessions, base)
	} else {
		p.sessions[base] = list
	}
	if changelog {
		p.changes = append(p.changes, Change{Key: s.logKey, group: s, del: true, TS: ts})
	}
	if vals, had := p.Materialized[s.key]; had {
		p.dropMat(s.key)
		if forward {
			p.outs = append(p.outs, OutRow{Vals: keysOnly(p.plan.Out, vals), Tombstone: true, TS: s.WindowEnd, Windowed: true, WindowStart: s.WindowStart, WindowEnd: s.WindowEnd})
		}
	}
}

// indexSessions rebuilds the per-key session lists from restored groups.
func (p *Processor) indexSessions() {
	p.sessions = map[string][]*group{}
	for _, g := range p.Groups {
		base := sessionBase(g)
		p.sessions[base] = append(p.sessions[base], g)
	}
	for _, list := range p.sessions {
		slices.SortFunc(list, func(a, b *group) int { return cmp.Compare(a.WindowStart, b.WindowStart) })
	}
}
