package sim

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestZZProbe(t *testing.T) {
	data, _ := LoadData()
	dir := os.Getenv("PROBE_DIR")
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		lines := string(b)
		i := len("go test fuzz v1\n[]byte(")
		s, err := strconv.Unquote(lines[i : len(lines)-2])
		if err != nil {
			t.Logf("%s: %v", f, err)
			continue
		}
		start := time.Now()
		sc, err := ParseSchedule("x", []byte(s))
		pd := time.Since(start)
		if err == nil {
			if sc.Ticks == 0 || sc.Ticks > 3 {
				sc.Ticks = 3
				var kept []Event
				for _, e := range sc.Events {
					if e.AtTick <= 3 {
						kept = append(kept, e)
					}
				}
				sc.Events = kept
			}
			sim, err := New(sc, data)
			if err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				err = sim.Run(ctx, Discard)
				cancel()
			}
		}
		if d := time.Since(start); d > 200*time.Millisecond {
			t.Logf("SLOW %v (parse %v) %q err=%v", d, pd, s, err)
		}
	}
}
