package sim

import "time"

// Arrival is a train arriving at a station: one record on the station's
// arrivals topic. PrevStationID and PrevDirection are nil for a train's
// first report (initial placement) and for the status reports of a stopped
// train.
type Arrival struct {
	Time          time.Time
	StationID     int
	StationName   string
	Line          Color
	TrainID       string
	Direction     Direction
	TrainStatus   TrainStatus
	PrevStationID *int
	PrevDirection *Direction
}

// TurnstileEntry is one rider entering a station: one record on the
// turnstile topic.
type TurnstileEntry struct {
	Time        time.Time
	StationID   int
	StationName string
	Line        Color
}

// WeatherReport is the hourly weather: one record on the weather topic.
type WeatherReport struct {
	Time        time.Time
	Temperature float32 // degrees Fahrenheit
	Status      WeatherStatus
}

// Sink receives the simulation's events in order. The simulation stops at the
// first error a sink returns. Implementations must not retain the pointers in
// an Arrival after the call returns.
type Sink interface {
	Arrival(Arrival) error
	Turnstile(TurnstileEntry) error
	Weather(WeatherReport) error
}

// Flusher is an optional interface of a Sink: the simulation calls Flush
// after the initial placement and after every tick, so that a sink that
// buffers events hands each tick's events on as the tick ends.
type Flusher interface {
	Flush() error
}

// Discard is a Sink that drops every event.
var Discard Sink = discard{}

type discard struct{}

func (discard) Arrival(Arrival) error          { return nil }
func (discard) Turnstile(TurnstileEntry) error { return nil }
func (discard) Weather(WeatherReport) error    { return nil }
