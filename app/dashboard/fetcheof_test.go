package dashboard

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A broker that closes the connection on a request's first answer is an
// outage like another: franz-go reports it per partition as an error that
// wraps io.EOF ("broker closed the connection immediately after a request
// was issued"), and tries again. The dashboard's readers must go on
// reading those partitions; taking the io.EOF for their partition's end
// left them stopped at offset 0 for good after a broker restart
// (outage_test.go failed so under load), and the dashboard never ready.
func TestAPartitionIsStillReadAfterTheBrokerCutsItsFirstOffsetLookup(t *testing.T) {
	c, s := clusterFor(t)
	s.stationsTable()
	const topics, perTopic = 3, 50
	for i := range topics {
		name := fmt.Sprintf("stop_%02d", i)
		msgs := make([]kafka.Message, 0, perTopic)
		for j := range perTopic {
			msgs = append(msgs, s.arrivalMsg(name, int64(1000+j), "blue", 40010, "BL001", "a", "in_service", nil, nil))
		}
		s.write(msgs...)
	}
	// The dashboard's shared fetcher (franz-go) asks for offsets with a
	// newer ListOffsets than its discovery (kafka-go, v5 at most): the first such
	// request has its connection closed instead of an answer.
	var cut atomic.Bool
	c.ControlKey(int16(kmsg.ListOffsets), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if r.GetVersion() >= 6 && cut.CompareAndSwap(false, true) {
			return nil, errors.New("connection cut before the first answer"), true
		}
		return nil, nil, false
	})
	d := s.start(t)
	d.waitReady()
	if !cut.Load() {
		t.Fatal("no ListOffsets above v1 was cut: the spec did not reach the fetcher's offset lookup")
	}
	parts, _, _, _ := d.srv.consumers.view()
	read := 0
	for _, p := range parts {
		if p.target > 0 && p.pos >= p.target {
			read++
		}
	}
	if read < topics+1 { // the arrivals topics and the stations table
		t.Errorf("%d partitions read to their end, want %d: %+v", read, topics+1, parts)
	}
}
