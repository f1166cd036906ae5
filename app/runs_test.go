package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/lab/embedded"
)

// keptLab starts an embedded lab on a free port offset that keeps its data
// across the serves of a test, as make lab-up does in a process of its own.
func keptLab(t *testing.T) int {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the whole embedded stack")
	}
	noStackConfigured(t)
	t.Setenv("CTALAB_PORT_OFFSET", "")
	t.Setenv("CTALAB_LISTEN", "")
	offset, err := embedded.FreeOffset()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := embedded.Start(ctx, embedded.WithPorts(embedded.StandardPorts.Shifted(offset)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := s.Close(cctx); err != nil {
			t.Errorf("close the lab: %v", err)
		}
	})
	return offset
}

// serveRun is a serve command running in the background.
type serveRun struct {
	t      *testing.T
	stderr syncBuffer
	done   chan int
	cancel context.CancelFunc
	code   *int
}

func startServe(t *testing.T, args ...string) *serveRun {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &serveRun{t: t, done: make(chan int, 1), cancel: cancel}
	go func() {
		var stdout syncBuffer
		r.done <- run(ctx, append([]string{"serve"}, args...), &stdout, &r.stderr)
	}()
	t.Cleanup(func() { r.stop() })
	return r
}

// waitLog waits until a log line matches re, or the command ends, and
// returns the match.
func (r *serveRun) waitLog(re string) []string {
	r.t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(3 * time.Minute)
	for {
		if m := rx.FindStringSubmatch(r.stderr.String()); m != nil {
			return m
		}
		select {
		case code := <-r.done:
			r.code = &code
			r.t.Fatalf("serve exited %d before logging %s:\n%s", code, re, r.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("serve did not log %s in 3 minutes:\n%s", re, r.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop interrupts the command (Ctrl-C) and returns its exit code.
func (r *serveRun) stop() int {
	if r.code != nil {
		return *r.code
	}
	r.cancel()
	select {
	case code := <-r.done:
		r.code = &code
	case <-time.After(time.Minute):
		r.t.Fatalf("serve did not stop within a minute of its interrupt:\n%s", r.stderr.String())
	}
	return *r.code
}

// wait waits for the command to end by itself and returns its exit code.
func (r *serveRun) wait() int {
	r.t.Helper()
	select {
	case code := <-r.done:
		r.code = &code
	case <-time.After(3 * time.Minute):
		r.t.Fatalf("serve did not end within 3 minutes:\n%s", r.stderr.String())
	}
	return *r.code
}

type apiStatus struct {
	SimTime *string `json:"sim_time"`
	Trains  []struct {
		TrainID string `json:"train_id"`
		At      string `json:"at"`
	} `json:"trains"`
}

// waitSimTime polls the dashboard's JSON API until it shows simulated time
// want, and returns that status.
func waitSimTime(t *testing.T, dashboard string, want time.Time) apiStatus {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var last apiStatus
	for time.Now().Before(deadline) {
		resp, err := http.Get(dashboard + "/api/status")
		if err == nil {
			last = apiStatus{}
			err = json.NewDecoder(resp.Body).Decode(&last)
			resp.Body.Close()
			if err == nil && last.SimTime != nil {
				if got, err := time.Parse(time.RFC3339, *last.SimTime); err == nil && got.Equal(want) {
					return last
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := "none"
	if last.SimTime != nil {
		got = *last.SimTime
	}
	t.Fatalf("the dashboard at %s shows simulated time %s, want %s", dashboard, got, want.Format(time.RFC3339))
	return last
}

// staleTrains returns the trains of the dashboard's status that are not
// last reported at want (all 30 are expected), as "id@time".
func staleTrains(t *testing.T, dashboard string, want time.Time) []string {
	t.Helper()
	resp, err := http.Get(dashboard + "/api/status")
	if err != nil {
		return []string{err.Error()}
	}
	defer resp.Body.Close()
	var st apiStatus
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		return []string{err.Error()}
	}
	var stale []string
	if len(st.Trains) != 30 {
		stale = append(stale, fmt.Sprintf("%d trains, want 30", len(st.Trains)))
	}
	for _, tr := range st.Trains {
		if at, err := time.Parse(time.RFC3339, tr.At); err != nil || !at.Equal(want) {
			stale = append(stale, tr.TrainID+"@"+tr.At)
		}
	}
	return stale
}

func TestASecondServeOnKeptDataContinuesWhereTheTopicsEndAndThePageFollows(t *testing.T) {
	offset := keptLab(t)
	args := []string{"--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--ticks", "3", "--pace", "max"}

	first := startServe(t, args...)
	start1, err := time.Parse(time.RFC3339, first.waitLog(`msg=simulating schedule=default start=(\S+)`)[1])
	if err != nil {
		t.Fatal(err)
	}
	url1 := first.waitLog(`msg=dashboard url=(\S+)`)[1]
	// Three ticks of 5 minutes from start1 (tick n at start + (n-1)·5 min).
	end1 := start1.Add(2 * sim.DefaultStep)
	waitSimTime(t, url1, end1)
	if code := first.stop(); code != 0 {
		t.Fatalf("the first serve exited %d after Ctrl-C:\n%s", code, first.stderr.String())
	}

	second := startServe(t, args...)
	m := second.waitLog(`msg="continuing the simulated world where the topics end" topics_end=(\S+) start=(\S+)`)
	if m[1] != end1.Format(time.RFC3339) || m[2] != end1.Add(sim.DefaultStep).Format(time.RFC3339) {
		t.Errorf("the second run logs topics_end=%s start=%s, want %s and the next step, %s", m[1], m[2], end1.Format(time.RFC3339), end1.Add(sim.DefaultStep).Format(time.RFC3339))
	}
	url2 := second.waitLog(`msg=dashboard url=(\S+)`)[1]
	end2 := end1.Add(3 * sim.DefaultStep)
	waitSimTime(t, url2, end2)
	// The page shows the second run alone: every train's latest report is
	// from its last tick (the per-station topics are read independently, so
	// poll until each is read).
	deadline := time.Now().Add(2 * time.Minute)
	for {
		stale := staleTrains(t, url2, end2)
		if len(stale) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("trains not at the second run's last tick %s: %v", end2.Format(time.RFC3339), stale)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := second.stop(); code != 0 {
		t.Fatalf("the second serve exited %d after Ctrl-C:\n%s", code, second.stderr.String())
	}

	// An explicit start behind what the topics hold is refused, naming both.
	behind := startServe(t, append(args, "--start", start1.Format(time.RFC3339))...)
	if code := behind.wait(); code != 1 {
		t.Fatalf("serve --start before the topics' end exited %d, want 1:\n%s", code, behind.stderr.String())
	}
	if out := behind.stderr.String(); !strings.Contains(out, "is not after "+end2.Format(time.RFC3339)) || !strings.Contains(out, "leave out --start") {
		t.Errorf("the refusal does not name the topics' end %s and what to do:\n%s", end2.Format(time.RFC3339), out)
	}
}

func TestASecondSimulationOfTheSameTopicsIsRefusedWhileTheFirstRuns(t *testing.T) {
	offset := keptLab(t)
	args := []string{"--port-offset", strconv.Itoa(offset), "--listen", "127.0.0.1:0", "--pace", "realtime"}

	first := startServe(t, args...)
	holder := first.waitLog(`msg="run lock held: no other simulation writes these topics" group=ctalab.simulation member=(\S+)`)[1]

	second := startServe(t, args...)
	if code := second.wait(); code != 1 {
		t.Fatalf("a second serve beside a running one exited %d, want 1:\n%s", code, second.stderr.String())
	}
	out := second.stderr.String()
	for _, want := range []string{"another simulation is writing these topics", "consumer group ctalab.simulation", holder} {
		if !strings.Contains(out, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "msg=simulating") {
		t.Errorf("the refused serve simulated:\n%s", out)
	}

	// The simulate command is refused as well.
	var stdout, stderr syncBuffer
	code := run(context.Background(), []string{"simulate", "--brokers", "localhost:" + strconv.Itoa(embedded.StandardPorts.Kafka+offset),
		"--schema-registry", "http://localhost:" + strconv.Itoa(embedded.StandardPorts.SchemaRegistry+offset),
		"--rest-proxy", "http://localhost:" + strconv.Itoa(embedded.StandardPorts.RESTProxy+offset), "--ticks", "1"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), "another simulation is writing these topics") {
		t.Errorf("simulate beside a running serve exited %d, want 1 and the refusal:\n%s", code, stderr.String())
	}

	// Ctrl-C on the first leaves the group at once: the next one runs.
	if code := first.stop(); code != 0 {
		t.Fatalf("the first serve exited %d after Ctrl-C:\n%s", code, first.stderr.String())
	}
	third := startServe(t, args...)
	third.waitLog(`msg="run lock held`)
	third.waitLog(`msg=simulating`)
}
