package ksqldb

import (
	"encoding/json"
	"fmt"
	"testing"
)

// The cases of confluentinc/ksql v7.9.0's correlation-udaf.json, as their
// historical plans record them (historical_plans/correlation-udaf_-_
// correlation_{double,int,udaf_with_table}, spec.json): a table of
// CORRELATION(X, Y) per key, one result per input, NaN (written "NaN")
// until two pairs with spread are in; a pair with a NULL side is skipped;
// over a table, a replaced row is taken out again.
func TestCorrelationMatchesKsqlDBsCases(t *testing.T) {
	type io struct{ key, in, want string }
	cases := map[string]struct {
		ddl, query string
		rows       []io
	}{
		"double": {
			"CREATE STREAM INPUT (ID STRING KEY, X double, Y double) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
			"CREATE TABLE OUTPUT AS SELECT ID, correlation(X, Y) AS correlation FROM INPUT group by ID;",
			[]io{{"alice", `{"x": 1.5, "y": 8.0}`, `"NaN"`}, {"bob", `{"x": -3.5, "y": -2.0}`, `"NaN"`},
				{"alice", `{"x": -1.0, "y": -2.0}`, `1.0`}, {"alice", `{"x": -4.5, "y": -1.0}`, `0.7580764521133173`},
				{"bob", `{"x": 13.1, "y": null}`, `"NaN"`}, {"bob", `{"x": 3.0, "y": 11.0}`, `1.0`},
				{"alice", `{"x": null, "y": -6.0}`, `0.7580764521133173`}},
		},
		"int": {
			"CREATE STREAM INPUT (ID STRING KEY, X integer, Y integer) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');",
			"CREATE TABLE OUTPUT AS SELECT ID, correlation(X, Y) AS correlation FROM INPUT group by ID;",
			[]io{{"alice", `{"x": 1, "y": 8}`, `"NaN"`}, {"bob", `{"x": -3, "y": -2}`, `"NaN"`},
				{"alice", `{"x": -1, "y": -2}`, `1.0`}, {"alice", `{"x": -4, "y": -1}`, `0.7455284088780169`},
				{"bob", `{"x": 13, "y": null}`, `"NaN"`}, {"bob", `{"x": 3, "y": 11}`, `1.0`},
				{"alice", `{"x": null, "y": -6}`, `0.7455284088780169`}},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, c.ddl+"\n"+c.query, earliest())
			var kvs []kv
			for _, r := range c.rows {
				kvs = append(kvs, kv{key: []byte(r.key), value: []byte(r.in)})
			}
			st.produce("test_topic", kvs...)
			got := st.consume("OUTPUT", len(c.rows))
			for i, r := range c.rows {
				var v struct{ CORRELATION json.RawMessage }
				if err := json.Unmarshal(got[i].value, &v); err != nil {
					t.Fatal(err)
				}
				if string(got[i].key) != r.key || string(v.CORRELATION) != r.want {
					t.Errorf("output %d: %s %s, want %s %s", i, got[i].key, v.CORRELATION, r.key, r.want)
				}
			}
		})
	}
}

// correlation-udaf.json, "correlation udaf with table": bob's row leaves
// the group when alice's row is replaced and charlie's comes in; the last
// result is the correlation of the rows the table holds. This server
// writes one result per input row where Kafka Streams writes the
// retraction and the new row apart, so the last result is compared.
func TestCorrelationOverATableFollowsItsCurrentRows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE INPUT (ID STRING PRIMARY KEY, K STRING, X DOUBLE, Y DOUBLE) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE OUTPUT AS SELECT K, correlation(X, Y) AS correlation FROM INPUT group by K;`, earliest())
	var kvs []kv
	for _, r := range [][2]string{{"alice", `{"K": "a", "x": 1.5, "y": 8.0}`}, {"bob", `{"K": "a", "x": -3.5, "y": -2.0}`},
		{"alice", `{"K": "a", "x": -1.0, "y": -2.0}`}, {"charlie", `{"K": "a", "x": -4.5, "y": -1.0}`}} {
		kvs = append(kvs, kv{key: []byte(r[0]), value: []byte(r[1])})
	}
	st.produce("test_topic", kvs...)
	got := st.consume("OUTPUT", len(kvs))
	var last struct{ CORRELATION json.RawMessage }
	if err := json.Unmarshal(got[len(got)-1].value, &last); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprint(-0.7205766921228921); string(last.CORRELATION) != want {
		t.Errorf("last CORRELATION %s, want %s", last.CORRELATION, want)
	}
}
