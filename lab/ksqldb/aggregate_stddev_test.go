package ksqldb

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"testing"
)

// The cases of confluentinc/ksql v7.9.0's query-validation tests
// standarddeviation.json, as their historical plans record them
// (historical_plans/standarddeviation_-_stddev_sample_{int,long,double} and
// _-_stddev_samp_int, spec.json): a table of STDDEV_SAMPLE (or STDDEV_SAMP)
// per key over a stream, one output per input, NULL values ignored.
// The inputs are AVRO there and JSON here; the values are the same.
func TestStddevAggregatesMatchKsqlDBsCases(t *testing.T) {
	type in struct {
		key int64
		val string
	}
	type out struct {
		key int64
		std float64
	}
	cases := map[string]struct {
		fn, typ string
		ins     []in
		want    []out
	}{
		"stddev_sample int": {"stddev_sample", "INTEGER",
			[]in{{0, "0"}, {0, "10"}, {100, "50"}, {100, "10"}, {0, "7"}, {100, "3"}, {100, "null"}, {0, "6"}},
			[]out{{0, 0}, {0, 7.0710678118654755}, {100, 0}, {100, 28.284271247461902}, {0, 5.131601439446884}, {100, 25.357444666211933}, {100, 25.357444666211933}, {0, 4.193248541803041}}},
		"stddev_sample long": {"stddev_sample", "BIGINT",
			[]in{{0, "2147483648"}, {0, "100"}, {100, "500"}, {100, "100"}, {0, "-2"}, {100, "0"}, {100, "-6"}, {0, "null"}},
			[]out{{0, 0}, {0, 1518500179.2773468}, {100, 0}, {100, 282.842712474619}, {0, 1239850233.9629574}, {100, 264.5751311064591}, {100, 239.32335169528832}, {0, 1239850233.9629574}}},
		"stddev_sample double": {"stddev_sample", "DOUBLE",
			[]in{{0, "-1.8"}, {0, "2.3"}, {100, "9223372036854.775"}, {100, "300.8"}, {0, "100.2"}, {100, "-200000.6"}, {100, "0.0"}, {0, "null"}},
			[]out{{0, 0}, {0, 2.899137802864845}, {100, 0}, {100, 6521908912453.693}, {0, 57.74256084841869}, {100, 5325116385962.54}, {100, 4611686051710.689}, {0, 57.74256084841869}}},
		"stddev_samp int (the variance)": {"stddev_samp", "INTEGER",
			[]in{{0, "0"}, {0, "10"}, {100, "50"}, {100, "10"}, {0, "7"}, {100, "3"}, {100, "null"}, {0, "6"}},
			[]out{{0, 0}, {0, 50}, {100, 0}, {100, 800}, {0, 26.333333333333332}, {100, 643}, {100, 643}, {0, 17.583333333333332}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, fmt.Sprintf(`CREATE STREAM TEST (ID BIGINT KEY, VALUE %s) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE OUTPUT AS SELECT ID, %s(value) AS stddev FROM test GROUP BY id;`, c.typ, c.fn), earliest())
			var kvs []kv
			for _, x := range c.ins {
				k := binary.BigEndian.AppendUint64(nil, uint64(x.key))
				kvs = append(kvs, kv{key: k, value: []byte(`{"VALUE": ` + x.val + `}`)})
			}
			st.produce("test_topic", kvs...)
			got := st.consume("OUTPUT", len(c.want))
			for i, w := range c.want {
				var v struct{ STDDEV float64 }
				if err := json.Unmarshal(got[i].value, &v); err != nil {
					t.Fatal(err)
				}
				if k := int64(binary.BigEndian.Uint64(got[i].key)); k != w.key || v.STDDEV != w.std {
					t.Errorf("output %d: key %d STDDEV %v, want %d and %v", i, k, v.STDDEV, w.key, w.std)
				}
			}
		})
	}
}

// Over a table, an updated row's old value is undone (TableUdaf.undo): the
// result is the sample standard deviation of the rows the table holds, as
// computed here from them directly.
func TestStddevSampleOverATableFollowsItsCurrentRows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE readings (id STRING PRIMARY KEY, grp STRING, v DOUBLE) WITH (kafka_topic='readings', partitions=1, value_format='JSON');
CREATE TABLE spread AS SELECT grp, STDDEV_SAMPLE(v) AS sd FROM readings GROUP BY grp;`, earliest())
	rows := map[string]float64{}
	var kvs []kv
	for _, r := range []struct {
		id string
		v  float64
	}{{"a", 1}, {"b", 5}, {"c", 9}, {"b", 2}, {"a", 4}} {
		rows[r.id] = r.v
		kvs = append(kvs, kv{key: []byte(r.id), value: []byte(fmt.Sprintf(`{"GRP": "g", "V": %v}`, r.v))})
	}
	st.produce("readings", kvs...)
	var mean, ss float64
	for _, v := range rows {
		mean += v / float64(len(rows))
	}
	for _, v := range rows {
		ss += (v - mean) * (v - mean)
	}
	want := math.Sqrt(ss / float64(len(rows)-1))
	// one result per row written; the last is the table's present
	got := st.consume("SPREAD", 5)
	var last struct{ SD float64 }
	if err := json.Unmarshal(got[len(got)-1].value, &last); err != nil {
		t.Fatal(err)
	}
	if math.Abs(last.SD-want) > 1e-9*want {
		t.Errorf("SD %v, want %v (rows %v)", last.SD, want, rows)
	}
}
