package dashboard

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/testtools"
)

// simSink collects a simulation's events as the pipeline would deliver
// them: arrivals and weather as records, turnstile entries summed per
// station as ksqlDB's TURNSTILE_SUMMARY holds them.
type simSink struct {
	s      *stack
	msgs   []kafka.Message
	counts map[int]int64
}

func (k *simSink) Arrival(a sim.Arrival) error {
	var prevDir *string
	if a.PrevDirection != nil {
		d := a.PrevDirection.String()
		prevDir = &d
	}
	var prevID *int
	if a.PrevStationID != nil {
		id := *a.PrevStationID
		prevID = &id
	}
	k.msgs = append(k.msgs, k.s.arrivalMsg(a.StationName, a.Time.UnixMilli(), a.Line.String(), a.StationID, a.TrainID, a.Direction.String(), a.TrainStatus.String(), prevID, prevDir))
	return nil
}

func (k *simSink) Turnstile(e sim.TurnstileEntry) error { k.counts[e.StationID]++; return nil }

func (k *simSink) Weather(w sim.WeatherReport) error {
	k.s.weather(w.Time.UnixMilli(), w.Temperature, w.Status.String())
	return nil
}

// simulate runs an hour of the morning rush with a breakdown and a train out
// of service, and writes what the pipeline would have written.
func (s *stack) simulate(t *testing.T) {
	t.Helper()
	data, err := sim.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	sched := sim.Schedule{Name: "browser", Start: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), Step: sim.DefaultStep, Ticks: 12, Seed: 7,
		Events: []sim.Event{
			{Kind: sim.EventBreakdown, AtTick: 4, Train: "BL003", ForTicks: 30},
			{Kind: sim.EventOutOfService, AtTick: 6, Train: "RL005", ForTicks: 30},
			{Kind: sim.EventWeather, AtTick: 1, Temperature: 47.6, Status: sim.WeatherStatus(1)},
		}}
	sm, err := sim.New(sched, data)
	if err != nil {
		t.Fatal(err)
	}
	sink := &simSink{s: s, counts: map[int]int64{}}
	if err := sm.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	s.write(sink.msgs...)
	for id, n := range sink.counts {
		s.turnstile(id, n)
	}
}

func TestBrowserShowsLiveStatus(t *testing.T) {
	exe := testtools.Chromium(t)
	s := newStack(t)
	s.stationsTable()
	s.simulate(t)
	d := s.start(t)
	d.waitReady()
	st := d.status()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, testtools.Headless(t, exe, 1440, 900)...)
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()

	// Collect what the page reports as errors (a CSP violation, a script
	// exception) while the spec runs.
	var mu sync.Mutex
	var pageErrors []string
	cctx, stopConsole := context.WithCancel(bctx)
	messages := chromedp.Console(cctx)
	consoleDone := make(chan struct{})
	go func() {
		defer close(consoleDone)
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				mu.Lock()
				pageErrors = append(pageErrors, m.String())
				mu.Unlock()
			}
		}
	}()

	if err := chromedp.Do(bctx,
		chromedp.Navigate(d.url+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#conn[data-state="live"]`)),
	); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(bctx, chromedp.Evaluate[[]string](`window.__loadedOnce = true; Array.from(document.querySelectorAll("tr.row")).map(r => r.dataset.line + ":" + r.dataset.station + ":" + r.querySelector(".station").textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	weather, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#weather`)))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range st.Lines {
		for _, s := range l.Stations {
			want = append(want, fmt.Sprintf("%s:%d:%s", l.Line, s.StationID, s.Name))
		}
	}
	if len(rows) != 94 || strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Fatalf("browser shows %d rows, want the API's 94 in order:\n%v", len(rows), rows)
	}
	if weather != st.Weather.Summary || !st.Weather.Reported {
		t.Errorf("weather %q, want %q", weather, st.Weather.Summary)
	}

	// A train arrives at an empty slot; the cell changes without a reload.
	var target StationStatus
	for _, s := range st.Lines[1].Stations {
		if s.A == nil {
			target = s
			break
		}
	}
	later := time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC).UnixMilli()
	s.arrival(target.Name, later, "green", target.StationID, "GL042", "a", "in_service", nil, nil)
	cell := chromedp.CSS(fmt.Sprintf(`tr[data-line="green"][data-station="%d"] td:nth-child(3) .tid`, target.StationID))
	if err := chromedp.Do(bctx, chromedp.WaitVisible(cell)); err != nil {
		t.Fatalf("the new train never showed: %v", err)
	}
	got, err := chromedp.Run(bctx, chromedp.Text(cell))
	if err != nil {
		t.Fatal(err)
	}
	sameDocument, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`window.__loadedOnce === true`))
	if err != nil {
		t.Fatal(err)
	}
	if got != "GL042" || !sameDocument {
		t.Errorf("cell %q, same document %v", got, sameDocument)
	}

	// Screenshots for people: the first screen and the whole page.
	dir, err := filepath.Abs(filepath.Join("..", "..", "artifacts"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(bctx, chromedp.Sleep(900*time.Millisecond)); err != nil { // let moving trains settle
		t.Fatal(err)
	}
	top, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	full, err := chromedp.Run(bctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"dashboard.png": top, "dashboard-full.png": full} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots in %s", dir)
	stopConsole()
	<-consoleDone
	mu.Lock()
	defer mu.Unlock()
	if len(pageErrors) > 0 {
		t.Errorf("the page logged errors: %q", pageErrors)
	}
}
