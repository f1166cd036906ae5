package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/lab/postgres"
)

// coldResult is one cold start of the lab CLI's embedded stack.
type coldResult struct {
	PortOffset   int              `json:"port_offset"`
	ReadySeconds float64          `json:"ready_s"`
	IdleRSSMB    float64          `json:"idle_rss_mb"`      // the lab process alone
	PostgresMB   float64          `json:"postgres_rss_mb"`  // its PostgreSQL processes, not counted above
	ServiceMS    map[string]int64 `json:"service_ready_ms"` // as the lab reports it in lab.json
	StopSeconds  float64          `json:"stop_s"`           // SIGTERM to exit
}

// labState is the part of the lab CLI's lab.json the harness reads.
type labState struct {
	PID     int              `json:"pid"`
	ReadyMS map[string]int64 `json:"ready_ms"`
}

// coldStart starts `lab serve` on offset ports with a fresh data dir and
// cacheDir as its cache (CTALAB_CACHE_DIR: an empty one makes PostgreSQL's
// cluster with initdb and caches it as a template, one that holds the
// template copies it), times it until every endpoint answers, and reads
// its RSS after idle.
func coldStart(ctx context.Context, labBin string, idle time.Duration, cacheDir string) (coldResult, error) {
	dir, err := os.MkdirTemp("", "ctalab-bench-lab-")
	if err != nil {
		return coldResult{}, fmt.Errorf("create data dir: %w", err)
	}
	defer removeTemp(dir)
	// PostgreSQL runs as an unprivileged user when we are root: it must be
	// able to reach its data dir below this one.
	if err := os.Chmod(dir, 0o711); err != nil {
		return coldResult{}, fmt.Errorf("create data dir: %w", err)
	}
	offset, err := embedded.FreeOffset()
	if err != nil {
		return coldResult{}, err
	}
	res := coldResult{PortOffset: offset}
	logf, err := os.Create(filepath.Join(dir, "serve.log"))
	if err != nil {
		return res, err
	}
	defer func() { _ = logf.Close() }() // the child writes through its own descriptor
	cmd := exec.Command(labBin, "serve", "--data-dir", dir, "--port-offset", strconv.Itoa(offset))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), postgres.CacheDirEnv+"="+cacheDir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("start %s serve: %w", labBin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() (float64, error) {
		t := time.Now()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				return time.Since(t).Seconds(), fmt.Errorf("the lab stopped on SIGTERM with %w", err)
			}
			return time.Since(t).Seconds(), nil
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			return time.Since(t).Seconds(), fmt.Errorf("the lab did not stop within 30s of SIGTERM and was killed (%w)", <-exited)
		}
	}
	ports := embedded.StandardPorts.Shifted(offset)
	statePath := filepath.Join(dir, "lab.json")
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(2 * time.Minute)
	for ready := false; !ready; {
		select {
		case err := <-exited:
			return res, fmt.Errorf("the lab exited before it was ready (%w); its log:\n%s", err, tailFile(logf.Name(), 15))
		case <-ctx.Done():
			_, _ = stop()
			return res, ctx.Err()
		case <-deadline:
			_, _ = stop()
			return res, fmt.Errorf("the lab was not ready after 2 minutes; its log:\n%s", tailFile(logf.Name(), 15))
		case <-tick.C:
		}
		var st labState
		b, err := os.ReadFile(statePath)
		if err != nil || json.Unmarshal(b, &st) != nil || st.PID != cmd.Process.Pid {
			continue
		}
		if probe(ctx, ports) != nil {
			continue
		}
		res.ReadySeconds = time.Since(begin).Seconds()
		res.ServiceMS = st.ReadyMS
		ready = true
	}
	select {
	case <-time.After(idle):
	case <-ctx.Done():
		_, _ = stop()
		return res, ctx.Err()
	}
	m := treeMemory(cmd.Process.Pid)
	total, own := m.RSS, m.Own
	res.IdleRSSMB, res.PostgresMB = kbToMB(own), kbToMB(total-own)
	res.StopSeconds, err = stop()
	return res, err
}

func kbToMB(kb int64) float64 { return float64(kb) / 1024 }

// probe checks every endpoint as `lab status` does: a TCP connect for Kafka
// and PostgreSQL, GET answered with 200 for the HTTP services.
func probe(ctx context.Context, p embedded.Ports) error {
	hc := &http.Client{Timeout: 2 * time.Second}
	for _, port := range []int{p.Kafka, p.Postgres} {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
		if err != nil {
			return err
		}
		c.Close()
	}
	for port, path := range map[int]string{p.SchemaRegistry: "/subjects", p.RESTProxy: "/topics", p.Connect: "/", p.KSQLDB: "/info"} {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("http://127.0.0.1:%d%s", port, path), nil)
		if err != nil {
			return err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s on port %d: %s", path, port, resp.Status)
		}
	}
	return nil
}
