package broker

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"hash/crc32"
	"runtime"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Error codes from apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/protocol/Errors.java.
const (
	codeUnknownServerError = -1
	codeMessageTooLarge    = 10
	codeInvalidRecord      = 87
)

// appendRecord appends one v2 record ("Record" in
// https://kafka.apache.org/39/documentation/#record): a zig-zag varint
// body length, then attributes, timestampDelta, offsetDelta, a null key,
// the value and no headers.
func appendRecord(dst []byte, offsetDelta int, value []byte) []byte {
	var body []byte
	body = append(body, 0)                               // attributes
	body = binary.AppendVarint(body, 0)                  // timestampDelta
	body = binary.AppendVarint(body, int64(offsetDelta)) // offsetDelta
	body = binary.AppendVarint(body, -1)                 // key: null
	body = binary.AppendVarint(body, int64(len(value)))
	body = append(body, value...)
	body = binary.AppendVarint(body, 0) // headers
	dst = binary.AppendVarint(dst, int64(len(body)))
	return append(dst, body...)
}

// rawBatch frames already compressed records as a v2 batch declaring
// numRecords records in codec, with a correct CRC-32C.
func rawBatch(codec int16, numRecords int32, records []byte) []byte {
	batch := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1, Magic: 2, Attributes: codec,
		LastOffsetDelta: numRecords - 1, ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1,
		NumRecords: numRecords, Records: records,
	}
	raw := batch.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw)-12))
	binary.BigEndian.PutUint32(raw[17:], crc32.Checksum(raw[21:], crc32.MakeTable(crc32.Castagnoli)))
	return raw
}

// produceRaw sends batch to partition 0 of topic with Produce v9 and
// returns the partition's error code.
func produceRaw(t *testing.T, b *Broker, topic string, batch []byte) int16 {
	t.Helper()
	return produceRawResponse(t, b, topic, batch).ErrorCode
}

func createTopicWith(ctx context.Context, t *testing.T, b *Broker, topic string, configs map[string]*string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, configs, topic); err != nil {
		t.Fatalf("create %s: %v", topic, err)
	}
}

// gzipBomb returns copies gzip members each holding size zero bytes,
// concatenated: a gzip stream (RFC 1952 section 2.2 allows several
// members, and Java's GZIPInputStream reads them all) that expands about a
// thousandfold.
func gzipBomb(t *testing.T, size, copies int) []byte {
	t.Helper()
	var member bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&member, gzip.BestCompression)
	if _, err := zw.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(member.Bytes(), copies)
}

// allocatedDuring reports how many bytes the whole process allocated on
// the heap while f ran (broker included: it runs in this process).
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A gzip bomb of zero bytes is no record stream: Kafka reads a zero body
// length, fails to read the record's attributes ("Found invalid record
// structure", DefaultRecord.readFrom in apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/record/DefaultRecord.java)
// and answers INVALID_RECORD, having read only the first bytes. The
// broker must not inflate the rest.
func TestGzipBombOfZerosIsInvalidRecordAndNotInflated(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	// The bomb is about 2 MiB compressed: more than max.message.bytes
	// allows by default, which Kafka checks before decompressing.
	createTopicWith(ctx, t, b, "bomb-gz", map[string]*string{
		"compression.type": kadm.StringPtr("zstd"), "max.message.bytes": kadm.StringPtr("4194304"),
	})
	bomb := gzipBomb(t, 64<<20, 32) // 2 GiB of zeros
	batch := rawBatch(1, 1, bomb)
	var code int16
	alloc := allocatedDuring(func() { code = produceRaw(t, b, "bomb-gz", batch) })
	if code != codeInvalidRecord {
		t.Errorf("gzip bomb: error %d, want %d (INVALID_RECORD)", code, codeInvalidRecord)
	}
	if alloc > 64<<20 {
		t.Errorf("the process allocated %d MiB while answering a %d KiB gzip bomb of 2 GiB", alloc>>20, len(bomb)>>10)
	}
}

// Records that are well formed but expand beyond what the broker would
// read in one request (socket.request.max.bytes) are refused with
// MESSAGE_TOO_LARGE without being held in memory.
func TestZstdBombOfValidRecordsIsMessageTooLarge(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t, WithSocketRequestMaxBytes(8<<20))
	createTopicWith(ctx, t, b, "bomb-zstd", map[string]*string{"compression.type": kadm.StringPtr("gzip")})
	const n = 48
	value := make([]byte, 1<<20)
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	var records []byte
	for i := range n { // 48 MiB of records
		records = appendRecord(records, i, value)
	}
	compressed := enc.EncodeAll(records, nil)
	batch := rawBatch(4, n, compressed)
	var code int16
	alloc := allocatedDuring(func() { code = produceRaw(t, b, "bomb-zstd", batch) })
	if code != codeMessageTooLarge {
		t.Errorf("zstd bomb of valid records: error %d, want %d (MESSAGE_TOO_LARGE)", code, codeMessageTooLarge)
	}
	if alloc > 64<<20 {
		t.Errorf("the process allocated %d MiB while answering a %d KiB zstd batch of 48 MiB", alloc>>20, len(compressed)>>10)
	}
}

// After recompression Kafka checks each batch against the topic's
// max.message.bytes again and answers MESSAGE_TOO_LARGE
// (UnifiedLog.append, apache/kafka 3.9 core/src/main/scala/kafka/log/UnifiedLog.scala:
// "re-validate message sizes if there's a possibility that they have changed").
func TestRecompressedBatchAboveMaxMessageBytesIsMessageTooLarge(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	createTopicWith(ctx, t, b, "plain-small", map[string]*string{
		"compression.type": kadm.StringPtr("uncompressed"), "max.message.bytes": kadm.StringPtr("100000"),
	})
	var records []byte
	for i := range 4 { // 4 x 40 KB: fits gzipped, not plain
		records = appendRecord(records, i, bytes.Repeat([]byte("turnstile "), 4000))
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(records)
	_ = zw.Close()
	if code := produceRaw(t, b, "plain-small", rawBatch(1, 4, gz.Bytes())); code != codeMessageTooLarge {
		t.Fatalf("recompressed batch of 160 KB on a topic with max.message.bytes=100000: error %d, want %d (MESSAGE_TOO_LARGE)", code, codeMessageTooLarge)
	}
	// The same records in a batch that fits are stored.
	if code := produceRaw(t, b, "plain-small", rawBatch(1, 1, gzipOf(t, records[:len(records)/4]))); code != 0 {
		t.Fatalf("one 40 KB record: error %d, want none", code)
	}
}

func gzipOf(t *testing.T, raw []byte) []byte {
	t.Helper()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write(raw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return gz.Bytes()
}

// Kafka counts the records it reads against the batch's record count and
// answers INVALID_RECORD when bytes remain or the stream ends early
// (DefaultRecordBatch.RecordIterator, apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/record/DefaultRecordBatch.java:
// "Incorrect declared batch size").
func TestCompressedRecordCountMismatchIsInvalidRecord(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	createTopicWith(ctx, t, b, "counted", map[string]*string{"compression.type": kadm.StringPtr("lz4")})
	two := appendRecord(appendRecord(nil, 0, []byte("a")), 1, []byte("b"))
	for _, tc := range []struct {
		name     string
		declared int32
	}{{"more records than declared", 1}, {"fewer records than declared", 3}} {
		if code := produceRaw(t, b, "counted", rawBatch(1, tc.declared, gzipOf(t, two))); code != codeInvalidRecord {
			t.Errorf("%s: error %d, want %d (INVALID_RECORD)", tc.name, code, codeInvalidRecord)
		}
	}
	if code := produceRaw(t, b, "counted", rawBatch(1, 2, gzipOf(t, two))); code != 0 {
		t.Fatalf("two records declared as two: error %d, want none", code)
	}
	_, values := storedCodecs(t, b, "counted")
	if len(values) != 2 || values[0] != "a" || values[1] != "b" {
		t.Fatalf("stored values %q, want [a b] from the one accepted batch", values)
	}
}
