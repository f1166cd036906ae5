package ksqldb

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
)

// throughputEvents is the size of the turnstile backlog the benchmark counts.
const throughputEvents = 100_000

// BenchmarkTurnstileSummaryThroughput measures how fast the counting query
// works through a backlog of turnstile events: from CREATE TABLE ... AS
// SELECT until the query's consumer group has committed the whole input.
// Run it with: go test -run '^$' -bench Throughput -benchtime 1x ./lab/ksqldb/
func BenchmarkTurnstileSummaryThroughput(b *testing.B) {
	for _, g := range []string{guaranteeAtLeastOnce, guaranteeExactlyOnceV2} {
		b.Run(g, func(b *testing.B) {
			var total time.Duration
			for range b.N {
				total += benchThroughput(b, g)
			}
			b.ReportMetric(float64(throughputEvents*b.N)/total.Seconds(), "events/s")
		})
	}
}

func benchThroughput(b *testing.B, guarantee string) time.Duration {
	b.StopTimer()
	st := newStack(b)
	st.createTopic(turnstileTopic, 1)
	st.produceBacklog(throughputEvents)
	_, url := st.serve()
	props := earliest()
	props["processing.guarantee"] = guarantee
	b.StartTimer()
	start := time.Now()
	ents := mustKSQL(b, url, projectStatements, props)
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	group := "_confluent-ksql-default_query_" + qid
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for {
		offs, err := st.adm.FetchOffsets(ctx, group)
		if err != nil && ctx.Err() != nil {
			b.Fatalf("query did not catch up: %v", err)
		}
		if o, ok := offs.Lookup(turnstileTopic, 0); ok && o.At >= throughputEvents && drained(b, st, offs) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	return elapsed
}

// produceBacklog writes n Avro turnstile events over 150 stations.
func (st *stack) produceBacklog(n int) {
	st.t.Helper()
	url := st.reg.URL()
	vid := registerSchema(st.t, url, turnstileTopic+"-value", turnstileValue)
	kid := registerSchema(st.t, url, turnstileTopic+"-key", turnstileKey)
	kc, err := goavro.NewCodec(turnstileKey)
	if err != nil {
		st.t.Fatal(err)
	}
	vc, err := goavro.NewCodec(turnstileValue)
	if err != nil {
		st.t.Fatal(err)
	}
	header := func(id int) []byte {
		buf := []byte{0, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(buf[1:], uint32(id))
		return buf
	}
	now := time.Now().UnixMilli()
	recs := make([]*kgo.Record, 0, n)
	for i := range n {
		k, err := kc.BinaryFromNative(header(kid), map[string]any{"timestamp": now + int64(i)})
		if err != nil {
			st.t.Fatal(err)
		}
		v, err := vc.BinaryFromNative(header(vid), map[string]any{"station_id": int32(40000 + i%150), "station_name": "Station", "line": "blue"})
		if err != nil {
			st.t.Fatal(err)
		}
		recs = append(recs, &kgo.Record{Topic: turnstileTopic, Key: k, Value: v})
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		st.t.Fatalf("produce backlog: %v", err)
	}
}
