package broker

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// WithRecovery lets Start recover a data dir whose log holds corrupt
// record batches the way Kafka's log recovery does: each damaged partition
// is truncated at its first corrupt batch, and the records from there on
// are lost (Damage says how many). Without it, Start refuses such a data
// dir with a *CorruptLogError that names every damaged partition.
//
// An incomplete batch at the very end of a segment (a write cut short by
// a crash) is always discarded: its producer was never acknowledged.
func WithRecovery(on bool) Option { return func(c *config) { c.recover = on } }

// Damage describes one partition whose log is corrupt.
type Damage struct {
	Topic     string
	Partition int32
	// Segment is the segment file holding the first corrupt batch, and
	// ByteOffset the batch's position in it.
	Segment    string
	ByteOffset int64
	// FirstOffset is the offset of the first record that is lost.
	FirstOffset int64
	// Records is how many records from FirstOffset on are lost: every
	// record of the corrupt batch and of the batches after it.
	Records int64
	// Reason says what is wrong with the batch.
	Reason string
}

func (d Damage) String() string {
	return fmt.Sprintf("topic %q partition %d: %s at byte %d of %s; %d records from offset %d on are affected",
		d.Topic, d.Partition, d.Reason, d.ByteOffset, d.Segment, d.Records, d.FirstOffset)
}

// CorruptLogError is Start's refusal of a data dir with corrupt batches.
type CorruptLogError struct {
	DataDir string
	Damage  []Damage
}

func (e *CorruptLogError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the Kafka log in %s is corrupt in %d partition(s):", e.DataDir, len(e.Damage))
	for _, d := range e.Damage {
		b.WriteString("\n  " + d.String())
	}
	b.WriteString("\nrecover as Kafka's log recovery does, truncating each partition at its first corrupt batch (\"lab up --recover\", broker.WithRecovery), or restore the data dir from a copy")
	return b.String()
}

// Record batch layout (Kafka's RecordBatch v2): baseOffset int64,
// batchLength int32, partitionLeaderEpoch int32, magic int8, crc uint32
// over the rest, attributes int16, lastOffsetDelta int32, ...
const (
	batchPrefixLen       = 12 // baseOffset + batchLength
	batchCRCStart        = 17
	batchCRCEnd          = 21
	batchLastOffsetDelta = 23
	batchMinLen          = 61 // the fixed part of a v2 batch
	batchMaxLen          = 1 << 30
)

// logCheck is what checkLog finds in a data dir.
type logCheck struct {
	// corrupt are the partitions with a corrupt complete batch, torn those
	// whose last segment ends in an incomplete batch, with their damage.
	corrupt, torn []Damage
	// open are the transactions whose records the logs hold, up to their
	// first bad batch, with no control batch after them (txnrecovery.go).
	open []openTxn
}

// checkLog scans every partition's segments under dataDir.
func checkLog(dataDir string) (logCheck, error) {
	var lc logCheck
	parts, err := filepath.Glob(filepath.Join(dataDir, "partitions", "*"))
	if err != nil {
		return lc, err
	}
	for _, pdir := range parts {
		topic, partition, ok := parsePartDir(filepath.Base(pdir))
		if !ok {
			continue
		}
		scan := &txnScan{topic: topic, partition: partition}
		d, isTorn, err := checkPartition(pdir, topic, partition, scan.visit)
		if err != nil {
			return lc, err
		}
		lc.open = append(lc.open, scan.result()...)
		switch {
		case d == nil:
		case isTorn:
			lc.torn = append(lc.torn, *d)
		default:
			lc.corrupt = append(lc.corrupt, *d)
		}
	}
	return lc, nil
}

// parsePartDir splits "<escaped topic>-<partition>".
func parsePartDir(name string) (string, int32, bool) {
	i := strings.LastIndexByte(name, '-')
	if i <= 0 {
		return "", 0, false
	}
	p, err := strconv.ParseInt(name[i+1:], 10, 32)
	if err != nil {
		return "", 0, false
	}
	topic, err := url.PathUnescape(name[:i])
	if err != nil {
		return "", 0, false
	}
	return topic, int32(p), true
}

// segment is one segment file of a partition; its bytes are read one
// segment at a time, so a check holds no more than one in memory.
type segment struct {
	base int64
	path string
}

func (s segment) read() ([]byte, error) {
	raw, err := os.ReadFile(s.path)
	if err != nil {
		return nil, fmt.Errorf("check log: %w", err)
	}
	return raw, nil
}

// checkPartition finds the first bad batch of a partition, handing visit
// every good batch before it. torn is true when the only damage is an
// incomplete batch at the end of the last segment.
func checkPartition(pdir, topic string, partition int32, visit func(batch []byte)) (*Damage, bool, error) {
	segs, err := readSegments(pdir)
	if err != nil {
		return nil, false, err
	}
	next := int64(-1) // the offset after the last good batch
	for si, seg := range segs {
		data, err := seg.read()
		if err != nil {
			return nil, false, err
		}
		pos := 0
		for pos < len(data) {
			reason, complete := badBatch(data[pos:])
			if reason == "" {
				raw := data[pos:]
				visit(raw[:batchPrefixLen+int(binary.BigEndian.Uint32(raw[8:12]))])
				next = int64(binary.BigEndian.Uint64(raw[0:8])) + int64(int32(binary.BigEndian.Uint32(raw[batchLastOffsetDelta:]))) + 1
				pos += batchPrefixLen + int(binary.BigEndian.Uint32(raw[8:12]))
				continue
			}
			d := &Damage{Topic: topic, Partition: partition, Segment: seg.path, ByteOffset: int64(pos), Reason: reason}
			d.FirstOffset, d.Records = lostFrom(data, segs[si+1:], pos, next)
			return d, !complete && si == len(segs)-1, nil
		}
	}
	return nil, false, nil
}

// badBatch says what is wrong with the batch at the start of raw ("" when
// nothing), and whether the batch is complete (all its bytes present).
func badBatch(raw []byte) (reason string, complete bool) {
	if len(raw) < batchPrefixLen {
		return fmt.Sprintf("an incomplete batch header (%d bytes)", len(raw)), false
	}
	n := int64(binary.BigEndian.Uint32(raw[8:12]))
	if n < batchMinLen-batchPrefixLen || n > batchMaxLen {
		return fmt.Sprintf("an impossible batch length %d", int32(n)), true
	}
	if int64(len(raw)) < batchPrefixLen+n {
		return fmt.Sprintf("an incomplete batch (%d of %d bytes)", len(raw), batchPrefixLen+n), false
	}
	b := raw[:batchPrefixLen+n]
	if b[16] != 2 {
		return fmt.Sprintf("an unknown batch magic %d", b[16]), true
	}
	if stored, got := binary.BigEndian.Uint32(b[batchCRCStart:batchCRCEnd]), crc32.Checksum(b[batchCRCEnd:], crc32c); stored != got {
		return fmt.Sprintf("a CRC mismatch (stored %08x, computed %08x)", stored, got), true
	}
	return "", true
}

// lostFrom counts the records from the bad batch at pos of data (the
// damaged segment's bytes) to the end of the later segments, read in turn:
// partition's end. Batch headers are walked where their lengths are
// plausible; the count stops at the first implausible one.
func lostFrom(data []byte, later []segment, pos int, next int64) (first, records int64) {
	first = next
	for i := -1; i < len(later); i++ {
		if i >= 0 {
			var err error
			if data, err = later[i].read(); err != nil {
				return first, records
			}
			pos = 0
		}
		for pos+batchMinLen <= len(data) {
			raw := data[pos:]
			n := int64(binary.BigEndian.Uint32(raw[8:12]))
			if n < batchMinLen-batchPrefixLen || n > batchMaxLen {
				return first, records
			}
			base := int64(binary.BigEndian.Uint64(raw[0:8]))
			delta := int64(int32(binary.BigEndian.Uint32(raw[batchLastOffsetDelta:])))
			if first < 0 {
				first = base
			}
			if delta >= 0 && delta < 1<<24 {
				records += delta + 1
			}
			pos += batchPrefixLen + int(n)
		}
	}
	if first < 0 {
		first = 0
	}
	return first, records
}

func readSegments(pdir string) ([]segment, error) {
	entries, err := os.ReadDir(pdir)
	if err != nil {
		return nil, fmt.Errorf("check log: %w", err)
	}
	var segs []segment
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".dat")
		if !ok {
			continue
		}
		base, err := strconv.ParseInt(name, 10, 64)
		if err != nil {
			continue
		}
		segs = append(segs, segment{base: base, path: filepath.Join(pdir, e.Name())})
	}
	slices.SortFunc(segs, func(a, b segment) int { return cmp.Compare(a.base, b.base) })
	return segs, nil
}

// truncate cuts a partition's log at its damage, as Kafka's log recovery
// does: the damaged segment ends before the bad batch, the segments after
// it are deleted, and the partition's snapshot is dropped so that the
// broker rebuilds its state from what is left.
func truncate(d Damage) error {
	pdir := filepath.Dir(d.Segment)
	if err := os.Truncate(d.Segment, d.ByteOffset); err != nil {
		return fmt.Errorf("recover %s-%d: %w", d.Topic, d.Partition, err)
	}
	segs, err := readSegments(pdir)
	if err != nil {
		return err
	}
	for _, s := range segs {
		if segBase(s.path) > segBase(d.Segment) {
			if err := os.Remove(s.path); err != nil {
				return fmt.Errorf("recover %s-%d: %w", d.Topic, d.Partition, err)
			}
			_ = os.Remove(strings.TrimSuffix(s.path, ".dat") + ".idx")
		}
	}
	if err := os.Remove(filepath.Join(pdir, "snapshot.json")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("recover %s-%d: %w", d.Topic, d.Partition, err)
	}
	return nil
}

func segBase(path string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(filepath.Base(path), ".dat"), 10, 64)
	return n
}
