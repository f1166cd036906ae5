package ksqldb

import (
	"context"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// failCommits makes the broker refuse every offset commit of a ksqlDB
// query's consumer group, plain or transactional, that commits a topic
// match accepts: the engine's outputs for a batch of that topic are
// acknowledged, its offsets never committed, which is where a process
// killed with SIGKILL between the two leaves a query.
func failCommits(c *kfake.Cluster, match func(topic string) bool) {
	c.ControlKey(int16(kmsg.OffsetCommit), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kr.(*kmsg.OffsetCommitRequest)
		if !strings.HasPrefix(req.Group, "_confluent-ksql-") || !slices.ContainsFunc(req.Topics, func(t kmsg.OffsetCommitRequestTopic) bool { return match(t.Topic) }) {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.OffsetCommitResponse)
		for _, t := range req.Topics {
			rt := kmsg.NewOffsetCommitResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewOffsetCommitResponseTopicPartition()
				rp.Partition, rp.ErrorCode = p.Partition, kerr.GroupAuthorizationFailed.Code
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
	c.ControlKey(int16(kmsg.TxnOffsetCommit), func(kr kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		req := kr.(*kmsg.TxnOffsetCommitRequest)
		if !strings.HasPrefix(req.Group, "_confluent-ksql-") || !slices.ContainsFunc(req.Topics, func(t kmsg.TxnOffsetCommitRequestTopic) bool { return match(t.Topic) }) {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.TxnOffsetCommitResponse)
		for _, t := range req.Topics {
			rt := kmsg.NewTxnOffsetCommitResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewTxnOffsetCommitResponseTopicPartition()
				rp.Partition, rp.ErrorCode = p.Partition, kerr.GroupAuthorizationFailed.Code
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return resp, nil, true
	})
}

// An engine that dies after a batch's results and state changes were
// acknowledged but before its offsets were committed (SIGKILL of the lab
// process) does not count that batch twice when it comes back: the
// aggregate restored from its changelog and the input read again from the
// committed offsets agree, so TURNSTILE_SUMMARY ends at the number of
// events, as the scenario suite's chaos spec requires. The query groups by
// a value column, so the batch that aggregates is one of its repartition
// topic: its commits are the ones refused.
func TestACrashBetweenOutputAndOffsetCommitCountsNothingTwice(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()

	st := newStack(t, kfake.DataDir(dir), kfake.Ports(port))
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40010, "Austin", "blue"}, {40010, "Austin", "blue"}})
	failCommits(st.cluster, func(topic string) bool { return strings.HasSuffix(topic, "-Aggregate-GroupBy-repartition") })
	srv, url := st.serve()
	mustKSQL(t, url, projectStatements, earliest())
	// The batch's result records are acknowledged: the count reached 3.
	waitCount(t, st.brokers, 40010, 3)
	// The lab process dies: the broker goes first, then the engine, which
	// can no longer commit anything.
	st.cl.Close()
	st.cluster.Close()
	_ = srv.Close()

	st2 := newStack(t, kfake.DataDir(dir), kfake.Ports(port))
	st2.reg = st.reg
	st2.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	st2.serve()
	group := queryGroup(t, st2)
	waitCommitted(t, st2, group, 4)
	all := readAll(t, st2.brokers, "TURNSTILE_SUMMARY")
	last, seq := counts(t, all)
	if last[40010] != 4 {
		t.Fatalf("after the crash and a fourth event, 40010 counts %d, want 4 (updates %v; query group %s)", last[40010], seq[40010], group)
	}
	for _, n := range seq[40010] {
		if n > 4 {
			t.Fatalf("40010 was counted %d at some point: updates %v", n, seq[40010])
		}
	}
}

// waitCount waits until TURNSTILE_SUMMARY's latest count for station is want.
func waitCount(t *testing.T, brokers []string, station int32, want int64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		last, _ := counts(t, readAll(t, brokers, "TURNSTILE_SUMMARY"))
		if last[station] == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("TURNSTILE_SUMMARY never counted %d for %d: %v", want, station, last)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// queryGroup waits until a ksqlDB query's consumer group exists and
// returns it.
func queryGroup(t *testing.T, st *stack) string {
	t.Helper()
	var group string
	waitFor(t, func() bool {
		groups, err := st.adm.ListGroups(context.Background())
		for _, g := range groups.Groups() {
			if err == nil && strings.HasPrefix(g, "_confluent-ksql-") {
				group = g
			}
		}
		return group != ""
	}, "a query's consumer group exists")
	return group
}

// readAll reads every committed record of topic, from the start to the
// end offsets (read committed) at the time of the call.
func readAll(t *testing.T, brokers []string, topic string) []kv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer adm.Close()
	ends, err := kadm.NewClient(adm).ListCommittedOffsets(ctx, topic)
	if err != nil || ends.Error() != nil {
		return nil // not there yet
	}
	left := map[int32]int64{}
	from := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Offset > 0 {
			left[o.Partition] = o.Offset
			from[o.Partition] = kgo.NewOffset().AtStart()
		}
	})
	if len(left) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{topic: from}))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var out []kv
	for len(left) > 0 {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("read %s: the end offsets %v were not reached", topic, left)
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := left[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			if r.Offset+1 >= end {
				delete(left, r.Partition)
			}
			if !r.Attrs.IsControl() {
				out = append(out, kv{r.Key, r.Value})
			}
		})
	}
	return out
}

// A query whose state restore fails when the engine starts (the broker
// answers with an error meanwhile) is started again after a back-off, as
// ksqlDB restarts a failed persistent query, instead of staying in ERROR.
func TestAQueryWhoseRestoreFailsAtStartIsRetried(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40010, "Austin", "blue"}})
	srv, url := st.serve()
	ents := mustKSQL(t, url, projectStatements, earliest())
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	waitCount(t, st.brokers, 40010, 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	changelog := "_confluent-ksql-default_query_" + qid + "-Aggregate-Aggregate-Materialize-changelog"
	h := st.cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.ListOffsets}, Topic: changelog, Err: kerr.KafkaStorageError, Count: 2})
	st.serve()
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	waitCount(t, st.brokers, 40010, 3)
	if h.Hits() == 0 {
		t.Fatal("the restore's end-offset request was never refused: the spec tested nothing")
	}
}
