package restproxy

import (
	"encoding/binary"
	"net/http"
	"sync"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// The Java producer's compression.type defaults to none, so the REST Proxy
// writes uncompressed batches unless configured otherwise
// (https://kafka.apache.org/39/documentation/#producerconfigs_compression.type).
func TestProducedBatchesAreUncompressed(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("plain", 1)
	var mu sync.Mutex
	var codecs []int16
	e.cluster.ControlKey(int16(kmsg.Produce), func(req kmsg.Request) (kmsg.Response, error, bool) {
		e.cluster.KeepControl()
		pr := req.(*kmsg.ProduceRequest)
		mu.Lock()
		defer mu.Unlock()
		for _, tp := range pr.Topics {
			for _, p := range tp.Partitions {
				// Attributes sit at byte 21 of a v2 record batch; the low
				// three bits are the codec.
				if len(p.Records) >= 23 {
					codecs = append(codecs, int16(binary.BigEndian.Uint16(p.Records[21:23]))&0x07)
				}
			}
		}
		return nil, nil, false
	})
	big := `{"records":[{"value":"aGVsbG8gaGVsbG8gaGVsbG8gaGVsbG8gaGVsbG8gaGVsbG8gaGVsbG8gaGVsbG8=","key":"aGVsbG8gaGVsbG8gaGVsbG8="}]}`
	if resp := e.post("plain", ctBinary, big); resp.status != http.StatusOK {
		t.Fatalf("v2 produce: %d %s", resp.status, resp.body)
	}
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/plain/records", "application/json",
		[]byte(`{"value":{"type":"STRING","data":"hello hello hello hello hello hello hello hello"}}`))
	if resp.status != http.StatusOK {
		t.Fatalf("v3 produce: %d %s", resp.status, resp.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(codecs) < 2 {
		t.Fatalf("saw %d produce batches", len(codecs))
	}
	for i, c := range codecs {
		if c != 0 {
			t.Fatalf("batch %d compressed with codec %d", i, c)
		}
	}
}
