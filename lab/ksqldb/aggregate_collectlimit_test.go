package ksqldb

import "testing"

// collectRows runs one COLLECT_LIST or COLLECT_SET call over an INT
// column V with the given request properties, and returns the sink's
// values for records of one key.
func collectRows(t *testing.T, agg string, props map[string]any, in []string) []string {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM TEST (ID BIGINT KEY, V INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE S2 AS SELECT ID, "+agg+" AS C FROM TEST GROUP BY ID;", props)
	for _, v := range in {
		st.produce("test_topic", kv{bigintKey(3), []byte(`{"V":` + v + `}`)})
	}
	return sinkValues(st, "S2", len(in))
}

// ksql.functions.collect_list.limit and ksql.functions.collect_set.limit
// cap the arrays: values beyond the limit are ignored; a negative limit is
// none (CollectListUdaf and CollectSetUdaf configure, confluentinc/ksql
// v7.9.0; query-validation-tests collect-list.json and collect-set.json
// "... with limit of 1").
func TestCollectLimit(t *testing.T) {
	with := func(k string, v any) map[string]any {
		p := earliest()
		p[k] = v
		return p
	}
	for _, c := range []struct {
		name, agg string
		props     map[string]any
		in, want  []string
	}{
		{"collect_list stops at its limit", "COLLECT_LIST(V)", with("ksql.functions.collect_list.limit", 2),
			[]string{"5", "5", "6"}, []string{`{"C":[5]}`, `{"C":[5,5]}`, `{"C":[5,5]}`}},
		{"collect_set stops at its limit", "COLLECT_SET(V)", with("ksql.functions.collect_set.limit", 1),
			[]string{"5", "6"}, []string{`{"C":[5]}`, `{"C":[5]}`}},
		{"a limit given as text", "COLLECT_SET(V)", with("ksql.functions.collect_set.limit", "2"),
			[]string{"5", "6", "7"}, []string{`{"C":[5]}`, `{"C":[5,6]}`, `{"C":[5,6]}`}},
		{"collect_set ignores collect_list's limit", "COLLECT_SET(V)", with("ksql.functions.collect_list.limit", 1),
			[]string{"5", "6"}, []string{`{"C":[5]}`, `{"C":[5,6]}`}},
		{"a negative limit is none", "COLLECT_LIST(V)", with("ksql.functions.collect_list.limit", -1),
			[]string{"5", "6"}, []string{`{"C":[5]}`, `{"C":[5,6]}`}},
		{"a limit of 0 keeps nothing", "COLLECT_LIST(V)", with("ksql.functions.collect_list.limit", 0),
			[]string{"5"}, []string{`{"C":[]}`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sameLines(t, "S2", collectRows(t, c.agg, c.props, c.in), c.want)
		})
	}
}
