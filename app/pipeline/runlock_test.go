package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/ctalab/ctalab/lab/broker"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	return c.Process.Pid
}

// restartedWithMember leaves a member with client id holder in the lock
// group of a broker that is then closed and started again on its data: the
// broker keeps a member that was joined when it stopped until its session
// times out (as Kafka reloads group members from __consumer_offsets), which
// is what a serve left running across lab down and lab up leaves behind.
func restartedWithMember(t *testing.T, holder string) *broker.Broker {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b, err := broker.Start(ctx, broker.WithDataDir(dir), broker.WithPort(0))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ClientID(holder),
		kgo.ConsumerGroup(RunLockGroup), kgo.ConsumeTopics(RunLockTopic), kgo.SessionTimeout(RunLockSessionTimeout),
		kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for !cl.PollFetches(context.Background()).IsClientClosed() {
		}
	}()
	var members []string
	for deadline := time.Now().Add(30 * time.Second); len(members) == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the stand-in member never joined the lock group")
		}
		time.Sleep(100 * time.Millisecond)
		members = membersOf(ctx, t, b.Addrs(), clientconf.Kafka{})
	}
	// The broker stops first, so the member cannot leave.
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	cl.Close()
	port := b.Addrs()[0][strings.LastIndex(b.Addrs()[0], ":")+1:]
	var p int
	fmt.Sscan(port, &p)
	b, err = broker.Start(ctx, broker.WithDataDir(dir), broker.WithPort(p))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	if got := membersOf(ctx, t, b.Addrs(), clientconf.Kafka{}); len(got) != 1 || got[0] != holder {
		t.Fatalf("after the restart the lock group has members %v, want the saved %s", got, holder)
	}
	return b
}

func membersOf(ctx context.Context, t *testing.T, brokers []string, sec clientconf.Kafka) []string {
	t.Helper()
	opts, err := kgoOpts(brokers, sec)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ids, err := lockMembers(ctx, kadm.NewClient(cl))
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func holderID(host string, pid int) string {
	return fmt.Sprintf("ctalab-simulation-%020d-%s-%d", time.Now().UnixNano(), host, pid)
}

// A simulation killed on this host (its pid no longer runs) holds no
// lock: the next one waits for the broker to drop its membership and
// starts, saying why it waits.
func TestTheRunLockWaitsOutAMemberWhoseProcessOnThisHostIsGone(t *testing.T) {
	host, _ := os.Hostname()
	holder := holderID(host, deadPID(t))
	b := restartedWithMember(t, holder)

	var logs lockedBuffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	lock, err := AcquireRunLock(ctx, b.Addrs(), clientconf.Kafka{}, slogText(&logs))
	if err != nil {
		t.Fatalf("the run lock was refused over a dead process's membership: %v\n%s", err, logs.String())
	}
	defer lock.Release()
	if !strings.Contains(logs.String(), holder) || !strings.Contains(logs.String(), "no longer runs") {
		t.Errorf("the wait does not name the dead holder %s and why it waits:\n%s", holder, logs.String())
	}
}

// A member whose process still runs on this host, or that runs on another
// host (where its pid says nothing), holds the lock: the next simulation is
// refused, naming it.
func TestTheRunLockRefusesAMemberThatMayStillRun(t *testing.T) {
	host, _ := os.Hostname()
	for name, holder := range map[string]string{
		"alive on this host": holderID(host, os.Getppid()),
		"on another host":    holderID("elsewhere."+host, deadPID(t)),
	} {
		t.Run(name, func(t *testing.T) {
			b := restartedWithMember(t, holder)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			lock, err := AcquireRunLock(ctx, b.Addrs(), clientconf.Kafka{}, slog.New(slog.DiscardHandler))
			if err == nil {
				lock.Release()
				t.Fatal("the run lock was taken beside a member that may still run")
			}
			if !errors.Is(err, ErrAnotherRun) || !strings.Contains(err.Error(), holder) {
				t.Fatalf("got %v, want ErrAnotherRun naming %s", err, holder)
			}
		})
	}
}
