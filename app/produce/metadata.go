package produce

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
	metadataAPI "github.com/segmentio/kafka-go/protocol/metadata"
)

// metadataMemoTTL is how long a topic's metadata answers the writers'
// lookups before it is asked for again. The kafka.Transport behind it
// refreshes its own view every 6 s (its MetadataTTL), so a new partition
// count reaches the writers at most this much later than it would have.
const metadataMemoTTL = time.Second

// metadataMemo is a kafka.RoundTripper in front of the writers' transport.
// A kafka.Writer looks up its topic's partition count for every record it
// is handed (Writer.partitions, through the transport, which answers from
// its cache but allocates a filtered copy of it each time): the memo answers
// those one-topic lookups from the last answer for that topic, for up to
// ttl, and passes every other request through. Errors, and answers that
// carry one, are not kept.
type metadataMemo struct {
	next kafka.RoundTripper
	ttl  time.Duration

	mu     sync.Mutex
	topics map[string]memoizedMetadata
}

type memoizedMetadata struct {
	res *metadataAPI.Response
	at  time.Time
}

func newMetadataMemo(next kafka.RoundTripper, ttl time.Duration) *metadataMemo {
	return &metadataMemo{next: next, ttl: ttl, topics: map[string]memoizedMetadata{}}
}

// RoundTrip implements kafka.RoundTripper.
func (m *metadataMemo) RoundTrip(ctx context.Context, addr net.Addr, req kafka.Request) (kafka.Response, error) {
	mr, ok := req.(*metadataAPI.Request)
	if !ok || len(mr.TopicNames) != 1 || mr.AllowAutoTopicCreation {
		return m.next.RoundTrip(ctx, addr, req)
	}
	topic := mr.TopicNames[0]
	now := time.Now()
	m.mu.Lock()
	e, ok := m.topics[topic]
	m.mu.Unlock()
	if ok && now.Sub(e.at) < m.ttl {
		return e.res, nil
	}
	res, err := m.next.RoundTrip(ctx, addr, req)
	if err != nil {
		return res, err
	}
	if r, ok := res.(*metadataAPI.Response); ok && answered(r, topic) {
		m.mu.Lock()
		m.topics[topic] = memoizedMetadata{res: r, at: now}
		m.mu.Unlock()
	}
	return res, nil
}

// answered reports whether r describes topic without an error.
func answered(r *metadataAPI.Response, topic string) bool {
	for _, t := range r.Topics {
		if t.Name == topic {
			return t.ErrorCode == 0 && len(t.Partitions) > 0
		}
	}
	return false
}
