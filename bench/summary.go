package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/internal/recpool"
)

// awaitSummary follows TURNSTILE_SUMMARY from its first offset (waiting for
// ksqlDB to create it) until its latest COUNT per station id equals want.
func awaitSummary(ctx context.Context, brokers []string, want map[int]int) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic.TurnstileSummary),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond),
		kgo.MetadataMinAge(50*time.Millisecond), kgo.MetadataMaxAge(250*time.Millisecond),
		// the watcher reads as many records as the pipeline's query
		// writes, inside the timed part: its batches' record slices are
		// reused rather than allocated for each
		kgo.WithPools(&recpool.Pool{}))
	if err != nil {
		return fmt.Errorf("follow %s: %w", topic.TurnstileSummary, err)
	}
	defer cl.Close()
	counts := map[int]int{}
	for {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("follow %s: %d of %d stations counted in full: %w", topic.TurnstileSummary, agreeing(counts, want), len(want), err)
		}
		changed := false
		fs.EachRecord(func(r *kgo.Record) {
			if len(r.Key) != 4 {
				return
			}
			id := int(int32(binary.BigEndian.Uint32(r.Key)))
			changed = true
			if r.Value == nil {
				delete(counts, id)
				return
			}
			if n, ok := summaryCount(r.Value); ok {
				counts[id] = n
			}
		})
		recpool.Recycle(fs) // nothing above keeps a record
		if changed && maps.Equal(counts, want) {
			return nil
		}
	}
}

// summaryCount is the COUNT of a TURNSTILE_SUMMARY value. The watcher runs
// inside the timed replay, so the value ksqlDB writes, {"COUNT":n}, is read
// without a JSON decoder; anything else goes through encoding/json.
func summaryCount(v []byte) (int, bool) {
	const prefix = `{"COUNT":`
	if digits, ok := bytes.CutPrefix(v, []byte(prefix)); ok {
		if digits, ok = bytes.CutSuffix(digits, []byte("}")); ok {
			if n, err := strconv.Atoi(string(digits)); err == nil {
				return n, true
			}
		}
	}
	var s struct {
		Count *int `json:"COUNT"`
	}
	if json.Unmarshal(v, &s) != nil || s.Count == nil {
		return 0, false
	}
	return *s.Count, true
}

func agreeing(got, want map[int]int) int {
	n := 0
	for k, v := range want {
		if got[k] == v {
			n++
		}
	}
	return n
}

// turnstileCounts reads the turnstile topic from its first offset to its
// end offset and counts the entries per station id.
func turnstileCounts(ctx context.Context, brokers []string) (map[int]int, error) {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(topic.Turnstile),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", topic.Turnstile, err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic.Turnstile)
	if err != nil {
		return nil, fmt.Errorf("read %s end offsets: %w", topic.Turnstile, err)
	}
	remaining := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			remaining[o.Partition] = o.Offset
		}
	})
	counts := map[int]int{}
	decoded := map[string]int{} // a tick's entries at one station are identical values
	codec := schema.TurnstileValue.Codec()
	for len(remaining) > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", topic.Turnstile, err)
		}
		var decodeErr error
		fs.EachRecord(func(r *kgo.Record) {
			id, ok := decoded[string(r.Value)]
			if !ok {
				_, body, err := schema.SplitWire(r.Value)
				if err == nil {
					var native any
					if native, err = schema.DecodeBody(codec, body); err == nil {
						v, _ := native.(map[string]any)
						n, isInt := v["station_id"].(int32)
						if !isInt {
							err = fmt.Errorf("offset %d: no int station_id", r.Offset)
						}
						id = int(n)
					}
				}
				if err != nil {
					decodeErr = err
					return
				}
				decoded[string(r.Value)] = id
			}
			counts[id]++
			if end, ok := remaining[r.Partition]; ok && r.Offset >= end-1 {
				delete(remaining, r.Partition)
			}
		})
		if decodeErr != nil {
			return nil, fmt.Errorf("read %s: %w", topic.Turnstile, decodeErr)
		}
	}
	return counts, nil
}
