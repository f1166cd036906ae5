package ksqldb

import (
	"strings"
	"testing"
)

// `struct->*` in a projection (ksqlDB 0.27+) selects every field of the
// struct as a column named for the field, nested structs one level at a
// time, after the columns before it (query-validation-tests
// select-struct-all.json "value struct colum", "value nested struct
// field", "struct fields with back quoted strings").
func TestStructAllSelectsEveryFieldOfAStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (k1 INT KEY, v1 STRUCT<a INT, b INT>) WITH (kafka_topic='test_topic', partitions=1, format='JSON');"+
		"CREATE STREAM NESTED (v1 STRUCT<a STRUCT<b STRUCT<f1 INT, f2 STRING>>>) WITH (kafka_topic='nested_topic', partitions=1, value_format='JSON');"+
		"CREATE STREAM QUOTED (v1 STRUCT<`f 1` INT, f2 INT, `f 3` INT>) WITH (kafka_topic='quoted_topic', partitions=1, format='JSON');"+
		"CREATE STREAM OUTPUT_3 AS SELECT k1, v1->a AS A_FIELD, v1->b AS B_FIELD, v1->* FROM INPUT;", earliest())
	st.produce("test_topic", kv{[]byte("1"), []byte(`{"V1": {"a": 1, "b": 2}}`)})
	st.produce("nested_topic", kv{nil, []byte(`{"V1": {"a": {"b": {"f1": 1, "f2": "2"}}}}`)})
	st.produce("quoted_topic", kv{nil, []byte(`{"V1": {"f 1": 1, "f2": 2, "f 3": 3}}`)})
	sameLines(t, "OUTPUT_3", sinkValues(st, "OUTPUT_3", 1), []string{`{"A_FIELD":1,"B_FIELD":2,"A":1,"B":2}`})
	cases := []struct{ sql, hdr, row string }{
		{"SELECT k1, v1->* FROM INPUT EMIT CHANGES LIMIT 1;", "`K1` INTEGER, `A` INTEGER, `B` INTEGER", `[1,1,2]`},
		{"SELECT I.`K1`, I.`V1`->* FROM INPUT I EMIT CHANGES LIMIT 1;", "`K1` INTEGER, `A` INTEGER, `B` INTEGER", `[1,1,2]`},
		{"SELECT v1->a->b->* FROM NESTED EMIT CHANGES LIMIT 1;", "`F1` INTEGER, `F2` STRING", `[1,"2"]`},
		{"SELECT v1->a->* FROM NESTED EMIT CHANGES LIMIT 1;", "`B` STRUCT<`F1` INTEGER, `F2` STRING>", `[{"F1":1,"F2":"2"}]`},
		{"SELECT v1->* FROM QUOTED EMIT CHANGES LIMIT 1;", "`f 1` INTEGER, `F2` INTEGER, `f 3` INTEGER", `[1,2,3]`},
	}
	for _, c := range cases {
		hdr, rows := rawPushRows(t, url, c.sql, 1)
		if hdr != c.hdr || rows[0] != c.row {
			t.Errorf("%s\n got %s %s\nwant %s %s", c.sql, hdr, rows[0], c.hdr, c.row)
		}
	}
}

// struct->* over a column or field that is not a STRUCT is refused with
// SelectionUtil.resolveStructFields' messages.
func TestStructAllOfANonStructIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (k1 INT KEY, v1 STRUCT<a INT, b INT>, n INT) WITH (kafka_topic='test_topic', partitions=1, format='JSON');", nil)
	cases := map[string]string{
		"SELECT n->* FROM INPUT EMIT CHANGES;":     "Column `N` is not a STRUCT type.",
		"SELECT v1->a->* FROM INPUT EMIT CHANGES;": "Field A is not a STRUCT type.",
	}
	for q, want := range cases {
		code, body := post(t, url, "/query", q, nil)
		if code != 400 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %s\nwant 400 %q", q, code, body, want)
		}
	}
}
