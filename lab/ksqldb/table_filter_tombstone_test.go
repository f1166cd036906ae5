package ksqldb

import (
	"strings"
	"testing"
)

// A WHERE clause over a table forwards a tombstone only for a key whose
// row passed it before: ksqlDB filters a table with KTable.filter over a
// materialized source (TableFilterBuilder; SourceBuilder materializes the
// source table), and Kafka Streams' KTableFilter then sends old values
// and drops a change that neither had nor has a row. A row that never
// passed, or a deleted key that never did, gives nothing
// (rest-query-validation-tests push-queries.json "imported windowed table
// - DOUBLE KEY": the filtered rows give no tombstone before the one that
// passes).
func TestTableFilterForwardsTombstonesOnlyForRowsThatPassed(t *testing.T) {
	produce := func(st *stack) {
		for _, r := range []struct {
			k     int32
			value string
		}{
			{1, `{"P":5}`},  // never passes
			{2, `{"P":20}`}, // passes
			{2, `{"P":3}`},  // passed before: a tombstone
			{3, `{"P":1}`},  // never passes
			{3, ""},         // deleted, never passed
			{4, `{"P":40}`}, // passes
		} {
			var v []byte
			if r.value != "" {
				v = []byte(r.value)
			}
			st.produceAt("prices", intKey(r.k), v, 1)
		}
	}
	t.Run("push query", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE TABLE prices (k INT PRIMARY KEY, p INT) WITH (kafka_topic='prices', value_format='JSON', partitions=1);`, nil)
		produce(st)
		if _, rows := rawPushRows(t, url, "SELECT * FROM prices WHERE p > 10 EMIT CHANGES LIMIT 3;", 3); strings.Join(rows, " ") != `[2,20] [2,null] [4,40]` {
			t.Errorf("got %v, want [2,20] [2,null] [4,40]", rows)
		}
	})
	t.Run("persistent query", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, `CREATE TABLE prices (k INT PRIMARY KEY, p INT) WITH (kafka_topic='prices', value_format='JSON', partitions=1);
CREATE TABLE dear AS SELECT * FROM prices WHERE p > 10;`, earliest())
		produce(st)
		var got []string
		for _, r := range st.consumeRecords("DEAR", 3) {
			got = append(got, string(r.Key[3:])+"="+string(r.Value))
		}
		if want := "\x02={\"P\":20} \x02= \x04={\"P\":40}"; strings.Join(got, " ") != want {
			t.Errorf("got %q, want %q", strings.Join(got, " "), want)
		}
	})
}
