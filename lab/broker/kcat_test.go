package broker

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/testtools"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// TestKcatListsAndConsumes checks the broker with librdkafka, the client
// behind most non-Go Kafka tools: kcat lists the topic and reads back what
// kafka-go produced.
func TestKcatListsAndConsumes(t *testing.T) {
	kcat := testtools.Kcat(t)
	ctx := testContext(t)
	b := startBroker(ctx, t)
	addr := b.Addrs()[0]
	produce(ctx, t, b, "kcat-topic", "a", "b", "c")

	run := func(args ...string) string {
		t.Helper()
		cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(cctx, kcat, args...).Output()
		if err != nil {
			var stderr string
			if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
				stderr = string(ee.Stderr)
			}
			t.Fatalf("kcat %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return string(out)
	}

	var meta struct {
		Brokers []struct {
			Name string `json:"name"`
		} `json:"brokers"`
		Topics []struct {
			Topic      string `json:"topic"`
			Partitions []struct {
				Partition int `json:"partition"`
			} `json:"partitions"`
		} `json:"topics"`
	}
	if err := json.Unmarshal([]byte(run("-b", addr, "-L", "-J")), &meta); err != nil {
		t.Fatalf("kcat -L -J output: %v", err)
	}
	if len(meta.Brokers) != 1 || !strings.HasSuffix(meta.Brokers[0].Name, addr) {
		t.Fatalf("kcat sees brokers %+v, want one at %s", meta.Brokers, addr)
	}
	found := false
	for _, tp := range meta.Topics {
		if tp.Topic == "kcat-topic" {
			found = true
			if len(tp.Partitions) != DefaultPartitions {
				t.Fatalf("kcat-topic has %d partitions, want %d", len(tp.Partitions), DefaultPartitions)
			}
		}
	}
	if !found {
		t.Fatalf("kcat -L does not list kcat-topic: %+v", meta.Topics)
	}

	got := run("-b", addr, "-C", "-t", "kcat-topic", "-o", "beginning", "-e", "-q", "-f", "%k=%s\n")
	if want := "a=value-a\nb=value-b\nc=value-c\n"; got != want {
		t.Fatalf("kcat consumed %q, want %q", got, want)
	}
}

// TestKcatGzipProduceIsSentCompressed checks that librdkafka, seeing the
// broker's ApiVersions, enables the message-format features gzip needs
// (its MsgVer1 check wants Produce v2 in range) and sends a gzip batch,
// which the broker keeps as it came.
func TestKcatGzipProduceIsSentCompressed(t *testing.T) {
	kcat := testtools.Kcat(t)
	ctx := testContext(t)
	b := startBroker(ctx, t)
	cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(cctx, kcat, "-b", b.Addrs()[0], "-P", "-t", "gzip-topic", "-z", "gzip", "-X", "debug=feature,msg")
	cmd.Stdin = strings.NewReader(strings.Repeat("compress me ", 500) + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kcat -P -z gzip: %v\n%s", err, out)
	}
	log := string(out)
	if strings.Contains(log, "does not support compression") {
		t.Fatalf("librdkafka refused gzip:\n%s", log)
	}
	sent := false
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "Produce MessageSet") && strings.HasSuffix(strings.TrimSpace(line), "gzip)") {
			sent = true
		}
	}
	if !sent {
		t.Fatalf("kcat did not send a gzip MessageSet:\n%s", log)
	}

	req := kmsg.NewPtrFetchRequest()
	req.Version = 4
	req.ReplicaID = -1
	req.MaxBytes = 1 << 20
	ft := kmsg.NewFetchRequestTopic()
	ft.Topic = "gzip-topic"
	fp := kmsg.NewFetchRequestTopicPartition()
	fp.PartitionMaxBytes = 1 << 20
	ft.Partitions = append(ft.Partitions, fp)
	req.Topics = append(req.Topics, ft)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.FetchResponse)
	p := resp.Topics[0].Partitions[0]
	var batch kmsg.RecordBatch
	if err := batch.ReadFrom(p.RecordBatches); err != nil {
		t.Fatalf("partition error %d, batch: %v", p.ErrorCode, err)
	}
	if codec := batch.Attributes & 0x07; codec != 1 {
		t.Fatalf("stored batch codec %d, want 1 (gzip)", codec)
	}
}
