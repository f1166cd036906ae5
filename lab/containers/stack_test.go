package containers

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestZeroStackClosesCleanly(t *testing.T) {
	var s Stack
	for range 2 {
		if err := s.Close(context.Background()); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	var nilStack *Stack
	if err := nilStack.Close(context.Background()); err != nil {
		t.Errorf("nil Close: %v", err)
	}
	if e := nilStack.Endpoints(); e.Brokers != nil || e.Postgres != "" {
		t.Errorf("nil Endpoints: %+v", e)
	}
}

func TestStartRefusesBadOptionsBeforeTouchingDocker(t *testing.T) {
	s, err := Start(context.Background(), WithStartupTimeout(0))
	if err == nil || !strings.HasPrefix(err.Error(), "start containers: set startup timeout: ") {
		t.Fatalf("Start error %v, want the option's error", err)
	}
	if s == nil {
		t.Fatal("Start returned a nil stack; callers defer Close on it")
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestStartWithoutEngineFailsFast(t *testing.T) {
	if Available(context.Background()) == nil {
		t.Skip("a Docker engine answers; nothing to check here")
	}
	s, err := Start(context.Background())
	if !errors.Is(err, ErrNoEngine) {
		t.Fatalf("Start error %v, want ErrNoEngine", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error %q spans lines", err)
	}
	if s == nil {
		t.Fatal("nil stack")
	}
	if e := s.Endpoints(); len(e.Brokers) != 0 || e.SchemaRegistry != "" {
		t.Errorf("endpoints of a stack that did not start: %+v", e)
	}
	if err := s.Close(context.Background()); err != nil {
		t.Errorf("Close: %v", err)
	}
}
