package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// An aggregation's store changelog, <application id>-Aggregate-Aggregate-
// Materialize-changelog, holds what ksqlDB's holds: per group a record
// keyed by the grouping values in the key format (with the window as
// Kafka Streams' window and session stores lay it out), whose value is a
// row in the source's value format of the store's schema. The schemas
// here are the historical plans' "Aggregate.Aggregate.Materialize" ones
// (confluentinc/ksql v7.9.0, ksqldb-functional-tests historical_plans);
// the key layouts are WindowKeySchema.toStoreKeyBinary and
// SessionKeySchema.toBinary (apache/kafka 3.9).

// storeEntry is the last record of one key of a changelog.
type storeEntry struct {
	value string // "<null>" for a tombstone
	ts    int64
}

// changelogState reads a changelog topic and gives the last record of
// each key; it stops at the first poll that brings nothing for half a
// second (waitStore reads again until what it wants is there).
func (st *stack) changelogState(topic string) map[string]storeEntry {
	st.t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.ConsumeTopics(topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		st.t.Fatal(err)
	}
	defer cl.Close()
	out := map[string]storeEntry{}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		if fs.NumRecords() == 0 {
			return out
		}
		fs.EachRecord(func(r *kgo.Record) {
			v := "<null>"
			if r.Value != nil {
				v = string(r.Value)
			}
			out[string(r.Key)] = storeEntry{value: v, ts: r.Timestamp.UnixMilli()}
		})
	}
}

// waitStore waits until a query's store changelog holds want (key bytes
// to last record).
func (st *stack) waitStore(topic string, want map[string]storeEntry) {
	st.t.Helper()
	var got map[string]storeEntry
	same := func() bool {
		got = st.changelogState(topic)
		if len(got) != len(want) {
			return false
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || g.ts != w.ts || g.value != w.value {
				return false
			}
		}
		return true
	}
	deadline := time.Now().Add(20 * time.Second)
	for !same() {
		if time.Now().After(deadline) {
			st.t.Fatalf("changelog %s:\n got %s\nwant %s", topic, showStore(got), showStore(want))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func showStore(m map[string]storeEntry) string {
	var out string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out += fmt.Sprintf("\n  %q -> %s @%d", k, m[k].value, m[k].ts)
	}
	return out
}

// sinkQueryTopic is the internal topic of the query writing sink that
// ends in suffix.
func sinkQueryTopic(t *testing.T, url, sink, suffix string) string {
	return queryTopic(queryWriting(t, url, sink), suffix)
}

// storeTopic is the store changelog of the query writing sink.
func storeTopic(t *testing.T, url, sink string) string {
	return sinkQueryTopic(t, url, sink, "-Aggregate-Aggregate-Materialize-changelog")
}

// historical plan count_-_count_star: `ID` STRING KEY, `ID` STRING,
// `ROWTIME` BIGINT, `KSQL_AGG_VARIABLE_0` BIGINT in DELIMITED: COUNT(*)
// reads ROWTIME, so the store keeps the latest row's.
func TestAggregateStoreChangelogHoldsTheStoreRowInTheValueFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (id STRING KEY, ignored STRING) WITH (kafka_topic='input_topic', partitions=1, value_format='DELIMITED');
CREATE TABLE output AS SELECT id, COUNT(*) FROM input GROUP BY id;`, earliest())
	st.produceAt("input_topic", []byte("a"), []byte("x"), 1000)
	st.produceAt("input_topic", []byte("b"), []byte("y"), 1500)
	st.produceAt("input_topic", []byte("a"), []byte("z"), 2000)
	st.waitStore(storeTopic(t, url, "OUTPUT"), map[string]storeEntry{
		"a": {"a,2000,2", 2000},
		"b": {"b,1500,1", 1500},
	})
}

// historical plan hopping-windows_-_count: `ID` INTEGER KEY, `ID` INTEGER,
// `KSQL_AGG_VARIABLE_0` BIGINT; a time window's store key is the key, the
// window start (8 bytes) and a sequence number (4 bytes, 0), and the
// record's time the window's latest record time.
func TestWindowStoreChangelogKeysAreTheKeyTheStartAndASequenceNumber(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (rowkey INT KEY, id INT) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE s2 AS SELECT id, COUNT(1) AS count FROM test WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY id;`, earliest())
	for _, ts := range []int64{1000, 3000, 12000} {
		st.produceAt("test_topic", intKey(0), []byte(`{"ID":7}`), ts)
	}
	key := func(start int64) string {
		return string(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint64(intKey(7), uint64(start)), 0))
	}
	st.waitStore(storeTopic(t, url, "S2"), map[string]storeEntry{
		key(0):     {`{"ID":7,"KSQL_AGG_VARIABLE_0":2}`, 3000},
		key(10000): {`{"ID":7,"KSQL_AGG_VARIABLE_0":1}`, 12000},
	})
}

// historical plan session-windows_-_max_session: `ID` BIGINT KEY, `ID`
// BIGINT, `VALUE` BIGINT, `KSQL_AGG_VARIABLE_0` BIGINT in DELIMITED; a
// session's store key is the key, the session's end, then its start, and a
// session merged into a longer one is deleted.
func TestSessionStoreChangelogKeysAreTheKeyTheEndThenTheStart(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM test (k BIGINT KEY, id BIGINT, name VARCHAR, value BIGINT) WITH (kafka_topic='test_topic', partitions=1, value_format='DELIMITED');
CREATE TABLE s2 AS SELECT id, MAX(value) FROM test WINDOW SESSION (30 SECONDS) GROUP BY id;`, earliest())
	k := binary.BigEndian.AppendUint64(nil, 0)
	st.produceAt("test_topic", k, []byte("5,zero,10"), 1000)
	st.produceAt("test_topic", k, []byte("5,zero,4"), 6000)
	key := func(end, start int64) string {
		b := binary.BigEndian.AppendUint64(nil, 5)
		return string(binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, uint64(end)), uint64(start)))
	}
	st.waitStore(storeTopic(t, url, "S2"), map[string]storeEntry{
		key(1000, 1000): {"<null>", 6000},
		key(6000, 1000): {"5,4,10", 6000},
	})
}

// historical plan average-udaf_-_average_int: `ID` STRING KEY, `ID` STRING,
// `VALUE` INTEGER, `KSQL_AGG_VARIABLE_0` STRUCT<`SUM` INTEGER, `COUNT`
// BIGINT> (AverageUdaf keeps the sum and the count).
func TestAggregateStoreHoldsTheUDAFsIntermediateStruct(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (id STRING KEY, value INTEGER) WITH (kafka_topic='test_topic', partitions=1, value_format='JSON');
CREATE TABLE output AS SELECT id, AVG(value) AS avg FROM input GROUP BY id;`, earliest())
	st.produceAt("test_topic", []byte("a"), []byte(`{"VALUE":4}`), 1000)
	st.produceAt("test_topic", []byte("a"), []byte(`{"VALUE":7}`), 2000)
	st.waitStore(storeTopic(t, url, "OUTPUT"), map[string]storeEntry{
		"a": {`{"ID":"a","VALUE":7,"KSQL_AGG_VARIABLE_0":{"SUM":11,"COUNT":2}}`, 2000},
	})
}

// A restarted engine reads each aggregation's state back from its store
// changelog and goes on from it: the results after the restart are those
// of one run over every record (computed here from the records).
func TestRestartResumesAggregatesFromTheirStores(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	st.createTopic("s", 1)
	type in struct {
		id, name string
		v        int
		ts       int64
	}
	before := []in{{"a", "x", 3, 1000}, {"b", "q", 2, 1500}, {"a", "y", 5, 2000}}
	after := []in{{"a", "x", 1, 3000}, {"b", "q", 4, 3500}, {"a", "z", 8, 4000}}
	produce := func(recs []in) {
		for _, r := range recs {
			st.produceAt("s", []byte(r.id), fmt.Appendf(nil, `{"V":%d,"NAME":%q}`, r.v, r.name), r.ts)
		}
	}
	stmts := `CREATE STREAM s (id STRING KEY, v INT, name STRING) WITH (kafka_topic='s', value_format='JSON');
CREATE TABLE agg AS SELECT id, COUNT(*) AS n, AVG(v) AS a, MAX(v) AS mx, COLLECT_LIST(name) AS names, LATEST_BY_OFFSET(name) AS latest, TOPK(v, 2) AS top, COUNT_DISTINCT(name) AS d FROM s GROUP BY id;
CREATE TABLE per_window AS SELECT id, COUNT(*) AS n FROM s WINDOW TUMBLING (SIZE 2 SECONDS) GROUP BY id;
CREATE TABLE sessions AS SELECT id, SUM(v) AS total FROM s WINDOW SESSION (30 SECONDS) GROUP BY id;`

	produce(before)
	srv, url := st.serve()
	mustKSQL(t, url, stmts, earliest())
	st.consumeRecords("AGG", len(before))
	st.consumeRecords("PER_WINDOW", len(before))
	st.consumeRecords("SESSIONS", len(before))
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	produce(after)
	_, url = st.serve()
	_ = url

	// what one run over all records gives, per key
	all := append(slices.Clone(before), after...)
	wantAgg := map[string]map[string]any{}
	wantTumbling := map[string]float64{}
	wantSession := map[string]float64{}
	for _, id := range []string{"a", "b"} {
		var vs []int
		var names []any
		distinct := map[string]bool{}
		sum := 0
		for _, r := range all {
			if r.id != id {
				continue
			}
			vs, names, distinct[r.name], sum = append(vs, r.v), append(names, r.name), true, sum+r.v
			wantTumbling[fmt.Sprintf("%s@%d", id, r.ts/2000*2000)]++
		}
		top := slices.Sorted(slices.Values(vs))
		slices.Reverse(top)
		wantAgg[id] = map[string]any{"N": float64(len(vs)), "A": float64(sum) / float64(len(vs)), "MX": float64(top[0]),
			"NAMES": names, "LATEST": names[len(names)-1], "TOP": []any{float64(top[0]), float64(top[1])}, "D": float64(len(distinct))}
		wantSession[id] = float64(sum) // every record within the gap: one session
	}

	lastByKey := func(topic string, n int, key func(*kgo.Record) string) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, r := range st.consumeRecords(topic, n) {
			var m map[string]any
			if r.Value != nil {
				if err := json.Unmarshal(r.Value, &m); err != nil {
					t.Fatalf("%s: %s: %v", topic, r.Value, err)
				}
			}
			out[key(r)] = m
		}
		return out
	}
	plainKey := func(r *kgo.Record) string { return string(r.Key) }
	windowKey := func(r *kgo.Record) string {
		return fmt.Sprintf("%s@%d", r.Key[:len(r.Key)-8], binary.BigEndian.Uint64(r.Key[len(r.Key)-8:]))
	}
	if got := lastByKey("AGG", len(all), plainKey); !reflect.DeepEqual(got, map[string]map[string]any(wantAgg)) {
		t.Errorf("AGG after the restart:\n got %v\nwant %v", got, wantAgg)
	}
	got := map[string]float64{}
	for k, m := range lastByKey("PER_WINDOW", len(all), windowKey) {
		got[k] = m["N"].(float64)
	}
	if !maps.Equal(got, wantTumbling) {
		t.Errorf("PER_WINDOW after the restart: got %v, want %v", got, wantTumbling)
	}
	// a session's rows: a tombstone for each session merged away, then the
	// merged one; the last row of the last session is the total
	sessions := st.consumeRecords("SESSIONS", 2*len(all)-2)
	gotSession := map[string]float64{}
	for _, r := range sessions {
		if r.Value == nil {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(r.Value, &m); err != nil {
			t.Fatal(err)
		}
		gotSession[string(r.Key[:len(r.Key)-16])] = m["TOTAL"].(float64)
	}
	if !maps.Equal(gotSession, wantSession) {
		t.Errorf("SESSIONS after the restart: got %v, want %v", gotSession, wantSession)
	}
}

// A window store's changelog record goes to the partition of the task
// that wrote it, which is the partition of its key without the window
// (Kafka Streams' changelogs are partitioned as their tasks; the task of
// a windowed aggregation reads the repartition topic, which
// WindowedStreamPartitioner fills by the key without its window).
func TestWindowStoreChangelogRecordsGoToTheirKeysPartition(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM clicks (user STRING KEY, page STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=4);
CREATE TABLE per_second AS SELECT user, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 SECOND) GROUP BY user;
CREATE TABLE visits AS SELECT user, COUNT(*) AS n FROM clicks WINDOW SESSION (500 MILLISECONDS) GROUP BY user;`, earliest())
	for i := int64(0); i < 8; i++ {
		st.produceAt("clicks", []byte("ann"), []byte(`{"page":"home"}`), i*1000)
	}
	want := basePartition([]byte("ann"), 4)
	for _, sink := range []string{"PER_SECOND", "VISITS"} {
		for _, r := range st.consumeRecords(storeTopic(t, url, sink), 8) {
			if r.Partition != want {
				t.Errorf("%s store record %x in partition %d, want %d", sink, r.Key, r.Partition, want)
			}
		}
	}
}
