package broker_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
	"github.com/twmb/franz-go/pkg/kversion"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/ksqldb"
	"github.com/ctalab/ctalab/lab/registry"
	"github.com/ctalab/ctalab/lab/restproxy"
)

// batchCodecs fetches partition 0 of topic from the start with a raw
// Fetch and returns the compression codec (attributes bits 0-2, see the
// RecordBatch layout in Kafka's documentation, "Record Batch") of every
// batch, waiting until at least one batch is there.
func batchCodecs(ctx context.Context, t *testing.T, cl *kgo.Client, topic string) []int16 {
	t.Helper()
	for {
		req := kmsg.NewPtrFetchRequest()
		req.Version = 11
		req.ReplicaID = -1
		req.MaxWaitMillis = 100
		req.MaxBytes = 4 << 20
		ft := kmsg.NewFetchRequestTopic()
		ft.Topic = topic
		fp := kmsg.NewFetchRequestTopicPartition()
		fp.PartitionMaxBytes = 4 << 20
		ft.Partitions = append(ft.Partitions, fp)
		req.Topics = append(req.Topics, ft)
		resp, err := req.RequestWith(ctx, cl)
		if err != nil {
			t.Fatalf("fetch %s: %v", topic, err)
		}
		var codecs []int16
		for _, rt := range resp.Topics {
			for _, rp := range rt.Partitions {
				if rp.ErrorCode != 0 {
					t.Fatalf("fetch %s: error %d", topic, rp.ErrorCode)
				}
				raw := rp.RecordBatches
				for len(raw) > 0 {
					var b kmsg.RecordBatch
					if err := b.ReadFrom(raw); err != nil {
						t.Fatalf("decode batch of %s: %v", topic, err)
					}
					codecs = append(codecs, b.Attributes&0x07)
					raw = raw[12+int(b.Length):]
				}
			}
		}
		if len(codecs) > 0 {
			return codecs
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no batch in %s", topic)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func post(t *testing.T, url, ctype, body string) {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("POST %s: %d %s", url, resp.StatusCode, out)
	}
}

// Java producers default to compression.type=none (ProducerConfig,
// apache/kafka 3.9); the stand-ins write uncompressed batches likewise.
func TestStandInProducersWriteUncompressedBatches(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := broker.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Fetch by topic name: kgo picks the highest version both sides
	// have, so cap it below v13 (topic IDs).
	vs := kversion.Stable()
	vs.SetMaxKeyVersion(1, 12)
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.Addrs()...), kgo.MaxVersions(vs))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()

	reg, err := registry.New(ctx, b.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	regSrv := httptest.NewServer(reg)
	defer regSrv.Close()
	// Payloads are long and repetitive, so that a compressing producer
	// would compress them (kgo sends a batch uncompressed when
	// compression does not make it smaller).
	pad := strings.Repeat("abcdefgh", 128)
	post(t, regSrv.URL+"/subjects/codec-value/versions", "application/vnd.schemaregistry.v1+json",
		`{"schema":"{\"type\":\"record\",\"name\":\"C\",\"doc\":\"`+pad+`\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}`)

	rp, err := restproxy.New(ctx, b.Addrs(), regSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	rpSrv := httptest.NewServer(rp)
	defer rpSrv.Close()
	post(t, rpSrv.URL+"/topics/codec-rest", "application/vnd.kafka.json.v2+json", `{"records":[{"value":{"a":"`+pad+`"}},{"value":{"a":"`+pad+`"}}]}`)

	ks, err := ksqldb.New(ctx, b.Addrs(), regSrv.URL, ksqldb.WithAutoOffsetReset("earliest"))
	if err != nil {
		t.Fatal(err)
	}
	defer ks.Close()
	ksSrv := httptest.NewServer(ks)
	defer ksSrv.Close()
	ksql := func(stmt string) {
		post(t, ksSrv.URL+"/ksql", "application/vnd.ksql.v1+json", fmt.Sprintf(`{"ksql":%q,"streamsProperties":{}}`, stmt))
	}
	var cols []string
	for i := 0; i < 40; i++ {
		cols = append(cols, fmt.Sprintf("padding_column_number_%02d VARCHAR", i))
	}
	ksql("CREATE STREAM codec_in (a VARCHAR, " + strings.Join(cols, ", ") + ") WITH (KAFKA_TOPIC='codec-ksql-in', VALUE_FORMAT='JSON', PARTITIONS=1);")
	ksql("CREATE STREAM codec_out WITH (KAFKA_TOPIC='codec-ksql-out', PARTITIONS=1) AS SELECT a FROM codec_in;")
	// The input comes from this test's own (snappy-compressing) client;
	// the persistent query writes the output.
	if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "codec-ksql-in", Value: []byte(`{"A":"` + pad + `"}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}

	for writer, topic := range map[string]string{
		"schema registry":         "_schemas",
		"rest proxy":              "codec-rest",
		"ksqldb command topic":    "_confluent-ksql-default__command_topic",
		"ksqldb persistent query": "codec-ksql-out",
	} {
		for i, codec := range batchCodecs(ctx, t, cl, topic) {
			if codec != 0 {
				t.Errorf("%s: batch %d of %s has codec %d, want 0 (none)", writer, i, topic, codec)
			}
		}
	}
}
