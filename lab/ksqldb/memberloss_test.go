package ksqldb

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A broker that loses the query's group member between acknowledging a
// batch's output and committing its offsets (as the embedded broker does
// when it is killed and restarted) fails the commit with UNKNOWN_MEMBER_ID.
// The query rejoins and resumes from its own position, not from the older
// committed offset, so no turnstile entry is counted twice.
func TestLostMemberDoesNotRecount(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}, {40010, "Austin", "blue"}})
	_, url := st.serve()
	ents := mustKSQL(t, url, projectStatements, earliest())
	group := "_confluent-ksql-default_query_" + ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	waitCommitted(t, st, group, 3)

	st.loseMemberAtNextCommit(group, func() {
		st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40030, "Clark/Lake", "red"}})
	})

	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}})
	waitCommitted(t, st, group, 6)
	recs := st.consume("TURNSTILE_SUMMARY", int(st.endOffset("TURNSTILE_SUMMARY")))
	last, seq := counts(t, recs)
	if len(recs) != 6 {
		t.Errorf("got %d updates, want 6 (one per event): %v", len(recs), seq)
	}
	if !slices.Equal(seq[40010], []int64{1, 2, 3, 4}) || !slices.Equal(seq[40030], []int64{1}) {
		t.Errorf("updates %v, want 40010:1..4 40030:1", seq)
	}
	if last[40010] != 4 || last[40020] != 1 || last[40030] != 1 {
		t.Errorf("final counts %v, want 40010:4 40020:1 40030:1", last)
	}
}

// waitCommitted waits until group has committed offset n of the turnstile
// topic and every partition of its repartition topic to the end: the
// query has taken the first n events all the way through its aggregation.
func waitCommitted(t *testing.T, st *stack, group string, n int64) {
	t.Helper()
	waitFor(t, func() bool {
		offs, err := st.adm.FetchOffsets(context.Background(), group)
		o, ok := offs.Lookup(turnstileTopic, 0)
		return err == nil && ok && o.At >= n && drained(t, st, offs)
	}, "query committed its input")
}

// drained reports whether the committed offsets offs reach the end of
// every repartition partition they name.
func drained(t testing.TB, st *stack, offs kadm.OffsetResponses) bool {
	t.Helper()
	var topics []string
	for topic := range offs {
		if strings.HasSuffix(topic, "-Aggregate-GroupBy-repartition") {
			topics = append(topics, topic)
		}
	}
	if len(topics) == 0 {
		return true
	}
	ends, err := st.adm.ListEndOffsets(context.Background(), topics...)
	if err != nil {
		return false
	}
	done := true
	ends.Each(func(e kadm.ListedOffset) {
		if o, ok := offs.Lookup(e.Topic, e.Partition); e.Err != nil || !ok || o.At < e.Offset {
			done = false
		}
	})
	return done
}

// loseMemberAtNextCommit makes the next offset commit of group, after
// produce, wait until the group's members are dropped, so that it fails
// with UNKNOWN_MEMBER_ID and the query reads its batch again. A query
// with state commits its offsets in a transaction (TxnOffsetCommit), a
// stateless one with OffsetCommit.
func (st *stack) loseMemberAtNextCommit(group string, produce func()) {
	st.t.Helper()
	var armed atomic.Bool
	armed.Store(true)
	hit, dropped := make(chan struct{}), make(chan struct{})
	hold := func(reqGroup string) {
		if reqGroup == group && armed.CompareAndSwap(true, false) {
			st.cluster.SleepControl(func() {
				close(hit)
				<-dropped
			})
		}
	}
	st.cluster.ControlKey(int16(kmsg.OffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		st.cluster.KeepControl()
		hold(req.(*kmsg.OffsetCommitRequest).Group)
		return nil, nil, false
	})
	st.cluster.ControlKey(int16(kmsg.TxnOffsetCommit), func(req kmsg.Request) (kmsg.Response, error, bool) {
		st.cluster.KeepControl()
		hold(req.(*kmsg.TxnOffsetCommitRequest).Group)
		return nil, nil, false
	})
	produce()
	select {
	case <-hit:
	case <-time.After(30 * time.Second):
		st.t.Fatal("the query did not commit its next batch")
	}
	st.dropMembers(group)
	close(dropped)
}

// dropMembers removes every member of group, as a broker that forgot the
// group's membership would.
func (st *stack) dropMembers(group string) {
	st.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	dg, err := st.adm.DescribeGroups(ctx, group)
	if err != nil {
		st.t.Fatalf("describe group: %v", err)
	}
	req := kmsg.NewPtrLeaveGroupRequest()
	req.Group = group
	for _, m := range dg[group].Members {
		lm := kmsg.NewLeaveGroupRequestMember()
		lm.MemberID = m.MemberID
		req.Members = append(req.Members, lm)
	}
	if len(req.Members) == 0 {
		st.t.Fatalf("group %s has no members", group)
	}
	resp, err := req.RequestWith(ctx, st.cl)
	if err == nil {
		err = kerr.ErrorForCode(resp.ErrorCode)
	}
	if err != nil {
		st.t.Fatalf("leave group: %v", err)
	}
}

// A batch whose output is not acknowledged does not advance the query's
// position: it is read again (at_least_once), so no update is lost.
func TestUnacknowledgedBatchIsReadAgain(t *testing.T) {
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40020, "Harlem", "green"}})
	_, url := st.serve()
	ents := mustKSQL(t, url, projectStatements, earliest())
	group := "_confluent-ksql-default_query_" + ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	waitCommitted(t, st, group, 2)

	h := st.cluster.Fault(kfake.Fault{Keys: []kmsg.Key{kmsg.Produce}, Topic: "TURNSTILE_SUMMARY", Err: kerr.InvalidRecord})
	st.produceTurnstiles([]turnstileEvent{{40010, "Austin", "blue"}, {40030, "Clark/Lake", "red"}})
	waitCommitted(t, st, group, 4)
	if h.Hits() == 0 {
		t.Fatal("the query's output was never refused")
	}
	code, body := post(t, url, "/query", "SELECT * FROM TURNSTILE_SUMMARY WHERE STATION_ID=40030;", nil)
	if code != 200 || !contains(string(body), `"columns":[40030,`) {
		t.Errorf("pull query for 40030: %d %s, want the station counted", code, body)
	}
	recs := st.consume("TURNSTILE_SUMMARY", int(st.endOffset("TURNSTILE_SUMMARY")))
	last, _ := counts(t, recs)
	if last[40010] < 2 || last[40030] < 1 {
		t.Errorf("final counts %v: an update of the refused batch was lost", last)
	}
}
