package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/clientconf"
)

// Continuity says what a run does about the simulated time the topics
// already hold (a lab that kept its data from an earlier run). The
// dashboard shows the latest simulated time, weather and train reports it
// reads, so a run that starts earlier than the topics end would not show.
type Continuity int

const (
	// AsScheduled runs the schedule as given, whatever the topics hold
	// (replays on a fresh stack).
	AsScheduled Continuity = iota
	// ContinueWhereTopicsEnd moves the start to the first step after the
	// latest simulated time in the topics, so the simulated world goes on
	// where the earlier run left it and the page follows.
	ContinueWhereTopicsEnd
	// RefuseBehindTopics refuses a start at or before the latest simulated
	// time in the topics (an explicit --start).
	RefuseBehindTopics
)

// worldTopics hold a record every simulated tick (turnstiles) and hour
// (weather); their keys carry the simulated time.
var worldTopics = []string{topic.Turnstile, topic.Weather}

// WorldEnd returns the latest simulated time in the keys of the last record
// of each partition of the turnstile and weather topics, and false when
// they hold none (a fresh stack).
func WorldEnd(ctx context.Context, brokers []string, sec clientconf.Kafka) (time.Time, bool, error) {
	kopts, err := kgoOpts(brokers, sec)
	if err != nil {
		return time.Time{}, false, err
	}
	cl, err := kgo.NewClient(kopts...)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read where the topics end: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, worldTopics...)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read where the topics end: %w", err)
	}
	starts, err := adm.ListStartOffsets(ctx, worldTopics...)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read where the topics end: %w", err)
	}
	want := map[string]map[int32]kgo.Offset{}
	n := 0
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil { // no such topic yet: nothing simulated into it
			return
		}
		s, ok := starts.Lookup(o.Topic, o.Partition)
		if !ok || s.Err != nil || o.Offset <= s.Offset {
			return
		}
		if want[o.Topic] == nil {
			want[o.Topic] = map[int32]kgo.Offset{}
		}
		want[o.Topic][o.Partition] = kgo.NewOffset().At(o.Offset - 1)
		n++
	})
	if n == 0 {
		return time.Time{}, false, nil
	}
	rd, err := kgo.NewClient(append(kopts, kgo.ConsumePartitions(want))...)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("read where the topics end: %w", err)
	}
	defer rd.Close()
	var latest int64
	found := false
	seen := map[string]map[int32]bool{}
	for got := 0; got < n; {
		fs := rd.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return time.Time{}, false, fmt.Errorf("read where the topics end: %w", err)
		}
		var fetchErr error
		fs.EachError(func(t string, p int32, err error) {
			fetchErr = errors.Join(fetchErr, fmt.Errorf("%s[%d]: %w", t, p, err))
		})
		if fetchErr != nil {
			return time.Time{}, false, fmt.Errorf("read where the topics end: %w", fetchErr)
		}
		fs.EachRecord(func(r *kgo.Record) {
			if seen[r.Topic] == nil {
				seen[r.Topic] = map[int32]bool{}
			}
			if !seen[r.Topic][r.Partition] {
				seen[r.Topic][r.Partition] = true
				got++
			}
			if ms, ok := keyTime(r.Key); ok && (!found || ms > latest) {
				latest, found = ms, true
			}
		})
	}
	if !found {
		return time.Time{}, false, nil
	}
	return time.UnixMilli(latest).UTC(), true, nil
}

// keyTime decodes the simulated time of a turnstile or weather key: the
// Confluent wire format (magic byte 0, 4-byte schema id) around an Avro
// record whose one field is the long "timestamp" (app/schema/avsc), which
// Avro writes as a zig-zag varint, as encoding/binary's Varint reads it.
func keyTime(key []byte) (int64, bool) {
	if len(key) < 6 || key[0] != 0 {
		return 0, false
	}
	ms, n := binary.Varint(key[5:])
	if n <= 0 {
		return 0, false
	}
	return ms, true
}

// PlaceRun returns sched with its start placed as mode says against the
// simulated time the topics already hold, and logs which happened.
func PlaceRun(ctx context.Context, brokers []string, sec clientconf.Kafka, sched sim.Schedule, mode Continuity, log *slog.Logger) (sim.Schedule, error) {
	if mode == AsScheduled {
		return sched, nil
	}
	end, found, err := WorldEnd(ctx, brokers, sec)
	if err != nil {
		return sched, err
	}
	if !found {
		log.Info("a new simulated world: the topics hold no simulated time yet", "start", sched.Start.Format(time.RFC3339))
		return sched, nil
	}
	if sched.Start.After(end) {
		log.Info("a new run after the simulated time the topics hold", "topics_end", end.Format(time.RFC3339), "start", sched.Start.Format(time.RFC3339))
		return sched, nil
	}
	if mode == RefuseBehindTopics {
		return sched, fmt.Errorf("the start %s is not after %s, the latest simulated time the topics already hold: the dashboard shows the latest time it reads, so it would not follow this run; leave out --start to continue where the topics end, or simulate into a lab without data",
			sched.Start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	next := end.Truncate(sched.Step).Add(sched.Step)
	log.Info("continuing the simulated world where the topics end", "topics_end", end.Format(time.RFC3339), "start", next.Format(time.RFC3339), "scheduled_start", sched.Start.Format(time.RFC3339))
	sched.Start = next
	return sched, nil
}
