package pipeline

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/ctalab/ctalab/app/produce"
	"github.com/ctalab/ctalab/app/sim"
)

// Progress reports a simulation's progress: a log line per simulated hour
// (simulated time, acknowledged events by kind, events/s) and, at max pace
// on a terminal, a progress bar.
type Progress struct {
	log   *slog.Logger
	sched sim.Schedule
	pace  sim.Pace
	out   io.Writer
	begin time.Time
	stats func() produce.Stats
	bar   bool
	drawn bool
}

// NewProgress returns a Progress for sched at pace; out receives the bar
// (nil: no bar). Pass its Tick to sim.WithTickObserver.
func NewProgress(log *slog.Logger, sched sim.Schedule, pace sim.Pace, out io.Writer) *Progress {
	return &Progress{log: log, sched: sched, pace: pace, out: out, begin: time.Now()}
}

// Tick observes one tick.
func (p *Progress) Tick(t sim.TickStats) {
	if t.Tick == 0 {
		p.bar = p.out != nil && p.pace.Interval() == 0 && p.sched.Ticks > 0 && isTerminal(p.out)
		return
	}
	if p.bar {
		p.drawBar(t)
	}
	end := t.Time.Add(p.sched.Step)
	if end.Minute() != 0 && t.Tick != p.sched.Ticks {
		return
	}
	var st produce.Stats
	if p.stats != nil {
		st = p.stats()
	}
	el := time.Since(p.begin).Seconds()
	if p.drawn {
		fmt.Fprint(p.out, "\r\033[K")
	}
	p.log.Info("simulated hour", "until", end.Format("2006-01-02 15:04"), "arrivals", st.Arrivals.Acked, "turnstiles", st.Turnstiles.Acked,
		"weather", st.Weather.Acked, "events_per_s", int(float64(st.Events())/max(el, 1e-3)))
}

func (p *Progress) drawBar(t sim.TickStats) {
	const width = 40
	done := t.Tick * width / p.sched.Ticks
	fmt.Fprintf(p.out, "\r[%s%s] %3d%% %s", strings.Repeat("=", done), strings.Repeat(" ", width-done), t.Tick*100/p.sched.Ticks, t.Time.Format("Mon 15:04"))
	p.drawn = true
}

func (p *Progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.out)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
