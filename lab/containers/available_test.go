package containers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestAvailableAnswersInOneLine(t *testing.T) {
	err := Available(context.Background())
	if err == nil {
		t.Log("a Docker engine answers")
		return
	}
	if !errors.Is(err, ErrNoEngine) {
		t.Errorf("error %v does not wrap ErrNoEngine", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "no Docker engine answers: ") || len(msg) <= len("no Docker engine answers: ") {
		t.Errorf("error message %q, want one line starting with the reason's prefix", msg)
	}
}

func TestAvailableWithCancelledContextFails(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Available(ctx); !errors.Is(err, ErrNoEngine) {
		t.Errorf("Available(cancelled) = %v, want an ErrNoEngine error", err)
	}
}

func TestNoEngineJoinsLines(t *testing.T) {
	cause := errors.Join(
		fmt.Errorf(`check host "unix:///var/run/docker.sock": docker info: dial unix /var/run/docker.sock: connect: no such file or directory`),
		errors.New("rootless Docker not found"),
	)
	got := noEngine(cause).Error()
	want := `no Docker engine answers: check host "unix:///var/run/docker.sock": docker info: dial unix /var/run/docker.sock: connect: no such file or directory; rootless Docker not found`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
