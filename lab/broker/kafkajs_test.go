package broker_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/registry"
	"github.com/ctalab/ctalab/lab/testtools"
)

// TestKafkajsProducesConsumesAndReadsStandInBatches runs kafkajs, a
// third-party client without snappy support, against the broker: it
// creates a topic, produces plain and gzip batches, and consumes them
// and the Schema Registry stand-in's _schemas topic as a group member.
func TestKafkajsProducesConsumesAndReadsStandInBatches(t *testing.T) {
	node, modules := testtools.Kafkajs(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	b, err := broker.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	reg, err := registry.New(ctx, b.Addrs())
	if err != nil {
		t.Fatal(err)
	}
	defer reg.Close()
	srv := httptest.NewServer(reg)
	defer srv.Close()
	pad := strings.Repeat("abcdefgh", 128) // compressible, see TestStandInProducersWriteUncompressedBatches
	for _, subject := range []string{"one-value", "two-value"} {
		post(t, srv.URL+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json",
			`{"schema":"{\"type\":\"record\",\"name\":\"R\",\"doc\":\"`+pad+subject+`\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}"}`)
	}

	cmd := exec.CommandContext(ctx, node, "testdata/kafkajs/roundtrip.js", b.Addrs()[0], "kafkajs-topic", "_schemas", "2")
	cmd.Env = append(os.Environ(), "NODE_PATH="+modules)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("kafkajs: %v\n%s", err, stderr)
	}
	var got struct {
		Records []string `json:"records"`
		Other   int      `json:"other"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("kafkajs output %q: %v", out, err)
	}
	if strings.Join(got.Records, ",") != "a=1,b=2,c=3" {
		t.Fatalf("kafkajs read %v, want a=1,b=2,c=3", got.Records)
	}
	if got.Other < 2 {
		t.Fatalf("kafkajs read %d records of _schemas, want at least 2", got.Other)
	}
}
