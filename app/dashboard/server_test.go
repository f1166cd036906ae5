package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/sr/srfake"

	"github.com/ctalab/ctalab/app/topic"
)

// The blue line as the original dashboard lists it.
var blueLine = []string{"O'Hare", "Rosemont", "Cumberland", "Harlem", "Jefferson Park", "Montrose", "Irving Park",
	"Addison", "Belmont", "Logan Square", "California", "Western/O'Hare Branch", "Damen", "Division", "Chicago",
	"Grand", "Clark/Lake", "Washington", "Monroe", "Jackson", "LaSalle", "Clinton", "UIC-Halsted", "Racine",
	"Illinois Medical District", "Western/Forest Pk Branch", "Kedzie-Homan", "Pulaski", "Cicero", "Austin",
	"Oak Park", "Harlem", "Forest Park"}

var rowRE = regexp.MustCompile(`<tr class="row" data-line="(\w+)" data-station="(\d+)"><td class="swatch [^"]*" title="[^"]*"></td><td class="station">([^<]*)</td>`)

func TestPageListsEveryStationInTheReferenceOrder(t *testing.T) {
	s := newStack(t)
	s.stationsTable()
	d := s.start(t)
	d.waitReady()
	st := d.status()
	want := map[string]int{"blue": 33, "green": 28, "red": 33}
	total := 0
	for _, l := range st.Lines {
		if len(l.Stations) != want[l.Line] {
			t.Errorf("%s: %d rows, want %d", l.Line, len(l.Stations), want[l.Line])
		}
		total += len(l.Stations)
		for i := 1; i < len(l.Stations); i++ {
			if l.Stations[i].Order < l.Stations[i-1].Order {
				t.Errorf("%s: %s (order %d) after order %d", l.Line, l.Stations[i].Name, l.Stations[i].Order, l.Stations[i-1].Order)
			}
		}
	}
	if got := []string{st.Lines[0].Line, st.Lines[1].Line, st.Lines[2].Line}; strings.Join(got, ",") != "blue,green,red" {
		t.Errorf("lines %v", got)
	}
	var blue []string
	for _, s := range st.Lines[0].Stations {
		blue = append(blue, s.Name)
	}
	if strings.Join(blue, "|") != strings.Join(blueLine, "|") {
		t.Errorf("blue line\n got %q\nwant %q", blue, blueLine)
	}
	if first, last := st.Lines[2].Stations[0], st.Lines[2].Stations[32]; first.Name != "Howard" || last.StationID != 40450 || last.Name != "95th/Dan Ryan" {
		t.Errorf("red line runs %s .. %s (%d)", first.Name, last.Name, last.StationID)
	}
	if first, last := st.Lines[1].Stations[0], st.Lines[1].Stations[27]; first.Name != "Harlem/Lake" || last.Name != "Ashland/63rd" {
		t.Errorf("green line runs %s .. %s", first.Name, last.Name)
	}

	// The page shows the same rows in the same order, names escaped.
	page := d.get("/")
	rows := rowRE.FindAllStringSubmatch(page, -1)
	if len(rows) != total || total != 94 {
		t.Fatalf("page has %d rows, API %d, want 94", len(rows), total)
	}
	i := 0
	for _, l := range st.Lines {
		for _, s := range l.Stations {
			name := strings.ReplaceAll(s.Name, "'", "&#39;")
			if rows[i][1] != l.Line || rows[i][2] != itoa(s.StationID) || rows[i][3] != name {
				t.Fatalf("row %d = %v, want %s %d %s", i, rows[i][1:], l.Line, s.StationID, name)
			}
			i++
		}
	}
	for _, want := range []string{"<title>CTA Status</title>", "Welcome to the CTA Status Page!", "70° | Sunny",
		"<th>Line</th><th>Station</th><th>Train Direction A</th><th>Train Direction B</th><th>Total Turnstile Entries</th>",
		`<noscript><meta http-equiv="refresh" content="10"></noscript>`, `<script src="/static/live.js">`, `<svg viewBox=`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "http://") || strings.Contains(page, "https://") {
		t.Error("page refers to another site; assets must be served locally")
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestArrivalsMoveTrainsAndShowTheirStatus(t *testing.T) {
	s := newStack(t)
	s.station("blue", 40890, 0, "O'Hare")
	s.station("blue", 40820, 1, "Rosemont")
	s.station("blue", 40230, 2, "Cumberland")
	d := s.start(t)
	d.waitReady()

	s.arrival("O'Hare", 1000, "blue", 40890, "BL000", "b", "in_service", nil, nil)
	s.arrival("Cumberland", 1000, "blue", 40230, "BL001", "a", "in_service", nil, nil)
	// BL000 moves on to Rosemont; BL001 breaks down where it stands.
	s.arrival("Rosemont", 2000, "blue", 40820, "BL000", "b", "in_service", ptr(40890), ptr("b"))
	s.arrival("Cumberland", 2000, "blue", 40230, "BL001", "a", "broken_down", nil, nil)
	// An arrival at a station the table does not list is kept, not shown.
	s.arrival("Nowhere", 2000, "blue", 99999, "BL009", "a", "in_service", nil, nil)

	eventually(t, "BL001 broken down", func() bool {
		st := d.status()
		return len(st.Trains) == 3 && st.Trains[1].Status == "broken_down" && st.Trains[0].StationID == 40820
	})
	st := d.status()
	rows := st.Lines[0].Stations
	if rows[0].A != nil || rows[0].B != nil {
		t.Errorf("O'Hare still shows a train: %+v %+v", rows[0].A, rows[0].B)
	}
	if rows[1].B == nil || rows[1].B.TrainID != "BL000" || rows[1].A != nil {
		t.Errorf("Rosemont: %+v %+v, want BL000 in direction b", rows[1].A, rows[1].B)
	}
	if rows[2].A == nil || *rows[2].A != (Slot{"BL001", "broken_down"}) {
		t.Errorf("Cumberland a = %+v", rows[2].A)
	}
	if st.SimTime == nil || *st.SimTime != "1970-01-01T00:00:02.000Z" {
		t.Errorf("sim time %v", st.SimTime)
	}
	page := d.get("/")
	for _, want := range []string{
		`<td class="train broken"><span class="tid">BL001</span> <span class="badge">broken down</span></td>`,
		`<td class="train ok"><span class="tid">BL000</span></td>`,
		`<td class="train none">---</td>`,
		`data-train="BL001"`,
		"Simulated time <strong id=\"sim-time\">Thu 1 Jan 1970, 00:00 UTC</strong>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "BL009") {
		t.Error("a train at an unlisted station is on the page")
	}
}

func TestTurnstileCountsShowOnEveryLineOfTheStation(t *testing.T) {
	s := newStack(t)
	s.station("blue", 40380, 16, "Clark/Lake")
	s.station("green", 40380, 13, "Clark/Lake")
	s.station("red", 41400, 20, "Roosevelt")
	s.turnstile(40380, 5)
	s.turnstile(41400, 3)
	s.turnstile(40380, 130)
	s.write(kafka.Message{Topic: topic.TurnstileSummary, Key: turnstileKey(41400)}) // tombstone
	d := s.start(t)
	d.waitReady()
	st := d.status()
	if b, g := st.Lines[0].Stations[0].TurnstileEntries, st.Lines[1].Stations[0].TurnstileEntries; b != 130 || g != 130 {
		t.Errorf("Clark/Lake blue %d green %d, want 130 on both", b, g)
	}
	if n := st.Lines[2].Stations[0].TurnstileEntries; n != 0 {
		t.Errorf("Roosevelt after a tombstone: %d", n)
	}
	if !strings.Contains(d.get("/"), `<td class="num">130</td>`) {
		t.Error("page does not show 130 entries")
	}
}

func TestWeatherHeaderShowsTheLatestReport(t *testing.T) {
	s := newStack(t)
	s.weather(1000, 64.2, "sunny")
	s.weather(2000, 79.9, "partly_cloudy")
	d := s.start(t)
	d.waitReady()
	page := d.get("/")
	if !strings.Contains(page, `<div class="weather" id="weather">79° | Partly Cloudy</div>`) {
		t.Errorf("weather header missing; page:\n%s", page[:min(len(page), 1500)])
	}
	if w := d.status().Weather; !w.Reported || w.Status != "partly_cloudy" || w.Temperature != 79.9 {
		t.Errorf("weather %+v", w)
	}
}

func TestStationNameWithMarkupIsShownAsText(t *testing.T) {
	s := newStack(t)
	s.station("green", 1, 0, `<script>alert("x")</script>`)
	s.arrival("x", 1000, "green", 1, "GL000", "a", "in_service", nil, nil)
	d := s.start(t)
	d.waitReady()
	eventually(t, "the train", func() bool { return len(d.status().Trains) == 1 })
	page := d.get("/")
	if strings.Contains(page, `<script>alert`) {
		t.Fatal("a station name became markup")
	}
	if n := strings.Count(page, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`); n < 3 { // row, diagram label, train title
		t.Errorf("escaped name appears %d times, want at least 3", n)
	}
}

func TestCorruptRecordsAreSkippedAndCounted(t *testing.T) {
	s := newStack(t)
	good := s.arrivalMsg("Austin", 1000, "blue", 40010, "BL003", "a", "in_service", nil, nil)
	unknownID := append([]byte{0, 0, 0, 0x27, 0x0f}, good.Value[5:]...) // schema 9999
	s.write(
		// weather: bad magic byte, unknown schema id, a value of another schema
		kafka.Message{Topic: topic.Weather, Key: good.Key, Value: []byte{1, 2, 3, 4, 5, 6}},
		kafka.Message{Topic: topic.Weather, Key: good.Key, Value: unknownID},
		kafka.Message{Topic: topic.Weather, Key: good.Key, Value: good.Value},
		// stations table: invalid JSON, missing fields, unknown line
		kafka.Message{Topic: topic.StationsTable, Key: []byte(`{}`), Value: []byte(`{"station_id": 1,`)},
		kafka.Message{Topic: topic.StationsTable, Key: []byte(`{}`), Value: []byte(`{"station_id": 1}`)},
		kafka.Message{Topic: topic.StationsTable, Key: []byte(`{}`), Value: []byte(`{"station_id":1,"station_name":"Kimball","order":0,"line":"brown"}`)},
		// arrivals: bad magic byte, unknown schema id, no key, truncated body
		kafka.Message{Topic: good.Topic, Key: good.Key, Value: append([]byte{9}, good.Value[1:]...)},
		kafka.Message{Topic: good.Topic, Key: good.Key, Value: unknownID},
		kafka.Message{Topic: good.Topic, Value: good.Value},
		kafka.Message{Topic: good.Topic, Key: good.Key, Value: good.Value[:len(good.Value)-3]},
		// turnstile summary: wrong key size, invalid JSON, no COUNT
		kafka.Message{Topic: topic.TurnstileSummary, Key: []byte{0, 1, 2}, Value: []byte(`{"COUNT": 1}`)},
		kafka.Message{Topic: topic.TurnstileSummary, Key: turnstileKey(40010), Value: []byte(`COUNT=1`)},
		kafka.Message{Topic: topic.TurnstileSummary, Key: turnstileKey(40010), Value: []byte(`{"TOTAL": 1}`)},
	)
	// Good records after the corrupt ones still count.
	s.station("blue", 40010, 29, "Austin")
	s.write(good)
	s.turnstile(40010, 42)
	s.weather(1500, 50, "cloudy")

	d := s.start(t)
	d.waitReady()
	st := d.status()
	row := st.Lines[0].Stations
	if len(row) != 1 || row[0].A == nil || row[0].A.TrainID != "BL003" || row[0].TurnstileEntries != 42 || st.Weather.Summary != "50° | Cloudy" {
		t.Fatalf("status after corrupt records: %+v weather %+v", row, st.Weather)
	}
	metrics := d.get("/metrics")
	for _, want := range []string{
		`ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.weather.v1",reason="malformed"} 3`,
		`ctalab_dashboard_records_consumed_total{topic="org.chicago.cta.weather.v1"} 4`,
		`ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.stations.table.v1",reason="malformed"} 2`,
		`ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.stations.table.v1",reason="unknown_line"} 1`,
		`ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.station.arrivals.austin",reason="malformed"} 4`,
		`ctalab_dashboard_records_consumed_total{topic="org.chicago.cta.station.arrivals.austin"} 5`,
		`ctalab_dashboard_records_skipped_total{topic="TURNSTILE_SUMMARY",reason="malformed"} 3`,
	} {
		if !strings.Contains(metrics, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Log(metrics)
	}
}

func TestRestartRebuildsTheSameStatus(t *testing.T) {
	s := newStack(t)
	s.stationsTable()
	s.weather(1000, 71.5, "windy")
	// Trains, some of which change places within a tick, on several topics.
	s.arrival("Howard", 1000, "red", 40900, "RL000", "b", "in_service", nil, nil)
	s.arrival("Jarvis", 1000, "red", 41190, "RL001", "b", "in_service", nil, nil)
	s.arrival("Morse", 2000, "red", 40100, "RL001", "b", "in_service", ptr(41190), ptr("b"))
	s.arrival("Jarvis", 2000, "red", 41190, "RL000", "b", "out_of_service", nil, nil)
	s.arrival("Clark/Lake", 2000, "green", 40380, "GL004", "a", "in_service", nil, nil)
	s.turnstile(40380, 77)
	s.turnstile(40900, 12)

	d1 := s.start(t)
	d1.waitReady()
	first := d1.get("/api/status?stable=1")
	d1.stop()

	d2 := s.start(t)
	d2.waitReady()
	second := d2.get("/api/status?stable=1")
	if first != second {
		t.Fatalf("a restarted dashboard differs:\n%s\nvs\n%s", first, second)
	}
	var st statusResponse
	if err := json.Unmarshal([]byte(first), &st); err != nil || st.Server != nil || len(st.Trains) != 3 {
		t.Errorf("stable status: %v, server part %+v, %d trains", err, st.Server, len(st.Trains))
	}
	full := d2.get("/api/status")
	if !strings.Contains(full, `"server": {`) || !strings.Contains(full, `"ready": true`) {
		t.Errorf("full status lacks the server part:\n%s", full[len(full)-300:])
	}
}

// gate forwards to the registry once opened and answers 503 before.
type gate struct {
	open  atomic.Bool
	proxy http.Handler
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !g.open.Load() {
		http.Error(w, `{"error_code":50301,"message":"not yet"}`, http.StatusServiceUnavailable)
		return
	}
	g.proxy.ServeHTTP(w, r)
}

func TestHealthzWaitsUntilEveryInputIsCaughtUp(t *testing.T) {
	c, s := clusterFor(t)
	s.stationsTable()
	s.weather(1000, 80, "sunny")

	// The dashboard's registry answers 503 until the gate opens: the weather
	// cannot be decoded yet, and that is not corruption.
	u, _ := url.Parse(s.registry)
	g := &gate{proxy: httputil.NewSingleHostReverseProxy(u)}
	gated := httptest.NewServer(g)
	t.Cleanup(gated.Close)
	srv, err := New(Config{Brokers: c.ListenAddrs(), SchemaRegistry: gated.URL, Listen: "127.0.0.1:0", DiscoveryInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), `"starting"`) {
		t.Errorf("before Run: %d %s", rec.Code, rec.Body)
	}

	d := startServer(t, srv)
	var h health
	eventually(t, "the stations table read and the weather pending", func() bool {
		code, body := d.getCode("/healthz")
		h = health{}
		_ = json.Unmarshal([]byte(body), &h)
		return code == http.StatusServiceUnavailable && len(h.Behind) == 1 && len(d.status().Lines[0].Stations) == 33
	})
	if h.Status != "catching_up" || h.Behind[0].Topic != topic.Weather || h.Behind[0].Target != 1 || h.Behind[0].Position != 0 {
		t.Errorf("healthz = %+v", h)
	}
	if strings.Join(h.Absent, ",") != "arrivals,turnstiles" {
		t.Errorf("absent inputs %v", h.Absent)
	}
	if !strings.Contains(d.get("/metrics"), "ctalab_dashboard_ready 0\n") {
		t.Error("metrics report ready")
	}

	g.open.Store(true)
	d.waitReady()
	if code, body := d.getCode("/healthz"); code != http.StatusOK {
		t.Errorf("after catching up: %d %s", code, body)
	}
	if got := d.status().Weather.Summary; got != "80° | Sunny" {
		t.Errorf("weather %q: the record held back must be applied, not skipped", got)
	}
	if !strings.Contains(d.get("/metrics"), `ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.weather.v1",reason="malformed"} 0`) {
		t.Error("an unreachable registry was counted as corruption")
	}
}

func TestMetricsDescribeConsumersAndClients(t *testing.T) {
	s := newStack(t)
	s.stationsTable()
	d := s.start(t)
	d.waitReady()
	ev := d.events()
	if name, _, err := ev.next(); err != nil || name != "update" {
		t.Fatalf("first event %q: %v", name, err)
	}
	m := d.get("/metrics")
	for _, want := range []string{
		"# TYPE ctalab_dashboard_records_consumed_total counter\n",
		`ctalab_dashboard_records_consumed_total{topic="org.chicago.cta.stations.table.v1"} 188` + "\n",
		`ctalab_dashboard_records_skipped_total{topic="org.chicago.cta.stations.table.v1",reason="malformed"} 0` + "\n",
		"# TYPE ctalab_dashboard_consumer_lag gauge\n",
		`ctalab_dashboard_consumer_lag{topic="org.chicago.cta.stations.table.v1",partition="0"} 0` + "\n",
		"ctalab_dashboard_live_clients 1\n",
		"ctalab_dashboard_ready 1\n",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// Every sample line is "name{labels} value" or "name value".
	sample := regexp.MustCompile(`^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?\d+$`)
	for _, l := range strings.Split(strings.TrimSpace(m), "\n") {
		if !strings.HasPrefix(l, "# ") && !sample.MatchString(l) {
			t.Errorf("not a sample: %q", l)
		}
	}
}

func TestLiveUpdatesArriveOverServerSentEvents(t *testing.T) {
	s := newStack(t)
	s.station("red", 40900, 0, "Howard")
	s.station("red", 41190, 1, "Jarvis")
	d := s.start(t)
	d.waitReady()
	ev := d.events()
	_, first, err := ev.next()
	if err != nil || !strings.Contains(first, `data-station="41190"`) {
		t.Fatalf("first event: %v\n%s", err, first)
	}
	// The arrivals topic is created now: the dashboard discovers it.
	s.arrival("Jarvis", 5000, "red", 41190, "RL007", "a", "broken_down", nil, nil)
	for {
		name, data, err := ev.next()
		if err != nil {
			t.Fatal(err)
		}
		if name == "update" && strings.Contains(data, `data-station="41190"><td class="swatch red" title="Red Line"></td><td class="station">Jarvis</td><td class="train broken"><span class="tid">RL007</span>`) {
			break
		}
	}
}

func TestConfigValidateAndRunOnce(t *testing.T) {
	for _, c := range []Config{{}, {Brokers: []string{"x:1"}}, {Brokers: []string{"x:1"}, SchemaRegistry: "http://r", Listen: "nope"}, {Brokers: []string{"x:1"}, SchemaRegistry: "ftp://r"}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
	c := Config{Brokers: []string{"x:1"}, SchemaRegistry: "http://r"}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Brokers: []string{"127.0.0.1:1"}, SchemaRegistry: "http://127.0.0.1:1", Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	d := startServer(t, srv)
	if err := srv.Run(context.Background()); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Run: %v", err)
	}
	code, body := d.getCode("/healthz")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "starting") {
		t.Errorf("with no Kafka: %d %s", code, body)
	}
	d.stop()
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), substr)
}

func TestAnUnreachableRegistryIsLoggedOnceWhenItGoesAndOnceWhenItComesBack(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1), kfake.DataDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	reg := srfake.New()
	t.Cleanup(reg.Close)
	s := newStackOn(t, c.ListenAddrs(), reg.URL())
	s.stationsTable()
	s.weather(1000, 80, "sunny")
	s.weather(2000, 81, "cloudy")

	u, _ := url.Parse(reg.URL())
	g := &gate{proxy: httputil.NewSingleHostReverseProxy(u)}
	gated := httptest.NewServer(g)
	t.Cleanup(gated.Close)
	var logs lockedBuffer
	srv, err := New(Config{Brokers: c.ListenAddrs(), SchemaRegistry: gated.URL, Listen: "127.0.0.1:0", DiscoveryInterval: 100 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d := startServer(t, srv)
	gone := `level=WARN msg="Schema Registry unreachable at ` + gated.URL + `, retrying"`
	back := `level=INFO msg="Schema Registry reachable again at ` + gated.URL + `"`
	eventually(t, "the outage's Warn line", func() bool { return logs.count(gone) > 0 })
	g.open.Store(true)
	d.waitReady()
	eventually(t, "the recovery's Info line", func() bool { return logs.count(back) > 0 })
	if n, m := logs.count(gone), logs.count(back); n != 1 || m != 1 {
		t.Errorf("%d Warn and %d Info lines, want one each", n, m)
	}
	if got := d.status().Weather.Summary; got != "81° | Cloudy" {
		t.Errorf("weather %q, want the latest report once the registry answers", got)
	}
}

// After a quiet spell, a burst of changes (a tick's arrivals reaching the
// dashboard over a few milliseconds) goes out update by update, without
// pauses, until the burst allowance is spent.
func TestAdaptivePushSendsABurstAfterAQuietSpellAtOnce(t *testing.T) {
	var b pushBudget
	now := time.Unix(0, 0)
	b.start(now)
	now = now.Add(10 * time.Second) // quiet
	cost := time.Millisecond
	sent := 0
	for b.pause(now) == 0 {
		now = now.Add(cost)
		b.spent(now, cost)
		sent++
		if sent > 1000 {
			t.Fatal("the budget never ran out")
		}
	}
	// Each update spends its cost and earns 1/(PushCostFactor+1) of it back.
	if want := int(PushBurst / (cost - cost/(PushCostFactor+1))); sent < want || sent > want+1 {
		t.Errorf("%d updates of %s went out at once, want as many as the burst allowance %s pays for (%d)", sent, cost, PushBurst, want)
	}
}

// However fast changes come, rendering and sending take at most
// 1/(PushCostFactor+1) of the time, plus the burst allowance.
func TestAdaptivePushKeepsItsShareOfTheTimeUnderConstantChange(t *testing.T) {
	for _, cost := range []time.Duration{100 * time.Microsecond, time.Millisecond, 7 * time.Millisecond} {
		var b pushBudget
		now := time.Unix(0, 0)
		b.start(now)
		var busy time.Duration
		end := now.Add(time.Minute)
		for now.Before(end) {
			if p := b.pause(now); p > 0 {
				now = now.Add(p)
				continue
			}
			now = now.Add(cost)
			b.spent(now, cost)
			busy += cost
		}
		limit := time.Minute/(PushCostFactor+1) + PushBurst + cost
		if busy > limit {
			t.Errorf("cost %s: busy %s of a minute, want at most %s", cost, busy, limit)
		}
		if busy < time.Minute/(PushCostFactor+1)-2*cost {
			t.Errorf("cost %s: busy only %s of a minute: the budget holds updates back more than its share needs", cost, busy)
		}
	}
}

// A slow update on a busy machine holds the next one back no longer than
// MaxAdaptivePushPause.
func TestAdaptivePushPauseIsCapped(t *testing.T) {
	var b pushBudget
	now := time.Unix(0, 0)
	b.start(now)
	now = now.Add(time.Second)
	b.spent(now, time.Second)
	if got := b.pause(now); got != MaxAdaptivePushPause {
		t.Errorf("pause after a 1s update = %s, want %s", got, MaxAdaptivePushPause)
	}
}

// A change of turnstile counts alone (ksqlDB updates TURNSTILE_SUMMARY
// thousands of times in a rush-hour tick) waits until CountsPushInterval
// has passed since the last update, so that counts do not spend the push's
// time on updates no one can read; a train, station or weather change
// goes out at once, whatever counts changed before it.
func TestAdaptivePushHoldsCountsAloneButNotAMove(t *testing.T) {
	var b pushBudget
	now := time.Unix(0, 0)
	b.start(now)
	now = now.Add(10 * time.Second) // quiet
	b.spent(now, 100*time.Microsecond)
	now = now.Add(time.Millisecond)
	if got := b.wait(now, false); got != CountsPushInterval-time.Millisecond {
		t.Errorf("counts alone 1ms after an update wait %s, want %s", got, CountsPushInterval-time.Millisecond)
	}
	if got := b.wait(now, true); got != 0 {
		t.Errorf("a move 1ms after an update waits %s, want 0", got)
	}
	if got := b.wait(now.Add(CountsPushInterval), false); got != 0 {
		t.Errorf("counts alone a CountsPushInterval after an update wait %s, want 0", got)
	}
}

// The counts' interval never shortens what the budget asks: after a slow
// update, counts alone wait at least as long as a move.
func TestAdaptivePushCountsWaitAtLeastAsLongAsTheBudgetAsks(t *testing.T) {
	var b pushBudget
	now := time.Unix(0, 0)
	b.start(now)
	now = now.Add(time.Second)
	b.spent(now, time.Second)
	move, counts := b.wait(now, true), b.wait(now, false)
	if move != MaxAdaptivePushPause || counts < move {
		t.Errorf("after a 1s update a move waits %s (want %s) and counts alone %s (want at least as long)", move, MaxAdaptivePushPause, counts)
	}
}

// fakeTimers hands out timer channels that the spec fires.
type fakeTimers struct {
	mu     sync.Mutex
	timers []fakeTimer
	made   chan struct{}
}

type fakeTimer struct {
	d  time.Duration
	ch chan time.Time
}

func newFakeTimers() *fakeTimers { return &fakeTimers{made: make(chan struct{}, 100)} }

func (f *fakeTimers) after(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	f.mu.Lock()
	f.timers = append(f.timers, fakeTimer{d, ch})
	f.mu.Unlock()
	f.made <- struct{}{}
	return ch
}

// await waits until n timers were made and returns the last.
func (f *fakeTimers) await(t *testing.T, n int) fakeTimer {
	t.Helper()
	for {
		f.mu.Lock()
		if len(f.timers) >= n {
			last := f.timers[n-1]
			f.mu.Unlock()
			return last
		}
		f.mu.Unlock()
		select {
		case <-f.made:
		case <-time.After(10 * time.Second):
			t.Fatalf("%d timers made, want %d", len(f.timers), n)
		}
	}
}

// settleFixture is what a settle reads, under the spec's control: the
// model's change signal, its count of moves, and the arrivals fetched but
// not yet applied.
type settleFixture struct {
	changed chan struct{}
	moves   atomic.Uint64
	backlog *backlog
}

func newSettleFixture(unapplied int) *settleFixture {
	f := &settleFixture{changed: make(chan struct{}, 10), backlog: newBacklog()}
	f.backlog.add(unapplied)
	return f
}

func (f *settleFixture) source() settleSource {
	return settleSource{changed: f.changed, moves: f.moves.Load, backlog: f.backlog}
}

// a move: the model counts it and signals the change.
func (f *settleFixture) move() {
	f.moves.Add(1)
	f.changed <- struct{}{}
}

// Before a move goes out, the push lets the rest of its burst come while
// fetched arrivals are still being applied: each further move starts the
// quiet wait (MoveSettle) again, and the update goes out when a quiet wait
// passes without one.
func TestAMoveWaitsUntilItsBurstIsQuiet(t *testing.T) {
	timers := newFakeTimers()
	f := newSettleFixture(1)
	done := make(chan bool, 1)
	go func() { done <- settleOn(context.Background(), f.source(), timers.after) }()
	if d := timers.await(t, 2).d; d != MoveSettle {
		t.Fatalf("the second timer waits %s, want the quiet wait %s", d, MoveSettle)
	}
	f.move() // more of the burst: a fresh quiet wait
	timers.await(t, 3)
	f.move()
	last := timers.await(t, 4)
	timers.mu.Lock()
	older := timers.timers[1:3]
	timers.mu.Unlock()
	for _, q := range older {
		q.ch <- time.Now() // the older quiet waits no longer count
	}
	select {
	case <-done:
		t.Fatal("settle returned on a quiet wait that a later move had started over")
	default:
	}
	last.ch <- time.Now()
	settled(t, done)
}

// However long moves keep coming, a move goes out MoveSettleMax after it.
func TestAMoveWaitsNoLongerThanMoveSettleMax(t *testing.T) {
	timers := newFakeTimers()
	f := newSettleFixture(1)
	done := make(chan bool, 1)
	go func() { done <- settleOn(context.Background(), f.source(), timers.after) }()
	deadline := timers.await(t, 1)
	if deadline.d != MoveSettleMax {
		t.Fatalf("the first timer waits %s, want %s", deadline.d, MoveSettleMax)
	}
	for range 5 {
		f.move()
	}
	deadline.ch <- time.Now()
	settled(t, done)
}

// During a rush-hour tick ksqlDB updates turnstile counts thousands of
// times while the tick's arrivals are applied. Counts go out on their own
// schedule (CountsPushInterval): they do not start the quiet wait over, so
// they cannot hold a train's move back.
func TestTurnstileCountsDoNotProlongAMovesSettle(t *testing.T) {
	timers := newFakeTimers()
	f := newSettleFixture(1)
	done := make(chan bool, 1)
	go func() { done <- settleOn(context.Background(), f.source(), timers.after) }()
	quiet := timers.await(t, 2)
	for range 5 {
		f.changed <- struct{}{}  // a count changed: no move
		for len(f.changed) > 0 { // until settle took it
			runtime.Gosched()
		}
	}
	quiet.ch <- time.Now()
	settled(t, done)
	timers.mu.Lock()
	defer timers.mu.Unlock()
	if len(timers.timers) != 2 {
		t.Errorf("settle made %d timers, want 2: counts started the quiet wait over", len(timers.timers))
	}
}

// One fetch brings a tick's arrivals together. Once the readers applied all
// that was fetched, the burst is over: the move goes out then, without
// waiting for a quiet spell.
func TestAMoveGoesOutOnceTheFetchedArrivalsAreApplied(t *testing.T) {
	timers := newFakeTimers()
	f := newSettleFixture(2)
	done := make(chan bool, 1)
	go func() { done <- settleOn(context.Background(), f.source(), timers.after) }()
	timers.await(t, 2)
	f.backlog.done(1)
	f.move()
	select {
	case <-done:
		t.Fatal("settle returned while a fetched arrival was not applied yet")
	case <-time.After(20 * time.Millisecond):
	}
	f.backlog.done(1)
	settled(t, done)
}

// A move made while no fetched arrival waits to be applied (a station, the
// weather, or a tick's last arrival) has nothing to wait for.
func TestAMoveWithNothingFetchedUnappliedGoesOutAtOnce(t *testing.T) {
	timers := newFakeTimers()
	f := newSettleFixture(0)
	done := make(chan bool, 1)
	go func() { done <- settleOn(context.Background(), f.source(), timers.after) }()
	settled(t, done)
	timers.mu.Lock()
	defer timers.mu.Unlock()
	if len(timers.timers) != 0 {
		t.Errorf("settle made %d timers, want none", len(timers.timers))
	}
}

// settled waits for a settle to return and fails if it reported an ended
// context, or did not return within 10s.
func settled(t *testing.T, done <-chan bool) {
	t.Helper()
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("settle reported an ended context")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("settle did not return")
	}
}
