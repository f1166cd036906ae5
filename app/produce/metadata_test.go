package produce

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/protocol"
	metadataAPI "github.com/segmentio/kafka-go/protocol/metadata"
)

// countingTransport answers metadata requests for one topic with two
// partitions and counts the requests that reach it.
type countingTransport struct {
	calls atomic.Int32
	fail  atomic.Bool
}

func (c *countingTransport) RoundTrip(_ context.Context, _ net.Addr, req kafka.Request) (kafka.Response, error) {
	c.calls.Add(1)
	if c.fail.Load() {
		return nil, errors.New("broker away")
	}
	m, ok := req.(*metadataAPI.Request)
	if !ok {
		return nil, errors.New("not a metadata request")
	}
	res := &metadataAPI.Response{}
	for _, t := range m.TopicNames {
		res.Topics = append(res.Topics, metadataAPI.ResponseTopic{Name: t, Partitions: make([]metadataAPI.ResponsePartition, 2)})
	}
	return res, nil
}

var _ protocol.Message = (*metadataAPI.Request)(nil)

// A writer looks up its topic's partitions for every record; the memo
// answers the repeats from the last answer, for a while, so that a batch of
// a thousand records costs one lookup.
func TestAWritersRepeatedPartitionLookupsReachTheTransportOnce(t *testing.T) {
	next := &countingTransport{}
	m := newMetadataMemo(next, time.Minute)
	for range 1000 {
		res, err := m.RoundTrip(context.Background(), nil, &metadataAPI.Request{TopicNames: []string{"t"}})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.(*metadataAPI.Response).Topics[0].Partitions); n != 2 {
			t.Fatalf("%d partitions, want 2", n)
		}
	}
	if n := next.calls.Load(); n != 1 {
		t.Errorf("%d lookups reached the transport, want 1", n)
	}
}

// An answer is kept for the memo's TTL only, and errors are never kept.
func TestTheMetadataMemoForgetsAfterItsTTLAndKeepsNoErrors(t *testing.T) {
	next := &countingTransport{}
	m := newMetadataMemo(next, 10*time.Millisecond)
	req := func() error {
		_, err := m.RoundTrip(context.Background(), nil, &metadataAPI.Request{TopicNames: []string{"t"}})
		return err
	}
	next.fail.Store(true)
	for range 2 {
		if req() == nil {
			t.Fatal("the transport's error was not passed on")
		}
	}
	next.fail.Store(false)
	if err := req(); err != nil {
		t.Fatalf("an error was remembered: %v", err)
	}
	before := next.calls.Load()
	time.Sleep(20 * time.Millisecond)
	if err := req(); err != nil {
		t.Fatal(err)
	}
	if next.calls.Load() != before+1 {
		t.Error("an answer older than the TTL was used")
	}
}

// Requests other than a one-topic metadata lookup pass through untouched.
func TestTheMetadataMemoPassesOtherRequestsThrough(t *testing.T) {
	next := &countingTransport{}
	m := newMetadataMemo(next, time.Minute)
	for range 3 {
		if _, err := m.RoundTrip(context.Background(), nil, &metadataAPI.Request{TopicNames: []string{"a", "b"}}); err != nil {
			t.Fatal(err)
		}
	}
	if n := next.calls.Load(); n != 3 {
		t.Errorf("%d of 3 multi-topic lookups reached the transport", n)
	}
}
