package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"
)

// WeatherStatus is the sky, as the reference's IntEnum; records carry its name.
type WeatherStatus int

// Weather statuses, in the order of the Avro enum's symbols.
const (
	Sunny WeatherStatus = iota
	PartlyCloudy
	Cloudy
	Windy
	Precipitation
)

var weatherNames = [...]string{"sunny", "partly_cloudy", "cloudy", "windy", "precipitation"}

func (s WeatherStatus) String() string {
	if s < 0 || int(s) >= len(weatherNames) {
		return fmt.Sprintf("WeatherStatus(%d)", int(s))
	}
	return weatherNames[s]
}

// ParseWeatherStatus returns the status with the given symbol, e.g. "partly_cloudy".
func ParseWeatherStatus(s string) (WeatherStatus, error) {
	for i, n := range weatherNames {
		if n == s {
			return WeatherStatus(i), nil
		}
	}
	return 0, fmt.Errorf("unknown weather status %q (want one of %v)", s, weatherNames)
}

// Season is the weather model's season of a month.
type Season int

// Seasons.
const (
	Mild Season = iota
	Winter
	Summer
)

// SeasonOf returns the season of a month. Winter is October to March
// (December included, which the reference's off-by-one left out); summer is
// June to August.
func SeasonOf(m time.Month) Season {
	switch m {
	case time.October, time.November, time.December, time.January, time.February, time.March:
		return Winter
	case time.June, time.July, time.August:
		return Summer
	}
	return Mild
}

// weather is the reference's weather model: a random walk of the temperature
// whose steps follow a triangular distribution on [-10, 10] with its mode at
// -1 in winter, +1 in summer and 0 otherwise, and a uniformly random sky.
type weather struct {
	temp   float64
	status WeatherStatus
	rng    *rand.Rand
}

func newWeather(month time.Month, rng *rand.Rand) *weather {
	w := &weather{temp: 70, status: Sunny, rng: rng}
	switch SeasonOf(month) {
	case Winter:
		w.temp = 40
	case Summer:
		w.temp = 85
	}
	return w
}

// update moves the model one hour on.
func (w *weather) update(month time.Month) {
	mode := 0.0
	switch SeasonOf(month) {
	case Winter:
		mode = -1
	case Summer:
		mode = 1
	}
	w.temp += triangular(w.rng.Float64(), -10, 10, mode)
	w.status = WeatherStatus(w.rng.IntN(len(weatherNames)))
}

// triangular maps a uniform u in [0, 1) to the triangular distribution on
// [low, high] with the given mode, as Python's random.triangular does.
func triangular(u, low, high, mode float64) float64 {
	c := (mode - low) / (high - low)
	if u > c {
		return high + (low-high)*math.Sqrt((1-u)*(1-c))
	}
	return low + (high-low)*math.Sqrt(u*c)
}
