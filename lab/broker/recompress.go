package broker

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
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
// broker to store batches in, and the topic's max.message.bytes, asking
// the broker itself (DescribeConfigs) and remembering the answer until a
// topic or its configs change.
//
// kfake stores a topic's compression.type but keeps every batch as the
// producer compressed it. Kafka's LogValidator recompresses a batch whose
// codec differs from a compression.type other than "producer"
// (BrokerCompressionType.targetCompression, apache/kafka 3.9
// storage/src/main/java/org/apache/kafka/storage/internals/log/LogValidator.java);
// so does the broker here, on the way in.
type topicCodecs struct {
	mu      sync.Mutex
	byTopic map[string]topicCodec
	admin   *kadm.Client
	closed  bool
}

// topicCodec is what recompression needs to know of a topic.
type topicCodec struct {
	codec      int8 // -1: keep the producer's codec
	maxMessage int  // max.message.bytes
	compacted  bool // cleanup.policy includes compact: every record needs a key
}

// defaultMaxMessageBytes is Kafka's message.max.bytes default, 1 MiB plus
// the 12-byte log overhead (ServerLogConfigs.MAX_MESSAGE_BYTES_DEFAULT,
// apache/kafka 3.9 server-common/src/main/java/org/apache/kafka/server/config/ServerLogConfigs.java).
const defaultMaxMessageBytes = 1024*1024 + 12

func (tc *topicCodecs) setAdmin(a *kadm.Client) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.admin = a
}

// adminClient is the client that asks the cluster, nil once closed or
// before it is set.
func (tc *topicCodecs) adminClient() *kadm.Client {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	if tc.closed {
		return nil
	}
	return tc.admin
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

// codecs returns the target codec and size bound of each topic that has
// them.
func (tc *topicCodecs) codecs(topics []string) map[string]topicCodec {
	tc.mu.Lock()
	known := make(map[string]topicCodec, len(topics))
	var ask []string
	for _, t := range topics {
		if c, ok := tc.byTopic[t]; ok {
			known[t] = c
		} else {
			ask = append(ask, t)
		}
	}
	tc.mu.Unlock()
	admin := tc.adminClient()
	if len(ask) == 0 || admin == nil {
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
		tc.byTopic = make(map[string]topicCodec)
	}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue // an unknown topic: kfake answers the produce
		}
		c := topicCodec{codec: -1, maxMessage: defaultMaxMessageBytes}
		for _, cfg := range rc.Configs {
			if cfg.Value == nil {
				continue
			}
			switch cfg.Key {
			case "compression.type":
				if v, ok := codecByName[*cfg.Value]; ok {
					c.codec = v
				}
			case "max.message.bytes":
				if v, err := strconv.Atoi(*cfg.Value); err == nil && v > 0 {
					c.maxMessage = v
				}
			case "cleanup.policy":
				for _, p := range strings.Split(*cfg.Value, ",") {
					c.compacted = c.compacted || strings.TrimSpace(p) == "compact"
				}
			}
		}
		tc.byTopic[rc.Name] = c
		known[rc.Name] = c
	}
	return known
}

// refusedBatch is a partition whose batch the broker answers itself.
type refusedBatch struct {
	topic        string
	partition    int32
	code         int16
	message      *string
	recordErrors []kmsg.ProduceResponseTopicPartitionErrorRecord
}

// recompressProduce checks the records of every batch of a produce request
// (validate.go) and rewrites the batches whose topic asks for another
// codec, reading at most maxRecords decompressed bytes of each. It reports
// whether the request changed; a batch that is refused leaves the request,
// and the returned fix (nil when none is) adds its error to kfake's
// response.
func (tc *topicCodecs) recompressProduce(req *kmsg.ProduceRequest, maxRecords int64, logger *slog.Logger) (bool, func([]byte) ([]byte, error)) {
	if req.Version < 3 {
		return false, nil
	}
	topics := make([]string, 0, len(req.Topics))
	for _, t := range req.Topics {
		topics = append(topics, t.Topic)
	}
	targets := tc.codecs(topics)
	changed := false
	var refused []refusedBatch
	keptTopics := req.Topics[:0]
	for _, t := range req.Topics {
		target, ok := targets[t.Topic]
		if !ok {
			keptTopics = append(keptTopics, t) // unknown: kfake answers
			continue
		}
		kept := t.Partitions[:0]
		for _, p := range t.Partitions {
			var out []byte
			var err error
			if target.codec >= 0 {
				out, err = recompressBatch(p.Records, target.codec, maxRecords, target.maxMessage, target.compacted)
			}
			if err == nil && out == nil {
				err = checkBatch(p.Records, maxRecords, target.compacted)
			}
			switch {
			case err != nil:
				logger.Warn("refusing a produced batch whose records Kafka would refuse",
					"topic", t.Topic, "partition", p.Partition, "err", err)
				refused = append(refused, refusal(t.Topic, p.Partition, err))
				changed = true
				continue
			case out != nil:
				p.Records = out
				changed = true
			}
			kept = append(kept, p)
		}
		if len(kept) > 0 {
			t.Partitions = kept
			keptTopics = append(keptTopics, t)
		}
	}
	req.Topics = keptTopics
	if len(refused) == 0 {
		return changed, nil
	}
	version := req.Version
	return changed, func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(0, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.ProduceResponse)
		for _, r := range refused {
			rp := kmsg.NewProduceResponseTopicPartition()
			rp.Partition = r.partition
			rp.ErrorCode = r.code
			rp.ErrorMessage = r.message
			rp.ErrorRecords = r.recordErrors
			rp.BaseOffset = -1
			rp.LogAppendTime = -1
			rp.LogStartOffset = -1
			i := slices.IndexFunc(resp.Topics, func(t kmsg.ProduceResponseTopic) bool { return t.Topic == r.topic })
			if i < 0 {
				rt := kmsg.NewProduceResponseTopic()
				rt.Topic = r.topic
				resp.Topics = append(resp.Topics, rt)
				i = len(resp.Topics) - 1
			}
			resp.Topics[i].Partitions = append(resp.Topics[i].Partitions, rp)
		}
		return appendResponse(resp), nil
	}
}

// recompressBatch returns batch rewritten in codec, or nil when it already
// is in codec or is not something to touch (kfake then judges it). Its
// records are decompressed as a stream, at most maxRecords bytes of them,
// and the rewritten batch may not be larger than maxMessage; see
// batchrecords.go for the errors.
func recompressBatch(batch []byte, codec int8, maxRecords int64, maxMessage int, keyed bool) ([]byte, error) {
	h, ok := readBatchHeader(batch)
	if !ok || h.codec == codec {
		return nil, nil
	}
	if len(batch) > maxMessage {
		return nil, nil // kfake answers MESSAGE_TOO_LARGE
	}
	if binary.BigEndian.Uint32(batch[batchCRCAt:]) != crc32.Checksum(batch[batchAttributesAt:], crc32c) {
		return nil, nil // kfake answers CORRUPT_MESSAGE
	}
	k := noteKeyless(keyed)
	records, err := rewriteRecordsNoting(batch[batchHeaderLen:], h.codec, codec, h.numRecords, maxRecords, maxMessage-batchHeaderLen, k.note)
	if err != nil {
		return nil, err
	}
	if err := k.err(); err != nil {
		return nil, err
	}
	outb := make([]byte, batchHeaderLen, batchHeaderLen+len(records))
	copy(outb, batch[:batchHeaderLen])
	outb = append(outb, records...)
	binary.BigEndian.PutUint32(outb[batchLengthAt:], uint32(len(outb)-12))
	binary.BigEndian.PutUint16(outb[batchAttributesAt:], h.attrs&^0x07|uint16(codec))
	binary.BigEndian.PutUint32(outb[batchCRCAt:], crc32.Checksum(outb[batchAttributesAt:], crc32c))
	return outb, nil
}
