package lab

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/containers"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestChooseHonoursLABSTACKAndExplainsTheDefault(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{Embedded, Containers, External} {
		c, err := Choose(ctx, WithEnv(env(map[string]string{EnvStack: name})))
		if err != nil || c.Provider != name || c.Reason != EnvStack+"="+name {
			t.Errorf("LAB_STACK=%s: %+v %v", name, c, err)
		}
	}
	if _, err := Choose(ctx, WithEnv(env(map[string]string{EnvStack: "kubernetes"}))); err == nil || !strings.Contains(err.Error(), "want embedded, containers or external") {
		t.Errorf("unknown provider: %v", err)
	}
	c, err := Choose(ctx, WithEnv(env(nil)))
	if err != nil || c.Provider != Embedded || !strings.Contains(c.Reason, "LAB_STACK is not set") {
		t.Fatalf("default: %+v %v, want the embedded stack because LAB_STACK is not set", c, err)
	}
	if c, _ := Choose(ctx, WithProvider(External), WithEnv(env(map[string]string{EnvStack: Embedded}))); c.Provider != External {
		t.Errorf("WithProvider did not override LAB_STACK: %+v", c)
	}
}

func TestExternalEndpointsComeFromTheEnvironment(t *testing.T) {
	e, err := ExternalEndpoints(env(map[string]string{
		EnvBrokers: "a:9092, b:9092", EnvSchemaRegistry: "http://sr:8081", EnvKSQLDB: "http://k:8088",
		EnvPostgresFromConnect: "jdbc:postgresql://postgres:5432/cta",
	}))
	if err != nil || len(e.Brokers) != 2 || e.Brokers[1] != "b:9092" || e.SchemaRegistry != "http://sr:8081" || e.KSQLDB != "http://k:8088" || e.PostgresFromConnect == "" {
		t.Fatalf("%+v %v", e, err)
	}
	_, err = ExternalEndpoints(env(nil))
	if err == nil || !strings.Contains(err.Error(), "set CTALAB_BROKERS and CTALAB_SCHEMA_REGISTRY") {
		t.Errorf("missing variables: %v", err)
	}
	s, _, err := Start(context.Background(), WithProvider(External), WithEnv(env(map[string]string{EnvBrokers: "x:1", EnvSchemaRegistry: "http://y:2"})))
	if err != nil || s.Endpoints().Brokers[0] != "x:1" || s.Close(context.Background()) != nil {
		t.Errorf("external Start: %v", err)
	}
}

// Issue 15 item 2: a Docker engine on the machine must not switch the suite
// to the containers stack; only LAB_STACK=containers does.
func TestChooseKeepsTheEmbeddedStackWhenAnEngineAnswers(t *testing.T) {
	probed := false
	c, err := Choose(context.Background(), WithEnv(env(nil)), WithEngineProbe(func(context.Context) error { probed = true; return nil }))
	if err != nil || c.Provider != Embedded {
		t.Fatalf("with an engine and no LAB_STACK: %+v %v, want embedded", c, err)
	}
	if probed {
		t.Error("Choose asked the engine although LAB_STACK did not ask for containers")
	}
}

// Issue 15 item 8: LAB_STACK=containers without an engine says that
// containers were asked for, that no engine answers and what to do.
func TestStartContainersWithoutAnEngineSaysSoAndWhatToDo(t *testing.T) {
	cause := fmt.Errorf("%w: rootless Docker not found", containers.ErrNoEngine)
	_, _, err := Start(context.Background(), WithEnv(env(map[string]string{EnvStack: Containers})),
		WithEngineProbe(func(context.Context) error { return cause }))
	if !errors.Is(err, ErrNoEngine) {
		t.Fatalf("err %v, want one wrapping ErrNoEngine", err)
	}
	for _, want := range []string{"the Confluent Platform containers were asked for (LAB_STACK=containers)", "no Docker engine answers", "unset LAB_STACK for the embedded stack"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
