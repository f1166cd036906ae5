package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// A cleaning can run between the moment the broker reads a request and
// the moment kfake answers it, also the first cleaning of a partition,
// while no log start was moved yet. Kafka's ListOffsets answers the log
// start as the earliest offset across a cleaning (LogCleaner and
// UnifiedLog, apache/kafka 3.9). The spec stands in the cleaning between
// the two halves of the broker's rewrite: the request is read with no
// moved start, the cleaning moves kfake's start from 0 to 2, and kfake's
// answer is then the one a moved start gives.

func raceProtocol(t *testing.T) *protocol {
	t.Helper()
	s, err := loadLogStarts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &protocol{legacy: map[string]bool{}, starts: s}
}

func requestBytes(req kmsg.Request) []byte {
	return kmsg.NewRequestFormatter().AppendRequest(nil, req, 7)[4:]
}

func TestListOffsetsAnsweredAcrossAFirstCleaningGivesKafkasLogStart(t *testing.T) {
	p := raceProtocol(t)
	req := kmsg.NewPtrListOffsetsRequest()
	req.SetVersion(1)
	rt := kmsg.NewListOffsetsRequestTopic()
	rt.Topic = "stations-table"
	rp := kmsg.NewListOffsetsRequestTopicPartition()
	rp.Timestamp = -2
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	if !p.wants(req.Key()) {
		t.Fatal("the broker does not look at ListOffsets before any cleaning moved a log start")
	}
	_, fix, err := p.rewrite(requestBytes(req))
	if err != nil {
		t.Fatal(err)
	}
	p.starts.moved("stations-table", [16]byte{1}, 0, 0, 2) // the cleaning

	resp := req.ResponseKind().(*kmsg.ListOffsetsResponse)
	st := kmsg.NewListOffsetsResponseTopic()
	st.Topic = "stations-table"
	sp := kmsg.NewListOffsetsResponseTopicPartition()
	sp.Offset = 2 // kfake's start after the cleaning
	st.Partitions = append(st.Partitions, sp)
	resp.Topics = append(resp.Topics, st)
	body := appendResponse(resp)
	if fix != nil {
		if body, err = fix(body); err != nil {
			t.Fatal(err)
		}
	}
	got, err := parseResponse(req.Key(), req.Version, body)
	if err != nil {
		t.Fatal(err)
	}
	if off := got.(*kmsg.ListOffsetsResponse).Topics[0].Partitions[0].Offset; off != 0 {
		t.Errorf("earliest offset %d, want Kafka's log start 0", off)
	}
}
