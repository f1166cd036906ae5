package dashboard

import (
	"context"
	"errors"
	"testing"

	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/transform"
)

// FuzzDecodeRecords feeds arbitrary keys and values to the decoders of the
// arrivals, weather and stations inputs (TURNSTILE_SUMMARY has
// FuzzDecodeTurnstile). With the registry up, every record is either
// decoded or skipped as malformed: never a panic, and never an error the
// consumer would retry forever as if the registry had failed.
func FuzzDecodeRecords(f *testing.F) {
	reg := srfake.New()
	f.Cleanup(reg.Close)
	s := newStackOn(f, nil, reg.URL())
	arrival := s.arrivalMsg("Austin", 1000, "blue", 40010, "BL001", "a", "in_service", ptr(40020), ptr("a"))
	weather := s.weatherMsg(1000, 71.5, "windy")
	station := s.stationMsg(transform.Key{Line: "blue", StationID: 40010}, transform.TransformedStation{StationID: 40010, StationName: "Austin", Order: 29, Line: "blue"})
	for i, m := range [][2][]byte{{arrival.Key, arrival.Value}, {weather.Key, weather.Value}, {station.Key, station.Value}} {
		which := uint8(i)
		f.Add(which, m[0], m[1])
		f.Add(which, m[0], m[1][:len(m[1])-2])                     // truncated
		f.Add(which, m[0], append([]byte{1}, m[1][1:]...))         // bad magic byte
		f.Add(which, m[0], append([]byte{0, 0, 0, 0, 99}, 2, 'x')) // unknown schema id
		f.Add(which, []byte(nil), m[1])                            // no key
		f.Add(which, m[0], []byte(nil))                            // tombstone
	}
	r, err := schema.NewRegistry(reg.URL(), nil)
	if err != nil {
		f.Fatal(err)
	}
	serde := schema.NewSerde(r)
	// The seeds start from records the dashboard does decode.
	ctx := context.Background()
	if _, err := decodeArrival(ctx, serde, arrival.Key, arrival.Value); err != nil {
		f.Fatalf("arrival seed: %v", err)
	}
	if _, err := decodeWeather(ctx, serde, weather.Key, weather.Value); err != nil {
		f.Fatalf("weather seed: %v", err)
	}
	if _, _, err := decodeStation(station.Key, station.Value); err != nil {
		f.Fatalf("station seed: %v", err)
	}
	f.Fuzz(func(t *testing.T, which uint8, key, value []byte) {
		var err error
		switch which % 3 {
		case 0:
			_, err = decodeArrival(ctx, serde, key, value)
		case 1:
			_, err = decodeWeather(ctx, serde, key, value)
		case 2:
			_, _, err = decodeStation(key, value)
		}
		var skip *SkipError
		if err != nil && !errors.As(err, &skip) {
			t.Fatalf("input %d, key %x, value %x: %v is neither a decoded record nor a skip", which%3, key, value, err)
		}
	})
}
