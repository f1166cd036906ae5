package scenarios_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/lab/stack"
)

// replay is what a schedule's replay leaves in the topics, summarised for a
// golden file.
type replay struct {
	Schedule           string            `json:"schedule"`
	Records            map[string]int    `json:"records_per_topic"` // keys, for the compacted stations table
	TurnstileByStation map[string]int    `json:"turnstile_entries_per_station"`
	TurnstileByLine    map[string]int    `json:"turnstile_entries_per_line"`
	ArrivalsByLine     map[string]int    `json:"arrivals_per_line"`
	ArrivalsByStatus   map[string]int    `json:"arrivals_per_train_status"`
	Weather            []string          `json:"weather"`
	Summary            map[string]int    `json:"turnstile_summary"`
	Dashboard          map[string]any    `json:"dashboard"`
	Digests            map[string]string `json:"-"`
}

// summarise reads every application topic of a finished replay.
func summarise(ctx context.Context, e stack.Endpoints, name string) replay {
	GinkgoHelper()
	By("reading every application topic")
	r := replay{Schedule: name, Records: map[string]int{}, TurnstileByStation: map[string]int{}, TurnstileByLine: map[string]int{},
		ArrivalsByLine: map[string]int{}, ArrivalsByStatus: map[string]int{}, Summary: map[string]int{}, Digests: map[string]string{}}
	var names []string
	for t := range topics(ctx, e) {
		if strings.HasPrefix(t, "org.chicago.cta.") || t == topic.TurnstileSummary {
			names = append(names, t)
		}
	}
	sort.Strings(names)
	for _, t := range names {
		msgs := readTopic(ctx, e, t)
		r.Records[t] = len(msgs)
		h := sha256.New()
		if t == topic.StationsTable {
			// Compacted: how much of its history is left depends on when the
			// cleaner ran, so compare its latest value per key.
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
			for _, m := range msgs {
				fmt.Fprintf(h, "%d/%d/%x/%x\n", m.Partition, len(m.Key), m.Key, m.Value)
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
			for _, v := range decodeAvro(ctx, e, msgs) {
				r.TurnstileByStation[strconv.Itoa(int(v["station_id"].(int32)))]++
				r.TurnstileByLine[v["line"].(string)]++
			}
		case t == topic.Weather:
			for i, v := range decodeAvro(ctx, e, msgs) {
				r.Weather = append(r.Weather, fmt.Sprintf("%s %.2f %s", keyTime(msgs[i].Key), v["temperature"], v["status"]))
			}
		}
	}
	for id, n := range summaryCounts(Default, ctx, e) {
		r.Summary[strconv.Itoa(id)] = n
	}
	return r
}

// keyTime is the time of the Avro {timestamp: long} key of a weather record.
func keyTime(key []byte) string {
	return time.UnixMilli(avroTimestamp(key)).UTC().Format("2006-01-02T15:04")
}

var _ = Describe("Replaying a schedule", Label("replay"), func() {
	DescribeTable("leaves exactly the golden record counts, per-station entries, weather and ksqlDB counts in the topics",
		func(ctx SpecContext, name string) {
			s := newStack(ctx)
			run := startPipeline(ctx, s, schedule(name))
			want := waitForSummary(ctx, s.Endpoints())
			r := summarise(ctx, s.Endpoints(), name)
			r.Dashboard = dashboardStatus(ctx, run, want)
			Expect(r.Summary).To(HaveLen(len(want)), "TURNSTILE_SUMMARY has a count for every station with entries")
			matchGolden(name, r)
		},
		Entry("a weekday morning rush (06:00-10:00)", Label("golden"), "morning-rush", NodeTimeout(10*time.Minute)),
		Entry("a train breakdown and recovery on the Red Line", Label("golden"), "breakdown", NodeTimeout(10*time.Minute)),
		Entry("a weather change in the afternoon", Label("golden"), "weather-change", NodeTimeout(10*time.Minute)),
		Entry("a full weekday", Label("golden", "slow"), "weekday", NodeTimeout(20*time.Minute)),
		Entry("a full Saturday (Saturday ridership)", Label("golden", "slow"), "saturday", NodeTimeout(20*time.Minute)),
		Entry("a full Sunday (Sunday ridership)", Label("golden", "slow"), "sunday", NodeTimeout(20*time.Minute)),
	)

	It("produces identical topics and dashboards when the same schedule runs twice", Label("determinism"), func(ctx SpecContext) {
		var digests []map[string]string
		var dashboards []map[string]any
		for range 2 {
			s := newStack(ctx)
			run := startPipeline(ctx, s, schedule("breakdown"))
			want := waitForSummary(ctx, s.Endpoints())
			digests = append(digests, summarise(ctx, s.Endpoints(), "breakdown").Digests)
			dashboards = append(dashboards, dashboardStatus(ctx, run, want))
		}
		Expect(digests[0]).To(HaveKey(topic.Turnstile))
		Expect(digests[0]).To(HaveKey(topic.TurnstileSummary))
		Expect(digests[1]).To(Equal(digests[0]), "every application topic has the same keys and values in the same order")
		Expect(dashboards[1]).To(Equal(dashboards[0]), "the dashboard shows the same status")
	}, NodeTimeout(15*time.Minute))
})
