package lab

import (
	"context"
	"strings"
	"testing"
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
	if err != nil || c.Reason == "" {
		t.Fatalf("default: %+v %v", c, err)
	}
	// This machine may or may not have a Docker engine; either way the reason says which.
	if c.Provider == Embedded && !strings.HasPrefix(c.Reason, "no Docker engine answers") {
		t.Errorf("embedded default without the reason: %q", c.Reason)
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
