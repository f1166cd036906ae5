package scenarios_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/turnstiles"
	"github.com/ctalab/ctalab/lab/stack"
)

// The hopping window of the spec: an hour, advancing by a quarter of an
// hour, so each entry counts in four windows.
const (
	hopSize    = int64(time.Hour / time.Millisecond)
	hopAdvance = int64(15 * time.Minute / time.Millisecond)
	hopTopic   = "turnstile_hourly"
)

// hopKey is a window of one station's entries on one line.
type hopKey struct {
	Station int
	Line    string
	Start   int64
}

func (k hopKey) String() string {
	return fmt.Sprintf("%d/%s@%s", k.Station, k.Line, time.UnixMilli(k.Start).UTC().Format(time.RFC3339))
}

// hopStarts lists the starts of the hopping windows that hold an entry at
// ms: every multiple of the advance in (ms - size, ms] (Kafka Streams
// TimeWindows.windowsFor; docs.ksqldb.io 0.29 concepts/time-and-windows-in-ksqldb-queries,
// "Hopping window").
func hopStarts(ms int64) []int64 {
	var out []int64
	for s := ms - ms%hopAdvance; s > ms-hopSize && s >= 0; s -= hopAdvance {
		out = append(out, s)
	}
	return out
}

// rawHopCounts counts the turnstile topic's entries per station, line and
// hopping window from the records' own timestamps.
func rawHopCounts(t turnstileTopic) map[hopKey]int {
	out := map[hopKey]int{}
	for i, v := range t.values {
		for _, s := range hopStarts(t.msgs[i].Time.UnixMilli()) {
			out[hopKey{Station: int(v["station_id"].(int32)), Line: v["line"].(string), Start: s}]++
		}
	}
	return out
}

// hopTable follows the windowed table's topic as a table: the latest
// ENTRIES per windowed key. A key is the JSON key followed by the 8-byte
// big-endian window start (Kafka Streams TimeWindowedSerializer).
type hopTable struct {
	counts map[hopKey]int
	next   map[int]int64
}

func (t *hopTable) poll(g Gomega, ctx context.Context, e stack.Endpoints) map[hopKey]int {
	if t.counts == nil {
		t.counts, t.next = map[hopKey]int{}, map[int]int64{}
	}
	parts := topicsG(g, ctx, e)[hopTopic]
	for p := range parts {
		from, ok := t.next[p]
		if !ok {
			from = kafka.FirstOffset
		}
		msgs, end := readPartition(g, ctx, e, hopTopic, p, from)
		// Two million updates in a weekday, and only the last of each
		// windowed key decides the table: the batch is read from its end
		// and only each key's last update is decoded, in plain Go; Gomega
		// is called only for one that is wrong.
		seen := map[string]bool{}
		for i := len(msgs) - 1; i >= 0; i-- {
			m := msgs[i]
			if seen[string(m.Key)] {
				continue
			}
			seen[string(m.Key)] = true
			k, entries, err := decodeHopUpdate(m)
			if err != nil {
				g.Expect(err).NotTo(HaveOccurred(), "%s at %d/%d", hopTopic, p, m.Offset)
			}
			t.counts[k] = entries
		}
		t.next[p] = end
	}
	return t.counts
}

// firstOf is the start of a long list, for a failure message.
// decodeHopUpdate reads an update of the windowed table: its key, the
// JSON key columns followed by the window's start (8 bytes, big-endian),
// and its value, whose WSTART and WEND must be that window's bounds.
func decodeHopUpdate(m kafka.Message) (hopKey, int, error) {
	if len(m.Key) <= 8 {
		return hopKey{}, 0, fmt.Errorf("key %q does not hold a key and a window start", m.Key)
	}
	var key struct {
		Station *int    `json:"STATION_ID"`
		Line    *string `json:"LINE"`
	}
	if err := json.Unmarshal(m.Key[:len(m.Key)-8], &key); err != nil {
		return hopKey{}, 0, fmt.Errorf("key %q: %w", m.Key, err)
	}
	if key.Station == nil || key.Line == nil {
		return hopKey{}, 0, fmt.Errorf("key %q lacks STATION_ID or LINE", m.Key)
	}
	k := hopKey{Station: *key.Station, Line: *key.Line, Start: int64(binary.BigEndian.Uint64(m.Key[len(m.Key)-8:]))}
	var v struct {
		Entries *int  `json:"ENTRIES"`
		Start   int64 `json:"WSTART"`
		End     int64 `json:"WEND"`
	}
	if err := json.Unmarshal(m.Value, &v); err != nil {
		return k, 0, fmt.Errorf("value %q: %w", m.Value, err)
	}
	if v.Entries == nil {
		return k, 0, fmt.Errorf("value %q has no ENTRIES", m.Value)
	}
	if v.Start != k.Start || v.End != k.Start+hopSize {
		return k, 0, fmt.Errorf("WINDOWSTART and WINDOWEND %d and %d of %s do not match its key", v.Start, v.End, k)
	}
	return k, *v.Entries, nil
}

func firstOf(xs []string) []string { return xs[:min(len(xs), 10)] }

func ksqlStatement(ctx context.Context, e stack.Endpoints, stmt string, props map[string]any) {
	GinkgoHelper()
	b, err := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": props})
	Expect(err).NotTo(HaveOccurred())
	fetchJSON(ctx, http.MethodPost, e.KSQLDB+"/ksql", "application/vnd.ksql.v1+json", string(b))
}

var _ = Describe("A windowed ksqlDB table during a replay", Label("ksql-window"), boulder, func() {
	It("counts a weekday's turnstile entries per station, line and hopping hour as the raw records' timestamps place them", func(ctx SpecContext) {
		s := newStack(ctx)
		e := s.Endpoints()
		run := launchPipeline(ctx, s, schedule("weekday"), sim.Max)

		By("waiting for the application's TURNSTILE stream")
		Eventually(func(ctx context.Context) []string {
			return ksqlList(ctx, e, "SHOW STREAMS;", "streams", "name")
		}).WithContext(ctx).WithTimeout(2 * time.Minute).WithPolling(200 * time.Millisecond).Should(ContainElement(turnstiles.Stream))

		By("creating the hopping-window table over REST while the replay runs")
		ksqlStatement(ctx, e, `CREATE TABLE turnstile_hourly WITH (KAFKA_TOPIC='`+hopTopic+`', KEY_FORMAT='JSON', VALUE_FORMAT='JSON') AS
  SELECT station_id, line, WINDOWSTART AS wstart, WINDOWEND AS wend, COUNT(*) AS entries
  FROM turnstile WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES)
  GROUP BY station_id, line EMIT CHANGES;`, map[string]any{"ksql.streams.auto.offset.reset": "earliest"})
		desc := fetchJSON(ctx, http.MethodPost, e.KSQLDB+"/ksql", "application/vnd.ksql.v1+json", ksqlBody("DESCRIBE turnstile_hourly;"))
		Expect(desc.([]any)[0].(map[string]any)["sourceDescription"].(map[string]any)["windowType"]).To(Equal("HOPPING"), "DESCRIBE names the window type")

		select {
		case <-run.p.SimulationDone():
		case err := <-run.done:
			Fail(fmt.Sprintf("the pipeline stopped before the simulation was done: %v", err))
		case <-ctx.Done():
			Fail("the simulation did not finish in time")
		}
		By("counting the turnstile topic's events per station")
		turnstile := turnstileRecords(ctx, e)
		waitForSummaryCounts(ctx, e, turnstile.entries) // every entry is acknowledged and counted by the application's own query

		By("counting the turnstile topic's entries per station, line and window from the record timestamps")
		want := rawHopCounts(turnstile)
		Expect(want).NotTo(BeEmpty())

		By("waiting for the windowed table to hold the same counts")
		var table hopTable
		Eventually(func(g Gomega, ctx context.Context) {
			got := table.poll(g, ctx, e)
			var missing, wrong, extra []string
			for k, n := range want {
				switch m, ok := got[k]; {
				case !ok:
					missing = append(missing, k.String())
				case m != n:
					wrong = append(wrong, fmt.Sprintf("%s: %d, want %d", k, m, n))
				}
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					extra = append(extra, k.String())
				}
			}
			slices.Sort(missing)
			slices.Sort(wrong)
			slices.Sort(extra)
			g.Expect(wrong).To(BeEmpty(), "%d windows counted differently, first: %v", len(wrong), firstOf(wrong))
			g.Expect(extra).To(BeEmpty(), "%d windows the raw records do not fall in, first: %v", len(extra), firstOf(extra))
			g.Expect(missing).To(BeEmpty(), "%d of %d windows not counted, first: %v", len(missing), len(want), firstOf(missing))
		}).WithContext(ctx).WithTimeout(5 * time.Minute).WithPolling(250 * time.Millisecond).Should(Succeed())
	}, NodeTimeout(25*time.Minute))
})
