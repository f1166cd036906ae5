package ksqldb

import (
	"context"
	"fmt"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A persistent query's consumer decodes fetched batches into record slices
// it takes back from franz-go once a batch is written and committed
// (kgo.WithPools, Record.Recycle): over many batches the slices are handed
// out again, and every result still carries its own input's key and value,
// which a record recycled before its batch was done would have lost.
func TestAQueryReusesItsRecordSlicesAndEveryResultKeepsItsInput(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("pooled", 1)
	mustKSQL(t, url, "CREATE STREAM POOLED (K STRING KEY, N INT) WITH (KAFKA_TOPIC='pooled', VALUE_FORMAT='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM DOUBLED AS SELECT K, N * 2 AS N2 FROM POOLED;", earliest())
	before := queryRecords.Reused()
	// rounds of batches, each round's results awaited before the next is
	// written, so that the query polls again after it recycled a round
	const rounds, batches, per = 8, 5, 50
	for round := range rounds {
		for b := range batches {
			var recs []*kgo.Record
			for i := range per {
				n := (round*batches+b)*per + i
				recs = append(recs, &kgo.Record{Topic: "pooled", Key: []byte(fmt.Sprintf("k%d", n)), Value: []byte(fmt.Sprintf(`{"N":%d}`, n))})
			}
			if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		got := st.consume("DOUBLED", (round+1)*batches*per)
		for n, r := range got {
			if string(r.key) != fmt.Sprintf("k%d", n) || string(r.value) != fmt.Sprintf(`{"N2":%d}`, 2*n) {
				t.Fatalf("result %d: %s %s", n, r.key, r.value)
			}
		}
	}
	if queryRecords.Reused() == before {
		t.Errorf("no record slice was handed out again over %d rounds of batches", rounds)
	}
}
