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

// Normal is a month's climate normal at Chicago O'Hare, in °F: the mean
// daily high, the mean daily low and their mean.
type Normal struct{ High, Mean, Low float64 }

// chicagoNormals are O'Hare's 1981-2010 monthly normals as the Illinois State
// Climatologist publishes them:
// https://stateclimatologist.web.illinois.edu/chicago-ohare-international-airport-climate-normals/
var chicagoNormals = [12]Normal{
	{31.0, 23.8, 16.5}, {35.3, 27.7, 20.1}, {46.6, 37.9, 29.2}, {59.0, 48.9, 38.8},
	{70.0, 59.1, 48.3}, {79.7, 68.9, 58.1}, {84.1, 74.0, 63.9}, {81.9, 72.4, 62.9},
	{74.8, 64.6, 54.3}, {62.3, 52.5, 42.8}, {48.2, 40.3, 32.4}, {34.8, 27.7, 20.7},
}

// ChicagoNormal returns month m's climate normal.
func ChicagoNormal(m time.Month) Normal { return chicagoNormals[m-1] }

// Weather model constants; doc.go explains them.
const (
	belowNormalLow  = 25.0 // °F under the normal low that the model never goes below
	aboveNormalHigh = 20.0 // °F over the normal high that the model never goes above
	anomalyHours    = 36.0 // e-folding time of a departure from the normal, in hours
	anomalySpread   = 8.0  // standard deviation of the departure, °F
	warmestHour     = 15.0 // the daily cycle peaks at 15:00 and bottoms at 03:00
)

// Bounds returns the lowest and highest temperature the weather model reads
// in month m: the normal low minus 25 °F and the normal high plus 20 °F.
func Bounds(m time.Month) (lo, hi float64) {
	n := ChicagoNormal(m)
	return n.Low - belowNormalLow, n.High + aboveNormalHigh
}

// climate is the expected temperature at t: the month's normal mean plus a
// daily cycle of the month's normal range, warmest at 15:00.
func climate(t time.Time) float64 {
	n := ChicagoNormal(t.Month())
	hour := float64(t.Hour()) + float64(t.Minute())/60
	return n.Mean + (n.High-n.Low)/2*math.Cos(2*math.Pi*(hour-warmestHour)/24)
}

// weather is the simulation's weather model: the temperature is Chicago's
// climate at the simulated hour plus a departure that reverts to zero (a
// first-order autoregressive process), kept within the month's bounds; the
// sky is drawn uniformly, as the reference's. doc.go sets it beside the
// reference's random walk.
type weather struct {
	temp    float64
	anomaly float64
	status  WeatherStatus
	rng     *rand.Rand
}

func newWeather(start time.Time, rng *rand.Rand) *weather {
	return &weather{temp: climate(start), status: Sunny, rng: rng}
}

// update moves the model on to the simulated hour now.
func (w *weather) update(now time.Time) {
	keep := math.Exp(-1 / anomalyHours)
	w.anomaly = keep*w.anomaly + anomalySpread*math.Sqrt(1-keep*keep)*w.rng.NormFloat64()
	lo, hi := Bounds(now.Month())
	w.temp = min(max(climate(now)+w.anomaly, lo), hi)
	w.anomaly = w.temp - climate(now)
	w.status = WeatherStatus(w.rng.IntN(len(weatherNames)))
}

// force sets a reading a schedule dictates; the model reverts from it.
func (w *weather) force(now time.Time, temp float64, status WeatherStatus) {
	w.temp, w.status = temp, status
	w.anomaly = temp - climate(now)
}
