package ksqldb

import (
	"strings"
	"testing"
)

// TRANSFORM, FILTER and REDUCE take a map of any keys (Transform.transformMap,
// Filter.filterMap, Reduce.reduceMap at v7.9.0, generic in K). They walk
// the map's entries in its HashMap order (33, 17, 1 share a bucket of four
// and keep the order of the puts), and TRANSFORM and FILTER collect with
// Collectors.toMap into a new HashMap<>(): 16 and 0 share a bucket of
// sixteen in the order they are collected. Collectors.toMap throws on a
// NULL value or a key collected twice, and the function is then NULL.
func TestLambdasOverIntegerKeyedMaps(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM nums (id STRING KEY, n INT) WITH (kafka_topic='nums', partitions=1, value_format='JSON');", nil)
	st.produce("nums", kv{key: []byte(`"a"`), value: []byte(`{"N":1}`)})
	code, body := post(t, url, "/query", "SELECT "+
		"CAST(TRANSFORM(MAP(n := 'a', 2 := 'b'), (k, v) => 32 - 16 * k, (k, v) => v) AS STRING) AS t, "+
		"CAST(FILTER(MAP(33 := 'c', 17 := 'a', n := 'b'), (k, v) => k > 1) AS STRING) AS f, "+
		"REDUCE(MAP(33 := 2, 17 := 3), 1, (s, k, v) => s * 10 + v) AS r, "+
		"TRANSFORM(MAP(n := 'a', 2 := 'b'), (k, v) => 7, (k, v) => v) AS dup, "+
		"TRANSFORM(MAP(n := 'a', 2 := 'b'), (k, v) => k, (k, v) => CAST(NULL AS STRING)) AS nulls, "+
		"FILTER(MAP(n := CAST(NULL AS STRING), 2 := 'b'), (k, v) => TRUE) AS fnulls "+
		"FROM nums EMIT CHANGES LIMIT 1;", earliest())
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		"`T` STRING, `F` STRING, `R` INTEGER, `DUP` MAP<INTEGER, STRING>, `NULLS` MAP<INTEGER, STRING>, `FNULLS` MAP<INTEGER, STRING>",
		`"columns":["{16=a, 0=b}","{33=c, 17=a}",123,null,null,null]`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("response lacks %s: %s", want, body)
		}
	}
}
