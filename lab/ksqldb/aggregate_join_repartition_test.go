package ksqldb

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// An aggregation of a stream joined with a table, grouped by anything but
// the join's key, goes through its Aggregate-GroupBy-repartition topic as
// one of a stream does: the joined rows that pass WHERE, keyed by their
// grouping values, with the Aggregate.Prepare columns named ALIAS_NAME as
// the value, in the join's value format (its left source's). Its store,
// Aggregate-Aggregate-Materialize, holds those non-aggregate columns and
// each call's intermediate value. The historical plan
// timestamp-to-string_-_millis_to_string_in_join (confluentinc/ksql v7.9.0
// ksqldb-functional-tests historical_plans) lists the repartition topic
// in spec.json, with the schemas
//
//	Aggregate.GroupBy:               `D_NAME` STRING KEY, `D_NAME` STRING, `P_ROWTIME` BIGINT
//	Aggregate.Aggregate.Materialize: `D_NAME` STRING KEY, `D_NAME` STRING, `P_ROWTIME` BIGINT, `KSQL_AGG_VARIABLE_0` BIGINT
//
// and its topology writes the Join's output through Aggregate-Prepare and
// Aggregate-GroupBy to the repartition sink.

// devicePings is that plan's query, over pings that name their device.
const devicePings = `CREATE STREAM pings (k STRING KEY, dev STRING, n INT) WITH (kafka_topic='pings', partitions=1, value_format='JSON');
CREATE TABLE devices (id STRING PRIMARY KEY, name STRING) WITH (kafka_topic='devices', partitions=1, value_format='JSON');
CREATE TABLE per_name AS SELECT d.name AS device_name, MIN(p.ROWTIME) AS first_seen, SUM(p.n) AS total FROM pings p JOIN devices d ON p.dev = d.id GROUP BY d.name;`

func TestStreamTableJoinAggregationWritesItsRowsToTheGroupByRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, devicePings, earliest())
	st.produceAt("devices", []byte("d1"), []byte(`{"NAME":"lamp"}`), 1000)
	st.produceAt("pings", []byte("x"), []byte(`{"DEV":"d1","N":3}`), 2000)
	st.produceAt("pings", []byte("y"), []byte(`{"DEV":"nowhere","N":4}`), 3000) // no device: not joined
	st.produceAt("pings", []byte("z"), []byte(`{"DEV":"d1","N":5}`), 4000)
	topic := sinkQueryTopic(t, url, "PER_NAME", "-Aggregate-GroupBy-repartition")
	var got []string
	for _, r := range st.records(topic, 2) {
		got = append(got, fmt.Sprintf("%s %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	want := []string{
		`lamp {"D_NAME":"lamp","P_ROWTIME":2000,"P_N":3} @2000`,
		`lamp {"D_NAME":"lamp","P_ROWTIME":4000,"P_N":5} @4000`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
	}
	want = []string{`{"FIRST_SEEN":2000,"TOTAL":3}`, `{"FIRST_SEEN":2000,"TOTAL":8}`}
	var results []string
	for _, r := range st.records("PER_NAME", 2) {
		results = append(results, string(r.Value))
	}
	if !slices.Equal(results, want) {
		t.Errorf("PER_NAME: got %q, want %q", results, want)
	}
}

func TestStreamTableJoinAggregationStoreHoldsTheJoinedColumnsAndIntermediates(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, devicePings, earliest())
	st.produceAt("devices", []byte("d1"), []byte(`{"NAME":"lamp"}`), 1000)
	st.produceAt("pings", []byte("x"), []byte(`{"DEV":"d1","N":3}`), 2000)
	st.produceAt("pings", []byte("z"), []byte(`{"DEV":"d1","N":5}`), 4000)
	st.waitStore(storeTopic(t, url, "PER_NAME"), map[string]storeEntry{
		"lamp": {`{"D_NAME":"lamp","P_ROWTIME":4000,"P_N":5,"KSQL_AGG_VARIABLE_0":2000,"KSQL_AGG_VARIABLE_1":8}`, 4000},
	})
}

// A restart reads the aggregation back from its store and goes on as one
// uninterrupted run would.
func TestStreamTableJoinAggregationResumesFromItsStore(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv, url := st.serve()
	mustKSQL(t, url, devicePings, earliest())
	st.produceAt("devices", []byte("d1"), []byte(`{"NAME":"lamp"}`), 1000)
	st.produceAt("devices", []byte("d2"), []byte(`{"NAME":"fan"}`), 1000)
	st.produceAt("pings", []byte("x"), []byte(`{"DEV":"d1","N":3}`), 2000)
	st.produceAt("pings", []byte("y"), []byte(`{"DEV":"d2","N":4}`), 3000)
	st.records("PER_NAME", 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.produceAt("pings", []byte("z"), []byte(`{"DEV":"d1","N":5}`), 4000)
	st.produceAt("devices", []byte("d2"), []byte(`{"NAME":"lamp"}`), 4500)
	st.produceAt("pings", []byte("w"), []byte(`{"DEV":"d2","N":7}`), 5000)
	st.serve()
	last := map[string]string{}
	for _, r := range st.records("PER_NAME", 4) {
		last[string(r.Key)] = string(r.Value)
	}
	want := map[string]string{"lamp": `{"FIRST_SEEN":2000,"TOTAL":15}`, "fan": `{"FIRST_SEEN":3000,"TOTAL":4}`}
	if !maps.Equal(last, want) {
		t.Errorf("PER_NAME after the restart: got %v, want %v", last, want)
	}
}

// A join's aggregation grouped by the join's key column is not
// repartitioned (groupByKey): the historical plan group-by_-_windowed_join
// (GROUP BY a.id of B LEFT JOIN A ON a.id = b.id) lists no
// Aggregate-GroupBy-repartition topic.
func TestJoinAggregationGroupedByTheJoinKeyHasNoRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE a (id STRING PRIMARY KEY, region STRING) WITH (kafka_topic='a', partitions=1, value_format='JSON');
CREATE STREAM b (id STRING) WITH (kafka_topic='b', partitions=1, value_format='JSON');
CREATE TABLE per_a AS SELECT a.id, COUNT(*) AS n FROM b LEFT JOIN a ON a.id = b.id GROUP BY a.id;`, earliest())
	st.produceAt("a", []byte("1"), []byte(`{"REGION":"one"}`), 1000)
	st.produceAt("b", nil, []byte(`{"ID":"1"}`), 2000)
	st.records("PER_A", 1)
	topic := sinkQueryTopic(t, url, "PER_A", "-Aggregate-GroupBy-repartition")
	if _, ok := topicExists(t, st, topic); ok {
		t.Errorf("%s exists", topic)
	}
}

// The repartition takes the joined rows that pass WHERE, as the GroupBy
// step follows the WHERE filter (AggregateNode), and a stream-stream
// join's rows too.
func TestStreamStreamJoinAggregationRepartitionsTheRowsWherePasses(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM clicks (id STRING KEY, page STRING) WITH (kafka_topic='clicks', partitions=1, value_format='JSON');
CREATE STREAM views (id STRING KEY, secs INT) WITH (kafka_topic='views', partitions=1, value_format='JSON');
CREATE TABLE per_page AS SELECT c.page, SUM(v.secs) AS secs FROM clicks c JOIN views v WITHIN 1 MINUTE ON c.id = v.id WHERE v.secs > 1 GROUP BY c.page;`, earliest())
	st.produceAt("clicks", []byte("u1"), []byte(`{"PAGE":"home"}`), 1000)
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":1}`), 2000) // WHERE drops it
	st.produceAt("views", []byte("u1"), []byte(`{"SECS":4}`), 3000)
	topic := sinkQueryTopic(t, url, "PER_PAGE", "-Aggregate-GroupBy-repartition")
	var got []string
	for _, r := range st.records(topic, 1) {
		got = append(got, fmt.Sprintf("%s %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
	}
	if want := []string{`home {"C_PAGE":"home","V_SECS":4} @3000`}; !slices.Equal(got, want) {
		t.Errorf("%s: got %q, want %q", topic, got, want)
	}
	if got := st.records("PER_PAGE", 1); string(got[0].Value) != `{"SECS":4}` {
		t.Errorf("PER_PAGE: got %s, want {\"SECS\":4}", got[0].Value)
	}
}
