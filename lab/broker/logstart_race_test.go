package broker

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A cleaning can run between the moment the broker reads a request and
// the moment kfake answers it, also the first cleaning of a partition,
// while no log start was moved yet. Kafka's answers do not change across
// a cleaning: ListOffsets' earliest stays the log start, and a fetch from
// a removed offset reads the next kept batch (LogCleaner and UnifiedLog,
// apache/kafka 3.9). These specs stand in the cleaning between the two
// halves of the broker's rewrite: the request is read, the cleaning moves
// kfake's start, and kfake's answer is then the one a moved start gives.

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
	if body, err = fix.applyTo(body); err != nil {
		t.Fatal(err)
	}
	got, err := parseResponse(req.Key(), req.Version, body)
	if err != nil {
		t.Fatal(err)
	}
	if off := got.(*kmsg.ListOffsetsResponse).Topics[0].Partitions[0].Offset; off != 0 {
		t.Errorf("earliest offset %d, want Kafka's log start 0", off)
	}
}

// fetchAt is a Fetch of one partition of the topic with this ID, from
// offset.
func fetchAt(id [16]byte, offset int64) *kmsg.FetchRequest {
	req := kmsg.NewPtrFetchRequest()
	req.SetVersion(13)
	ft := kmsg.NewFetchRequestTopic()
	ft.TopicID = id
	fp := kmsg.NewFetchRequestTopicPartition()
	fp.FetchOffset = offset
	fp.PartitionMaxBytes = 1 << 20
	ft.Partitions = append(ft.Partitions, fp)
	req.Topics = append(req.Topics, ft)
	return req
}

// outOfRange is kfake's answer to a fetch below its log start.
func outOfRange(req *kmsg.FetchRequest, id [16]byte, start int64) []byte {
	resp := req.ResponseKind().(*kmsg.FetchResponse)
	st := kmsg.NewFetchResponseTopic()
	st.TopicID = id
	sp := kmsg.NewFetchResponseTopicPartition()
	sp.ErrorCode = kerr.OffsetOutOfRange.Code
	sp.HighWatermark, sp.LastStableOffset, sp.LogStartOffset = 5, 5, start
	st.Partitions = append(st.Partitions, sp)
	resp.Topics = append(resp.Topics, st)
	return appendResponse(resp)
}

func TestAFetchAnsweredAcrossAFirstCleaningIsNotOutOfRange(t *testing.T) {
	p := raceProtocol(t)
	id := [16]byte{2}
	req := fetchAt(id, 0)
	if !p.wants(req.Key()) {
		t.Fatal("the broker does not look at Fetch before any cleaning moved a log start")
	}
	_, fix, err := p.rewrite(requestBytes(req))
	if err != nil {
		t.Fatal(err)
	}
	p.starts.moved("stations-table", id, 0, 0, 2) // the partition's first cleaning
	if fix.passes() {
		t.Fatal("the answer of a fetch read before a cleaning passes unlooked at")
	}
	body, err := fix.applyTo(outOfRange(req, id, 2))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseResponse(req.Key(), req.Version, body)
	if err != nil {
		t.Fatal(err)
	}
	if gp := got.(*kmsg.FetchResponse).Topics[0].Partitions[0]; gp.ErrorCode != 0 {
		t.Errorf("fetch from 0 across the first cleaning answered %v, want no error", kerr.ErrorForCode(gp.ErrorCode))
	}
}

// A fetch answered with no cleaning in between is handed to the client as
// kfake wrote it: the broker does not hold fetch answers back to look at
// them (a fetch answer may be megabytes).
func TestAFetchWithNoCleaningBetweenPassesAsKfakeAnsweredIt(t *testing.T) {
	p := raceProtocol(t)
	id := [16]byte{3}
	_, fix, err := p.rewrite(requestBytes(fetchAt(id, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if !fix.passes() {
		t.Error("a fetch answered with no cleaning in between is held back to be looked at")
	}
	p.starts.moved("other", [16]byte{4}, 0, 0, 1) // a cleaning of another topic
	if fix.passes() {
		t.Error("a fetch answered after a cleaning passes unlooked at")
	}
}

func TestAFetchAnsweredAcrossACleaningIsNotOutOfRange(t *testing.T) {
	p := raceProtocol(t)
	id := [16]byte{1}
	p.starts.moved("stations-table", id, 0, 0, 1) // an earlier cleaning: Kafka 0, kfake 1
	req := fetchAt(id, 1)                         // a consumer at kfake's start: nothing to rewrite
	if !p.wants(req.Key()) {
		t.Fatal("the broker does not look at Fetch")
	}
	_, fix, err := p.rewrite(requestBytes(req))
	if err != nil {
		t.Fatal(err)
	}
	p.starts.moved("stations-table", id, 0, 1, 2) // the cleaning kfake runs before the fetch
	body, err := fix.applyTo(outOfRange(req, id, 2))
	if err != nil {
		t.Fatal(err)
	}
	got, err := parseResponse(req.Key(), req.Version, body)
	if err != nil {
		t.Fatal(err)
	}
	gp := got.(*kmsg.FetchResponse).Topics[0].Partitions[0]
	if gp.ErrorCode != 0 {
		t.Errorf("fetch from 1 across a cleaning answered %v, want no error (the client fetches again and reads the next kept batch)", kerr.ErrorForCode(gp.ErrorCode))
	}
	if gp.HighWatermark != 5 {
		t.Errorf("high watermark %d, want kfake's 5", gp.HighWatermark)
	}
}
