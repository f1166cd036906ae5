package broker

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// segmentOf returns the only segment file of topic's partition 0.
func segmentOf(t *testing.T, dir, topic string) string {
	t.Helper()
	segs, err := filepath.Glob(filepath.Join(dir, "partitions", topic+"-0", "*.dat"))
	if err != nil || len(segs) != 1 {
		t.Fatalf("segments of %s: %v, %v", topic, segs, err)
	}
	return segs[0]
}

// batchStarts walks a segment's record batches by their length fields
// (Kafka's RecordBatch: baseOffset int64, batchLength int32, ...).
func batchStarts(t *testing.T, raw []byte) []int {
	t.Helper()
	var starts []int
	for pos := 0; pos+12 <= len(raw); {
		starts = append(starts, pos)
		pos += 12 + int(binary.BigEndian.Uint32(raw[pos+8:pos+12]))
	}
	return starts
}

// Flipped bytes in a segment (a bad disk, a careless edit) must not make
// records vanish silently: Start refuses the data dir and says which
// topic, partition and how many records are affected; with WithRecovery
// it truncates there as Kafka's log recovery does and reports the same.
func TestCorruptSegmentIsRefusedOrRecoveredLoudly(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	// Each message is written and acknowledged on its own: one batch each.
	produce(ctx, t, b, "rides", keys("k", 0, 10)...)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}

	seg := segmentOf(t, dir, "rides")
	raw, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	starts := batchStarts(t, raw)
	if len(starts) != 10 {
		t.Fatalf("%d batches in %s, want one per message (10)", len(starts), seg)
	}
	// Flip 8 bytes inside the fourth batch's record data.
	end := starts[4] - 1
	for i := end - 7; i <= end; i++ {
		raw[i] ^= 0xff
	}
	if err := os.WriteFile(seg, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	_, err = Start(ctx, WithDataDir(dir))
	var corrupt *CorruptLogError
	if !errors.As(err, &corrupt) {
		t.Fatalf("Start on a corrupt log: err = %v, want a *CorruptLogError", err)
	}
	if len(corrupt.Damage) != 1 {
		t.Fatalf("damage = %+v, want one partition", corrupt.Damage)
	}
	d := corrupt.Damage[0]
	if d.Topic != "rides" || d.Partition != 0 || d.FirstOffset != 3 || d.Records != 7 || d.ByteOffset != int64(starts[3]) {
		t.Fatalf("damage = %+v, want rides/0 from offset 3 (byte %d), 7 records", d, starts[3])
	}
	for _, want := range []string{`topic "rides" partition 0`, "7 records from offset 3", "CRC mismatch", "--recover"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if after, _ := os.ReadFile(seg); len(after) != len(raw) {
		t.Fatalf("a refused start changed the segment: %d bytes, was %d", len(after), len(raw))
	}

	r := startBroker(ctx, t, WithDataDir(dir), WithRecovery(true))
	if got := r.Recovered(); len(got) != 1 || got[0].Records != 7 || got[0].FirstOffset != 3 {
		t.Fatalf("Recovered() = %+v, want the same damage", got)
	}
	if n := countRecords(ctx, t, r, "rides"); n != 3 {
		t.Fatalf("%d records after recovery, want the 3 before the corrupt batch", n)
	}
	produce(ctx, t, r, "rides", "after")
	if n := countRecords(ctx, t, r, "rides"); n != 4 {
		t.Fatalf("%d records after a new write, want 4", n)
	}
}

// A batch cut short at the end of the log (the broker killed mid-write) is
// ordinary crash recovery: Start discards it and starts.
func TestTornTailIsDiscardedWithoutRefusal(t *testing.T) {
	ctx := testContext(t)
	dir := t.TempDir()
	b := startBroker(ctx, t, WithDataDir(dir))
	produce(ctx, t, b, "rides", keys("k", 0, 4)...)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	seg := segmentOf(t, dir, "rides")
	raw, err := os.ReadFile(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(seg, raw[:len(raw)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	r := startBroker(ctx, t, WithDataDir(dir))
	if n := countRecords(ctx, t, r, "rides"); n != 3 {
		t.Fatalf("%d records after a torn last batch, want 3", n)
	}
}
