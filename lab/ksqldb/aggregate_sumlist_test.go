package ksqldb

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The cases of confluentinc/ksql v7.9.0's query-validation test sum.json
// for SUM_LIST, as their historical plans record them (historical_plans/
// sum_-_sum_list_of_{doubles_into_a_single_double,ints_into_a_single_int,
// longs_into_a_single_long}, spec.json): a running sum of every list's
// non-NULL elements, typed as the elements. Values are compared as
// numbers, as the tests compare them.
func TestSumListMatchesKsqlDBsCases(t *testing.T) {
	cases := map[string]struct {
		elem string
		ins  []string
		want []float64
	}{
		"doubles": {"double", []string{"[1.0, 1.0]", "[2.0, 2.0]", "[922337203685.0, 1.0]", "[1.0, 1.0, null]"}, []float64{2, 6, 922337203692, 922337203694}},
		"ints":    {"integer", []string{"[1, 1]", "[2, 2]", "[100, 100]", "[100, 100, null]"}, []float64{2, 6, 206, 406}},
		"longs":   {"bigint", []string{"[1, 1]", "[2, 2]", "[100, 100]", "[100, 100, null]"}, []float64{2, 6, 206, 406}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM INPUT (ID STRING KEY, VALUE ARRAY<%s>) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE OUTPUT as SELECT ID, sum_list(VALUE) AS sum_val FROM INPUT group by ID;`, c.elem), earliest())
			var kvs []kv
			for _, in := range c.ins {
				kvs = append(kvs, kv{key: []byte("a"), value: []byte(`{"value": ` + in + `}`)})
			}
			st.produce("test_topic", kvs...)
			got := st.consume("OUTPUT", len(c.want))
			for i, w := range c.want {
				var v struct{ SUM_VAL float64 }
				if err := json.Unmarshal(got[i].value, &v); err != nil {
					t.Fatal(err)
				}
				if string(got[i].key) != "a" || v.SUM_VAL != w {
					t.Errorf("output %d: %s %v, want a %v", i, got[i].key, v.SUM_VAL, w)
				}
			}
		})
	}
}
