package scenarios_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/stack"
)

// Honest delivery. The application's producers (kafka-go's writer, the REST
// Proxy) have no idempotence: when a broker dies after it stored a batch but
// before its acknowledgement arrived, the batch is sent again and the topic
// holds it twice. What the design guarantees across such a crash is that no
// acknowledged event is lost, and that everything downstream
// (TURNSTILE_SUMMARY, the dashboard) agrees with what the topics hold. These
// helpers count that independently of the pipeline: the simulation is
// replayed in-process for what must be there, and the topics are read and
// decoded here.

// eventCounts are how many times each event occurs, per topic group
// ("turnstile", "arrivals", "weather") and per event identity.
type eventCounts map[string]map[string]int

func (c eventCounts) add(group, id string) {
	if c[group] == nil {
		c[group] = map[string]int{}
	}
	c[group][id]++
}

// Event identities: a turnstile entry is its station and minute (a tick's
// entries at one station are identical records, so they are counted, not
// told apart); an arrival its topic, time, train, direction and status; a
// weather report its time.
func turnstileID(station int, ms int64) string { return fmt.Sprintf("%d@%d", station, ms) }
func arrivalID(t string, ms int64, train, dir, status string) string {
	return fmt.Sprintf("%s@%d/%s/%s/%s", t, ms, train, dir, status)
}
func weatherID(ms int64) string { return fmt.Sprint(ms) }

// recordingSink records the identity of every simulated event.
type recordingSink struct{ c eventCounts }

func (r recordingSink) Arrival(a sim.Arrival) error {
	r.c.add("arrivals", arrivalID(topic.Arrivals(a.StationName), a.Time.UnixMilli(), a.TrainID, a.Direction.String(), a.TrainStatus.String()))
	return nil
}
func (r recordingSink) Turnstile(e sim.TurnstileEntry) error {
	r.c.add("turnstile", turnstileID(e.StationID, e.Time.UnixMilli()))
	return nil
}
func (r recordingSink) Weather(w sim.WeatherReport) error {
	r.c.add("weather", weatherID(w.Time.UnixMilli()))
	return nil
}

// simulatedEvents replays sched in-process: what the topics must hold.
func simulatedEvents(sched sim.Schedule) eventCounts {
	GinkgoHelper()
	data, err := sim.LoadData()
	Expect(err).NotTo(HaveOccurred())
	s, err := sim.New(sched, data)
	Expect(err).NotTo(HaveOccurred())
	c := eventCounts{}
	Expect(s.Run(context.Background(), recordingSink{c})).To(Succeed())
	return c
}

// topicEvents reads and decodes every record of the application's input
// topics, and counts the turnstile records per station as it goes (what
// TURNSTILE_SUMMARY must count), so that the largest topic is read once.
func topicEvents(ctx context.Context, e stack.Endpoints) (eventCounts, map[int]int) {
	GinkgoHelper()
	c := eventCounts{}
	entries := map[int]int{}
	var names []string
	for t := range topics(ctx, e) {
		if t == topic.Turnstile || t == topic.Weather || strings.HasPrefix(t, topic.ArrivalsPrefix) {
			names = append(names, t)
		}
	}
	for t, msgs := range readTopics(ctx, e, names) {
		switch {
		case t == topic.Turnstile:
			for i, v := range decodeAvro(ctx, e, msgs) {
				station := int(v["station_id"].(int32))
				entries[station]++
				c.add("turnstile", turnstileID(station, avroTimestamp(msgs[i].Key)))
			}
		case strings.HasPrefix(t, topic.ArrivalsPrefix):
			for i, v := range decodeAvro(ctx, e, msgs) {
				c.add("arrivals", arrivalID(t, avroTimestamp(msgs[i].Key), v["train_id"].(string), v["direction"].(string), v["train_status"].(string)))
			}
		case t == topic.Weather:
			for _, m := range msgs {
				c.add("weather", weatherID(avroTimestamp(m.Key)))
			}
		}
	}
	return c, entries
}

// delivery is one topic group's account: how many events the simulation
// made, how many records the topics hold, how many events are missing and
// how many records are repeats.
type delivery struct {
	Group                           string
	Simulated, Stored, Lost, Copies int
}

func (d delivery) String() string {
	return fmt.Sprintf("%-9s simulated %6d stored %6d lost %d duplicates %d", d.Group, d.Simulated, d.Stored, d.Lost, d.Copies)
}

// account compares what the topics hold with what was simulated.
func account(want, got eventCounts) []delivery {
	var out []delivery
	for _, g := range []string{"turnstile", "arrivals", "weather"} {
		d := delivery{Group: g}
		for id, n := range want[g] {
			d.Simulated += n
			d.Lost += max(0, n-got[g][id])
		}
		for id, n := range got[g] {
			d.Stored += n
			d.Copies += max(0, n-want[g][id])
		}
		out = append(out, d)
	}
	return out
}

// expectNoAcknowledgedEventLost waits for the simulation to finish and
// checks what the design guarantees across a crash of Kafka: every delivery
// acknowledged, every simulated event in its topic at least once (repeats
// are counted and reported, per topic group), the transformed table
// complete, and TURNSTILE_SUMMARY and the dashboard (at dashboardURL)
// counting exactly what the turnstile topic holds. It returns the account.
func (l *launched) expectNoAcknowledgedEventLost(ctx context.Context, e stack.Endpoints, sched sim.Schedule, dashboardURL string) []delivery {
	GinkgoHelper()
	l.waitSimulation(ctx)
	expectNoFailedDelivery(l)
	st := l.p.ProducerStats()

	By("counting every simulated event in the topics")
	stored, entries := topicEvents(ctx, e)
	acc := account(simulatedEvents(sched), stored)
	var report strings.Builder
	fmt.Fprintf(&report, "records sent again by the producer: turnstile %d, arrivals %d, weather %d\n", st.Turnstiles.Resent, st.Arrivals.Resent, st.Weather.Resent)
	for _, d := range acc {
		fmt.Fprintln(&report, d)
	}
	AddReportEntry("delivery", report.String())
	fmt.Fprint(GinkgoWriter, report.String())
	for _, d := range acc {
		Expect(d.Lost).To(BeZero(), "no acknowledged %s event is lost: %s", d.Group, d)
	}

	By("checking the station rows and the transformed table")
	rows := stationRows(ctx, e)
	distinct := map[int]int{}
	for _, id := range rows {
		distinct[id]++
	}
	Expect(distinct).To(HaveLen(230), "every station row is in the stations topic")
	if copies := len(rows) - len(distinct); copies > 0 {
		AddReportEntry("station rows", fmt.Sprintf("%d station rows stored more than once", copies))
	}
	waitForTransformedTable(ctx, e)

	By("waiting for TURNSTILE_SUMMARY to count exactly what the turnstile topic holds")
	var last map[int]int
	var table summaryTable
	Eventually(func(g Gomega, ctx context.Context) {
		last = table.poll(g, ctx, e)
		g.Expect(last).To(Equal(entries))
	}).WithContext(ctx).WithTimeout(time.Minute).WithPolling(100*time.Millisecond).Should(Succeed(),
		func() string {
			return "TURNSTILE_SUMMARY counts the turnstile topic's records: " + countDiff(last, entries)
		})
	dashboardStatus(ctx, &running{dashboard: dashboardURL}, entries)
	return acc
}
