package broker

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Record batch v2 layout ("Record Batch" in Kafka's documentation,
// https://kafka.apache.org/39/documentation/#recordbatch): the CRC-32C at
// bytes 17-20 covers everything from the attributes (byte 21) on; the
// records follow the 61-byte header.
const (
	batchLengthAt     = 8
	batchMagicAt      = 16
	batchCRCAt        = 17
	batchAttributesAt = 21
	batchHeaderLen    = 61
)

var crc32c = crc32.MakeTable(crc32.Castagnoli)

// topicCodecs answers which codec a topic's compression.type asks the
// broker to store batches in, asking the broker itself (DescribeConfigs)
// and remembering the answer until a topic or its configs change.
//
// kfake stores a topic's compression.type but keeps every batch as the
// producer compressed it. Kafka's LogValidator recompresses a batch whose
// codec differs from a compression.type other than "producer"
// (BrokerCompressionType.targetCompression, apache/kafka 3.9
// storage/src/main/java/org/apache/kafka/storage/internals/log/LogValidator.java);
// so does the broker here, on the way in.
type topicCodecs struct {
	mu      sync.Mutex
	byTopic map[string]int8 // -1: keep the producer's codec
	admin   *kadm.Client
	closed  bool
}

func (tc *topicCodecs) setAdmin(a *kadm.Client) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.admin = a
}

func (tc *topicCodecs) close() {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.closed = true
}

// forget drops what is known, after a topic or config change.
func (tc *topicCodecs) forget() {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.byTopic = nil
}

var codecByName = map[string]int8{
	"producer": -1, "uncompressed": 0, "gzip": 1, "snappy": 2, "lz4": 3, "zstd": 4,
}

// codecs returns the target codec of each topic that has one.
func (tc *topicCodecs) codecs(topics []string) map[string]int8 {
	tc.mu.Lock()
	known := make(map[string]int8, len(topics))
	var ask []string
	for _, t := range topics {
		if c, ok := tc.byTopic[t]; ok {
			known[t] = c
		} else {
			ask = append(ask, t)
		}
	}
	admin, closed := tc.admin, tc.closed
	tc.mu.Unlock()
	if len(ask) == 0 || admin == nil || closed {
		return known
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rcs, err := admin.DescribeTopicConfigs(ctx, ask...)
	if err != nil {
		return known
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.byTopic == nil {
		tc.byTopic = make(map[string]int8)
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue // an unknown topic: kfake answers the produce
		}
		codec := int8(-1)
		for _, c := range rc.Configs {
			if c.Key == "compression.type" && c.Value != nil {
				if v, ok := codecByName[*c.Value]; ok {
					codec = v
				}
			}
		}
		tc.byTopic[rc.Name] = codec
		known[rc.Name] = codec
	}
	return known
}

// recompressProduce rewrites the batches of a produce request whose topic
// asks for another codec. It reports whether anything changed.
//
// A batch that cannot be decompressed gets a CRC that does not match, so
// that kfake refuses it with CORRUPT_MESSAGE, as Kafka's LogValidator
// refuses a batch it cannot read.
func (tc *topicCodecs) recompressProduce(req *kmsg.ProduceRequest) bool {
	if req.Version < 3 {
		return false
	}
	topics := make([]string, 0, len(req.Topics))
	for _, t := range req.Topics {
		topics = append(topics, t.Topic)
	}
	targets := tc.codecs(topics)
	changed := false
	for i := range req.Topics {
		target, ok := targets[req.Topics[i].Topic]
		if !ok || target < 0 {
			continue
		}
		for j := range req.Topics[i].Partitions {
			p := &req.Topics[i].Partitions[j]
			out, err := recompressBatch(p.Records, target)
			if err != nil {
				bad := append([]byte(nil), p.Records...)
				binary.BigEndian.PutUint32(bad[batchCRCAt:], ^binary.BigEndian.Uint32(bad[batchCRCAt:]))
				p.Records = bad
				changed = true
				continue
			}
			if out != nil {
				p.Records = out
				changed = true
			}
		}
	}
	return changed
}

// recompressBatch returns batch rewritten in codec, or nil when it already
// is in codec or is not something to touch (kfake then judges it).
func recompressBatch(batch []byte, codec int8) ([]byte, error) {
	if len(batch) < batchHeaderLen || batch[batchMagicAt] != 2 {
		return nil, nil
	}
	length := int(int32(binary.BigEndian.Uint32(batch[batchLengthAt:])))
	if length+12 != len(batch) {
		return nil, nil // one batch per partition; kfake refuses the rest
	}
	attrs := binary.BigEndian.Uint16(batch[batchAttributesAt:])
	if attrs&0x20 != 0 { // control batch
		return nil, nil
	}
	from := int8(attrs & 0x07)
	if from == codec {
		return nil, nil
	}
	if binary.BigEndian.Uint32(batch[batchCRCAt:]) != crc32.Checksum(batch[batchAttributesAt:], crc32c) {
		return nil, nil // kfake answers CORRUPT_MESSAGE
	}
	records := batch[batchHeaderLen:]
	if from != 0 {
		raw, err := kgo.DefaultDecompressor().Decompress(records, kgo.CompressionCodecType(from))
		if err != nil {
			return nil, fmt.Errorf("decompress: %w", err)
		}
		records = raw
	}
	if codec != 0 {
		var c kgo.CompressionCodec
		switch codec {
		case 1:
			c = kgo.GzipCompression()
		case 2:
			c = kgo.SnappyCompression()
		case 3:
			c = kgo.Lz4Compression()
		case 4:
			c = kgo.ZstdCompression()
		}
		comp, err := kgo.DefaultCompressor(c)
		if err != nil {
			return nil, fmt.Errorf("compressor: %w", err)
		}
		out, used := comp.Compress(new(bytes.Buffer), records)
		if int8(used) != codec {
			return nil, fmt.Errorf("compress with codec %d failed", codec)
		}
		records = append([]byte(nil), out...)
	}
	outb := make([]byte, batchHeaderLen, batchHeaderLen+len(records))
	copy(outb, batch[:batchHeaderLen])
	outb = append(outb, records...)
	binary.BigEndian.PutUint32(outb[batchLengthAt:], uint32(len(outb)-12))
	binary.BigEndian.PutUint16(outb[batchAttributesAt:], attrs&^0x07|uint16(codec))
	binary.BigEndian.PutUint32(outb[batchCRCAt:], crc32.Checksum(outb[batchAttributesAt:], crc32c))
	return outb, nil
}
