package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// summaryQuery starts a server with the project's stream and counting table
// over an empty turnstile topic and returns a private copy of the counting
// query (fresh state and decoder) that the test drives batch by batch.
func summaryQuery(t testing.TB) (*stack, *Server, *runningQuery) {
	t.Helper()
	st := newStack(t)
	st.createTopic(turnstileTopic, 1)
	registerSchema(t, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	s, url := st.serve()
	mustKSQL(t, url, projectStatements, earliest())
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, q := range s.running {
		src := q.plan.Source
		return st, s, &runningQuery{
			srv: s, info: q.info, plan: q.plan, proc: operators.NewProcessor(q.plan),
			dec:    s.newDecoder(q.info.ID, src),
			outKey: q.outKey, outVal: q.outVal,
			appID: q.appID, changelog: q.changelog, guarantee: q.guarantee, aggLog: q.aggLog,
		}
	}
	t.Fatal("no persistent query is running")
	return nil, nil, nil
}

// turnstileWire returns an encoder of Avro turnstile values in the wire format.
func turnstileWire(t testing.TB, st *stack) func(station int32, name, line string) []byte {
	t.Helper()
	id := registerSchema(t, st.reg.URL(), turnstileTopic+"-value", turnstileValue)
	codec, err := goavro.NewCodec(turnstileValue)
	if err != nil {
		t.Fatal(err)
	}
	return func(station int32, name, line string) []byte {
		b, err := codec.BinaryFromNative(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)),
			map[string]any{"station_id": station, "station_name": name, "line": line})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

func fetchOf(values [][]byte) kgo.Fetches {
	recs := make([]*kgo.Record, len(values))
	for i, v := range values {
		recs[i] = &kgo.Record{Topic: turnstileTopic, Value: v, Offset: int64(i), Timestamp: time.UnixMilli(int64(1000 + i))}
	}
	return fetchOfRecords(recs)
}

// fetchOfRecords is recs as one fetch, each topic's records in one
// partition, in their order.
func fetchOfRecords(recs []*kgo.Record) kgo.Fetches {
	var ft []kgo.FetchTopic
	at := map[string]int{}
	for _, r := range recs {
		i, ok := at[r.Topic]
		if !ok {
			i = len(ft)
			at[r.Topic] = i
			ft = append(ft, kgo.FetchTopic{Topic: r.Topic, Partitions: []kgo.FetchPartition{{}}})
		}
		ft[i].Partitions[0].Records = append(ft[i].Partitions[0].Records, r)
	}
	return kgo.Fetches{{Topics: ft}}
}

// summaryOut is one TURNSTILE_SUMMARY record as the dashboard reads it.
type summaryOut struct {
	station int32
	count   int64
}

func runBatch(t testing.TB, q *runningQuery, fs kgo.Fetches) (results []summaryOut, changelog int) {
	t.Helper()
	q.processBatch(context.Background(), fs, func(_, r *kgo.Record) {
		if r.Topic == q.changelog {
			changelog++
			return
		}
		var v struct{ COUNT *int64 }
		if len(r.Key) != 4 || json.Unmarshal(r.Value, &v) != nil || v.COUNT == nil {
			t.Fatalf("result record %q=%q is not a summary update", r.Key, r.Value)
		}
		results = append(results, summaryOut{int32(binary.BigEndian.Uint32(r.Key)), *v.COUNT})
	})
	return results, changelog
}

// Identical payloads (a tick's entries at one station) are decoded once: a
// payload seen before still decodes when its schema could not be fetched
// again, while a new payload needs the registry.
func TestIdenticalPayloadsAreDecodedOnce(t *testing.T) {
	st, s, q := summaryQuery(t)
	enc := turnstileWire(t, st)
	a := enc(40010, "Austin", "blue")
	b := enc(40020, "Harlem", "green")
	res, _ := runBatch(t, q, fetchOf([][]byte{a}))
	if len(res) != 1 || res[0] != (summaryOut{40010, 1}) {
		t.Fatalf("first batch: %v", res)
	}
	// The registry is gone and its schemas forgotten.
	dead := httptest.NewServer(nil)
	dead.Close()
	reg, err := formats.NewRegistry(dead.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	q.dec.inVal.Registry = reg
	before := s.ProcessingErrors()
	res, _ = runBatch(t, q, fetchOf([][]byte{a, b, a}))
	want := []summaryOut{{40010, 2}, {40010, 3}}
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("after the registry went away: %v, want %v (the known payload decoded from memory)", res, want)
	}
	if got := s.ProcessingErrors() - before; got != 1 {
		t.Errorf("processing errors %d, want 1 (the new payload)", got)
	}
}

// Every input record yields its own update, bad records are logged every
// time they occur, and the changelog carries the last state per key.
func TestEveryRecordUpdatesAndBadRecordsAreLoggedEachTime(t *testing.T) {
	st, s, q := summaryQuery(t)
	enc := turnstileWire(t, st)
	a := enc(40010, "Austin", "blue")
	b := enc(40020, "Harlem", "green")
	bad := []byte{0, 0, 0, 0, 99, 1, 2, 3} // unknown schema id
	trunc := a[:len(a)-2]                  // truncated body
	before := s.ProcessingErrors()
	res, logged := runBatch(t, q, fetchOf([][]byte{a, a, bad, b, a, bad, trunc, b, b, trunc, a}))
	want := []summaryOut{{40010, 1}, {40010, 2}, {40020, 1}, {40010, 3}, {40020, 2}, {40020, 3}, {40010, 4}}
	if fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("updates %v, want %v", res, want)
	}
	if got := s.ProcessingErrors() - before; got != 4 {
		t.Errorf("processing errors %d, want 4", got)
	}
	if logged != 2 {
		t.Errorf("changelog records %d, want 2 (one per station)", logged)
	}
	res, _ = runBatch(t, q, fetchOf([][]byte{b, a}))
	if want := []summaryOut{{40020, 4}, {40010, 5}}; fmt.Sprint(res) != fmt.Sprint(want) {
		t.Errorf("next batch %v, want %v", res, want)
	}
}

// The memo of decoded payloads stays small however many distinct payloads
// a source carries.
func TestDecodedPayloadMemoIsBounded(t *testing.T) {
	st, _, q := summaryQuery(t)
	enc := turnstileWire(t, st)
	values := make([][]byte, 3*decodeMemoSize)
	for i := range values {
		values[i] = enc(int32(i), "Station", "blue")
	}
	res, _ := runBatch(t, q, fetchOf(values))
	if len(res) != len(values) {
		t.Fatalf("%d updates for %d records", len(res), len(values))
	}
	if n := q.dec.memo.len(); n > decodeMemoSize {
		t.Errorf("memo holds %d payloads, want at most %d", n, decodeMemoSize)
	}
}

// BenchmarkCountingQueryBatch measures the counting query's work per input
// record: decode, count, encode the update, as in a weekday replay (runs of
// identical records over 150 stations).
func BenchmarkCountingQueryBatch(b *testing.B) {
	st, _, q := summaryQuery(b)
	enc := turnstileWire(b, st)
	var values [][]byte
	for i := range 1000 {
		values = append(values, enc(int32(40000+(i/7)%150), "Station", "blue"))
	}
	fs := fetchOf(values)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		q.processBatch(context.Background(), fs, func(_, _ *kgo.Record) {})
	}
	b.ReportMetric(float64(b.N*len(values))/b.Elapsed().Seconds(), "records/s")
}
