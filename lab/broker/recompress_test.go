package broker

import (
	"context"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// storedCodecs fetches partition 0 of topic and returns each batch's codec
// (attributes bits 0-2) and the records' values.
func storedCodecs(t *testing.T, b *Broker, topic string) ([]int16, []string) {
	t.Helper()
	req := kmsg.NewPtrFetchRequest()
	req.Version = 4
	req.ReplicaID = -1
	req.MaxBytes = 4 << 20
	ft := kmsg.NewFetchRequestTopic()
	ft.Topic = topic
	fp := kmsg.NewFetchRequestTopicPartition()
	fp.PartitionMaxBytes = 4 << 20
	ft.Partitions = append(ft.Partitions, fp)
	req.Topics = append(req.Topics, ft)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.FetchResponse)
	p := resp.Topics[0].Partitions[0]
	if p.ErrorCode != 0 {
		t.Fatalf("fetch %s: error %d", topic, p.ErrorCode)
	}
	var codecs []int16
	var values []string
	raw := p.RecordBatches
	for len(raw) > 0 {
		var batch kmsg.RecordBatch
		if err := batch.ReadFrom(raw); err != nil {
			t.Fatalf("batch: %v", err)
		}
		codecs = append(codecs, batch.Attributes&0x07)
		raw = raw[12+int(batch.Length):]
	}
	fetched, _ := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Topic: topic, Partition: 0}, &p, kgo.DefaultDecompressor(), nil)
	for _, r := range fetched.Records {
		values = append(values, string(r.Value))
	}
	return codecs, values
}

func produceWith(ctx context.Context, t *testing.T, b *Broker, topic string, codec kgo.CompressionCodec, value string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.ProducerBatchCompression(codec), kgo.RequiredAcks(kgo.AllISRAcks()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(value)}).FirstErr(); err != nil {
		t.Fatalf("produce to %s: %v", topic, err)
	}
}

// Kafka's LogValidator stores a batch in the topic's compression.type
// unless that is "producer" (BrokerCompressionType.targetCompression,
// apache/kafka 3.9).
func TestTopicCompressionTypeRecompressesBatches(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	for _, tc := range []struct{ topic, ctype string }{
		{"as-gzip", "gzip"}, {"as-none", "uncompressed"}, {"as-producer", "producer"}, {"as-zstd", "zstd"},
	} {
		if _, err := adm.CreateTopic(ctx, 1, 1, map[string]*string{"compression.type": kadm.StringPtr(tc.ctype)}, tc.topic); err != nil {
			t.Fatalf("create %s: %v", tc.topic, err)
		}
	}
	value := strings.Repeat("squeeze me ", 300)
	for topic, want := range map[string]int16{"as-gzip": 1, "as-none": 0, "as-producer": 2, "as-zstd": 4} {
		produceWith(ctx, t, b, topic, kgo.SnappyCompression(), value)
		codecs, values := storedCodecs(t, b, topic)
		if len(codecs) != 1 || codecs[0] != want {
			t.Errorf("%s: stored codecs %v, want [%d]", topic, codecs, want)
		}
		if len(values) != 1 || values[0] != value {
			t.Errorf("%s: read back %d values, want the produced one", topic, len(values))
		}
	}

	// A config change applies to the next batch.
	if _, err := adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Name: "compression.type", Value: kadm.StringPtr("lz4")}}, "as-producer"); err != nil {
		t.Fatal(err)
	}
	produceWith(ctx, t, b, "as-producer", kgo.GzipCompression(), value)
	codecs, values := storedCodecs(t, b, "as-producer")
	if len(codecs) != 2 || codecs[1] != 3 || len(values) != 2 || values[1] != value {
		t.Fatalf("after compression.type=lz4: codecs %v, %d values; want the second batch lz4 (3)", codecs, len(values))
	}
}

// A batch whose CRC is right but whose records cannot be decompressed is
// refused with UNKNOWN_SERVER_ERROR: Kafka's GzipCompression.wrapForInput
// (apache/kafka 3.9 clients/src/main/java/org/apache/kafka/common/compress/GzipCompression.java)
// wraps the decoder's failure in a KafkaException, which no error code
// names, so ReplicaManager answers Errors.forException's fallback.
func TestUndecompressableBatchIsUnknownServerError(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if _, err := kadm.NewClient(cl).CreateTopic(ctx, 1, 1, map[string]*string{"compression.type": kadm.StringPtr("uncompressed")}, "plain-only"); err != nil {
		t.Fatal(err)
	}
	batch := kmsg.RecordBatch{
		PartitionLeaderEpoch: -1, Magic: 2, Attributes: 1, // gzip
		LastOffsetDelta: 0, ProducerID: -1, ProducerEpoch: -1, FirstSequence: -1, NumRecords: 1,
		Records: []byte("this is not gzip at all"),
	}
	raw := batch.AppendTo(nil)
	binary.BigEndian.PutUint32(raw[8:], uint32(len(raw)-12))
	binary.BigEndian.PutUint32(raw[17:], crc32.Checksum(raw[21:], crc32.MakeTable(crc32.Castagnoli)))
	req := kmsg.NewPtrProduceRequest()
	req.Version = 7
	req.Acks = -1
	req.TimeoutMillis = 5000
	pt := kmsg.NewProduceRequestTopic()
	pt.Topic = "plain-only"
	pp := kmsg.NewProduceRequestTopicPartition()
	pp.Records = raw
	pt.Partitions = append(pt.Partitions, pp)
	req.Topics = append(req.Topics, pt)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.ProduceResponse)
	if code := resp.Topics[0].Partitions[0].ErrorCode; code != codeUnknownServerError {
		t.Fatalf("unreadable gzip batch: error %d, want %d (UNKNOWN_SERVER_ERROR)", code, codeUnknownServerError)
	}
}
