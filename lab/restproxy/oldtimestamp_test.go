package restproxy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A v3 record may carry any timestamp: the Java producer behind kafka-rest
// counts delivery.timeout.ms (2 min) from when the record was handed to it
// ("Expiring N record(s) for <tp>: <ms> ms has passed since batch
// creation", apache/kafka 3.9 clients/.../producer/internals/
// ProducerBatch.java, hasReachedDeliveryTimeout and createdMs), never from
// the record's own timestamp. A record of 2020 is written with that time.
func TestAStreamedV3RecordOfAnOldTimestampIsWrittenWithIt(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("old", 1)
	body := `{"value":{"type":"STRING","data":"backfilled"},"timestamp":"2020-01-01T00:00:00Z"}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/old/records", "application/json", []byte(body))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) != 1 || got[0]["error_code"] != float64(200) {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	if got[0]["timestamp"] != "2020-01-01T00:00:00Z" {
		t.Errorf("answer's timestamp = %v, want 2020-01-01T00:00:00Z", got[0]["timestamp"])
	}
	recs := e.consume("old", 1)
	if want := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC); !recs[0].Timestamp.Equal(want) || string(recs[0].Value) != "backfilled" {
		t.Errorf("record = %q at %v, want \"backfilled\" at %v", recs[0].Value, recs[0].Timestamp.UTC(), want)
	}
}

// A record the broker never acknowledges fails once the delivery timeout
// has passed since it was handed to the producer, with the Java producer's
// TimeoutException (Sender.sendProducerData in apache/kafka 3.9: "Expiring
// <n> record(s) for <topic>-<partition>:<ms> ms has passed since batch
// creation"), a retriable error: 50003 on v2 (AbstractProduceAction) and
// 500/50003 on v3 (rest-utils v7.9.0 KafkaExceptionMapper).
func TestARecordNeverAcknowledgedExpiresAfterTheDeliveryTimeout(t *testing.T) {
	e := newEnv(t, envOptions{proxy: []Option{WithDeliveryTimeout(300 * time.Millisecond)}})
	e.createTopic("stuck", 1)
	e.cluster.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		e.cluster.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		resp := pr.ResponseKind().(*kmsg.ProduceResponse)
		for _, rt := range pr.Topics {
			st := kmsg.NewProduceResponseTopic()
			st.Topic, st.TopicID = rt.Topic, rt.TopicID
			for _, rp := range rt.Partitions {
				sp := kmsg.NewProduceResponseTopicPartition()
				sp.Partition = rp.Partition
				sp.ErrorCode = kerr.NotEnoughReplicas.Code // retriable, nothing written
				st.Partitions = append(st.Partitions, sp)
			}
			resp.Topics = append(resp.Topics, st)
		}
		return resp, nil, true
	})
	expiring := regexp.MustCompile(`^Expiring 1 record\(s\) for stuck-0:\d+ ms has passed since batch creation$`)

	v2 := e.post("stuck", ctBinary, `{"records":[{"value":"aGk="}]}`)
	var got struct {
		Offsets []struct {
			ErrorCode *int    `json:"error_code"`
			Error     *string `json:"error"`
		} `json:"offsets"`
	}
	if err := json.Unmarshal(v2.body, &got); err != nil || v2.status != http.StatusOK || len(got.Offsets) != 1 {
		t.Fatalf("v2 produce: %d %s", v2.status, v2.body)
	}
	if o := got.Offsets[0]; o.ErrorCode == nil || *o.ErrorCode != codeKafkaRetriable || o.Error == nil || !expiring.MatchString(*o.Error) {
		t.Errorf("v2 answer %s, want error_code 50003 and the producer's expiry", v2.body)
	}

	v3 := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/stuck/records", "application/json",
		[]byte(`{"partition_id":0,"value":{"type":"STRING","data":"hi"}}`))
	answers := readStream(t, v3.body)
	if v3.status != http.StatusOK || len(answers) != 1 {
		t.Fatalf("v3 produce: %d %s", v3.status, v3.body)
	}
	if a := answers[0]; a["error_code"] != float64(codeKafkaRetriable) || !expiring.MatchString(fmt.Sprint(a["message"])) {
		t.Errorf("v3 answer %v, want error_code 50003 and the producer's expiry", a)
	}
}
