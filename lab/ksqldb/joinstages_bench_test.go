package ksqldb

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/operators"
)

// rekeyedChainQuery joins S1 to T on its key and then to T2 on its column
// K, outside the first join's criteria, so ksqlDB rekeys the first join's
// result through Join-repartition before the second (a chain step,
// planner.JoinRepartition.Step).
const rekeyedChainQuery = `CREATE TABLE t2 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t2', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, t2.v0 FROM s1 JOIN t ON s1.id = t.id JOIN t2 ON s1.k = t2.id;`

// rekeyedChain starts the chain of rekeyedChainQuery over mixedSources
// and returns a private copy of its query (fresh state, decoders and
// stages) that the benchmark drives batch by batch, its tables loaded
// with keys 0 to keys-1.
func rekeyedChain(b *testing.B, keys int) *runningQuery {
	b.Helper()
	st := newStack(b)
	s, url := st.serve()
	mustKSQL(b, url, mixedSources, nil)
	mustKSQL(b, url, rekeyedChainQuery, earliest())
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, live := range s.running {
		if !strings.HasPrefix(live.info.ID, "CSAS_OUTPUT") {
			continue
		}
		q := &runningQuery{
			srv: s, info: live.info, plan: live.plan, proc: operators.NewProcessor(live.plan),
			dec: s.newDecoder(live.info.ID, live.plan.Source), appID: live.appID,
			outKey: live.outKey, outVal: live.outVal, guarantee: live.guarantee,
		}
		q.prepareJoin()
		q.jstages = s.newJoinStages(q.appID, q.info, q.plan, s.ms.Sources[q.info.Sink])
		if q.jstages == nil {
			b.Fatal("the chain rekeys nothing between its joins")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := q.prepareInternal(ctx); err != nil {
			b.Fatal(err)
		}
		var tables []*kgo.Record
		for k := range keys {
			for _, t := range []string{"t", "t2"} {
				tables = append(tables, &kgo.Record{Topic: t, Key: kafkaInt(uint32(k)), Value: []byte(`{"V0":9}`), Offset: int64(k)})
			}
		}
		q.processBatch(ctx, fetchOfRecords(tables), func(_, _ *kgo.Record) {})
		return q
	}
	b.Fatal("no chain query is running")
	return nil
}

// BenchmarkRekeyedChainBatch measures a chain's work per stream record
// whose first join's result is rekeyed for the second: decode, the first
// lookup, the repartition record and its task, the second lookup and the
// result's encoding.
func BenchmarkRekeyedChainBatch(b *testing.B) {
	const keys, n = 100, 1000
	q := rekeyedChain(b, keys)
	var recs []*kgo.Record
	for i := range n {
		recs = append(recs, &kgo.Record{Topic: "s1", Key: kafkaInt(uint32(i % keys)),
			Value: fmt.Appendf(nil, `{"K":%d,"V0":%d}`, (i*7)%keys, i), Offset: int64(i), Timestamp: time.UnixMilli(int64(1000 + i))})
	}
	fs := fetchOfRecords(recs)
	var staged, results int
	q.processBatch(context.Background(), fs, func(_, r *kgo.Record) {
		switch r.Topic {
		case q.appID + "-Join-repartition":
			staged++
		case "OUTPUT":
			results++
		}
	})
	if staged != n || results != n {
		b.Fatalf("a batch of %d records wrote %d repartition records and %d results", n, staged, results)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		q.processBatch(context.Background(), fs, func(_, _ *kgo.Record) {})
	}
	b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "records/s")
}
