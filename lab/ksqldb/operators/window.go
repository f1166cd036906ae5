package operators

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// Windowed aggregation, as ksqlDB 0.29 runs it on Kafka Streams:
//
//   - ksqldb-streams StreamAggregateBuilder: TimeWindows.ofSizeAndGrace
//     (HOPPING adds advanceBy), SessionWindows.ofInactivityGapAndGrace; with
//     no GRACE PERIOD the grace is max(24h - size, 0) (defaultGrace), or 0
//     with EMIT FINAL (RewrittenAnalysis); EMIT FINAL is
//     EmitStrategy.onWindowClose() (see emitfinal.go).
//   - kafka streams TimeWindows.windowsFor: a record at t belongs to every
//     window [start, start+size) with start a multiple of advance and
//     start <= t < start+size.
//   - kafka streams KStreamWindowAggregate: stream time is the largest
//     timestamp seen; a window whose end <= stream time - grace is closed,
//     and a record for a closed window is dropped ("Skipping record for
//     expired window"); the result's timestamp is the largest timestamp in
//     its window.
//   - window store retention: the RETENTION clause, or size + grace,
//     measured on the store's own time, the latest window start put or
//     restored (AbstractRocksDBSegmentedBytesStore), see sweepTime; the
//     processor's stream time starts over after a restart
//     (finishWindowRestore).
//   - each task (a partition of the input, or of the repartition topic)
//     runs its own processor and store partition: observedStreamTime and
//     lastEmitWindowCloseTime are fields of the processor instance
//     (AbstractKStreamTimeWindowAggregateProcessor), and a store
//     partition expires segments on the times written to it
//     (AbstractSegments), so each task has its own windowClock and its
//     own windows (group.task).
//   - query-validation-tests tumbling-windows.json, hopping-windows.json,
//     suppress.json and window-bounds.json show the rows these give.

// maxRecordTime is the latest record time a windowed aggregation takes:
// later record times are dropped as late.
const maxRecordTime = math.MaxInt64 / 4

// noTimestamp is Kafka's ConsumerRecord.NO_TIMESTAMP.
const noTimestamp = -1

// windowClock is the time state of a windowed aggregation's task.
type windowClock struct {
	streamTime int64 // the largest timestamp seen since the task started; -1 before the first
	nextSweep  int64 // store time at which some window expires
	late       int64 // records dropped because their window had closed
	// EMIT FINAL (emitfinal.go)
	storeTime int64 // the latest window start (session end) the store was written; -1 before the first
	lastEmit  int64 // the close time of the last final emit (lastEmitWindowCloseTime); noTimestamp before the first
	nextEmit  int64 // the wall-clock millisecond before which no final emit is tried
}

// newWindowClock is the clock of a task that has seen no record.
func newWindowClock() *windowClock {
	return &windowClock{streamTime: -1, storeTime: -1, lastEmit: noTimestamp}
}

// taskClock is the clock of a task, new at its first use.
func (p *Processor) taskClock(task int32) *windowClock {
	c := p.clocks[task]
	if c == nil {
		c = newWindowClock()
		p.clocks[task] = c
	}
	return c
}

// taskGroupKey starts a group key with the task whose store holds the
// group: each task gets and puts through its own store partition
// (KStreamAggregate, KTableAggregate, KStreamWindowAggregate,
// KStreamSessionWindowAggregate), so a key met in two tasks (a source
// written to partitions its keys do not hash to) has its aggregate, or its
// windows or sessions, in each.
func taskGroupKey(b []byte, task int32) []byte {
	return binary.BigEndian.AppendUint32(b, uint32(task))
}

// WindowKey appends the window start to a group key.
func WindowKey(b []byte, start int64) []byte {
	b = append(b, '\x03')
	return binary.BigEndian.AppendUint64(b, uint64(start))
}

// processWindowed adds a stream row to each of its windows; the caller holds p.mu.
func (p *Processor) processWindowed(r InRow, changelog bool) ([]OutRow, []Change) {
	if p.plan.Agg.Window.Kind == sql.Session {
		return p.processSession(r, changelog)
	}
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	ap := p.plan.Agg
	w := ap.Window
	if r.Tombstone || r.Group == nil && !p.Pass(r.Vals) || !p.groupValues(r.Vals, r.Group) {
		return p.outs, p.changes
	}
	r.Task = p.windowTask(r.Task)
	c := p.taskClock(r.Task)
	if r.TS < 0 || r.TS > maxRecordTime {
		c.late++
		return p.outs, p.changes
	}
	c.streamTime = max(c.streamTime, r.TS)
	closeAt := c.streamTime - w.Grace
	p.keyBuf = appendVals(taskGroupKey(p.keyBuf[:0], r.Task), p.gvals)
	n := len(p.keyBuf)
	// TimeWindows.windowsFor
	for start := max(0, r.TS-w.Size+w.Advance) / w.Advance * w.Advance; start <= r.TS; start += w.Advance {
		end := start + w.Size
		if end <= closeAt {
			c.late++
			continue
		}
		p.keyBuf = WindowKey(p.keyBuf[:n], start)
		g := p.Groups[string(p.keyBuf)]
		if g == nil {
			gk := string(p.keyBuf)
			g = newGroup(gk, slices.Clone(p.gvals), ap.Init())
			g.windowed, g.WindowStart, g.WindowEnd, g.maxTs, g.task = true, start, end, r.TS, r.Task
			p.Groups[gk] = g
			c.nextSweep = min(c.nextSweep, p.expiresAt(g))
		}
		if !p.addAll(g.states, r.Vals) {
			break // the windows before this one were forwarded (KStreamWindowAggregate)
		}
		p.noteNonAgg(g, r.Vals)
		g.maxTs = max(g.maxTs, r.TS)
		c.storeTime = max(c.storeTime, start)
		p.changed = append(p.changed, g)
	}
	for _, g := range p.changed {
		if changelog {
			// a timestamped window store logs the aggregate's time
			p.changes = append(p.changes, Change{Key: g.logKey, group: g, TS: g.maxTs})
		}
		if !w.Final {
			p.emitWindow(g)
		}
	}
	if p.failure != nil {
		return p.outs, nil
	}
	if w.Final {
		p.forwardFinal(c, r.Task, closeAt, changelog)
	}
	p.sweep(c, r.Task)
	return p.outs, p.changes
}

// emitWindow appends a window's current row (or tombstone) to p.outs.
func (p *Processor) emitWindow(g *group) {
	out, ok := p.emitGroup(g.key, g, g.maxTs)
	if !ok {
		return
	}
	out.Windowed, out.WindowStart, out.WindowEnd = true, g.WindowStart, g.WindowEnd
	p.outs = append(p.outs, out)
}

// expiresAt is the time from which the store no longer holds g, on the
// clock sweepTime reads: a time window once its start is retention
// behind, a session once its end is (getActualFrom finds sessions ending
// after the store's time less the retention). The time-ordered stores of EMIT
// FINAL hide a window whose start is before the latest start written less
// the retention (AbstractDualSchemaRocksDBSegmentedBytesStore
// getActualFrom) and drop a session with the segment that holds its end,
// once the segment is wholly before the latest end written less the
// retention (AbstractSegments.cleanupExpiredSegments).
func (p *Processor) expiresAt(g *group) int64 {
	w := p.plan.Agg.Window
	switch {
	case w.Kind == sql.Session && w.Final:
		seg := sessionSegment(w.Retention)
		return (g.WindowEnd/seg+1)*seg + w.Retention
	case w.Kind == sql.Session:
		return g.WindowEnd + w.Retention
	case w.Final:
		return g.WindowStart + w.Retention + 1
	}
	return g.WindowStart + w.Retention
}

// sessionSegment is the segment interval of a session store of the given
// retention (RocksDbTimeOrderedSessionBytesStoreSupplier.segmentIntervalMs).
func sessionSegment(retention int64) int64 { return max(retention/2, 60_000) }

// sweepTime is the time of a task's clock expiry is measured on: the
// store's, the latest window start (session end) written or restored.
// A window store measures retention on its own observedStreamTime
// (AbstractRocksDBSegmentedBytesStore: put and restore move it to the
// key schema's segment timestamp, getActualFrom and get hide what is
// older than it less the retention), not on the processor's stream time,
// which runs up to a window's size (a hop) ahead of it and starts over
// after a restart.
func (p *Processor) sweepTime(c *windowClock) int64 { return c.storeTime }

// sweep forgets the task's windows past retention once its clock c
// reaches their earliest expiry. The changelog learns nothing of it: a
// window store drops the segments past retention (AbstractSegments), and
// a restore sweeps what it read back.
func (p *Processor) sweep(c *windowClock, task int32) {
	w := p.plan.Agg.Window
	now := p.sweepTime(c)
	if now < c.nextSweep {
		return
	}
	next := int64(math.MaxInt64)
	for gk, g := range p.Groups {
		if g.task != task {
			continue
		}
		if p.expiresAt(g) <= now && w.Kind == sql.Session {
			p.dropSession(g, false, false, 0)
			continue
		}
		if p.expiresAt(g) <= now {
			delete(p.Groups, gk)
			p.dropMat(gk)
			continue
		}
		next = min(next, p.expiresAt(g))
	}
	c.nextSweep = next
}

// finishWindowRestore sets each task's clock from the windows restored to
// its store: the store's time is the latest window (session end) they
// were written for, the last final emit the one restored for the task,
// and the next record sweeps. Stream time starts over, as a restarted
// processor's does: observedStreamTime is NO_TIMESTAMP until its first
// record (AbstractKStreamTimeWindowAggregateProcessor,
// KStreamSessionWindowAggregate), so the grace is measured from there.
func (p *Processor) finishWindowRestore() {
	restored := p.clocks
	p.clocks = make(map[int32]*windowClock, len(restored))
	for task, c := range restored {
		p.taskClock(task).lastEmit = c.lastEmit
	}
	for _, g := range p.Groups {
		c := p.taskClock(g.task)
		if p.plan.Agg.Window.Kind == sql.Session {
			c.storeTime = max(c.storeTime, g.WindowEnd)
		} else {
			c.storeTime = max(c.storeTime, g.WindowStart)
		}
	}
	if p.plan.Agg.Window.Kind == sql.Session {
		p.indexSessions()
	}
	for task, c := range p.clocks {
		p.sweep(c, task)
	}
}

// AppendWindowedKey appends the window to a serialised key as Kafka Streams'
// windowed serializers do: TimeWindowedSerializer (WindowKeySchema.toBinary)
// writes the key then the 8-byte big-endian window start;
// SessionWindowedSerializer (SessionKeySchema.toBinary) writes the key, the
// end, then the start.
func AppendWindowedKey(key []byte, kind string, start, end int64) []byte {
	return AppendWindow(slices.Clip(key), kind, start, end)
}

// AppendWindow appends the window part of a windowed key to b, growing b
// in place where it has room (AppendWindowedKey never does).
func AppendWindow(b []byte, kind string, start, end int64) []byte {
	if kind == sql.Session {
		b = binary.BigEndian.AppendUint64(b, uint64(end))
	}
	return binary.BigEndian.AppendUint64(b, uint64(start))
}

// WindowBytes is how many bytes the window adds at the end of a windowed
// key of the kind (AppendWindow): a time window's start, or a session's
// end and start.
func WindowBytes(kind string) int {
	if kind == sql.Session {
		return 16
	}
	return 8
}

// SplitWindowedKey separates a windowed key into the inner key and its
// window, as TimeWindowedDeserializer and SessionWindowedDeserializer read
// them (a time window's end is its start plus the source's WINDOW_SIZE).
func SplitWindowedKey(b []byte, wi *metastore.WindowInfo) (key []byte, start, end int64, err error) {
	n := WindowBytes(wi.Type)
	if len(b) < n {
		return nil, 0, 0, fmt.Errorf("a %s windowed key needs at least %d bytes, got %d", strings.ToLower(wi.Type), n, len(b))
	}
	key = b[:len(b)-n]
	if wi.Type == sql.Session {
		end = int64(binary.BigEndian.Uint64(b[len(b)-16:]))
		start = int64(binary.BigEndian.Uint64(b[len(b)-8:]))
		return key, start, end, nil
	}
	start = int64(binary.BigEndian.Uint64(b[len(b)-8:]))
	return key, start, start + wi.Size, nil
}
