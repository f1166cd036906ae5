package ksqldb

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"

	"github.com/ctalab/ctalab/lab/ksqldb/expr"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// Windowed aggregation, as ksqlDB 0.29 runs it on Kafka Streams:
//
//   - ksqldb-streams StreamAggregateBuilder: TimeWindows.ofSizeAndGrace
//     (HOPPING adds advanceBy), SessionWindows.ofInactivityGapAndGrace; with
//     no GRACE PERIOD the grace is max(24h - size, 0) (defaultGrace); EMIT
//     FINAL is EmitStrategy.onWindowClose().
//   - kafka streams TimeWindows.windowsFor: a record at t belongs to every
//     window [start, start+size) with start a multiple of advance and
//     start <= t < start+size.
//   - kafka streams KStreamWindowAggregate: stream time is the largest
//     timestamp seen; a window whose end <= stream time - grace is closed,
//     and a record for a closed window is dropped ("Skipping record for
//     expired window"); the result's timestamp is the largest timestamp in
//     its window. On window close (EMIT FINAL) each window is forwarded once
//     with its final value.
//   - window store retention: the RETENTION clause, or size + grace.
//   - query-validation-tests tumbling-windows.json, hopping-windows.json,
//     suppress.json and window-bounds.json show the rows these give.

// maxRecordTime is the latest record time a windowed aggregation takes:
// later record times are dropped as late.
const maxRecordTime = math.MaxInt64 / 4

// windowClock is the time state of a windowed aggregation.
type windowClock struct {
	streamTime int64 // the largest timestamp seen; -1 before the first
	nextSweep  int64 // stream time at which some window closes or expires
	late       int64 // records dropped because their window had closed
}

// windowKey appends the window start to a group key.
func windowKey(b []byte, start int64) []byte {
	b = append(b, '\x03')
	return binary.BigEndian.AppendUint64(b, uint64(start))
}

// processWindowed adds a stream row to each of its windows; the caller holds p.mu.
func (p *processor) processWindowed(r inRow, changelog bool) ([]outRow, []change) {
	if p.plan.Agg.Window.Kind == sql.Session {
		return p.processSession(r, changelog)
	}
	p.outs, p.changes, p.changed = p.outs[:0], p.changes[:0], p.changed[:0]
	ap := p.plan.Agg
	w := ap.Window
	if r.tombstone || !p.pass(r.vals) {
		return p.outs, p.changes
	}
	p.gvals = p.gvals[:0]
	for _, g := range ap.GroupEval {
		v := g.Eval(r.vals)
		if v == nil {
			p.skipped++
			return p.outs, p.changes
		}
		p.gvals = append(p.gvals, v)
	}
	if r.ts < 0 || r.ts > maxRecordTime {
		p.clock.late++
		return p.outs, p.changes
	}
	p.clock.streamTime = max(p.clock.streamTime, r.ts)
	closeAt := p.clock.streamTime - w.Grace
	p.keyBuf = appendVals(p.keyBuf[:0], p.gvals)
	n := len(p.keyBuf)
	// TimeWindows.windowsFor
	for start := max(0, r.ts-w.Size+w.Advance) / w.Advance * w.Advance; start <= r.ts; start += w.Advance {
		end := start + w.Size
		if end <= closeAt {
			p.clock.late++
			continue
		}
		p.keyBuf = windowKey(p.keyBuf[:n], start)
		g := p.groups[string(p.keyBuf)]
		if g == nil {
			gk := string(p.keyBuf)
			g = newGroup(gk, slices.Clone(p.gvals), make([]expr.AggState, len(ap.Calls)))
			g.windowed, g.wstart, g.wend, g.maxTs = true, start, end, r.ts
			p.groups[gk] = g
			p.clock.nextSweep = min(p.clock.nextSweep, p.deadline(g))
		}
		for i, c := range ap.Calls {
			c.Add(&g.states[i], r.vals, 1)
		}
		g.maxTs = max(g.maxTs, r.ts)
		p.changed = append(p.changed, g)
	}
	for _, g := range p.changed {
		if changelog {
			p.changes = append(p.changes, change{key: g.logKey, group: g})
		}
		if !w.Final {
			p.emitWindow(g)
		}
	}
	p.sweep(changelog)
	return p.outs, p.changes
}

// emitWindow appends a window's current row (or tombstone) to p.outs.
func (p *processor) emitWindow(g *group) {
	out, ok := p.emitGroup(g.key, g, g.maxTs)
	if !ok {
		return
	}
	out.windowed, out.wstart, out.wend = true, g.wstart, g.wend
	p.outs = append(p.outs, out)
}

// deadline is the stream time at which something next happens to g: its
// final row (EMIT FINAL) or its expiry from the store.
func (p *processor) deadline(g *group) int64 {
	if p.plan.Agg.Window.Final && !g.emitted {
		return p.closesAt(g)
	}
	return p.expiresAt(g)
}

// closesAt is the stream time from which g is closed: a time window when
// its end <= stream time - grace (KStreamWindowAggregate), a session when
// its end < stream time - grace - gap (KStreamSessionWindowAggregate).
func (p *processor) closesAt(g *group) int64 {
	w := p.plan.Agg.Window
	if w.Kind == sql.Session {
		return g.wend + w.Grace + w.Size + 1
	}
	return g.wend + w.Grace
}

// expiresAt is the stream time from which the store no longer holds g: a
// time window once its start is retention behind, a session once its end is.
func (p *processor) expiresAt(g *group) int64 {
	w := p.plan.Agg.Window
	if w.Kind == sql.Session {
		return g.wend + w.Retention + 1
	}
	return g.wstart + w.Retention
}

// sweep emits the windows that closed (EMIT FINAL) and forgets those past
// retention, once stream time reaches the earliest deadline.
func (p *processor) sweep(changelog bool) {
	w := p.plan.Agg.Window
	now := p.clock.streamTime
	if now < p.clock.nextSweep {
		return
	}
	var closed []*group
	if w.Final {
		for _, g := range p.groups {
			if !g.emitted && p.closesAt(g) <= now {
				closed = append(closed, g)
			}
		}
		// the window store is read in window-start order, then by key
		slices.SortFunc(closed, func(a, b *group) int {
			if a.wstart != b.wstart {
				return compareInt64(a.wstart, b.wstart)
			}
			return strings.Compare(a.key, b.key)
		})
		for _, g := range closed {
			g.emitted = true
			p.emitWindow(g)
			if changelog {
				p.changes = append(p.changes, change{key: g.logKey, group: g})
			}
		}
	}
	next := int64(math.MaxInt64)
	for gk, g := range p.groups {
		if p.expiresAt(g) <= now && w.Kind == sql.Session {
			p.dropSession(g, changelog, false)
			continue
		}
		if p.expiresAt(g) <= now {
			delete(p.groups, gk)
			p.dropMat(gk)
			if changelog {
				p.changes = append(p.changes, change{key: g.logKey, del: true})
			}
			continue
		}
		next = min(next, p.deadline(g))
	}
	p.clock.nextSweep = next
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// finishWindowRestore sets the clock from restored windows: stream time is
// the latest timestamp they hold, and the next record sweeps.
func (p *processor) finishWindowRestore() {
	p.clock = windowClock{streamTime: -1}
	for _, g := range p.groups {
		p.clock.streamTime = max(p.clock.streamTime, g.maxTs)
	}
	if p.plan.Agg.Window.Kind == sql.Session {
		p.indexSessions()
	}
}

// appendWindowedKey appends the window to a serialised key as Kafka Streams'
// windowed serializers do: TimeWindowedSerializer (WindowKeySchema.toBinary)
// writes the key then the 8-byte big-endian window start;
// SessionWindowedSerializer (SessionKeySchema.toBinary) writes the key, the
// end, then the start.
func appendWindowedKey(key []byte, kind string, start, end int64) []byte {
	key = slices.Clip(key)
	if kind == sql.Session {
		key = binary.BigEndian.AppendUint64(key, uint64(end))
	}
	return binary.BigEndian.AppendUint64(key, uint64(start))
}

// windowInfoOf is the window of the keys a windowed aggregation writes.
func windowInfoOf(w *expr.WindowSpec) *metastore.WindowInfo {
	wi := &metastore.WindowInfo{Type: w.Kind}
	if w.Kind != sql.Session {
		wi.Size = w.Size
	}
	return wi
}

// windowProp reads WINDOW_TYPE or WINDOW_SIZE of a CREATE over a windowed
// topic (CreateSourceProperties.getWindowType, getWindowSize; WindowType.of;
// DurationParser.parse; query-validation-tests hopping-windows.json
// "import table with invalid window size").
func (w *withProps) windowProp(name string, lit *sql.Literal) error {
	if lit == nil || lit.Kind != sql.StringLit {
		return stmterr.Bad("Invalid value %s for property %s", formatLit(lit), name)
	}
	text := lit.Text
	if name == "WINDOW_TYPE" {
		t := strings.ToUpper(text)
		if t != sql.Session && t != sql.Hopping && t != sql.Tumbling {
			return stmterr.Bad("Error in WITH clause property 'WINDOW_TYPE': Unknown window type: '%s' \nValid values are: SESSION, HOPPING, TUMBLING", text)
		}
		w.windowType = t
		return nil
	}
	ms, err := parseDuration(text)
	if err != nil {
		return stmterr.Bad("Configuration WINDOW_SIZE is invalid: Invalid duration: '%s'. %s", text, err.msg)
	}
	w.windowSize = &ms
	return nil
}

func formatLit(lit *sql.Literal) string {
	if lit == nil {
		return "?"
	}
	return sql.Format(lit)
}

// durationError is why DurationParser refused a text.
type durationError struct{ msg string }

// parseDuration reads "<long> <TimeUnit>" (singular or plural) into
// milliseconds, as DurationParser.parse does.
func parseDuration(text string) (int64, *durationError) {
	parts := strings.Split(text, " ")
	if len(parts) != 2 {
		return 0, &durationError{fmt.Sprintf("Expected 2 tokens, got: %d", len(parts))}
	}
	n, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, &durationError{fmt.Sprintf("Not numeric: '%s'", parts[0])}
	}
	unit := strings.ToUpper(parts[1])
	if !strings.HasSuffix(unit, "S") {
		unit += "S"
	}
	var ms int64
	switch unit {
	case "NANOSECONDS":
		ms = n / 1e6
	case "MICROSECONDS":
		ms = n / 1e3
	case "MILLISECONDS":
		ms = n
	default:
		per := (sql.WindowTime{Value: 1, Unit: unit}).Millis()
		if per == 0 {
			return 0, &durationError{fmt.Sprintf("Unknown time unit: '%s'\nSupported time units are: NANOSECONDS, MICROSECONDS, MILLISECONDS, SECONDS, MINUTES, HOURS, DAYS", strings.ToUpper(parts[1]))}
		}
		ms = n * per
	}
	return ms, nil
}

// checkWindow validates WINDOW_TYPE with WINDOW_SIZE
// (CreateSourceProperties.validateWindowInfo).
func (w *withProps) checkWindow() error {
	switch {
	case w.windowType == "" && w.windowSize != nil:
		return nil // ignored without a window type, as ksqlDB does
	case w.windowType != "" && w.windowType != sql.Session && w.windowSize == nil:
		return stmterr.Bad("%s windows require 'WINDOW_SIZE' to be provided in the WITH clause. For example: 'WINDOW_SIZE'='10 SECONDS'", w.windowType)
	case w.windowType == sql.Session && w.windowSize != nil:
		return stmterr.Bad("'WINDOW_SIZE' should not be set for SESSION windows.")
	}
	return nil
}

// window is the source's key window, nil when WINDOW_TYPE is not given.
func (w *withProps) window() *metastore.WindowInfo {
	if w.windowType == "" {
		return nil
	}
	wi := &metastore.WindowInfo{Type: w.windowType}
	if w.windowSize != nil {
		wi.Size = *w.windowSize
	}
	return wi
}

// splitWindowedKey separates a windowed key into the inner key and its
// window, as TimeWindowedDeserializer and SessionWindowedDeserializer read
// them (a time window's end is its start plus the source's WINDOW_SIZE).
func splitWindowedKey(b []byte, wi *metastore.WindowInfo) (key []byte, start, end int64, err error) {
	n := 8
	if wi.Type == sql.Session {
		n = 16
	}
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

// timestampColumnName reads the TIMESTAMP property's column reference:
// upper-cased unless back-quoted (ColumnReferenceParser).
func timestampColumnName(s string) string {
	if len(s) >= 2 && s[0] == '`' && s[len(s)-1] == '`' {
		return s[1 : len(s)-1]
	}
	return strings.ToUpper(s)
}
