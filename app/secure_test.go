package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/embedded"
)

// securedStack starts a secured embedded stack and returns the client
// properties file it wrote.
func securedStack(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := embedded.Start(ctx, embedded.WithSecurity(), embedded.WithoutPostgres())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	for _, v := range append(clientconf.EnvVars(), jdbcEnv) {
		t.Setenv(v, "")
	}
	return s.ClientProperties()
}

// withChange writes a copy of the properties file with old replaced.
func withChange(t *testing.T, path, old, new string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), old) {
		t.Fatalf("%s has no %q", path, old)
	}
	out := filepath.Join(t.TempDir(), "changed.properties")
	if err := os.WriteFile(out, []byte(strings.Replace(string(raw), old, new, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSimulateProducesToASecuredStackConfiguredOnlyByTheClientProperties(t *testing.T) {
	props := securedStack(t)
	_, stderr, code := runCLI(t, "simulate", "--client-config", props, "--ticks", "1", "--pace", "max", "--start", "2026-11-23T00:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	t.Log(stderr)
	// The last line counts what was acknowledged; the progress lines
	// before it count what was acknowledged so far.
	var stopped string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, `msg="simulation stopped"`) {
			stopped = line
		}
	}
	if stopped == "" || !strings.Contains(stopped, "failed=0") || strings.Contains(stopped, "arrivals=0 ") || strings.Contains(stopped, "turnstiles=0 ") {
		t.Fatalf("the simulation did not deliver its events:\n%s", stderr)
	}
}

func TestAWrongKafkaPasswordFailsAtOnceNamingKafkaAndTheSetting(t *testing.T) {
	props := securedStack(t)
	wrong := withChange(t, props, `password="`, `password="wrong`)
	begin := time.Now()
	_, stderr, code := runCLI(t, "simulate", "--client-config", wrong, "--ticks", "1", "--pace", "max")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	if took := time.Since(begin); took > 15*time.Second {
		t.Fatalf("took %s: a wrong password must fail at once, not time out", took)
	}
	for _, want := range []string{"Kafka at ", "refused the credentials from sasl.jaas.config in " + wrong, "SASL_AUTHENTICATION_FAILED"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestAWrongRegistryPasswordFailsNamingTheRegistryAndTheSetting(t *testing.T) {
	props := securedStack(t)
	wrong := withChange(t, props, "basic.auth.user.info=ctalab:", "basic.auth.user.info=ctalab:wrong")
	_, stderr, code := runCLI(t, "simulate", "--client-config", wrong, "--ticks", "1", "--pace", "max")
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr)
	}
	for _, want := range []string{"Schema Registry at ", "refused the credentials from basic.auth.user.info in " + wrong, "HTTP 401"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestAMalformedPropertyIsAUsageErrorNamingTheKey(t *testing.T) {
	props := filepath.Join(t.TempDir(), "bad.properties")
	if err := os.WriteFile(props, []byte("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-1\nsasl.username=u\nsasl.password=p\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "transform", "--client-config", props)
	if code != 2 || !strings.Contains(stderr, "sasl.mechanism in "+props+":2") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
}

func TestServeRunsTheWholePipelineOnASecuredStackFromTheClientProperties(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s, err := embedded.Start(ctx, embedded.WithSecurity())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	for _, v := range append(clientconf.EnvVars(), jdbcEnv) {
		t.Setenv(v, "")
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--client-config", s.ClientProperties(), "--jdbc-url", s.Endpoints().PostgresFromConnect,
			"--listen", "127.0.0.1:0", "--ticks", "1", "--pace", "max"}, &stdout, &stderr)
	}()
	for _, want := range []string{"stations connector is running", "the simulation is done; still serving"} {
		for !strings.Contains(stderr.String(), want) {
			select {
			case code := <-done:
				t.Fatalf("serve exited %d before %q:\n%s", code, want, stderr.String())
			case <-ctx.Done():
				t.Fatalf("serve did not log %q:\n%s", want, stderr.String())
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	stop()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d after Ctrl-C:\n%s", code, stderr.String())
	}
}
