package main

import (
	"encoding/json"
	"io"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// jsonSink writes each simulation event as one JSON object per line: the
// topic it would be produced to, its key and its value, with the field names
// of the Avro schemas.
type jsonSink struct {
	enc *json.Encoder
}

func newJSONSink(w io.Writer) *jsonSink { return &jsonSink{enc: json.NewEncoder(w)} }

type timestampKey struct {
	Timestamp int64 `json:"timestamp"`
}

type jsonRecord[V any] struct {
	Topic string       `json:"topic"`
	Key   timestampKey `json:"key"`
	Value V            `json:"value"`
}

type arrivalValue struct {
	StationID     int     `json:"station_id"`
	TrainID       string  `json:"train_id"`
	Direction     string  `json:"direction"`
	Line          string  `json:"line"`
	TrainStatus   string  `json:"train_status"`
	PrevStationID *int    `json:"prev_station_id"`
	PrevDirection *string `json:"prev_direction"`
}

type turnstileValue struct {
	StationID   int    `json:"station_id"`
	StationName string `json:"station_name"`
	Line        string `json:"line"`
}

type weatherValue struct {
	Temperature float32 `json:"temperature"`
	Status      string  `json:"status"`
}

func (s *jsonSink) Arrival(a sim.Arrival) error {
	v := arrivalValue{
		StationID: a.StationID, TrainID: a.TrainID, Direction: a.Direction.String(), Line: a.Line.String(),
		TrainStatus: a.TrainStatus.String(), PrevStationID: a.PrevStationID,
	}
	if a.PrevDirection != nil {
		d := a.PrevDirection.String()
		v.PrevDirection = &d
	}
	return s.enc.Encode(jsonRecord[arrivalValue]{topic.Arrivals(a.StationName), timestampKey{a.Time.UnixMilli()}, v})
}

func (s *jsonSink) Turnstile(e sim.TurnstileEntry) error {
	return s.enc.Encode(jsonRecord[turnstileValue]{topic.Turnstile, timestampKey{e.Time.UnixMilli()}, turnstileValue{e.StationID, e.StationName, e.Line.String()}})
}

func (s *jsonSink) Weather(w sim.WeatherReport) error {
	return s.enc.Encode(jsonRecord[weatherValue]{topic.Weather, timestampKey{w.Time.UnixMilli()}, weatherValue{w.Temperature, w.Status.String()}})
}
