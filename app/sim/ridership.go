package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/ctalab/ctalab/fixtures"
)

// DayType selects the ridership column of a day.
type DayType int

// Day types.
const (
	Weekday DayType = iota
	Saturday
	Sunday // Sundays and holidays share a column in the seed data
)

func (d DayType) String() string {
	return [...]string{"weekday", "saturday", "sunday"}[d]
}

// DayTypeOf returns the ridership day type of t (in t's location).
func DayTypeOf(t time.Time) DayType {
	switch t.Weekday() {
	case time.Saturday:
		return Saturday
	case time.Sunday:
		return Sunday
	}
	return Weekday
}

// Noise bounds of the entries per step: a uniform integer in
// [NoiseMin, NoiseMax]. The reference drew from range(-5, 5), i.e. [-5, 4],
// whose mean of -0.5 per step took about 13,500 riders off a weekday; the
// symmetric range keeps a day's expected total at the stations' averages.
const (
	NoiseMin = -5
	NoiseMax = 5
)

// Ridership is the turnstile model: for each station, its average rides per
// day type, and the share of a day's riders entering in each hour.
type Ridership struct {
	curve [24]float64
	rides map[int][3]int // station_id -> rounded rides per DayType
}

// NewRidership builds the model from the seed and curve fixture rows.
func NewRidership(curve []fixtures.RidershipRatio, seed []fixtures.Ridership) (*Ridership, error) {
	r := &Ridership{rides: make(map[int][3]int, len(seed))}
	have := [24]bool{}
	for _, c := range curve {
		if c.Hour < 24 {
			r.curve[c.Hour], have[c.Hour] = c.Ratio, true
		}
	}
	for h, ok := range have {
		if !ok {
			return nil, fmt.Errorf("ridership curve: hour %d missing", h)
		}
	}
	for _, s := range seed {
		// The reference rounds with Python's round(): half to even.
		r.rides[s.StationID] = [3]int{
			int(math.RoundToEven(s.Weekday)),
			int(math.RoundToEven(s.Saturday)),
			int(math.RoundToEven(s.SundayHoliday)),
		}
	}
	return r, nil
}

// HourRatio returns the share of a day's riders entering during hour h.
func (r *Ridership) HourRatio(h int) float64 { return r.curve[h] }

// DailyShare is the sum of the 24 hourly ratios: the fraction of a station's
// average rides that a simulated day produces on average (0.99 for the CTA
// curve).
func (r *Ridership) DailyShare() float64 {
	s := 0.0
	for _, v := range r.curve {
		s += v
	}
	return s
}

// Rides returns a station's rounded average rides for a day type.
func (r *Ridership) Rides(stationID int, d DayType) (int, bool) {
	v, ok := r.rides[stationID]
	return v[d], ok
}

// turnstile is one station's counter: it carries what whole, non-negative
// steps cannot express (a fraction of a rider, or noise below zero), so that
// rounding and clamping neither lose nor add riders over a day.
type turnstile struct {
	rides [3]int
	scale float64 // Schedule.RidershipScale, 1 when unset
	carry float64
	rng   *rand.Rand
}

func (r *Ridership) turnstile(stationID int, scale float64, rng *rand.Rand) (*turnstile, error) {
	v, ok := r.rides[stationID]
	if !ok {
		return nil, fmt.Errorf("ridership seed has no row for station %d", stationID)
	}
	if scale == 0 {
		scale = 1
	}
	return &turnstile{rides: v, scale: scale, rng: rng}, nil
}

// entries returns the number of riders entering in the step that starts at
// t: the day type's average rides x the hour's ratio x (step / 1 hour), plus
// a uniform integer noise in [NoiseMin, NoiseMax], never below zero. The
// fraction of a rider and any deficit below zero carry over to the next step.
func (ts *turnstile) entries(r *Ridership, t time.Time, step time.Duration) int {
	expected := float64(ts.rides[DayTypeOf(t)])*ts.scale*r.curve[t.Hour()]*step.Hours() + ts.carry
	whole := math.Floor(expected)
	ts.carry = expected - whole
	n := int(whole) + NoiseMin + ts.rng.IntN(NoiseMax-NoiseMin+1)
	if n < 0 {
		// Riders cannot leave through a turnstile: the deficit is owed by the
		// next steps, so that the clamp does not inflate quiet hours.
		ts.carry += float64(n)
		n = 0
	}
	return n
}
