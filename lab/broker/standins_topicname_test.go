package broker_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/broker"
	"github.com/ctalab/ctalab/lab/ksqldb"
	"github.com/ctalab/ctalab/lab/registry"
	"github.com/ctalab/ctalab/lab/restproxy"
)

func postRaw(t *testing.T, url, ctype, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// TestStandInsRefuseInvalidTopicNamesAsConfluentDoes: the REST Proxy's v2
// produce answers each record with error_code 50002 and the Java
// producer's InvalidTopicException message (kafka-rest
// AbstractProduceAction.errorCodeFromProducerException; Metadata.java and
// InvalidTopicException.java of apache/kafka 3.9), and ksqlDB answers 500
// statement_error 50000 "Failed to guarantee existence of topic ..."
// (ksql KafkaTopicClientImpl.createTopic, KsqlResource's last catch,
// ErrorMessageUtil.buildErrorMessage). Neither creates the topic.
func TestStandInsRefuseInvalidTopicNamesAsConfluentDoes(t *testing.T) {
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
	regSrv := httptest.NewServer(reg)
	defer regSrv.Close()

	rp, err := restproxy.New(ctx, b.Addrs(), regSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	rpSrv := httptest.NewServer(rp)
	defer rpSrv.Close()
	status, body := postRaw(t, rpSrv.URL+"/topics/bad%20topic", "application/vnd.kafka.json.v2+json", `{"records":[{"value":{"a":1}},{"value":{"a":2}}]}`)
	var got struct {
		Offsets []struct {
			Partition *int32  `json:"partition"`
			Offset    *int64  `json:"offset"`
			ErrorCode *int    `json:"error_code"`
			Error     *string `json:"error"`
		} `json:"offsets"`
	}
	if err := json.Unmarshal(body, &got); err != nil || status != 200 {
		t.Fatalf("REST Proxy produce to 'bad topic': %d %s (%v)", status, body, err)
	}
	if len(got.Offsets) != 2 {
		t.Fatalf("REST Proxy answered %d offsets, want 2: %s", len(got.Offsets), body)
	}
	for i, o := range got.Offsets {
		if o.Partition != nil || o.Offset != nil || o.ErrorCode == nil || *o.ErrorCode != 50002 || o.Error == nil || *o.Error != "Invalid topics: [bad topic]" {
			t.Errorf("REST Proxy offset %d = %s, want error_code 50002 \"Invalid topics: [bad topic]\"", i, body)
		}
	}

	ks, err := ksqldb.New(ctx, b.Addrs(), regSrv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer ks.Close()
	ksSrv := httptest.NewServer(ks)
	defer ksSrv.Close()
	stmt := "CREATE STREAM bad_names (a INT) WITH (KAFKA_TOPIC='bad topic', VALUE_FORMAT='JSON', PARTITIONS=1);"
	status, body = postRaw(t, ksSrv.URL+"/ksql", "application/vnd.ksql.v1+json", fmt.Sprintf(`{"ksql":%q,"streamsProperties":{}}`, stmt))
	var ke struct {
		Type      string `json:"@type"`
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if err := json.Unmarshal(body, &ke); err != nil {
		t.Fatalf("ksqlDB answer %d %s: %v", status, body, err)
	}
	// commons-text WordUtils.wrap(PREFIX + cause, 80, "\n\t", true), by hand.
	want := "Failed to guarantee existence of topic bad topic\n" +
		"Caused by: Topic name is invalid: 'bad topic' contains one or more characters\n" +
		"\tother than ASCII alphanumerics, '.', '_' and '-'"
	if status != 500 || ke.Type != "statement_error" || ke.ErrorCode != 50000 || ke.Message != want {
		t.Fatalf("ksqlDB CREATE STREAM on 'bad topic': %d %s\nwant 500 statement_error 50000 %q", status, body, want)
	}
	status, body = postRaw(t, ksSrv.URL+"/ksql", "application/vnd.ksql.v1+json", `{"ksql":"SHOW STREAMS;","streamsProperties":{}}`)
	if status != 200 || strings.Contains(string(body), "BAD_NAMES") {
		t.Fatalf("after the refusal SHOW STREAMS = %d %s, want no BAD_NAMES", status, body)
	}
	if b.Cluster().TopicInfo("bad topic") != nil {
		t.Fatal("'bad topic' was created")
	}
}
