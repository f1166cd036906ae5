package ksqldb

import (
	"testing"
)

// A string compared with ROWTIME in a persistent query's WHERE is a
// date-time: query-validation-tests magic-timestamp-conversion.json
// (confluentinc/ksql v7.9.0), "between predicate on STRING ROWTIME in
// WHERE" and "comparison predicate on STRING ROWTIME in WHERE", their
// inputs and expected outputs.
func TestStringTimestampsComparedWithRowtimeFilterAsMilliseconds(t *testing.T) {
	for _, c := range []struct {
		name, where string
		inputs      []int64
		want        []string
	}{
		{"between", "ROWTIME BETWEEN '2018-01-01T00:00:00.001' AND '2018-01-01T00:00:01'",
			[]int64{1514764799999, 1514764800001, 1514764801000, 1514764801001}, []string{`{"THING":2}`, `{"THING":3}`}},
		{"comparison", "ROWTIME>'2018-01-01T00:00:00.001'",
			[]int64{1514764800001, 1546300808000, 1514764800002, 1514764800000}, []string{`{"THING":2}`, `{"THING":3}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, "CREATE STREAM TEST (K STRING KEY, source int) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
			var recs []timed
			for i, ts := range c.inputs {
				n := itoa(int64(i + 1))
				recs = append(recs, timed{[]byte(n), `{"source":` + n + `}`, ts})
			}
			st.produceTimed("test_topic", recs...)
			mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT K, source AS THING FROM TEST WHERE "+c.where+";", earliest())
			out := st.consumeRecords("OUTPUT", len(c.want))
			for i, want := range c.want {
				if string(out[i].Value) != want {
					t.Errorf("OUTPUT record %d: %s, want %s", i, out[i].Value, want)
				}
			}
		})
	}
}
