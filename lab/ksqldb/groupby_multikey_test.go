package ksqldb

import (
	"slices"
	"testing"
)

// A stream keyed by more than one column is repartitioned when grouped, even
// by exactly its key columns: Repartitioning.repartitionNeeded answers true
// for any key of other than one column, so SchemaKStream.groupBy takes
// streamGroupBy, not groupByKey (confluentinc/ksql v7.9.0
// ksqldb-engine/.../util/Repartitioning.java,
// ksqldb-engine/.../structured/SchemaKStream.java). The historical plan of
// query-validation-tests multi-col-keys.json 'group by two cols' lists the
// query's Aggregate-GroupBy-repartition topic beside its changelog.

// twoKeyCounts groups a stream by both of its key columns.
const twoKeyCounts = `CREATE STREAM pairs (a INT KEY, b INT KEY, v INT) WITH (KAFKA_TOPIC='pairs', FORMAT='JSON', PARTITIONS=2);
CREATE TABLE pair_counts AS SELECT a, b, COUNT(*) AS n FROM pairs GROUP BY a, b;`

func TestGroupByBothKeyColumnsOfATwoColumnKeyMakesTheRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoKeyCounts, earliest())
	topic := repartitionTopic(queryWriting(t, url, "PAIR_COUNTS"))
	parts := waitTopic(t, st, topic)
	if parts != 2 {
		t.Errorf("%s has %d partitions, want the source's 2", topic, parts)
	}
}

func TestGroupByBothKeyColumnsCountsThroughTheRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, twoKeyCounts, earliest())
	topic := repartitionTopic(queryWriting(t, url, "PAIR_COUNTS"))
	st.produce("pairs",
		kv{key: []byte(`{"A":1,"B":2}`), value: []byte(`{"V":10}`)},
		kv{key: []byte(`{"A":1,"B":3}`), value: []byte(`{"V":11}`)},
		kv{key: []byte(`{"A":1,"B":2}`), value: []byte(`{"V":12}`)})
	// the two groups may sit in different partitions: their order is free
	sameLines(t, "PAIR_COUNTS", slices.Sorted(slices.Values(sinkValues(st, "PAIR_COUNTS", 3))), []string{`{"N":1}`, `{"N":1}`, `{"N":2}`})
	if n := len(st.records(topic, 3)); n != 3 {
		t.Errorf("%s holds %d records, want the 3 grouped", topic, n)
	}
}
