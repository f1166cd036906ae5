package ksqldb

import (
	"maps"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// An aggregation of a table-table join keeps two stores, as the historical
// plan group-by_-_on_join (confluentinc/ksql v7.9.0) shows: the Prepare
// step, a projection of the join's result that has no store of its own,
// is materialized as Aggregate-Prepare-Last (TableSelectBuilder's
// PROJECT_OP "Last"; KTABLE-TRANSFORMVALUES (stores:
// [Aggregate-Prepare-Last])), whose old value is the row the aggregation
// takes out when a result changes (KTableTransformValues with a store
// forwards the stored value as the Change's old one); and the aggregate,
// Aggregate-Aggregate-Materialize, laid out as an aggregation of one
// source's. The plan's spec.json lists both changelogs with the schemas
//
//	Aggregate.Prepare:               `T1_ID` BIGINT KEY, `T1_ID` BIGINT, `T1_TOTAL` INTEGER, `T2_TOTAL` INTEGER, `KSQL_INTERNAL_COL_3` INTEGER, `KSQL_INTERNAL_COL_4` INTEGER
//	Aggregate.Aggregate.Materialize: `T1_ID` BIGINT KEY, `T1_ID` BIGINT, `T1_TOTAL` INTEGER, `T2_TOTAL` INTEGER, `KSQL_AGG_VARIABLE_0` INTEGER, `KSQL_AGG_VARIABLE_1` BIGINT
//
// both keyed in the join's key format (KAFKA: 8 big-endian bytes); a
// timestamped store's record carries the time of the value it holds (the
// join result's, the later of its two rows'; the aggregate's, its latest
// record's: KTableAggregate).

// onJoin is QTT group-by.json "on join" in JSON.
const onJoin = `CREATE TABLE t1 (ID BIGINT PRIMARY KEY, TOTAL integer) WITH (kafka_topic='T1', partitions=4, value_format='JSON');
CREATE TABLE t2 (ID BIGINT PRIMARY KEY, TOTAL integer) WITH (kafka_topic='T2', partitions=4, value_format='JSON');
CREATE TABLE OUTPUT AS SELECT t1.ID, SUM(t1.total + CASE WHEN t2.total IS NULL THEN 0 ELSE t2.total END) as SUM FROM T1 LEFT JOIN T2 ON (t1.ID = t2.ID) GROUP BY t1.ID HAVING COUNT(1) > 0;`

// onJoinInput is one input record of that case.
type onJoinInput struct {
	topic string
	key   int64
	value string // "" for a tombstone
	ts    int64
}

// onJoinInputs are the case's inputs, each a second after the last.
var onJoinInputs = []onJoinInput{
	{"T1", 0, `{"TOTAL":100}`, 1000},
	{"T1", 1, `{"TOTAL":101}`, 2000},
	{"T2", 0, `{"TOTAL":5}`, 3000},
	{"T2", 1, `{"TOTAL":10}`, 4000},
	{"T2", 0, `{"TOTAL":20}`, 5000},
	{"T2", 0, "", 6000},
}

// onJoinOutputs are the case's expected results, {"SUM":100},
// {"SUM":101}, {"SUM":105}, {"SUM":111}, {"SUM":120}, {"SUM":100}, by key
// (the topics' four partitions keep each key's order only).
var onJoinOutputs = map[string][]string{
	string(bigintKey(0)): {`{"SUM":100}`, `{"SUM":105}`, `{"SUM":120}`, `{"SUM":100}`},
	string(bigintKey(1)): {`{"SUM":101}`, `{"SUM":111}`},
}

func (st *stack) produceOnJoin(in []onJoinInput) {
	st.t.Helper()
	for _, r := range in {
		var v []byte
		if r.value != "" {
			v = []byte(r.value)
		}
		st.produceAt(r.topic, bigintKey(r.key), v, r.ts)
	}
}

func TestTableTableJoinAggregationKeepsItsPrepareRowsInPrepareLast(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, onJoin, earliest())
	st.produceOnJoin(onJoinInputs)
	topic := sinkQueryTopic(t, url, "OUTPUT", "-Aggregate-Prepare-Last-changelog")
	st.waitStore(topic, map[string]storeEntry{
		string(bigintKey(0)): {`{"T1_ID":0,"T1_TOTAL":100,"T2_TOTAL":null,"KSQL_INTERNAL_COL_3":100,"KSQL_INTERNAL_COL_4":1}`, 6000},
		string(bigintKey(1)): {`{"T1_ID":1,"T1_TOTAL":101,"T2_TOTAL":10,"KSQL_INTERNAL_COL_3":111,"KSQL_INTERNAL_COL_4":1}`, 4000},
	})
	if n, _ := topicExists(t, st, topic); n != 4 {
		t.Errorf("%s has %d partitions, want 4 (a task per partition of T1 and T2)", topic, n)
	}
	for _, r := range st.records(topic, 2) {
		if want := basePartition(r.Key, 4); r.Partition != want {
			t.Errorf("%s record %x in partition %d, want its key's %d", topic, r.Key, r.Partition, want)
		}
	}
}

func TestTableTableJoinAggregationStoreIsLaidOutAsOneSourcesAggregation(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, onJoin, earliest())
	st.produceOnJoin(onJoinInputs)
	st.waitStore(storeTopic(t, url, "OUTPUT"), map[string]storeEntry{
		string(bigintKey(0)): {`{"T1_ID":0,"T1_TOTAL":100,"T2_TOTAL":null,"KSQL_AGG_VARIABLE_0":100,"KSQL_AGG_VARIABLE_1":1}`, 6000},
		string(bigintKey(1)): {`{"T1_ID":1,"T1_TOTAL":101,"T2_TOTAL":10,"KSQL_AGG_VARIABLE_0":111,"KSQL_AGG_VARIABLE_1":1}`, 4000},
	})
}

// A restart reads both stores back from their changelogs alone: key 0's
// next update takes out the row Prepare-Last holds (SUM 105 less 105 plus
// 120), and the results are the case's.
func TestTableTableJoinAggregationResumesFromItsStores(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv, url := st.serve()
	mustKSQL(t, url, onJoin, earliest())
	st.produceOnJoin(onJoinInputs[:3])
	st.records("OUTPUT", 3)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.produceOnJoin(onJoinInputs[3:])
	st.serve()
	got := map[string][]string{}
	for _, r := range st.records("OUTPUT", 6) {
		got[string(r.Key)] = append(got[string(r.Key)], string(r.Value))
	}
	if !maps.EqualFunc(got, onJoinOutputs, slices.Equal) {
		t.Errorf("OUTPUT across the restart: got %q, want %q", got, onJoinOutputs)
	}
}

// The query's internal topics are those the plan's spec.json lists: each
// table's KafkaTopic_<side>-Reduce changelog, the Prepare-Last and
// aggregate store changelogs and the GroupBy repartition topic.
func TestTableTableJoinAggregationHasThePlansInternalTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, onJoin, earliest())
	st.produceOnJoin(onJoinInputs[:1])
	st.records("OUTPUT", 1)
	id := queryWriting(t, url, "OUTPUT")
	want := []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition",
		"Aggregate-Prepare-Last-changelog", "KafkaTopic_Left-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog"}
	var got []string
	waitFor(t, func() bool {
		got = internalTopics(t, st, id)
		return slices.Equal(got, want)
	}, "the plan's internal topics")
}
