package broker

import (
	"encoding/binary"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// produceRawResponse sends batch to partition 0 of topic with Produce v9
// and returns the partition's answer.
func produceRawResponse(t *testing.T, b *Broker, topic string, batch []byte) kmsg.ProduceResponseTopicPartition {
	t.Helper()
	req := kmsg.NewPtrProduceRequest()
	req.Version = 9
	req.Acks = -1
	req.TimeoutMillis = 5000
	pt := kmsg.NewProduceRequestTopic()
	pt.Topic = topic
	pp := kmsg.NewProduceRequestTopicPartition()
	pp.Records = batch
	pt.Partitions = append(pt.Partitions, pp)
	req.Topics = append(req.Topics, pt)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.ProduceResponse)
	if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 {
		t.Fatalf("produce to %s: answer %+v, want one partition", topic, resp.Topics)
	}
	return resp.Topics[0].Partitions[0]
}

// appendKeyedRecord appends one v2 record with the given key (nil: a null
// key) and value and no headers.
func appendKeyedRecord(dst []byte, offsetDelta int, key, value []byte) []byte {
	var body []byte
	body = append(body, 0)                               // attributes
	body = binary.AppendVarint(body, 0)                  // timestampDelta
	body = binary.AppendVarint(body, int64(offsetDelta)) // offsetDelta
	if key == nil {
		body = binary.AppendVarint(body, -1)
	} else {
		body = binary.AppendVarint(body, int64(len(key)))
		body = append(body, key...)
	}
	body = binary.AppendVarint(body, int64(len(value)))
	body = append(body, value...)
	body = binary.AppendVarint(body, 0) // headers
	dst = binary.AppendVarint(dst, int64(len(body)))
	return append(dst, body...)
}

// Kafka walks the records of every batch it appends, compressed or not and
// whatever the topic's compression.type, and a record that does not parse
// fails the batch with INVALID_RECORD (LogValidator.assignOffsetsNonCompressed
// and validateMessagesAndAssignOffsetsCompressed iterate every record;
// DefaultRecord.readFrom throws InvalidRecordException; apache/kafka 3.9
// storage/.../log/LogValidator.java, clients/.../record/DefaultRecord.java).
// A batch with a correct CRC is no proof: the CRC covers whatever bytes the
// client sent.
func TestMalformedRecordsInAValidBatchAreInvalidRecord(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	createTopicWith(ctx, t, b, "plain", nil)
	createTopicWith(ctx, t, b, "as-sent", map[string]*string{"compression.type": kadm.StringPtr("producer")})
	good := appendRecord(appendRecord(nil, 0, []byte("a")), 1, []byte("b"))
	// The second record says its body is 40 bytes long; 5 follow.
	torn := append(appendRecord(nil, 0, []byte("a")), binary.AppendVarint(nil, 40)...)
	torn = append(torn, 0, 0, 2, 1, 0)
	for _, tc := range []struct {
		name, topic string
		batch       []byte
	}{
		{"uncompressed, torn second record", "plain", rawBatch(0, 2, torn)},
		{"uncompressed, more records than declared", "plain", rawBatch(0, 1, good)},
		{"gzip under compression.type=producer, torn", "as-sent", rawBatch(1, 2, gzipOf(t, torn))},
		{"gzip under compression.type=producer, fewer than declared", "as-sent", rawBatch(1, 3, gzipOf(t, good))},
	} {
		if r := produceRawResponse(t, b, tc.topic, tc.batch); r.ErrorCode != codeInvalidRecord {
			t.Errorf("%s: error %d, want %d (INVALID_RECORD)", tc.name, r.ErrorCode, codeInvalidRecord)
		}
	}
	for _, topic := range []string{"plain", "as-sent"} {
		if _, values := storedCodecs(t, b, topic); len(values) != 0 {
			t.Errorf("%s holds %q after refused batches, want nothing", topic, values)
		}
	}
	if r := produceRawResponse(t, b, "as-sent", rawBatch(1, 2, gzipOf(t, good))); r.ErrorCode != 0 {
		t.Fatalf("a well-formed gzip batch: error %d, want none", r.ErrorCode)
	}
}

// A compacted topic refuses a record without a key, naming the record's
// index in the batch, with Kafka's texts (LogValidator.validateKey and
// processRecordErrors; ProduceResponse.RecordError.toString), and keeps
// nothing of the batch; a delete topic takes it.
func TestCompactedTopicRefusesRecordsWithoutKey(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	createTopicWith(ctx, t, b, "keyed", map[string]*string{"cleanup.policy": kadm.StringPtr("compact")})
	createTopicWith(ctx, t, b, "unkeyed", nil)
	records := appendKeyedRecord(appendKeyedRecord(appendKeyedRecord(nil, 0, []byte("k"), []byte("a")), 1, nil, []byte("b")), 2, nil, []byte("c"))
	for _, codec := range []int16{0, 1} {
		raw := records
		if codec == 1 {
			raw = gzipOf(t, records)
		}
		r := produceRawResponse(t, b, "keyed", rawBatch(codec, 3, raw))
		if r.ErrorCode != codeInvalidRecord {
			t.Fatalf("codec %d: error %d, want %d (INVALID_RECORD)", codec, r.ErrorCode, codeInvalidRecord)
		}
		msg := "Compacted topic cannot accept message without key in topic partition keyed-0"
		wantMsg := "One or more records have been rejected due to 2 record errors in total, and only showing the first three errors at most: " +
			"[RecordError(batchIndex=1, message='" + msg + "'), RecordError(batchIndex=2, message='" + msg + "')]"
		if r.ErrorMessage == nil || *r.ErrorMessage != wantMsg {
			t.Errorf("codec %d: error message %v, want %q", codec, r.ErrorMessage, wantMsg)
		}
		if len(r.ErrorRecords) != 2 || r.ErrorRecords[0].RelativeOffset != 1 || r.ErrorRecords[1].RelativeOffset != 2 ||
			r.ErrorRecords[0].ErrorMessage == nil || *r.ErrorRecords[0].ErrorMessage != msg {
			t.Errorf("codec %d: record errors %+v, want indexes 1 and 2 with %q", codec, r.ErrorRecords, msg)
		}
	}
	if _, values := storedCodecs(t, b, "keyed"); len(values) != 0 {
		t.Errorf("keyed holds %q, want nothing of the refused batches", values)
	}
	if r := produceRawResponse(t, b, "unkeyed", rawBatch(0, 3, records)); r.ErrorCode != 0 {
		t.Fatalf("a delete topic: error %d, want none", r.ErrorCode)
	}
}

// BenchmarkCheckPlainBatch is the cost the record check adds to every
// uncompressed produce: a batch of 500 turnstile-sized records.
func BenchmarkCheckPlainBatch(b *testing.B) {
	var records []byte
	for i := range 500 {
		records = appendKeyedRecord(records, i, []byte("40380"), make([]byte, 60))
	}
	batch := rawBatch(0, 500, records)
	b.SetBytes(int64(len(batch)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkBatch(batch, 1<<20, true); err != nil {
			b.Fatal(err)
		}
	}
}

// A batch whose CRC does not match is Kafka's CORRUPT_MESSAGE, checked
// before its records (UnifiedLog.analyzeAndValidateRecords), even when its
// records are torn too.
func TestCorruptBatchIsCorruptMessageBeforeItsRecords(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	createTopicWith(ctx, t, b, "crc", nil)
	torn := append(appendRecord(nil, 0, []byte("a")), binary.AppendVarint(nil, 40)...)
	batch := rawBatch(0, 2, torn)
	batch[len(batch)-1] ^= 0xff
	if r := produceRawResponse(t, b, "crc", batch); r.ErrorCode != 2 {
		t.Fatalf("error %d, want 2 (CORRUPT_MESSAGE)", r.ErrorCode)
	}
}
