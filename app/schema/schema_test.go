package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ctalab/ctalab/internal/avroguard"
	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr/srfake"
)

func TestSchemasAreTheReferenceRecords(t *testing.T) {
	want := map[*Schema]string{
		ArrivalKey: "arrival.key", ArrivalValue: "arrival.value",
		TurnstileKey: "turnstile.key", TurnstileValue: "turnstile.value",
		WeatherKey: "weather.key", WeatherValue: "weather.value",
	}
	for s, name := range want {
		if !strings.Contains(s.codec.CanonicalSchema(), `"name":"`+name+`"`) {
			t.Errorf("%s: canonical form %s does not name %s", s.Name, s.codec.CanonicalSchema(), name)
		}
	}
	// The first arrival of a train has no previous station: nulls encode.
	_, err := ArrivalValue.codec.BinaryFromNative(nil, map[string]any{
		"station_id": 40890, "train_id": "BL000", "direction": "b", "line": "blue", "train_status": "in_service",
		"prev_station_id": nil, "prev_direction": nil,
	})
	if err != nil {
		t.Errorf("arrival with null prev fields: %v", err)
	}
	// The weather status is an enum: an unknown symbol is refused.
	if _, err := WeatherValue.codec.BinaryFromNative(nil, map[string]any{"temperature": float32(1), "status": "hail"}); err == nil {
		t.Error("weather status hail was accepted")
	}
}

func TestWireFormatRoundTrip(t *testing.T) {
	native := map[string]any{"station_id": 40380, "station_name": "Clark/Lake", "line": "green"}
	b, err := AppendEncoded(nil, 42, TurnstileValue.codec, native)
	if err != nil {
		t.Fatal(err)
	}
	if b[0] != 0 || b[1] != 0 || b[2] != 0 || b[3] != 0 || b[4] != 42 {
		t.Fatalf("header % x", b[:5])
	}
	id, body, err := SplitWire(b)
	if err != nil || id != 42 {
		t.Fatalf("SplitWire: %d %v", id, err)
	}
	v, err := DecodeBody(TurnstileValue.codec, body)
	if err != nil || v.(map[string]any)["station_name"] != "Clark/Lake" {
		t.Fatalf("decode: %v %v", v, err)
	}
	for _, bad := range [][]byte{nil, {0, 0, 0}, {1, 0, 0, 0, 42, 2}} {
		if _, _, err := SplitWire(bad); !errors.Is(err, ErrNotWireFormat) {
			t.Errorf("SplitWire(% x): %v, want ErrNotWireFormat", bad, err)
		}
	}
	if _, err := DecodeBody(TurnstileValue.codec, append(body, 7)); err == nil {
		t.Error("trailing bytes were accepted")
	}
}

func TestRegistryRegistersOnceAndDecodesByID(t *testing.T) {
	fake := srfake.New()
	defer fake.Close()
	var calls atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		r2, _ := http.NewRequestWithContext(r.Context(), r.Method, fake.URL()+r.URL.Path, r.Body)
		r2.Header = r.Header
		resp, err := http.DefaultClient.Do(r2)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		b, _ := io.ReadAll(resp.Body)
		_, _ = w.Write(b)
	}))
	defer proxy.Close()
	reg, err := NewRegistry(proxy.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	enc, err := NewSerde(reg).Encoder(ctx, "org.chicago.cta.station.turnstile.v1", false, TurnstileValue)
	if err != nil {
		t.Fatal(err)
	}
	id2, err := reg.Register(ctx, "org.chicago.cta.station.turnstile.v1-value", TurnstileValue)
	if err != nil || calls.Load() != 1 {
		t.Fatalf("second register: id %d err %v after %d calls, want 1 call", id2, err, calls.Load())
	}
	b, err := enc(nil, map[string]any{"station_id": 1, "station_name": "x", "line": "red"})
	if err != nil {
		t.Fatal(err)
	}
	// A fresh client learns the writer's schema from the registry by id.
	other, _ := NewRegistry(proxy.URL, nil)
	v, err := NewSerde(other).Decode(ctx, b)
	if err != nil || v.(map[string]any)["line"] != "red" {
		t.Fatalf("decode: %v %v", v, err)
	}
	if _, err := NewSerde(other).Decode(ctx, []byte{0, 0, 0, 0x30, 0x39, 2}); !IsNotFound(err) {
		t.Errorf("unknown id 12345: %v, want not found", err)
	}
	if _, err := NewRegistry("localhost:8081", nil); err == nil {
		t.Error("a URL without scheme was accepted")
	}
}

// The dashboard decodes records with their writer's schema, whatever a
// client registered: a body whose array claims 2^31-1 items is refused
// before goavro allocates them (which would end the process).
func TestDecodeBodyRefusesAnArrayClaimingMoreItemsThanItHolds(t *testing.T) {
	c, err := goavro.NewCodec(`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"int"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeBody(c, append(binary.AppendVarint(nil, 1<<31-1), 0)); !errors.Is(err, avroguard.ErrRefused) {
		t.Errorf("decode: %v, want refused", err)
	}
}
