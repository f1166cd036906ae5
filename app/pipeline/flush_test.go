package pipeline

import (
	"context"
	"testing"
	"time"
)

func TestTheFlushContextLivesWithItsParentAndEndsAGraceAfterIt(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	g, stop := graceAfter(parent, 20*time.Millisecond)
	defer stop()
	select {
	case <-g.Done():
		t.Fatal("the flush context ended while its parent lives")
	default:
	}
	cancel()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	select {
	case <-g.Done():
	case <-deadline.C:
		t.Fatal("the flush context outlived its parent by far more than the grace")
	}
}
