package ksqldb

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// An aggregation of a foreign-key join runs as one of a primary-key
// table-table join: ForeignKeyTableTableJoinBuilder leaves the join's
// result unmaterialized (KTableHolder.unmaterialized), so the Prepare
// step is materialized in Aggregate-Prepare-Last (TableSelectBuilder),
// keyed by the left table's key (the join's key, LEFT_TABLE_L_ID in the
// historical plan fk-join_-_Should_support_left_join_with_left_value-column_expression),
// the GroupBy step writes the results' Changes to
// Aggregate-GroupBy-repartition (TableGroupByBuilder, KTableRepartitionMap)
// and KTableAggregate keeps Aggregate-Aggregate-Materialize. No QTT case
// or historical plan of confluentinc/ksql v7.9.0 aggregates a foreign-key
// join; this is the topology those builders make for it. COUNT(*) reads
// the left table's ROWTIME, so the Prepare row is RIGHT_TABLE_F1 then
// LEFT_TABLE_ROWTIME.

// fkCounts counts the left rows per f1 of the right row they point at.
const fkCounts = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', partitions=1, value_format='JSON');
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', partitions=1, value_format='JSON');
CREATE TABLE per_f1 AS SELECT right_table.f1, COUNT(*) AS n FROM left_table JOIN right_table ON foreign_key = r_id GROUP BY right_table.f1;`

// fkCountInputs: right row 1 is x, two left rows point at it, then it
// becomes y, which moves both (in left key order) from x to y.
var fkCountInputs = []joinRec{
	{"right_topic", 1000, bigintKey(1), []byte(`{"F1":"x","F2":10}`)},
	{"left_topic", 2000, bigintKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":1}`)},
	{"left_topic", 3000, bigintKey(2), []byte(`{"NAME":"b","FOREIGN_KEY":1}`)},
	{"right_topic", 4000, bigintKey(1), []byte(`{"F1":"y","F2":20}`)},
}

// change is a Change as ChangedSerializer writes one value alone: the
// value, then 1 for a new one or 0 for an old one.
func change(v string, isNew bool) string {
	if isNew {
		return v + "\x01"
	}
	return v + "\x00"
}

func TestForeignKeyJoinAggregationRepartitionsTheResultsChanges(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fkCounts, earliest())
	st.produceJoin(fkCountInputs...)
	topic := sinkQueryTopic(t, url, "PER_F1", "-Aggregate-GroupBy-repartition")
	row := func(f1 string, ts int) string {
		return fmt.Sprintf(`{"RIGHT_TABLE_F1":%q,"LEFT_TABLE_ROWTIME":%d}`, f1, ts)
	}
	sameLog(t, topic, st.records(topic, 6), []string{
		logLine("x", change(row("x", 2000), true), 2000),
		logLine("x", change(row("x", 3000), true), 3000),
		logLine("x", change(row("x", 2000), false), 4000),
		logLine("y", change(row("y", 2000), true), 4000),
		logLine("x", change(row("x", 3000), false), 4000),
		logLine("y", change(row("y", 3000), true), 4000),
	})
}

func TestForeignKeyJoinAggregationKeepsItsStores(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, fkCounts, earliest())
	st.produceJoin(fkCountInputs...)
	st.waitStore(sinkQueryTopic(t, url, "PER_F1", "-Aggregate-Prepare-Last-changelog"), map[string]storeEntry{
		string(bigintKey(1)): {`{"RIGHT_TABLE_F1":"y","LEFT_TABLE_ROWTIME":2000}`, 4000},
		string(bigintKey(2)): {`{"RIGHT_TABLE_F1":"y","LEFT_TABLE_ROWTIME":3000}`, 4000},
	})
	// the group x keeps the non-aggregate columns of the row taken out
	// last (KudafUndoAggregator)
	st.waitStore(storeTopic(t, url, "PER_F1"), map[string]storeEntry{
		"x": {`{"RIGHT_TABLE_F1":"x","LEFT_TABLE_ROWTIME":3000,"KSQL_AGG_VARIABLE_0":0}`, 4000},
		"y": {`{"RIGHT_TABLE_F1":"y","LEFT_TABLE_ROWTIME":3000,"KSQL_AGG_VARIABLE_0":2}`, 4000},
	})
}

// A restart reads the stores back: the right row's update after it takes
// both left rows' results out of x, as one run does (x: 1, 2, 1, 0; y: 1, 2).
func TestForeignKeyJoinAggregationResumesFromItsStores(t *testing.T) {
	st := newStack(t, kfake.DataDir(t.TempDir()))
	srv, url := st.serve()
	mustKSQL(t, url, fkCounts, earliest())
	st.produceJoin(fkCountInputs[:3]...)
	st.records("PER_F1", 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(fkCountInputs[3:]...)
	got := map[string][]string{}
	for _, r := range st.records("PER_F1", 6) {
		got[string(r.Key)] = append(got[string(r.Key)], string(r.Value))
	}
	want := map[string][]string{"x": {`{"N":1}`, `{"N":2}`, `{"N":1}`, `{"N":0}`}, "y": {`{"N":1}`, `{"N":2}`}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("PER_F1 across the restart: got %q, want %q", got, want)
	}
}
