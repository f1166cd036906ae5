package operators

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
)

// EMIT FINAL, as Kafka Streams 3.9 runs the ON_WINDOW_CLOSE emit strategy
// ksqlDB asks for (AbstractKStreamTimeWindowAggregateProcessor with
// KStreamWindowAggregate, KStreamSessionWindowAggregate):
//
//   - after each record the aggregation takes (late ones included, not
//     those dropped for a null key or a filter), it tries a final emit,
//     unless the wall clock is before the next emit time; each try moves
//     that to now + the emit interval (the
//     __emit.interval.ms.kstreams.windowed.aggregation__ property, 1000 ms
//     by default), and goes on only if the close time (stream time less
//     grace, for sessions less the gap too) passed the last emit's;
//   - a time window aggregation fetches the windows starting from 0 on the
//     first emit, else from max(0, last close time - size) + 1, up to close
//     time - size (skipping the fetch when both ends fall in the same
//     windows); its time-ordered store shows only the windows starting at
//     or after the latest window start written less the retention, so a
//     window that closed and left it between two emits never goes out;
//   - a session aggregation fetches the sessions ending from max(0, last
//     close time) up to close time - 1;
//   - each window goes out once with its aggregate, in store order (window
//     start then key; session end, key, start), with its timestamp (a time
//     window's largest record time, a session's end) and the headers of
//     the record that triggered the emit; the close time becomes the last
//     emit's, which survives a restart.
//
// Each task runs its own processor (see window.go): the throttle, the
// close time of the last emit and the store fetched are the task's.

// DefaultEmitInterval is Kafka Streams' default for
// __emit.interval.ms.kstreams.windowed.aggregation__, in milliseconds.
const DefaultEmitInterval = 1000

// emitKey is the Key of the change that carries the last final emit's
// close time (Change.EmitClose; Kafka Streams keeps it with the committed
// offsets, as processor metadata).
const emitKey = "e"

// SetEmitInterval sets how many wall-clock milliseconds pass between two
// tries of a final emit (0: every record).
func (p *Processor) SetEmitInterval(ms int64) { p.emitInterval = ms }

// forwardFinal appends to p.outs the windows of a task (its clock c) that
// closed since its last final emit, if the emit interval lets it try;
// closeTime is the record's window close time.
func (p *Processor) forwardFinal(c *windowClock, task int32, closeTime int64, changelog bool) {
	now := time.Now().UnixMilli()
	if now < c.nextEmit {
		return
	}
	c.nextEmit = now + p.emitInterval
	if c.lastEmit != noTimestamp && c.lastEmit >= closeTime {
		return
	}
	w := p.plan.Agg.Window
	var closed []*group
	if w.Kind == sql.Session {
		hi := closeTime - 1
		lo := max(0, c.lastEmit)
		if hi < 0 || hi < lo {
			return
		}
		for _, g := range p.Groups {
			if g.task == task && g.WindowEnd >= lo && g.WindowEnd <= hi {
				closed = append(closed, g)
			}
		}
		slices.SortFunc(closed, func(a, b *group) int {
			return cmp.Or(cmp.Compare(a.WindowEnd, b.WindowEnd), strings.Compare(sessionBase(a), sessionBase(b)), cmp.Compare(a.WindowStart, b.WindowStart))
		})
	} else {
		hi := closeTime - w.Size
		if hi < 0 {
			return
		}
		lo := int64(0)
		if c.lastEmit != noTimestamp {
			lo = max(0, c.lastEmit-w.Size) + 1
			if p.sameWindows(hi, lo-1) {
				return
			}
		}
		lo = max(lo, c.storeTime-w.Retention)
		for _, g := range p.Groups {
			if g.task == task && g.WindowStart >= lo && g.WindowStart <= hi {
				closed = append(closed, g)
			}
		}
		slices.SortFunc(closed, func(a, b *group) int {
			return cmp.Or(cmp.Compare(a.WindowStart, b.WindowStart), strings.Compare(a.key, b.key))
		})
	}
	for _, g := range closed {
		p.emitWindow(g)
	}
	c.lastEmit = closeTime
	if changelog {
		p.changes = append(p.changes, Change{Key: emitKey, closeTime: closeTime})
	}
}

// sameWindows reports whether the times a and b fall in the same windows
// (TimeWindows.windowsFor), as KStreamWindowAggregate.shouldRangeFetch
// compares them.
func (p *Processor) sameWindows(a, b int64) bool {
	w := p.plan.Agg.Window
	first := func(t int64) int64 { return max(0, t-w.Size+w.Advance) / w.Advance * w.Advance }
	last := func(t int64) int64 { return t / w.Advance * w.Advance }
	return first(a) == first(b) && last(a) == last(b)
}
