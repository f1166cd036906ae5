package sim

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// RealtimeTick is the wall-clock time per tick at realtime pace, as the
// reference: 5 seconds per 5 simulated minutes.
const RealtimeTick = 5 * time.Second

// Pace is how fast ticks follow each other on the wall clock; it never
// changes what is simulated. The zero value is "max": no waiting.
type Pace struct {
	factor float64 // 0 = as fast as possible
}

// Realtime is the reference's pace: RealtimeTick per tick.
var Realtime = Pace{factor: 1}

// Max runs ticks back to back.
var Max = Pace{}

// Times returns a pace n times faster than Realtime.
func Times(n float64) Pace { return Pace{factor: n} }

// ParsePace parses "realtime", "max" or "<N>x" (e.g. "10x", "0.5x").
func ParsePace(s string) (Pace, error) {
	switch s {
	case "realtime":
		return Realtime, nil
	case "max":
		return Max, nil
	}
	if n, ok := strings.CutSuffix(s, "x"); ok {
		f, err := strconv.ParseFloat(n, 64)
		if err == nil && f > 0 {
			return Times(f), nil
		}
	}
	return Pace{}, fmt.Errorf("pace %q: want realtime, max or a speed-up such as 10x", s)
}

func (p Pace) String() string {
	switch p.factor {
	case 0:
		return "max"
	case 1:
		return "realtime"
	}
	return strconv.FormatFloat(p.factor, 'g', -1, 64) + "x"
}

// Interval is the wall-clock time per tick; 0 at max pace.
func (p Pace) Interval() time.Duration {
	if p.factor == 0 {
		return 0
	}
	return time.Duration(float64(RealtimeTick) / p.factor)
}

// pacer waits until tick n's wall-clock deadline, measured from the first
// tick, so that pacing does not drift with the time spent producing.
type pacer struct {
	interval time.Duration
	origin   time.Time
}

func (p *pacer) wait(ctx context.Context, n int) error {
	if p.interval == 0 {
		return ctx.Err()
	}
	if p.origin.IsZero() {
		p.origin = time.Now()
	}
	d := time.Until(p.origin.Add(time.Duration(n-1) * p.interval))
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
