package ksqldb

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A DECIMAL SUM whose total no longer fits the column's precision fails
// the record: DecimalSumKudaf.aggregate throws KsqlFunctionException
// "Numeric field overflow", which nothing in KudafAggregator catches, so
// Kafka Streams stops the stream thread ("Exception caught in process") and
// the query is in ERROR (QueryMetadataImpl.uncaughtHandler, confluentinc/ksql
// v7.9.0). The rows before the record come out (at_least_once); neither the
// record's nor any later one's does (query-validation-tests sum.json "sum decimal with
// overflow", "sum decimal should overflow with cast to lower precision").
func TestSumDecimalOverflowFailsTheQuery(t *testing.T) {
	for _, c := range []struct{ name, guarantee string }{
		{"at least once", ""},
		{"exactly once", "exactly_once_v2"},
	} {
		t.Run("the query stops at the overflowing record, "+c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, "CREATE STREAM PAYMENTS (ACCT BIGINT KEY, AMT DECIMAL(3,1)) WITH (kafka_topic='payments', partitions=1, value_format='JSON');", nil)
			props := map[string]any{"auto.offset.reset": "earliest"}
			if c.guarantee != "" {
				props["processing.guarantee"] = c.guarantee
			}
			mustKSQL(t, url, "CREATE TABLE TOTALS AS SELECT ACCT, SUM(AMT) AS S FROM PAYMENTS GROUP BY ACCT;", props)
			id := queryWriting(t, url, "TOTALS")
			for _, r := range []struct {
				acct int64
				v    string
			}{{1, `{"AMT":20.5}`}, {1, `{"AMT":30.0}`}, {2, `{"AMT":90.0}`}, {2, `{"AMT":9.9}`}, {2, `{"AMT":0.2}`}, {1, `{"AMT":1.0}`}} {
				st.produce("payments", kv{bigintKey(r.acct), []byte(r.v)})
			}
			want := []string{`{"S":20.5}`, `{"S":50.5}`, `{"S":90.0}`, `{"S":99.9}`}
			if c.guarantee == "" {
				// under exactly_once_v2 the rows before the record are in the
				// transaction the failure aborts
				sameLines(t, "TOTALS", sinkValues(st, "TOTALS", 4)[:4], want)
			}
			waitFor(t, func() bool { return queryStates(t, url)[id] == "ERROR" }, "the query in ERROR")
			time.Sleep(time.Second)
			for _, v := range committedSinkValues(t, st, "TOTALS") {
				if !slices.Contains(want, v) {
					t.Errorf("sink holds %s; only the rows before the overflow may come out", v)
				}
			}
		})
	}
}

// A DECIMAL SUM that stays within the precision runs on; rounding to the
// precision happens before the check (DecimalSumKudaf's MathContext), and a
// negative total is checked by its absolute value.
func TestSumDecimalWithinPrecisionRuns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM PAYMENTS (ACCT BIGINT KEY, AMT DECIMAL(3,1)) WITH (kafka_topic='payments', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE TOTALS AS SELECT ACCT, SUM(AMT) AS S FROM PAYMENTS GROUP BY ACCT;", earliest())
	id := queryWriting(t, url, "TOTALS")
	for _, v := range []string{`{"AMT":-90.0}`, `{"AMT":-9.9}`, `{"AMT":9.9}`} {
		st.produce("payments", kv{bigintKey(1), []byte(v)})
	}
	sameLines(t, "TOTALS", sinkValues(st, "TOTALS", 3), []string{`{"S":-90.0}`, `{"S":-99.9}`, `{"S":-90.0}`})
	if got := queryStates(t, url)[id]; got != "RUNNING" {
		t.Errorf("state %q, want RUNNING", got)
	}
}

// committedSinkValues is every committed value of a one-partition topic.
func committedSinkValues(t *testing.T, st *stack, topic string) []string {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []string
	if err := readCommittedTo(ctx, cl, map[string]map[int32]int64{topic: {0: st.endOffset(topic)}}, 5*time.Second, func(r *kgo.Record) {
		out = append(out, string(r.Value))
	}); err != nil {
		t.Fatalf("read %s: %v", topic, err)
	}
	return out
}
