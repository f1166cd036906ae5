package clientconf

import (
	"context"
	"net"
	"testing"
	"time"
)

// deadlineRecorder is a net.Conn that records the read deadlines applied to
// it.
type deadlineRecorder struct {
	net.Conn
	applied []time.Time
}

func (r *deadlineRecorder) SetReadDeadline(t time.Time) error {
	r.applied = append(r.applied, t)
	return nil
}

// A kafka-go Reader sets a read deadline of now plus its ReadBatchTimeout
// (10 s by default) before each message it takes from a fetched batch
// (kafka-go v0.4.51 reader.go, (*reader).read); moving it by microseconds
// each time is work the socket does not need.
func TestAReadDeadlineMovedLaterByAFractionOfItsRemainingTimeIsNotAppliedAgain(t *testing.T) {
	rec := &deadlineRecorder{}
	c := &coalescingConn{Conn: rec}
	start := time.Now()
	for i := range 1000 {
		if err := c.SetReadDeadline(start.Add(10*time.Second + time.Duration(i)*time.Microsecond)); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.applied) != 1 {
		t.Fatalf("applied %d deadlines for 1000 requests 1 ms apart in all, want 1", len(rec.applied))
	}
	// a move past an eighth of the remaining time (10 s) is applied
	later := start.Add(12 * time.Second)
	if err := c.SetReadDeadline(later); err != nil {
		t.Fatal(err)
	}
	if got := rec.applied[len(rec.applied)-1]; len(rec.applied) != 2 || !got.Equal(later) {
		t.Fatalf("applied %v, want a second deadline %v", rec.applied, later)
	}
}

func TestAnEarlierOrClearedReadDeadlineIsAppliedAtOnce(t *testing.T) {
	rec := &deadlineRecorder{}
	c := &coalescingConn{Conn: rec}
	now := time.Now()
	steps := []time.Time{now.Add(10 * time.Second), now.Add(100 * time.Millisecond), {}, now.Add(time.Second)}
	for _, d := range steps {
		if err := c.SetReadDeadline(d); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.applied) != len(steps) {
		t.Fatalf("applied %d of %d deadlines: %v", len(rec.applied), len(steps), rec.applied)
	}
	for i, d := range steps {
		if !rec.applied[i].Equal(d) {
			t.Errorf("deadline %d: applied %v, want %v", i, rec.applied[i], d)
		}
	}
}

// Whatever is asked, the socket never waits longer than asked, and never
// gives up earlier than an eighth of the wait asked for.
func TestTheAppliedReadDeadlineIsNeverLaterThanAskedNorEarlierByMoreThanAnEighth(t *testing.T) {
	rec := &deadlineRecorder{}
	c := &coalescingConn{Conn: rec}
	now := time.Now()
	waits := []time.Duration{10 * time.Second, 10*time.Second + time.Millisecond, 50 * time.Millisecond, 55 * time.Millisecond,
		56 * time.Millisecond, 80 * time.Millisecond, 10 * time.Second, 11 * time.Second, 11*time.Second + 300*time.Millisecond}
	for _, w := range waits {
		asked := now.Add(w)
		if err := c.SetReadDeadline(asked); err != nil {
			t.Fatal(err)
		}
		in := rec.applied[len(rec.applied)-1]
		if in.After(asked) {
			t.Errorf("asked %v from now, in force %v: later", w, in.Sub(now))
		}
		if asked.Sub(in) > w/8 {
			t.Errorf("asked %v from now, in force %v: earlier by more than an eighth", w, in.Sub(now))
		}
	}
}

func TestTheKafkaGoDialerCoalescesReadDeadlines(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		if c, err := ln.Accept(); err == nil {
			_ = c.Close()
		}
	}()
	d, err := Kafka{}.Dialer()
	if err != nil {
		t.Fatal(err)
	}
	if d.DialFunc == nil {
		t.Fatal("the dialer has no DialFunc: kafka-go dials plain sockets")
	}
	c, err := d.DialFunc(context.Background(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, ok := c.(*coalescingConn); !ok {
		t.Fatalf("dialed a %T, want a *coalescingConn", c)
	}
}
