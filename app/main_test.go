package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), code
}

type record struct {
	Topic string                     `json:"topic"`
	Key   map[string]int64           `json:"key"`
	Value map[string]json.RawMessage `json:"value"`
}

func TestSimulateDryRunPrintsPlacementThenTickOne(t *testing.T) {
	out, stderr, code := runCLI(t, "simulate", "--dry-run", "--ticks", "1", "--seed", "7", "--start", "2026-11-23T00:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var recs []record
	for i, l := range lines {
		var r record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i+1, err, l)
		}
		recs = append(recs, r)
	}
	kinds := ""
	for _, r := range recs {
		switch {
		case strings.HasPrefix(r.Topic, "org.chicago.cta.station.arrivals."):
			kinds += "A"
		case r.Topic == "org.chicago.cta.station.turnstile.v1":
			kinds += "T"
		case r.Topic == "org.chicago.cta.weather.v1":
			kinds += "W"
		default:
			t.Fatalf("unexpected topic %q", r.Topic)
		}
	}
	if !strings.HasPrefix(kinds, strings.Repeat("A", 30)+"W") {
		t.Fatalf("want 30 placement arrivals then the weather, got %.40s", kinds)
	}
	if n := strings.Count(kinds, "A"); n != 60 {
		t.Errorf("%d arrivals, want 30 placement + 30 in tick 1", n)
	}
	if n := strings.Count(kinds, "T"); n < 94 {
		t.Errorf("%d turnstile entries in tick 1, want at least a few per station", n)
	}
	first := recs[0]
	for _, f := range []string{"station_id", "train_id", "direction", "line", "train_status", "prev_station_id", "prev_direction"} {
		if _, ok := first.Value[f]; !ok {
			t.Errorf("arrival value has no %q field: %v", f, first.Value)
		}
	}
	if string(first.Value["prev_station_id"]) != "null" || first.Key["timestamp"] != 1795392000000 {
		t.Errorf("first placement arrival: %+v", first)
	}
	if _, ok := recs[31].Value["station_name"]; !ok {
		t.Errorf("turnstile value has no station_name: %v", recs[31].Value)
	}
	if strings.Contains(out, "level=") {
		t.Error("logs leaked to stdout")
	}
	again, _, _ := runCLI(t, "simulate", "--dry-run", "--ticks", "1", "--seed", "7", "--start", "2026-11-23T00:00:00Z")
	if again != out {
		t.Error("two runs printed different bytes")
	}
}

func TestSimulateUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"simulate", "--dry-run", "--pace", "warp"}, 2, `pace "warp": want realtime, max or a speed-up`},
		{[]string{"simulate", "--dry-run", "--start", "noon"}, 2, "--start \"noon\" is not an RFC 3339 time"},
		{[]string{"simulate", "--dry-run", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"nosuch"}, 2, `unknown command "nosuch"`},
	} {
		_, stderr, code := runCLI(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}

func TestSimulateScheduleErrorNamesTheField(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte("start: 2026-11-23T00:00:00Z\nstep: 7m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "simulate", "--dry-run", "--schedule", path)
	if code != 1 || !strings.Contains(stderr, "schedule bad.yaml: field step: 7m0s does not divide an hour") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
