package ksqldb

import (
	"encoding/json"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// byOffsetEntry is one KSQL_AGG_VARIABLE_n STRUCT<SEQ, VAL> of a store
// row; nil for a NULL struct.
type byOffsetEntry struct {
	SEQ int64
	VAL *int64
}

// The store of LATEST_BY_OFFSET(x) and EARLIEST_BY_OFFSET(x) keeps the
// UDAFs' intermediate STRUCT<SEQ, VAL> as they make it (confluentinc/ksql
// v7.9.0 LatestByOffset.latestT, EarliestByOffset.earliestT,
// KudafByOffsetUtils.createStruct): LATEST_BY_OFFSET's initialize draws a
// sequence for a new group (KStreamAggregate calls the initializer for a
// key the store lacks, apache/kafka 3.9), a NULL it ignores leaves that
// struct as it is, and each value it takes draws the next; EARLIEST's
// initialize is a NULL struct and only the value it takes draws one.
func TestByOffsetStoreSequencesAreDrawnAtInitializeAndAtEachValue(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (id STRING KEY, v BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, LATEST_BY_OFFSET(v) AS l, EARLIEST_BY_OFFSET(v) AS e FROM input GROUP BY id;`, earliest())
	// one record at a time, each store write read before the next record
	// goes in, so no commit folds two writes of a group into one
	topic := storeTopic(t, url, "OUTPUT")
	var recs []*kgo.Record
	for i, in := range []struct {
		key, value string
	}{{"a", `{"V":null}`}, {"a", `{"V":null}`}, {"a", `{"V":5}`}, {"b", `{"V":7}`}} {
		st.produceAt("test_topic", []byte(in.key), []byte(in.value), int64(i+1)*1000)
		recs = st.records(topic, i+1)
	}
	var latest, earliest []*byOffsetEntry
	for _, r := range recs {
		var row struct {
			L *byOffsetEntry `json:"KSQL_AGG_VARIABLE_0"`
			E *byOffsetEntry `json:"KSQL_AGG_VARIABLE_1"`
		}
		if err := json.Unmarshal(r.Value, &row); err != nil {
			t.Fatalf("store row %s: %v", r.Value, err)
		}
		latest, earliest = append(latest, row.L), append(earliest, row.E)
	}
	show := func(es []*byOffsetEntry) string {
		b, _ := json.Marshal(es)
		return string(b)
	}
	vals := func(es []*byOffsetEntry) []any {
		out := make([]any, len(es))
		for i, e := range es {
			switch {
			case e == nil:
				out[i] = "struct null"
			case e.VAL == nil:
				out[i] = "val null"
			default:
				out[i] = *e.VAL
			}
		}
		return out
	}
	if got := vals(latest); got[0] != "val null" || got[1] != "val null" || got[2] != int64(5) || got[3] != int64(7) {
		t.Fatalf("LATEST_BY_OFFSET store values %v", show(latest))
	}
	s := latest[0].SEQ
	if latest[1].SEQ != s || latest[2].SEQ != s+1 || latest[3].SEQ != s+3 {
		t.Errorf("LATEST_BY_OFFSET sequences %s, want initialize s, s again after a NULL, s+1 for a's 5, s+3 for b's 7 (b's initialize drew s+2)", show(latest))
	}
	if got := vals(earliest); got[0] != "struct null" || got[1] != "struct null" || got[2] != int64(5) || got[3] != int64(7) {
		t.Fatalf("EARLIEST_BY_OFFSET store values %v", show(earliest))
	}
	if earliest[3].SEQ != earliest[2].SEQ+1 {
		t.Errorf("EARLIEST_BY_OFFSET sequences %s, want b's one after a's", show(earliest))
	}
}
