package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// hourlyStatements count turnstile entries per station and line in hopping
// windows of an hour advancing by 15 minutes, keyed in JSON.
const hourlyStatements = `CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR)
  WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');
CREATE TABLE turnstile_hourly WITH (KAFKA_TOPIC='TURNSTILE_HOURLY', KEY_FORMAT='JSON', VALUE_FORMAT='JSON') AS
  SELECT station_id, line, COUNT(*) AS entries FROM turnstile
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES) GROUP BY station_id, line EMIT CHANGES;`

// hourlyQuery starts a server with the hourly table over an empty turnstile
// topic and returns a private copy of its query (fresh state and decoder),
// which the test drives batch by batch.
func hourlyQuery(t testing.TB) (*stack, *runningQuery) {
	t.Helper()
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	registerSchema(t, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	s, url := st.serve()
	mustKSQL(t, url, hourlyStatements, earliest())
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.running {
		if q.info.Sink == "TURNSTILE_HOURLY" {
			return st, &runningQuery{
				srv: s, info: q.info, plan: q.plan, proc: operators.NewProcessor(q.plan),
				dec:    s.newDecoder(q.info.ID, q.plan.Source),
				outKey: q.outKey, outVal: q.outVal,
				appID: q.appID, changelog: q.changelog, guarantee: q.guarantee, aggLog: q.aggLog,
			}
		}
	}
	t.Fatal("the hourly table's query is not running")
	return nil, nil
}

// entry is one turnstile record of a test batch.
type entry struct {
	station int32
	line    string
	ts      int64
}

// hourlyWindow is one window of a station and line, by its start.
type hourlyWindow struct {
	station int32
	line    string
	start   int64
}

// hourlyUpdate is one result record of the hourly table, decoded.
type hourlyUpdate struct {
	hourlyWindow
	entries int64
}

// expectedHourly is what the hourly table writes for entries, worked out
// here from Kafka Streams' TimeWindows.windowsFor (a record at t is in
// every window [s, s+size) with s a multiple of the advance, s <= t, s >= 0,
// in ascending s) and the count per window: one update per record and
// window, in that order (query-validation-tests hopping-windows.json).
func expectedHourly(entries []entry, counts map[hourlyWindow]int64) []hourlyUpdate {
	const size, advance = int64(time.Hour / time.Millisecond), int64(15 * time.Minute / time.Millisecond)
	var out []hourlyUpdate
	for _, e := range entries {
		for s := max(0, e.ts-size+advance) / advance * advance; s <= e.ts; s += advance {
			w := hourlyWindow{e.station, e.line, s}
			counts[w]++
			out = append(out, hourlyUpdate{w, counts[w]})
		}
	}
	return out
}

// hourlyBatch is the polled batch of entries, their values Avro-encoded.
func hourlyBatch(t testing.TB, st *stack, entries []entry, firstOffset int64) kgo.Fetches {
	t.Helper()
	enc := turnstileWire(t, st)
	recs := make([]*kgo.Record, len(entries))
	for i, e := range entries {
		recs[i] = &kgo.Record{Topic: turnstileTopic, Value: enc(e.station, "Station", e.line),
			Offset: firstOffset + int64(i), Timestamp: time.UnixMilli(e.ts)}
	}
	return fetchOfRecords(recs)
}

// hourlyEntries is a batch of n entries over 40 stations and two lines,
// five seconds apart from start.
func hourlyEntries(n int, start int64) []entry {
	entries := make([]entry, n)
	for i := range entries {
		line := "blue"
		if i%3 == 0 {
			line = "red"
		}
		entries[i] = entry{station: 40000 + int32(i*7%40), line: line, ts: start + int64(i)*5000}
	}
	return entries
}

// outputs collects what a batch hands to the producer: result records and
// changelog records, as the records themselves (not copies), so that a
// record's bytes changing after it was handed over would show.
type outputs struct {
	results, changelog []*kgo.Record
}

func runOutputs(q *runningQuery, fs kgo.Fetches) *outputs {
	var o outputs
	q.processBatch(context.Background(), fs, func(_, r *kgo.Record) {
		if r.Topic == q.changelog {
			o.changelog = append(o.changelog, r)
		} else {
			o.results = append(o.results, r)
		}
	})
	return &o
}

// decodeHourly reads result records as a consumer of the table's topic
// would: the JSON key followed by the window start in 8 big-endian bytes
// (Kafka Streams' TimeWindowedSerializer, WindowKeySchema.toBinary), the
// JSON value with the count.
func decodeHourly(t *testing.T, recs []*kgo.Record) []hourlyUpdate {
	t.Helper()
	out := make([]hourlyUpdate, 0, len(recs))
	for _, r := range recs {
		if len(r.Key) < 8 {
			t.Fatalf("result key %q has no window start", r.Key)
		}
		var k struct {
			StationID *int32 `json:"STATION_ID"`
			Line      *string
		}
		var v struct{ ENTRIES *int64 }
		if err := json.Unmarshal(r.Key[:len(r.Key)-8], &k); err != nil || k.StationID == nil || k.Line == nil {
			t.Fatalf("result key %q is not the JSON key of a station and line: %v", r.Key, err)
		}
		if err := json.Unmarshal(r.Value, &v); err != nil || v.ENTRIES == nil {
			t.Fatalf("result value %q has no count: %v", r.Value, err)
		}
		start := int64(binary.BigEndian.Uint64(r.Key[len(r.Key)-8:]))
		out = append(out, hourlyUpdate{hourlyWindow{*k.StationID, *k.Line, start}, *v.ENTRIES})
	}
	return out
}

// Every result of a large batch, and of the batch after it, keeps the key
// and value of its own window update once both batches are done: results
// built together do not share or overwrite each other's bytes.
func TestEveryResultOfLargeBatchesKeepsItsOwnWindowedKeyAndCount(t *testing.T) {
	st, q := hourlyQuery(t)
	first, second := hourlyEntries(3000, 0), hourlyEntries(2000, 3000*5000)
	a := runOutputs(q, hourlyBatch(t, st, first, 0))
	b := runOutputs(q, hourlyBatch(t, st, second, int64(len(first))))
	counts := map[hourlyWindow]int64{}
	wantA, wantB := expectedHourly(first, counts), expectedHourly(second, counts)
	if got := decodeHourly(t, a.results); !slices.Equal(got, wantA) {
		t.Errorf("first batch: %d updates differ from the %d expected (first: %v, want %v)", len(got), len(wantA), firstDiff(got, wantA), firstDiff(wantA, got))
	}
	if got := decodeHourly(t, b.results); !slices.Equal(got, wantB) {
		t.Errorf("second batch: %d updates differ from the %d expected (first: %v, want %v)", len(got), len(wantB), firstDiff(got, wantB), firstDiff(wantB, got))
	}
}

// firstDiff is the first update of a that b does not have at its index.
func firstDiff(a, b []hourlyUpdate) any {
	for i := range a {
		if i >= len(b) || a[i] != b[i] {
			return a[i]
		}
	}
	return nil
}

// A processor restored from the changelog records batches wrote holds the
// same windows and materialised rows as the processor that wrote them, and
// goes on counting from there (the state a restart restores).
func TestStateRestoredFromBatchChangelogEqualsStateBeforeRestart(t *testing.T) {
	st, q := hourlyQuery(t)
	first, second := hourlyEntries(3000, 0), hourlyEntries(500, 3000*5000)
	log := map[string]*kgo.Record{} // compacted: the last record per key
	for _, o := range []*outputs{runOutputs(q, hourlyBatch(t, st, first, 0)), runOutputs(q, hourlyBatch(t, st, second, 3000))} {
		for _, r := range o.changelog {
			log[string(r.Key)] = r
		}
	}
	restored := operators.NewProcessor(q.plan)
	from := &runningQuery{srv: q.srv, info: q.info, plan: q.plan, proc: restored, aggLog: q.aggLog}
	for _, k := range slices.Sorted(maps.Keys(log)) {
		if err := q.aggLog.restore(context.Background(), from, log[k]); err != nil {
			t.Fatal(err)
		}
	}
	restored.FinishRestore()
	if !reflect.DeepEqual(restored.Materialized, q.proc.Materialized) {
		t.Errorf("restored %d materialised windows, want the %d before the restart", len(restored.Materialized), len(q.proc.Materialized))
	}
	if !reflect.DeepEqual(restored.MaterializedTS, q.proc.MaterializedTS) {
		t.Error("the restored windows' times differ from those before the restart")
	}
	// the restored query counts on where the first left off
	third := hourlyEntries(100, 3500*5000)
	counts := map[hourlyWindow]int64{}
	expectedHourly(append(slices.Clone(first), second...), counts)
	want := expectedHourly(third, counts)
	q.proc = restored
	if got := decodeHourly(t, runOutputs(q, hourlyBatch(t, st, third, 3500)).results); !slices.Equal(got, want) {
		t.Errorf("after the restore: first differing update %v, want %v", firstDiff(got, want), firstDiff(want, got))
	}
}

// BenchmarkHourlyWindowBatch measures the hourly table's work per input
// record, four window updates each: decode, aggregate, encode the results
// and the batch's changelog records, as the bench's window row runs it.
func BenchmarkHourlyWindowBatch(b *testing.B) {
	st, q := hourlyQuery(b)
	entries := hourlyEntries(5000, 0)
	for i := range entries {
		entries[i].ts = int64(i) * 250 // a weekday's density: 5000 entries in 21 minutes
	}
	fs := hourlyBatch(b, st, entries, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		q.processBatch(context.Background(), fs, func(_, _ *kgo.Record) {})
	}
	b.ReportMetric(float64(b.N*5000)/b.Elapsed().Seconds(), "records/s")
}
