package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// groupOnTopic makes a three-partition topic holding 10, 7 and 4 records
// and an empty group that has committed 3, 5 and 0 on it, all with kadm
// and kgo, not through the console. It returns the topic and group.
func groupOnTopic(t *testing.T) (string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	topic := fmt.Sprintf("console.web.groups.%d.%d", time.Now().UnixNano(), topicSeq.Add(1))
	group := "console-web-group-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	adm := kadm.NewClient(kafkaClient(t))
	if _, err := adm.CreateTopic(ctx, 3, 1, nil, topic); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(lab.ep.Brokers...), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var recs []*kgo.Record
	for p, n := range []int{10, 7, 4} {
		for i := 0; i < n; i++ {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(p), Value: []byte(strconv.Itoa(i))})
		}
	}
	if err := cl.ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
	commit := kadm.Offsets{}
	for p, at := range []int64{3, 5, 0} {
		commit.Add(kadm.Offset{Topic: topic, Partition: int32(p), At: at, LeaderEpoch: -1})
	}
	resp, err := adm.CommitOffsets(ctx, group, commit)
	if err == nil {
		err = resp.Error()
	}
	if err != nil {
		t.Fatal(err)
	}
	return topic, group
}

// kadmLags computes each partition's end minus committed offset with kadm
// (ListEndOffsets, FetchOffsets), independently of the console.
func kadmLags(t *testing.T, topic, group string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	adm := kadm.NewClient(kafkaClient(t))
	ends, err := adm.ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := adm.FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if c, ok := committed.Lookup(topic, o.Partition); ok {
			out[o.Partition] = o.Offset - c.At
		}
	})
	return out
}

// committedOffsets is the group's committed offsets on topic, from kadm.
func committedOffsets(t *testing.T, topic, group string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	committed, err := kadm.NewClient(kafkaClient(t)).FetchOffsets(ctx, group)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int32]int64{}
	committed.Each(func(o kadm.OffsetResponse) {
		if o.Topic == topic {
			out[o.Partition] = o.At
		}
	})
	return out
}

// activeMember joins group on topic with a kgo consumer that commits
// nothing, and waits until Kafka describes the group as Stable. The
// returned func leaves the group and waits until it is Empty.
func activeMember(t *testing.T, topic, group string) (leave func()) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(lab.ep.Brokers...), kgo.ConsumerGroup(group), kgo.ConsumeTopics(topic),
		kgo.DisableAutoCommit(), kgo.ClientID("console-spec-member"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			cl.PollFetches(ctx)
		}
	}()
	adm := kadm.NewClient(kafkaClient(t))
	state := func() string {
		d, err := adm.DescribeGroups(context.Background(), group)
		if err != nil {
			return err.Error()
		}
		return d[group].State
	}
	eventually(t, time.Minute, func() string {
		if s := state(); s != "Stable" {
			return "the group is " + s + ", want Stable"
		}
		return ""
	})
	stopped := false
	leave = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		<-done
		cl.Close() // leaves the group
		eventually(t, time.Minute, func() string {
			if s := state(); s != "Empty" {
				return "after the member left the group is " + s + ", want Empty"
			}
			return ""
		})
	}
	t.Cleanup(leave)
	return leave
}

func TestGroupPartitionsShowEndMinusCommittedAsKadmComputesIt(t *testing.T) {
	topic, group := groupOnTopic(t)
	want := kadmLags(t, topic, group)
	var d GroupDetail
	if code := get(t, "/api/groups/"+group, &d); code != 200 {
		t.Fatalf("GET the group: %d", code)
	}
	if d.State != "Empty" {
		t.Errorf("state %q, want Empty (no member joined)", d.State)
	}
	got := map[int32]int64{}
	for _, p := range d.Partitions {
		if p.Topic == topic && p.Lag != nil {
			got[p.Partition] = *p.Lag
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 3 {
		t.Fatalf("lags %v, kadm computes %v", got, want)
	}
}

func TestGroupLagHistoryIsSampledAndEndsAtTheLagKadmComputes(t *testing.T) {
	topic, group := groupOnTopic(t)
	var want int64
	for _, l := range kadmLags(t, topic, group) {
		want += l
	}
	eventually(t, 30*time.Second, func() string {
		var d GroupDetail
		get(t, "/api/groups/"+group, &d)
		if n := len(d.History); n < 2 || d.History[n-1].Lag != want || !d.History[n-1].At.After(d.History[0].At) {
			return fmt.Sprintf("history %v; want two samples or more, the last at lag %d", d.History, want)
		}
		return ""
	})
}

// A reset naming a topic creates the offsets of a group Kafka does not
// know yet, as kafka-consumer-groups --reset-offsets --topic does.
func TestResetOfAnUnknownGroupOnATopicCommitsItsOffsets(t *testing.T) {
	topic, _ := groupOnTopic(t)
	group := "console-web-new-group-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if code := send(t, "POST", "/api/groups/"+group+"/reset", "application/json", `{"to":"latest","topic":"`+topic+`"}`, nil); code != 200 {
		t.Fatalf("reset a new group on %s: %d", topic, code)
	}
	if got := committedOffsets(t, topic, group); fmt.Sprint(got) != fmt.Sprint(map[int32]int64{0: 10, 1: 7, 2: 4}) {
		t.Fatalf("kadm fetches %v, want the ends map[0:10 1:7 2:4]", got)
	}
}

func TestUnknownGroupIsAnsweredWithKafkasDoesNotExist(t *testing.T) {
	var e apiError
	if code := get(t, "/api/groups/no-such-group-here", &e); code != 404 {
		t.Fatalf("GET an unknown group: %d, want 404", code)
	}
	if want := "Consumer group 'no-such-group-here' does not exist."; e.Message != want {
		t.Fatalf("message %q, want %q", e.Message, want)
	}
}

func TestResetToAnOffsetBeyondTheLogMovesItToTheEndWithKafkasWarning(t *testing.T) {
	topic, group := groupOnTopic(t)
	var r ResetResult
	if code := send(t, "POST", "/api/groups/"+group+"/reset", "application/json", `{"to":"offset","offset":8}`, &r); code != 200 {
		t.Fatalf("reset: %d", code)
	}
	// Partitions end at 10, 7 and 4: 8 stays on the first, the others move
	// to their ends (ConsumerGroupCommand.checkOffsetsRange).
	if got := committedOffsets(t, topic, group); fmt.Sprint(got) != fmt.Sprint(map[int32]int64{0: 8, 1: 7, 2: 4}) {
		t.Fatalf("kadm fetches %v after the reset, want map[0:8 1:7 2:4]", got)
	}
	if len(r.Notes) != 2 || !strings.HasPrefix(r.Notes[0], "New offset (8) is higher than latest offset for topic partition ") {
		t.Fatalf("notes %q, want two of Kafka's warnings", r.Notes)
	}
}

func TestBrowserGroupPageShowsLagAgreeingWithKadmAndMembers(t *testing.T) {
	ctx := browser(t)
	topic, group := groupOnTopic(t)
	leave := activeMember(t, topic, group)
	want := kadmLags(t, topic, group)
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#groups/"+group), chromedp.WaitVisible(chromedp.CSS(`#group-detail tr.member`))); err != nil {
		t.Fatal(err)
	}
	got := js[map[string]string](t, ctx, `Object.fromEntries(Array.from(document.querySelectorAll("#group-detail tr.partition")).map(r => [r.dataset.partition, r.querySelector("td.lag").textContent]))`)
	for p, lag := range want {
		if got[strconv.Itoa(int(p))] != strconv.FormatInt(lag, 10) {
			t.Fatalf("the page shows lags %v; kadm computes %v", got, want)
		}
	}
	member := js[string](t, ctx, `document.querySelector("#group-detail tr.member").textContent`)
	if !strings.Contains(member, "console-spec-member") || !strings.Contains(member, topic) {
		t.Fatalf("the member row reads %q: want the client id and the assigned topic", member)
	}
	screenshot(t, ctx, "group")
	leave()
	// The list links to the group, with its state once the sampler saw it.
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#groups"), chromedp.WaitVisible(chromedp.CSS(`#group-list tr[data-group="`+group+`"][data-state="Empty"]`))); err != nil {
		t.Fatal(err)
	}
}

func TestBrowserTopicPageAndPipelineLinkToTheirConsumerGroups(t *testing.T) {
	ctx := browser(t)
	topic, group := groupOnTopic(t)
	opened := func(want string) {
		t.Helper()
		eventually(t, 30*time.Second, func() string {
			if got := js[string](t, ctx, `location.hash + "|" + ((document.getElementById("group-name") || {}).textContent || "")`); got != "#groups/"+want+"|"+want {
				return "the page shows " + got + ", want group " + want + " opened"
			}
			return ""
		})
	}
	row := `tr[data-topic="` + topic + `"]`
	link := `#topic-groups a[data-group="` + group + `"]`
	// The topic page names the groups the sampler saw committing on it.
	eventually(t, 30*time.Second, func() string {
		if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#topics"), chromedp.WaitVisible(chromedp.CSS(row)), chromedp.Click(chromedp.CSS(row)),
			chromedp.WaitVisible(chromedp.CSS(`#topic-groups`))); err != nil {
			t.Fatal(err)
		}
		if !js[bool](t, ctx, fmt.Sprintf(`document.querySelector(%q) !== null`, link)) {
			return "the topic page links to no group " + group + ": " + js[string](t, ctx, `document.getElementById("topic-groups").textContent`)
		}
		return ""
	})
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(link))); err != nil {
		t.Fatal(err)
	}
	opened(group)
	// A group node of the pipeline opens its group.
	node := `g.node[data-id="group:` + transformGroup + `"]`
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#pipeline"), chromedp.WaitVisible(chromedp.CSS(node))); err != nil {
		t.Fatal(err)
	}
	// Clicked in one evaluation: the drawing is replaced every second.
	if !js[bool](t, ctx, fmt.Sprintf(`(() => { const n = document.querySelector(%q); if (!n) return false; n.dispatchEvent(new MouseEvent("click", {bubbles: true})); return true; })()`, node)) {
		t.Fatalf("no %s drawn", node)
	}
	opened(transformGroup)
}

func TestBrowserResetIsRefusedWhileMembersAreActiveAndWorksOnTheEmptyGroup(t *testing.T) {
	ctx := browser(t)
	topic, group := groupOnTopic(t)
	leave := activeMember(t, topic, group)
	if err := chromedp.Do(ctx, chromedp.Navigate(lab.console+"/#groups/"+group), chromedp.WaitVisible(chromedp.CSS(`#reset-go`))); err != nil {
		t.Fatal(err)
	}
	// The button is pressed through the DOM: the group's details above it
	// are redrawn every 2 s (members, the lag sparkline), and a click at
	// the button's coordinates can land on whatever a redraw moved there.
	reset := func(to, offset string) string {
		t.Helper()
		js[bool](t, ctx, `window.confirm = () => true; document.getElementById("reset-result").removeAttribute("data-done"); true`)
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#reset-to`), to), chromedp.SetValue(chromedp.CSS(`#reset-offset`), offset)); err != nil {
			t.Fatal(err)
		}
		js[bool](t, ctx, `document.getElementById("reset-go").click(); true`)
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#reset-result[data-done]`))); err != nil {
			t.Fatal(err)
		}
		return js[string](t, ctx, `document.getElementById("reset-result").textContent`)
	}
	before := committedOffsets(t, topic, group)
	msg := reset("earliest", "")
	want := "Assignments can only be reset if the group '" + group + "' is inactive, but the current state is Stable."
	if !strings.Contains(msg, want) {
		t.Fatalf("the page says %q while a member is active; want Kafka's %q", msg, want)
	}
	if after := committedOffsets(t, topic, group); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("a refused reset moved the offsets from %v to %v", before, after)
	}
	screenshot(t, ctx, "group-reset-refused")
	leave()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#group-body[data-state="Empty"]`))); err != nil {
		t.Fatalf("the page does not show the group Empty after its member left: %v", err)
	}
	reset("earliest", "")
	if got := committedOffsets(t, topic, group); fmt.Sprint(got) != fmt.Sprint(map[int32]int64{0: 0, 1: 0, 2: 0}) {
		t.Fatalf("kadm fetches %v after a reset to earliest, want every partition at 0", got)
	}
	reset("offset", "6")
	if got := committedOffsets(t, topic, group); fmt.Sprint(got) != fmt.Sprint(map[int32]int64{0: 6, 1: 6, 2: 4}) {
		t.Fatalf("kadm fetches %v after a reset to offset 6, want map[0:6 1:6 2:4] (4 is the last partition's end)", got)
	}
	reset("latest", "")
	if got := committedOffsets(t, topic, group); fmt.Sprint(got) != fmt.Sprint(map[int32]int64{0: 10, 1: 7, 2: 4}) {
		t.Fatalf("kadm fetches %v after a reset to latest, want the ends map[0:10 1:7 2:4]", got)
	}
	screenshot(t, ctx, "group-reset")
}
