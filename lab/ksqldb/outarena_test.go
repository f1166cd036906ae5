package ksqldb

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Between two reuses the arena never hands out a record twice; after a
// reuse it hands the same records out again, zeroed, and takes no new
// block for a batch no larger than the last one.
func TestOutArenaHandsRecordsOutOncePerBatchAndZeroedAgainAfterReuse(t *testing.T) {
	var a outArena
	const batch = 3 * arenaRecords // whole blocks: every record of them is seen
	seen := map[*kgo.Record]bool{}
	for i := range batch {
		r := a.record()
		if seen[r] {
			t.Fatalf("record %d of the batch was handed out before", i)
		}
		seen[r] = true
		r.Topic, r.Key, r.Value, r.Offset = "t", []byte("k"), []byte("v"), int64(i)
		r.Headers = []kgo.RecordHeader{{Key: "h"}}
	}
	a.reuse()
	again := map[*kgo.Record]bool{}
	for range batch {
		r := a.record()
		if again[r] {
			t.Fatal("a record was handed out twice after the reuse")
		}
		again[r] = true
		if !seen[r] {
			t.Fatal("after a reuse the arena handed out a record from a new block")
		}
		if r.Topic != "" || r.Key != nil || r.Value != nil || r.Headers != nil || r.Offset != 0 {
			t.Fatalf("a reused record is not zero: %+v", *r)
		}
	}
	a.reuse()
	a.trim()
	if r := a.record(); seen[r] {
		t.Error("after trim the arena still hands out kept blocks")
	}
}
