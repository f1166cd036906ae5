package ksqldb

import (
	"encoding/binary"
	"encoding/json"
	"testing"
)

// The cases of confluentinc/ksql v7.9.0's query-validation test attr.json,
// as their historical plans record them (historical_plans/attr_-_*,
// spec.json): ATTR's value while every value seen is one value, NULL once
// two differ (NULL counting as a value), and over a table with tombstones
// the values of the rows the table holds.
func TestAttrMatchesKsqlDBsCases(t *testing.T) {
	type rec struct {
		key int32
		val string // "" for a tombstone
	}
	cases := map[string]struct {
		ddl, query string
		ins        []rec
		want       []string // the S column of each result, as JSON
	}{
		"invalid attr": {
			"CREATE STREAM input (k INT KEY, s STRING) WITH (kafka_topic='in', partitions=1, value_format='JSON');",
			"CREATE TABLE out AS SELECT k, ATTR(s) AS s FROM input GROUP BY k;",
			[]rec{{1, `{"s": "1"}`}, {1, `{"s": "2"}`}, {1, `{"s": "3"}`}},
			[]string{`"1"`, `null`, `null`},
		},
		"valid attr with nulls": {
			"CREATE STREAM input (k INT KEY, s STRING) WITH (kafka_topic='in', partitions=1, value_format='JSON');",
			"CREATE TABLE out AS SELECT k, ATTR(s) AS s FROM input GROUP BY k;",
			[]rec{{1, `{"s": null}`}, {1, `{"s": null}`}, {1, `{"s": null}`}},
			[]string{`null`, `null`, `null`},
		},
		"invalid attr with nulls": {
			"CREATE STREAM input (k INT KEY, s STRING) WITH (kafka_topic='in', partitions=1, value_format='JSON');",
			"CREATE TABLE out AS SELECT k, ATTR(s) AS s FROM input GROUP BY k;",
			[]rec{{1, `{"s": "1"}`}, {1, `{"s": null}`}, {1, `{"s": "1"}`}},
			[]string{`"1"`, `null`, `null`},
		},
		"table attr with tombstones": {
			"CREATE TABLE input (k INT PRIMARY KEY, g INT, s STRING) WITH (kafka_topic='in', partitions=1, value_format='JSON');",
			"CREATE TABLE out AS SELECT g, ATTR(s) AS s FROM input GROUP BY g;",
			[]rec{{1, ""}, {1, `{"g": 1, "s": "1"}`}, {2, `{"g": 1, "s": "1"}`}, {1, ""}, {2, ""},
				{1, `{"g": 1, "s": "2"}`}, {2, `{"g": 1, "s": "3"}`}, {2, ""}},
			[]string{`"1"`, `"1"`, `"1"`, `null`, `"2"`, `null`, `"2"`},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.ddl+"\n"+c.query, earliest())
			var kvs []kv
			for _, r := range c.ins {
				x := kv{key: binary.BigEndian.AppendUint32(nil, uint32(r.key))}
				if r.val != "" {
					x.value = []byte(r.val)
				}
				kvs = append(kvs, x)
			}
			st.produce("in", kvs...)
			got := st.consume("OUT", len(c.want))
			for i, w := range c.want {
				var v struct{ S json.RawMessage }
				if err := json.Unmarshal(got[i].value, &v); err != nil {
					t.Fatal(err)
				}
				if string(v.S) != w {
					t.Errorf("result %d: S %s, want %s", i, v.S, w)
				}
			}
		})
	}
}

// ATTR keeps its argument's type: the scalar fields of
// "valid attr with various scalar fields" come back as they went in.
func TestAttrKeepsItsArgumentsType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (k INT KEY, s STRING, i INT, bi BIGINT, d DOUBLE, bo BOOLEAN) WITH (kafka_topic='in', partitions=1, value_format='JSON');
CREATE TABLE out AS SELECT k, ATTR(s) AS s, ATTR(i) AS i, ATTR(bi) AS bi, ATTR(d) AS d, ATTR(bo) AS bo FROM input GROUP BY k;`, earliest())
	row := []byte(`{"s": "s", "i": 1, "bi": 1, "d": 1.0, "bo": true}`)
	key := binary.BigEndian.AppendUint32(nil, 1)
	st.produce("in", kv{key, row}, kv{key, row}, kv{key, row})
	for i, r := range st.consume("OUT", 3) {
		if string(r.value) != `{"S":"s","I":1,"BI":1,"D":1.0,"BO":true}` {
			t.Errorf("result %d: %s", i, r.value)
		}
	}
}

// ATTR's values and counts are in its changelog: after a restart a
// different value still makes the result NULL.
func TestAttrStateSurvivesARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (k INT KEY, s STRING) WITH (kafka_topic='in', partitions=1, value_format='JSON');
CREATE TABLE out AS SELECT k, ATTR(s) AS s FROM input GROUP BY k;`, earliest())
	key := binary.BigEndian.AppendUint32(nil, 1)
	st.produce("in", kv{key, []byte(`{"s": "1"}`)})
	st.consume("OUT", 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produce("in", kv{key, []byte(`{"s": "2"}`)})
	if got := string(st.consume("OUT", 2)[1].value); got != `{"S":null}` {
		t.Errorf("after a restart and a second value: %s", got)
	}
}
