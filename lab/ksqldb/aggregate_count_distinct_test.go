package ksqldb

import (
	"fmt"
	"testing"
)

// COUNT_DISTINCT is HyperLogLog's estimate, not an exact count: ksqlDB's
// CountDistinct keeps stream-lib's register set (log2m 14) and maps it to
// HyperLogLog.cardinality (confluentinc/ksql v7.9.0, ksqldb-engine/.../
// function/udaf/count/CountDistinct.java, ksqldb-stream-lib/.../
// stream/cardinality/HyperLogLog.java). A thousand distinct INT values,
// k*7-1000 for k from 0, estimate 996; a repeated value and NULL add
// nothing (count-distinct.json, "count distinct").
func TestCountDistinctIsTheHyperLogLogEstimate(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM cd (k STRING KEY, n INT) WITH (KAFKA_TOPIC='cd', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE cdt AS SELECT k, COUNT_DISTINCT(n) AS d FROM cd GROUP BY k EMIT CHANGES;`, earliest())
	vals := make([]string, 0, 1002)
	for k := range 1000 {
		vals = append(vals, fmt.Sprintf(`{"N":%d}`, k*7-1000))
	}
	vals = append(vals, `{"N":-1000}`, `{"N":null}`)
	st.produceValues("cd", vals...)
	recs := st.consume("CDT", len(vals))
	for i, want := range map[int]string{0: `{"D":1}`, 9: `{"D":10}`, 999: `{"D":996}`, 1000: `{"D":996}`, 1001: `{"D":996}`} {
		if got := string(recs[i].value); got != want {
			t.Errorf("after %d values: %s, want %s", i+1, got, want)
		}
	}
}
