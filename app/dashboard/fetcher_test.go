package dashboard

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/app/topic"
)

// The arrivals of one tick are spread over many topics. A Kafka consumer
// fetches all the partitions it reads from a broker in one request, and so
// does the dashboard: its first fetch of arrivals asks for every arrivals
// topic, and the arrivals already there reach the page in a round or two,
// not in one request per topic. (Newer fetch versions name topics by id.)
func TestTheDashboardFetchesEveryArrivalsTopicInOneRequest(t *testing.T) {
	c, s := clusterFor(t)
	s.stationsTable()
	names := []string{"Austin", "Oak Park", "Harlem", "Forest Park", "Cicero", "Pulaski", "Kedzie-Homan", "Western", "Racine", "Clinton"}
	for i, name := range names {
		s.arrival(name, int64(1000+i), "blue", 40000+i, fmt.Sprintf("BL%03d", i), "a", "in_service", nil, nil)
	}
	ids := topicIDs(t, c)
	var (
		mu       sync.Mutex
		requests [][]string // the arrivals topics of each fetch request
	)
	c.ControlKey(int16(kmsg.Fetch), func(r kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		var ts []string
		for _, ft := range r.(*kmsg.FetchRequest).Topics {
			name := ft.Topic
			if name == "" {
				name = ids[ft.TopicID]
			}
			if strings.HasPrefix(name, topic.ArrivalsPrefix) {
				ts = append(ts, name)
			}
		}
		if len(ts) > 0 {
			mu.Lock()
			requests = append(requests, ts)
			mu.Unlock()
		}
		return nil, nil, false
	})
	d := s.start(t)
	d.waitReady()
	eventually(t, "every train on the page", func() bool { return len(d.status().Trains) == len(names) })

	mu.Lock()
	defer mu.Unlock()
	if len(requests) == 0 {
		t.Fatal("no fetch request asked for an arrivals topic")
	}
	if len(requests[0]) != len(names) || len(requests) > 3 {
		t.Fatalf("the arrivals took %d fetch requests (topics of each: %v), want the first to ask for all %d topics and at most 3 in all", len(requests), requests, len(names))
	}
}

// topicIDs maps the ids of the cluster's topics to their names.
func topicIDs(t *testing.T, c *kfake.Cluster) map[[16]byte]string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	td, err := kadm.NewClient(cl).ListTopics(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[[16]byte]string{}
	for name, d := range td {
		out[d.ID] = name
	}
	return out
}

// A program that writes arrivals in transactions leaves commit markers in
// the arrivals topics: they take offsets of their own and hold no record.
// The dashboard reads the arrivals on both sides of them.
func TestArrivalsBetweenTransactionMarkersAreRead(t *testing.T) {
	c, s := clusterFor(t)
	s.station("blue", 40380, 16, "Clark/Lake")
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...), kgo.TransactionalID("arrivals"), kgo.AllowAutoTopicCreation())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, train := range []string{"BL001", "BL002"} {
		m := s.arrivalMsg("Clark/Lake", int64(1000+i), "blue", 40380, train, "a", "in_service", nil, nil)
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: m.Topic, Key: m.Key, Value: m.Value}).FirstErr(); err != nil {
			t.Fatal(err)
		}
		if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
			t.Fatal(err)
		}
	}
	d := s.start(t)
	eventually(t, "the second transaction's train", func() bool { return trainAt(d.status(), "BL002") })
}

// Retention (or DeleteRecords) moves a partition's start past the first
// offset. The dashboard reads an arrivals topic from its start, wherever
// that is now, as a kafka.Reader does.
func TestAnArrivalsTopicWhoseStartWasDeletedIsReadFromItsNewStart(t *testing.T) {
	c, s := clusterFor(t)
	s.station("blue", 40380, 16, "Clark/Lake")
	var msgs []kafka.Message
	for i := range 5 {
		msgs = append(msgs, s.arrivalMsg("Clark/Lake", int64(1000+i), "blue", 40380, fmt.Sprintf("BL%03d", i), "a", "in_service", nil, nil))
	}
	s.write(msgs...)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var offs kadm.Offsets
	offs.Add(kadm.Offset{Topic: msgs[0].Topic, Partition: 0, At: 3})
	res, err := kadm.NewClient(cl).DeleteRecords(ctx, offs)
	if err == nil {
		err = res.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	d := s.start(t)
	d.waitReady()
	st := d.status()
	if !trainAt(st, "BL004") || trainAt(st, "BL000") {
		t.Errorf("trains %+v: want BL003 and BL004, read from the new start, and not the deleted BL000-BL002", st.Trains)
	}
}

// trainAt reports whether the status knows train.
func trainAt(st Status, train string) bool {
	for _, tr := range st.Trains {
		if tr.TrainID == train {
			return true
		}
	}
	return false
}

// The push lets a tick's arrivals go out together by waiting until the
// readers have applied what was fetched: every fetched arrival counts in
// the backlog from the fetch until its reader reports it applied, and the
// backlog signals when it is empty again.
func TestFetchedArrivalsCountAsBacklogUntilApplied(t *testing.T) {
	c, s := clusterFor(t)
	a := s.arrivalMsg("Clark/Lake", 1000, "blue", 40380, "BL001", "a", "in_service", nil, nil)
	b := s.arrivalMsg("Austin", 1000, "blue", 40010, "BL002", "b", "in_service", nil, nil)
	s.write(a, b)
	bl := newBacklog()
	f := newFetcher([]kgo.Opt{kgo.SeedBrokers(c.ListenAddrs()...)}, time.Second, bl, func(string, ...any) {})
	pa, pb := f.add(topicPartition{a.Topic, 0}), f.add(topicPartition{b.Topic, 0})
	if err := f.flush(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	go f.run(ctx)
	for _, p := range []*fetchedPartition{pa, pb} {
		if _, err := p.FetchMessage(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := bl.n.Load(); n != 2 {
		t.Fatalf("backlog %d after two arrivals were fetched and taken, want 2: taking one is not applying it", n)
	}
	select {
	case <-bl.drained: // a stale signal would be harmless, but none is due
		t.Fatal("the backlog signalled drained before any arrival was applied")
	default:
	}
	pa.applied()
	if bl.empty() {
		t.Fatal("the backlog is empty with one arrival not applied")
	}
	pb.applied()
	if !bl.empty() {
		t.Fatalf("backlog %d after both arrivals were applied, want 0", bl.n.Load())
	}
	select {
	case <-bl.drained:
	default:
		t.Fatal("the backlog did not signal that it is drained")
	}
}
