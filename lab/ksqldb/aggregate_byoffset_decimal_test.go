package ksqldb

import "testing"

// EARLIEST_BY_OFFSET and LATEST_BY_OFFSET of a DECIMAL keep its scale,
// with or without the ignoreNulls argument: the value they return is the
// column's own, written as DECIMAL(3,2) writes it (query-validation-tests
// earliest-offset-udaf.json "earliest by offset with decimals",
// latest-offset-udaf.json "latest by offset with decimals").
func TestByOffsetKeepsDecimalScale(t *testing.T) {
	for _, c := range []struct {
		agg  string
		want []string
	}{
		{"EARLIEST_BY_OFFSET(F0, true)", []string{`{"L0":3.40}`, `{"L0":3.40}`}},
		{"EARLIEST_BY_OFFSET(F0)", []string{`{"L0":3.40}`, `{"L0":3.40}`}},
		{"LATEST_BY_OFFSET(F0, false)", []string{`{"L0":3.40}`, `{"L0":8.90}`}},
		{"LATEST_BY_OFFSET(F0)", []string{`{"L0":3.40}`, `{"L0":8.90}`}},
	} {
		t.Run(c.agg, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, "CREATE STREAM prices (id BIGINT KEY, f0 DECIMAL(3,2)) WITH (kafka_topic='prices', partitions=1, value_format='JSON');", nil)
			mustKSQL(t, url, "CREATE TABLE firsts AS SELECT id, "+c.agg+" AS l0 FROM prices GROUP BY id;", earliest())
			st.produce("prices", kv{bigintKey(0), []byte(`{"F0":"3.4"}`)}, kv{bigintKey(0), []byte(`{"F0":"8.9"}`)})
			sameLines(t, "FIRSTS", sinkValues(st, "FIRSTS", 2), c.want)
		})
	}
}
