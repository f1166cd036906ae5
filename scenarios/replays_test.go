package scenarios_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/fixtures"
	"github.com/ctalab/ctalab/lab/stack"
)

// replay is what a schedule's replay leaves in the topics, summarised to be
// compared with the in-process simulation (expect_test.go) or with another
// run of the same schedule.
type replay struct {
	Schedule string
	// Records counts each topic's records; for the compacted stations
	// table, its keys.
	Records            map[string]int
	TurnstileByStation map[string]int
	TurnstileByLine    map[string]int
	ArrivalsByLine     map[string]int
	ArrivalsByStatus   map[string]int
	// Weather lists the reports: "<key time> <temperature> <status>".
	Weather []string
	// Summary is TURNSTILE_SUMMARY's latest count per station id.
	Summary map[string]int
	// Dashboard is /api/status?stable=1; the caller fills it in.
	Dashboard map[string]any
	// Digests hash each topic's keys and values in order.
	Digests map[string]string
}

// summarise reads every application topic of a finished replay; turnstile
// is the turnstile topic as read once the simulation was done
// (turnstileRecords), which stands for it.
func summarise(ctx context.Context, e stack.Endpoints, name string, turnstile turnstileTopic) replay {
	GinkgoHelper()
	By("reading every application topic")
	r := replay{Schedule: name, Records: map[string]int{}, TurnstileByStation: map[string]int{}, TurnstileByLine: map[string]int{},
		ArrivalsByLine: map[string]int{}, ArrivalsByStatus: map[string]int{}, Summary: map[string]int{}, Digests: map[string]string{}}
	var names, toRead []string
	for t := range topics(ctx, e) {
		if strings.HasPrefix(t, "org.chicago.cta.") || t == topic.TurnstileSummary {
			names = append(names, t)
			if t != topic.Turnstile {
				toRead = append(toRead, t)
			}
		}
	}
	sort.Strings(names)
	read := readTopics(ctx, e, toRead)
	if slices.Contains(names, topic.Turnstile) {
		read[topic.Turnstile] = turnstile.msgs
	}
	for _, t := range names {
		msgs := read[t]
		r.Records[t] = len(msgs)
		h := sha256.New()
		if t == topic.StationsTable || t == topic.TurnstileSummary {
			// Compacted (TURNSTILE_SUMMARY as ksqlDB creates a table's sink
			// topic, cleanup.policy=compact): how much of its history is left
			// depends on when the cleaner ran, so compare its latest value
			// per key.
			latest := map[string]string{}
			for _, m := range msgs {
				latest[string(m.Key)] = string(m.Value)
			}
			keys := make([]string, 0, len(latest))
			for k := range latest {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				fmt.Fprintf(h, "%q=%q\n", k, latest[k])
			}
			r.Records[t] = len(latest)
		} else {
			var line []byte
			for _, m := range msgs {
				line = digestLine(line[:0], m)
				h.Write(line)
			}
		}
		r.Digests[t] = fmt.Sprintf("%x", h.Sum(nil))
		switch {
		case strings.HasPrefix(t, topic.ArrivalsPrefix):
			for _, v := range decodeAvro(ctx, e, msgs) {
				r.ArrivalsByLine[v["line"].(string)]++
				r.ArrivalsByStatus[v["train_status"].(string)]++
			}
		case t == topic.Turnstile:
			for _, v := range turnstile.values {
				r.TurnstileByStation[strconv.Itoa(int(v["station_id"].(int32)))]++
				r.TurnstileByLine[v["line"].(string)]++
			}
		case t == topic.Weather:
			for i, v := range decodeAvro(ctx, e, msgs) {
				r.Weather = append(r.Weather, fmt.Sprintf("%s %.2f %s", keyTime(msgs[i].Key), v["temperature"], v["status"]))
			}
		}
	}
	var summary summaryTable
	for id, n := range summary.apply(Default, read[topic.TurnstileSummary]) {
		r.Summary[strconv.Itoa(id)] = n
	}
	return r
}

// digestLine appends to b what a record adds to its topic's digest:
// "<partition>/<key length>/<key in hex>/<value in hex>\n".
func digestLine(b []byte, m kafka.Message) []byte {
	b = strconv.AppendInt(b, int64(m.Partition), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(len(m.Key)), 10)
	b = append(b, '/')
	b = hex.AppendEncode(b, m.Key)
	b = append(b, '/')
	b = hex.AppendEncode(b, m.Value)
	return append(b, '\n')
}

// keyTime is the time of the Avro {timestamp: long} key of a weather record.
func keyTime(key []byte) string {
	return time.UnixMilli(avroTimestamp(key)).UTC().Format("2006-01-02T15:04")
}

var _ = Describe("Replaying a schedule", Label("replay"), boulder, func() {
	DescribeTable("carries the simulation's entries, arrivals, weather and final train positions through the topics, the TURNSTILE_SUMMARY topic and table, /api/status and the page",
		func(ctx SpecContext, name string) {
			sched := schedule(name)
			By("running the simulation in-process with the same schedule and seed")
			want := simulate(sched)
			s := newStack(ctx)
			run := startPipeline(ctx, s, sched)
			By("counting the turnstile topic's events per station")
			turnstile := turnstileRecords(ctx, s.Endpoints())
			counted := turnstile.entries
			waitForSummaryCounts(ctx, s.Endpoints(), counted)
			rows, err := fixtures.Stations()
			Expect(err).NotTo(HaveOccurred())
			// Connect's JDBC source loads the table on its own schedule: a
			// short replay can be over before its first poll
			waitStationRows(ctx, s.Endpoints(), len(rows))
			r := summarise(ctx, s.Endpoints(), name, turnstile)

			By("comparing the topics and TURNSTILE_SUMMARY with the simulation")
			diffs := want.topicDiffs(r)
			By("querying the TURNSTILE_SUMMARY table with a pull query")
			table := map[int]int{}
			for _, row := range ksqlQuery(ctx, s.Endpoints().KSQLDB, "SELECT * FROM TURNSTILE_SUMMARY;", nil) {
				Expect(row).To(HaveLen(2), "STATION_ID, COUNT")
				table[int(row[0].(float64))] = int(row[1].(float64))
			}
			diffs["the TURNSTILE_SUMMARY table (pull query)"] = countDiffs(want.EntriesByStation(), table, want.stationName, "the table")
			expectAllAsSimulated(diffs)
			Expect(r.Records).To(HaveKeyWithValue(topic.Stations, len(rows)), "the stations topic holds every row of cta_stations.csv once")

			By("comparing /api/status and the page with where the simulation left every train")
			dashboardStatus(ctx, run, counted)
			Eventually(func(g Gomega, ctx context.Context) {
				status := getStatus(g, ctx, run.dashboard)
				expectAsSimulated(g, "/api/status", want.statusDiffs(status, want.Final))
				expectAsSimulated(g, "/api/status against the documented movement rule", want.statusDiffs(status, want.ByRule[sched.Ticks]))
			}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
			Eventually(func(g Gomega, ctx context.Context) {
				page := pageText(g, ctx, run.dashboard)
				expectAsSimulated(g, "the page", want.pageDiffs(page, want.Final))
				expectAsSimulated(g, "the page against the documented movement rule", want.pageDiffs(page, want.ByRule[sched.Ticks]))
			}).WithContext(ctx).WithTimeout(time.Minute).Should(Succeed())
		},
		Entry("a weekday morning rush (06:00-10:00)", "morning-rush", NodeTimeout(10*time.Minute)),
		Entry("a train breakdown and recovery on the Red Line", "breakdown", NodeTimeout(10*time.Minute)),
		Entry("a weather change in the afternoon", "weather-change", NodeTimeout(10*time.Minute)),
		Entry("a full weekday", Label("slow"), "weekday", NodeTimeout(20*time.Minute)),
		Entry("a full Saturday (Saturday ridership)", Label("slow"), "saturday", NodeTimeout(20*time.Minute)),
		Entry("a full Sunday (Sunday ridership)", Label("slow"), "sunday", NodeTimeout(20*time.Minute)),
	)

	It("produces identical topics and dashboards when the same schedule runs twice", Label("determinism"), func(ctx SpecContext) {
		var digests []map[string]string
		var dashboards []map[string]any
		for range 2 {
			s := newStack(ctx)
			run := startPipeline(ctx, s, schedule("breakdown"))
			By("counting the turnstile topic's events per station")
			turnstile := turnstileRecords(ctx, s.Endpoints())
			want := turnstile.entries
			waitForSummaryCounts(ctx, s.Endpoints(), want)
			// the transformer writes the stations table beside the
			// replay, at its own pace: compared once it is complete
			waitForTransformedTable(ctx, s.Endpoints())
			digests = append(digests, summarise(ctx, s.Endpoints(), "breakdown", turnstile).Digests)
			dashboards = append(dashboards, dashboardStatus(ctx, run, want))
		}
		Expect(digests[0]).To(HaveKey(topic.Turnstile))
		Expect(digests[0]).To(HaveKey(topic.TurnstileSummary))
		Expect(digests[1]).To(Equal(digests[0]), "every application topic has the same keys and values in the same order")
		Expect(dashboards[1]).To(Equal(dashboards[0]), "the dashboard shows the same status")
	}, NodeTimeout(15*time.Minute))
})
