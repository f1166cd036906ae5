package retry

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
)

func TestBackoffWaitsGrowUpToTheCapWithinJitterBounds(t *testing.T) {
	b := Backoff{Initial: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	// Hand-derived ceilings: 10, 20, 40, 80, then capped at 80 (ms); each wait
	// lies in [ceiling/2, ceiling].
	for i, ceiling := range []time.Duration{10, 20, 40, 80, 80, 80} {
		ceiling *= time.Millisecond
		d := b.Next()
		if d < ceiling/2 || d > ceiling {
			t.Fatalf("wait %d = %v, want within [%v, %v]", i, d, ceiling/2, ceiling)
		}
	}
	b.Reset()
	if d := b.Next(); d > 10*time.Millisecond {
		t.Fatalf("after Reset the wait is %v, want at most the initial 10ms", d)
	}
}

func TestBackoffJitterSpreadsWaits(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 50 {
		b := Backoff{Initial: time.Second, Max: time.Second}
		seen[b.Next()] = true
	}
	if len(seen) < 2 {
		t.Fatalf("50 first waits were all equal (%v): no jitter", seen)
	}
}

func TestDoRetriesTransientFailuresUntilSuccess(t *testing.T) {
	var calls int
	err := Do(context.Background(), &Backoff{Initial: time.Millisecond, Max: time.Millisecond}, nil, 0, func(context.Context) error {
		calls++
		if calls < 5 {
			return syscall.ECONNREFUSED
		}
		return nil
	})
	if err != nil || calls != 5 {
		t.Fatalf("Do = %v after %d calls, want nil after 5", err, calls)
	}
}

func TestDoReturnsAPermanentErrorAtOnce(t *testing.T) {
	bad := errors.New("409 Conflict: incompatible schema")
	var calls int
	err := Do(context.Background(), nil, nil, 0, func(context.Context) error {
		calls++
		return Permanent(bad)
	})
	if !errors.Is(err, bad) || calls != 1 || IsPermanent(err) {
		t.Fatalf("Do = %v (permanent mark kept: %v) after %d calls, want the unmarked error after 1", err, IsPermanent(err), calls)
	}
}

func TestDoEndsWhenTheContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var calls int
	err := Do(ctx, &Backoff{Initial: time.Millisecond, Max: time.Millisecond}, nil, 0, func(context.Context) error {
		calls++
		if calls == 3 {
			cancel()
		}
		return syscall.ECONNREFUSED
	})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Do = %v, want context.Canceled naming the last failure", err)
	}
}

func TestTransientStatusIsEvery5xxAnd408And429(t *testing.T) {
	for code, want := range map[int]bool{500: true, 502: true, 503: true, 504: true, 408: true, 429: true,
		400: false, 401: false, 404: false, 409: false, 415: false, 422: false, 200: false} {
		if got := TransientStatus(code); got != want {
			t.Errorf("TransientStatus(%d) = %v, want %v", code, got, want)
		}
	}
}

func TestTransientKafkaTellsOutagesAndRebalancesFromMistakes(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{io.EOF, true},
		{io.ErrUnexpectedEOF, true},
		{context.DeadlineExceeded, true},
		{fmt.Errorf("commit: %w", kafka.RebalanceInProgress), true},
		{kafka.IllegalGeneration, true},
		{kafka.UnknownMemberId, true},
		{kafka.NotCoordinatorForGroup, true},
		{kafka.GroupCoordinatorNotAvailable, true},
		{kafka.LeaderNotAvailable, true},
		{kafka.NotLeaderForPartition, true},
		{kafka.RequestTimedOut, true},
		{kafka.MessageSizeTooLarge, false},
		{kafka.TopicAuthorizationFailed, false},
		{kafka.InvalidConfiguration, false},
		{context.Canceled, false},
	} {
		if got := TransientKafka(c.err); got != c.want {
			t.Errorf("TransientKafka(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestOutageLogsOneWarnWhenItStartsAndOneInfoWithDurationAndHeldWhenItEnds(t *testing.T) {
	var buf syncBuffer
	o := NewOutage(slog.New(slog.NewTextHandler(&buf, nil)), "Kafka", "localhost:9092")
	clock := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	o.now = func() time.Time { return clock }
	o.Recover(0) // no outage: nothing to say
	for _, held := range []int64{12, 55, 30} {
		o.Fail(syscall.ECONNREFUSED, held)
	}
	clock = clock.Add(2500 * time.Millisecond)
	o.Recover(40)
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d log lines, want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], `"Kafka unreachable at localhost:9092, retrying"`) {
		t.Errorf("first line %q: want a Warn naming Kafka and its address", lines[0])
	}
	if !strings.Contains(lines[1], "level=INFO") || !strings.Contains(lines[1], "outage=2.5s") || !strings.Contains(lines[1], "held=55") {
		t.Errorf("second line %q: want an Info with outage=2.5s and the peak held=55", lines[1])
	}
	if o.Active() || o.Count() != 1 {
		t.Errorf("after recovery: active %v, count %d; want false, 1", o.Active(), o.Count())
	}
}
