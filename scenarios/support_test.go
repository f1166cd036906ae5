package scenarios_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/fixtures"
	"github.com/ctalab/ctalab/lab/stack"
)

// running is a pipeline started by a spec container.
type running struct {
	p *pipeline.Pipeline
	e stack.Endpoints
	// dashboard is the dashboard's base URL.
	dashboard string
	// done receives Run's result if the pipeline stops early.
	done <-chan error
}

// startPipeline runs the whole application against s with sched at max
// pace, waits until the simulation is done and every produced record is
// acknowledged, and stops the pipeline when the container is done.
func startPipeline(ctx context.Context, s stack.Stack, sched sim.Schedule) *running {
	GinkgoHelper()
	r := launchPipeline(ctx, s, sched, sim.Max)
	select {
	case <-r.p.SimulationDone():
	case err := <-r.done:
		Fail(fmt.Sprintf("the pipeline stopped before the simulation was done: %v", err))
	case <-ctx.Done():
		Fail("the simulation did not finish in time")
	}
	return r
}

// launchPipeline starts the whole application against s with sched at pace
// and returns once the dashboard listens; the pipeline stops when the
// container is done.
func launchPipeline(ctx context.Context, s stack.Stack, sched sim.Schedule, pace sim.Pace) *running {
	GinkgoHelper()
	By(fmt.Sprintf("replaying %d ticks from %s at %s pace", sched.Ticks, sched.Start.Format(time.RFC3339), pace))
	e := s.Endpoints()
	p, err := pipeline.New(pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect, Client: clientFor(e)},
		Schedule:  sched, Pace: pace, Dashboard: "127.0.0.1:0", Logger: logger(),
	})
	Expect(err).NotTo(HaveOccurred(), "configure the pipeline")
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	DeferCleanup(func(ctx SpecContext) {
		By("stopping the pipeline")
		cancel()
		select {
		case err := <-done:
			Expect(err).NotTo(HaveOccurred(), "the pipeline stopped with an error")
		case <-ctx.Done():
			Fail("the pipeline did not stop")
		}
	}, NodeTimeout(30*time.Second))
	select {
	case <-p.Dashboard().Listening():
	case err := <-done:
		Fail(fmt.Sprintf("the pipeline stopped before its dashboard listened: %v", err))
	}
	return &running{p: p, e: e, dashboard: "http://" + p.Dashboard().Addr(), done: done}
}

// dashboardStatus returns the dashboard's /api/status without wall-clock
// fields, once the dashboard shows every TURNSTILE_SUMMARY count in want.
func dashboardStatus(ctx context.Context, r *running, want map[int]int) map[string]any {
	GinkgoHelper()
	By("waiting for the dashboard to show every count")
	var st map[string]any
	Eventually(func(g Gomega, ctx context.Context) {
		st = getStatus(g, ctx, r.dashboard)
		shown := map[int]int{}
		for _, l := range st["lines"].([]any) {
			for _, s := range l.(map[string]any)["stations"].([]any) {
				s := s.(map[string]any)
				if n := int(s["turnstile_entries"].(float64)); n > 0 {
					shown[int(s["station_id"].(float64))] = n
				}
			}
		}
		g.Expect(shown).To(Equal(want), "the dashboard shows every station's TURNSTILE_SUMMARY count")
	}).WithContext(ctx).WithTimeout(2 * time.Minute).Should(Succeed())
	return st
}

func getStatus(g Gomega, ctx context.Context, base string) map[string]any {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/status?stable=1", nil)
	g.Expect(err).NotTo(HaveOccurred())
	resp, err := stackHTTP.Do(req)
	g.Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	g.Expect(resp.StatusCode).To(Equal(http.StatusOK))
	var st map[string]any
	g.Expect(json.NewDecoder(resp.Body).Decode(&st)).To(Succeed())
	return st
}

// schedule loads a committed schedule.
func schedule(name string) sim.Schedule {
	GinkgoHelper()
	b, err := fixtures.FS().(interface{ ReadFile(string) ([]byte, error) }).ReadFile("schedules/" + name + ".yaml")
	Expect(err).NotTo(HaveOccurred())
	s, err := sim.ParseSchedule(name+".yaml", b)
	Expect(err).NotTo(HaveOccurred())
	return s
}

// adminClient returns a kafka-go client with a transport of its own, and
// the function that releases the transport: its connection pools would
// otherwise keep redialing the brokers in the background after the lab is
// gone, and decode whatever later server holds the port as Kafka.
func adminClient(e stack.Endpoints) (*kafka.Client, func()) {
	t := kafkaTransport(e)
	return &kafka.Client{Addr: kafka.TCP(e.Brokers...), Transport: t, Timeout: 30 * time.Second}, t.CloseIdleConnections
}

// topics lists the broker's topics and their partition counts.
func topics(ctx context.Context, e stack.Endpoints) map[string]int {
	GinkgoHelper()
	return topicsG(Default, ctx, e)
}

func topicsG(g Gomega, ctx context.Context, e stack.Endpoints) map[string]int {
	c, done := adminClient(e)
	defer done()
	md, err := c.Metadata(ctx, &kafka.MetadataRequest{})
	g.Expect(err).NotTo(HaveOccurred(), "list topics")
	out := map[string]int{}
	for _, t := range md.Topics {
		out[t.Name] = len(t.Partitions)
	}
	return out
}

// decodeAvro decodes Confluent wire-format values with the registry.
func decodeAvro(ctx context.Context, e stack.Endpoints, msgs []kafka.Message) []map[string]any {
	GinkgoHelper()
	reg, err := schema.NewRegistry(e.SchemaRegistry, stackHTTP)
	Expect(err).NotTo(HaveOccurred())
	serde := schema.NewSerde(reg)
	out := make([]map[string]any, 0, len(msgs))
	// A tick's entries at one station are byte-identical records: decode
	// each distinct value once.
	seen := map[string]map[string]any{}
	for _, m := range msgs {
		if v, ok := seen[string(m.Value)]; ok {
			out = append(out, v)
			continue
		}
		v, err := serde.Decode(ctx, m.Value)
		Expect(err).NotTo(HaveOccurred(), "decode %s offset %d", m.Topic, m.Offset)
		seen[string(m.Value)] = v.(map[string]any)
		out = append(out, v.(map[string]any))
	}
	return out
}

// turnstileEntries counts the turnstile topic's events per station id.
func turnstileEntries(ctx context.Context, e stack.Endpoints) map[int]int {
	GinkgoHelper()
	return turnstileRecords(ctx, e).entries
}

// turnstileTopic is the turnstile topic as read once the simulation is done
// and every entry acknowledged: no record is added after, so it stands for
// the topic in what a spec reads afterwards (summarise, rawHopCounts).
type turnstileTopic struct {
	msgs []kafka.Message
	// values are the records' decoded values, in the same order.
	values []map[string]any
	// entries counts the events per station id.
	entries map[int]int
}

// turnstileRecords reads and decodes the turnstile topic and counts its
// events per station id.
func turnstileRecords(ctx context.Context, e stack.Endpoints) turnstileTopic {
	GinkgoHelper()
	t := turnstileTopic{msgs: readTopic(ctx, e, topic.Turnstile), entries: map[int]int{}}
	t.values = decodeAvro(ctx, e, t.msgs)
	for _, v := range t.values {
		t.entries[int(v["station_id"].(int32))]++
	}
	return t
}

// summaryTable follows TURNSTILE_SUMMARY, reading only what is new at each
// poll.
type summaryTable struct {
	counts map[int]int
	next   int64
}

func (t *summaryTable) poll(g Gomega, ctx context.Context, e stack.Endpoints) map[int]int {
	if t.counts == nil {
		t.counts, t.next = map[int]int{}, kafka.FirstOffset
	}
	parts := topicsG(g, ctx, e)[topic.TurnstileSummary]
	if parts == 0 {
		return t.counts
	}
	g.Expect(parts).To(Equal(1), "TURNSTILE_SUMMARY has the turnstile topic's one partition")
	msgs, end := readPartition(g, ctx, e, topic.TurnstileSummary, 0, t.next)
	t.apply(g, msgs)
	t.next = end
	return t.counts
}

// apply reads TURNSTILE_SUMMARY's records msgs, in order, as a table: the
// latest COUNT per station id (4-byte big-endian INT key, JSON value), a
// tombstone deleting its key. A weekday writes one update per entry, and
// only the last of each key in msgs decides the table: msgs are read from
// the end, each key is decoded in plain Go (Gomega is called only for one
// that is wrong), and only each station's last value is decoded.
func (t *summaryTable) apply(g Gomega, msgs []kafka.Message) map[int]int {
	if t.counts == nil {
		t.counts = map[int]int{}
	}
	seen := map[int]bool{}
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if len(m.Key) != 4 {
			g.Expect(m.Key).To(HaveLen(4), "TURNSTILE_SUMMARY key at offset %d is a KAFKA-format INT", m.Offset)
			continue
		}
		if seen[summaryID(m)] {
			continue
		}
		id, count, err := decodeSummaryUpdate(m)
		seen[id] = true
		switch {
		case err != nil:
			g.Expect(err).NotTo(HaveOccurred(), "TURNSTILE_SUMMARY at offset %d", m.Offset)
		case count == nil:
			delete(t.counts, id)
		default:
			t.counts[id] = *count
		}
	}
	return t.counts
}

// summaryID is the station id of a TURNSTILE_SUMMARY record's 4-byte key.
func summaryID(m kafka.Message) int {
	return int(int32(binary.BigEndian.Uint32(m.Key)))
}

// decodeSummaryUpdate reads an update of TURNSTILE_SUMMARY: its station id
// and COUNT, nil for a tombstone.
func decodeSummaryUpdate(m kafka.Message) (int, *int, error) {
	if len(m.Key) != 4 {
		return 0, nil, fmt.Errorf("key %x is not a KAFKA-format INT", m.Key)
	}
	id := summaryID(m)
	if m.Value == nil {
		return id, nil, nil
	}
	var v struct {
		Count *int `json:"COUNT"`
	}
	if err := json.Unmarshal(m.Value, &v); err != nil {
		return id, nil, fmt.Errorf("value %q: %w", m.Value, err)
	}
	if v.Count == nil {
		return id, nil, fmt.Errorf("value %q has no COUNT", m.Value)
	}
	return id, v.Count, nil
}

// waitForSummary waits until TURNSTILE_SUMMARY counts every turnstile event.
func waitForSummary(ctx context.Context, e stack.Endpoints) map[int]int {
	GinkgoHelper()
	By("counting the turnstile topic's events per station")
	want := turnstileEntries(ctx, e)
	waitForSummaryCounts(ctx, e, want)
	return want
}

// waitForSummaryCounts waits until TURNSTILE_SUMMARY holds the counts want.
func waitForSummaryCounts(ctx context.Context, e stack.Endpoints, want map[int]int) {
	GinkgoHelper()
	By("waiting for TURNSTILE_SUMMARY to count them all")
	var table summaryTable
	Eventually(func(g Gomega, ctx context.Context) {
		g.Expect(table.poll(g, ctx, e)).To(Equal(want))
	}).WithContext(ctx).WithTimeout(3*time.Minute).WithPolling(100*time.Millisecond).Should(Succeed(), "TURNSTILE_SUMMARY catches up with the turnstile topic")
}

// avroTimestamp decodes the {timestamp: long} Avro key of a Confluent
// wire-format record.
func avroTimestamp(key []byte) int64 {
	GinkgoHelper()
	Expect(len(key)).To(BeNumerically(">", 5))
	var ms, shift uint64
	for _, b := range key[5:] {
		ms |= uint64(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
		shift += 7
	}
	return int64(ms>>1) ^ -int64(ms&1)
}
