package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ctalab/ctalab/clientconf"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

// The run lock is a Kafka consumer group that every simulation writing the
// topics joins for as long as it runs: the group's members are visible to
// every process that reaches the cluster (kafka-consumer-groups.sh
// --describe --group ctalab.simulation lists them), a clean exit leaves the
// group at once, and the broker drops a killed process's member after its
// session timeout (Kafka's group membership protocol, KIP-345 for the
// timeout's role: https://kafka.apache.org/39/documentation/#consumerconfigs_session.timeout.ms).
const (
	// RunLockGroup is the consumer group a simulation holds while it runs.
	RunLockGroup = "ctalab.simulation"
	// RunLockTopic is the (empty) topic the group consumes.
	RunLockTopic = "ctalab.simulation.lock"
	// RunLockSessionTimeout is how long the broker keeps a killed
	// simulation's membership.
	RunLockSessionTimeout = 10 * time.Second
)

// ErrAnotherRun is returned when another simulation holds the run lock.
var ErrAnotherRun = errors.New("another simulation is writing these topics")

// RunLock is a held run lock; Release leaves the group.
type RunLock struct {
	cl *kgo.Client
	id string
}

// ID is the lock holder's member client id: ctalab-simulation-<start
// nanoseconds>-<host>-<pid>.
func (l *RunLock) ID() string { return l.id }

// Release leaves the group, so that the next simulation may start at once.
func (l *RunLock) Release() {
	if l != nil && l.cl != nil {
		l.cl.Close()
	}
}

// AcquireRunLock joins RunLockGroup unless another simulation is a member,
// and returns ErrAnotherRun (naming the holder) when one is. Two
// simulations starting at once both join; the one that started later (by
// the time in its client id) leaves and is refused.
func AcquireRunLock(ctx context.Context, brokers []string, sec clientconf.Kafka, log *slog.Logger) (*RunLock, error) {
	kopts, err := kgoOpts(brokers, sec)
	if err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	host, _ := os.Hostname()
	id := fmt.Sprintf("ctalab-simulation-%020d-%s-%d", time.Now().UnixNano(), host, os.Getpid())
	admCl, err := kgo.NewClient(kopts...)
	if err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	if holders, err := outliveDead(ctx, adm, host, log); err != nil {
		return nil, err
	} else if len(holders) > 0 {
		return nil, anotherRun(holders[0])
	}
	if _, err := adm.CreateTopic(ctx, 1, -1, nil, RunLockTopic); err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return nil, fmt.Errorf("run lock: create topic %s: %w", RunLockTopic, err)
	}
	cl, err := kgo.NewClient(append(kopts, kgo.ClientID(id),
		kgo.ConsumerGroup(RunLockGroup), kgo.ConsumeTopics(RunLockTopic), kgo.SessionTimeout(RunLockSessionTimeout))...)
	if err != nil {
		return nil, fmt.Errorf("run lock: %w", err)
	}
	// The group membership starts with the first poll; the topic is empty,
	// so the poll returns when ctx ends or the join is done.
	go func() {
		for {
			fs := cl.PollFetches(context.Background())
			if fs.IsClientClosed() {
				return
			}
		}
	}()
	lock := &RunLock{cl: cl, id: id}
	deadline := time.Now().Add(30 * time.Second)
	for {
		members, err := lockMembers(ctx, adm)
		if err != nil {
			lock.Release()
			return nil, err
		}
		if slices.Contains(members, id) {
			members = slices.DeleteFunc(members, func(m string) bool { return goneFromHost(m, host) })
			slices.Sort(members)
			if members[0] != id {
				lock.Release()
				return nil, anotherRun(members[0])
			}
			log.Info("run lock held: no other simulation writes these topics", "group", RunLockGroup, "member", id)
			return lock, nil
		}
		if time.Now().After(deadline) {
			lock.Release()
			return nil, fmt.Errorf("run lock: not a member of consumer group %s after 30s", RunLockGroup)
		}
		select {
		case <-ctx.Done():
			lock.Release()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// outliveDead returns the lock group's members once none of them is a
// simulation on this host whose process no longer runs: the broker keeps
// such a member for its session timeout after the process was killed, or
// after a restart of the broker it was joined to (Kafka reloads group
// members and restarts their session timers), and waiting that out is what
// the user would do by hand.
func outliveDead(ctx context.Context, adm *kadm.Client, host string, log *slog.Logger) ([]string, error) {
	deadline := time.Now().Add(RunLockSessionTimeout + 5*time.Second)
	logged := map[string]bool{}
	for {
		holders, err := lockMembers(ctx, adm)
		if err != nil {
			return nil, err
		}
		var dead []string
		for _, h := range holders {
			if goneFromHost(h, host) {
				dead = append(dead, h)
			}
		}
		if len(dead) == 0 || len(dead) < len(holders) || time.Now().After(deadline) {
			return holders, nil
		}
		for _, h := range dead {
			if !logged[h] {
				logged[h] = true
				log.Info("waiting for the broker to drop a simulation whose process no longer runs on this host",
					"group", RunLockGroup, "member", h, "session_timeout", RunLockSessionTimeout)
			}
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// goneFromHost reports whether member, a lock holder's client id, names a
// process on host that no longer runs. A member of another host, or whose
// pid runs (perhaps reused), may still be writing.
func goneFromHost(member, host string) bool {
	rest, ok := strings.CutPrefix(member, "ctalab-simulation-")
	if !ok || len(rest) < 22 || rest[20] != '-' {
		return false
	}
	rest = rest[21:]
	i := strings.LastIndexByte(rest, '-')
	if i < 0 || rest[:i] != host {
		return false
	}
	pid, err := strconv.Atoi(rest[i+1:])
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}

// lockMembers returns the client ids of the lock group's members.
func lockMembers(ctx context.Context, adm *kadm.Client) ([]string, error) {
	groups, err := adm.DescribeGroups(ctx, RunLockGroup)
	if err != nil {
		return nil, fmt.Errorf("run lock: describe consumer group %s: %w", RunLockGroup, err)
	}
	g, ok := groups[RunLockGroup]
	if !ok || errors.Is(g.Err, kerr.GroupIDNotFound) {
		return nil, nil
	}
	if g.Err != nil {
		return nil, fmt.Errorf("run lock: describe consumer group %s: %w", RunLockGroup, g.Err)
	}
	var ids []string
	for _, m := range g.Members {
		if strings.HasPrefix(m.ClientID, "ctalab-simulation-") {
			ids = append(ids, m.ClientID)
		}
	}
	return ids, nil
}

func anotherRun(holder string) error {
	return fmt.Errorf("%w: consumer group %s has member %s (a process on that host with that pid); stop it first (Ctrl-C). A killed process's membership expires %s after it died",
		ErrAnotherRun, RunLockGroup, holder, RunLockSessionTimeout)
}

// kgoOpts are the franz-go options that reach brokers with sec's TLS and
// SASL.
func kgoOpts(brokers []string, sec clientconf.Kafka) ([]kgo.Opt, error) {
	sec.Brokers = brokers
	return sec.KgoOpts()
}
