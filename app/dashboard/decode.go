package dashboard

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"

	"github.com/ctalab/ctalab/app/schema"
)

// Reasons a record is skipped.
const (
	reasonMalformed   = "malformed"    // cannot be decoded or misses fields
	reasonUnknownLine = "unknown_line" // names a line the dashboard does not show
)

// SkipError marks a record that is skipped for good.
type SkipError struct {
	Reason string
	Err    error
}

func (e *SkipError) Error() string { return e.Reason + ": " + e.Err.Error() }
func (e *SkipError) Unwrap() error { return e.Err }

func malformed(format string, args ...any) error {
	return &SkipError{Reason: reasonMalformed, Err: fmt.Errorf(format, args...)}
}

var errUnknownLine = &SkipError{Reason: reasonUnknownLine, Err: errors.New("line is none of blue, green and red")}

// classifyAvro sorts a decoding error: a registry that cannot be reached or
// fails (5xx, 429) is transient and the record is retried; everything else
// (bad magic byte, unknown schema id, undecodable body) skips the record.
func classifyAvro(err error) error {
	var re *schema.RegistryError
	if errors.As(err, &re) {
		if re.StatusCode >= 500 || re.StatusCode == http.StatusTooManyRequests {
			return err
		}
		return &SkipError{Reason: reasonMalformed, Err: err}
	}
	var ue *url.Error
	var ne net.Error
	if errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &SkipError{Reason: reasonMalformed, Err: err}
}

// decodeAvroRecord decodes a wire-format Avro record into its fields.
func decodeAvroRecord(ctx context.Context, serde *schema.Serde, what string, b []byte) (map[string]any, error) {
	if b == nil {
		return nil, malformed("%s is null", what)
	}
	v, err := serde.Decode(ctx, b)
	if err != nil {
		return nil, classifyAvro(fmt.Errorf("decode %s: %w", what, err))
	}
	rec, ok := v.(map[string]any)
	if !ok {
		return nil, malformed("decode %s: %T, want a record", what, v)
	}
	return rec, nil
}

func field[T any](rec map[string]any, what, name string) (T, error) {
	v, ok := rec[name].(T)
	if !ok {
		var zero T
		return zero, malformed("decode %s: field %q is %T, want %T", what, name, rec[name], zero)
	}
	return v, nil
}

// optional reads a nullable union field: nil, or a one-entry map.
func optional[T any](rec map[string]any, what, name, branch string) (*T, error) {
	switch v := rec[name].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		if x, ok := v[branch].(T); ok && len(v) == 1 {
			return &x, nil
		}
	}
	return nil, malformed("decode %s: field %q is %v, want null or %s", what, name, rec[name], branch)
}

// decodeTimestampKey decodes the Avro {timestamp: long} key the simulation
// writes to arrivals and weather records.
func decodeTimestampKey(ctx context.Context, serde *schema.Serde, b []byte) (int64, error) {
	rec, err := decodeAvroRecord(ctx, serde, "key", b)
	if err != nil {
		return 0, err
	}
	return field[int64](rec, "key", "timestamp")
}

func decodeArrival(ctx context.Context, serde *schema.Serde, key, value []byte) (ArrivalRecord, error) {
	ts, err := decodeTimestampKey(ctx, serde, key)
	if err != nil {
		return ArrivalRecord{}, err
	}
	rec, err := decodeAvroRecord(ctx, serde, "arrival", value)
	if err != nil {
		return ArrivalRecord{}, err
	}
	a := ArrivalRecord{Time: ts}
	var id int32
	if id, err = field[int32](rec, "arrival", "station_id"); err != nil {
		return a, err
	}
	a.StationID = int(id)
	for name, dst := range map[string]*string{"train_id": &a.TrainID, "direction": &a.Direction, "line": &a.Line, "train_status": &a.Status} {
		if *dst, err = field[string](rec, "arrival", name); err != nil {
			return a, err
		}
	}
	if a.Direction != "a" && a.Direction != "b" {
		return a, malformed("decode arrival: direction %q, want a or b", a.Direction)
	}
	if a.TrainID == "" {
		return a, malformed("decode arrival: empty train_id")
	}
	prev, err := optional[int32](rec, "arrival", "prev_station_id", "int")
	if err != nil {
		return a, err
	}
	if prev != nil {
		p := int(*prev)
		a.PrevStationID = &p
	}
	if a.PrevDirection, err = optional[string](rec, "arrival", "prev_direction", "string"); err != nil {
		return a, err
	}
	if lineIndex(a.Line) < 0 {
		return a, errUnknownLine
	}
	return a, nil
}

func decodeWeather(ctx context.Context, serde *schema.Serde, key, value []byte) (WeatherRecord, error) {
	ts, err := decodeTimestampKey(ctx, serde, key)
	if err != nil {
		return WeatherRecord{}, err
	}
	rec, err := decodeAvroRecord(ctx, serde, "weather", value)
	if err != nil {
		return WeatherRecord{}, err
	}
	w := WeatherRecord{Time: ts}
	if w.Temperature, err = field[float32](rec, "weather", "temperature"); err != nil {
		return w, err
	}
	if w.Status, err = field[string](rec, "weather", "status"); err != nil {
		return w, err
	}
	return w, nil
}

// stationJSON is the transformed stations table's value.
type stationJSON struct {
	StationID   *int    `json:"station_id"`
	StationName *string `json:"station_name"`
	Order       *int    `json:"order"`
	Line        *string `json:"line"`
}

// stationKey is the transformed stations table's key.
type stationKey struct {
	Line      *string `json:"line"`
	StationID *int    `json:"station_id"`
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// decodeStation decodes a stations table record. A null value is a
// tombstone: remove is true and the key names the row.
func decodeStation(key, value []byte) (r StationRecord, remove bool, err error) {
	if value == nil {
		var k stationKey
		if err := strictJSON(key, &k); err != nil {
			return r, false, malformed("decode station key: %w", err)
		}
		if k.Line == nil || k.StationID == nil {
			return r, false, malformed("decode station key: line or station_id missing")
		}
		if lineIndex(*k.Line) < 0 {
			return r, false, errUnknownLine
		}
		return StationRecord{Line: *k.Line, StationID: *k.StationID}, true, nil
	}
	var v stationJSON
	if err := strictJSON(value, &v); err != nil {
		return r, false, malformed("decode station: %w", err)
	}
	if v.StationID == nil || v.StationName == nil || v.Order == nil || v.Line == nil {
		return r, false, malformed("decode station: station_id, station_name, order or line missing")
	}
	if lineIndex(*v.Line) < 0 {
		return r, false, errUnknownLine
	}
	return StationRecord{Line: *v.Line, StationID: *v.StationID, Name: *v.StationName, Order: *v.Order}, false, nil
}

// decodeTurnstile decodes a TURNSTILE_SUMMARY record: the key is ksqlDB's
// KAFKA-format INT (4 bytes, big-endian), the value JSON {"COUNT": n}, and a
// null value a tombstone (count nil).
func decodeTurnstile(key, value []byte) (stationID int, count *int64, err error) {
	if len(key) != 4 {
		return 0, nil, malformed("decode turnstile key: %d bytes, want a 4-byte INT", len(key))
	}
	stationID = int(int32(binary.BigEndian.Uint32(key)))
	if value == nil {
		return stationID, nil, nil
	}
	if n, ok := canonicalCount(value); ok {
		return stationID, &n, nil
	}
	n, err := countJSON(value)
	if err != nil {
		return 0, nil, err
	}
	return stationID, n, nil
}

// countJSON decodes a TURNSTILE_SUMMARY value through encoding/json: the
// general path, and the reference canonicalCount must agree with.
func countJSON(value []byte) (*int64, error) {
	var v struct {
		Count *int64 `json:"COUNT"`
	}
	if err := strictJSON(value, &v); err != nil {
		return nil, malformed("decode turnstile summary: %w", err)
	}
	if v.Count == nil {
		return nil, malformed("decode turnstile summary: COUNT missing")
	}
	return v.Count, nil
}

// canonicalCount decodes the value exactly as ksqlDB writes it,
// {"COUNT":n} with n a JSON integer that fits an int64, without
// encoding/json. Anything else reports false and takes the general path.
func canonicalCount(b []byte) (int64, bool) {
	const prefix, suffix = `{"COUNT":`, `}`
	if len(b) < len(prefix)+1+len(suffix) || string(b[:len(prefix)]) != prefix || b[len(b)-1] != '}' {
		return 0, false
	}
	digits := b[len(prefix) : len(b)-1]
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	// a JSON integer: 0, or no leading zero; at most 18 digits cannot overflow
	if len(digits) == 0 || len(digits) > 18 || (digits[0] == '0' && len(digits) > 1) {
		return 0, false
	}
	var n int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}
