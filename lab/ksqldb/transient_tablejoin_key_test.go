package ksqldb

import (
	"maps"
	"slices"
	"strings"
	"testing"
)

// A transient query's final projection keeps the join's key as the key of
// its schema whatever it projects (confluentinc/ksql v7.9.0,
// FinalProjectNode.build: "Transient queries return key columns in the
// value", builder.keyColumns(parentSchema.key())), and ProjectNode.
// buildStream passes that schema's key names to the TableSelect step,
// which names the Project-Last store's key column after them
// (TableSelectBuilder, Selection.buildSchema: keyNames from
// step.getKeyColumnNames()). So a push table-table join's Project-Last is
// keyed by the join's key, named as the join names it (ALIAS_NAME,
// LogicalPlanner.buildJoinKey), whether the projection leaves the key out
// or renames it, and holds the projected columns only.

// A projection without the key: the store is there all the same, keyed by
// the join's key, until the query's LIMIT ends it.
func TestATransientTableTableJoinWithoutItsKeyInTheProjectionLogsItsProjectionUnderTheJoinsKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pushTables, nil)
	st.produceJoin(joinRec{"left_topic", 0, longKey(0), []byte(`{"NAME":"zero","VALUE":0}`)},
		joinRec{"right_topic", 10000, longKey(0), []byte(`{"F1":"blah","F2":50}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT name, f1 FROM test t JOIN test_table tt ON t.id = tt.id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `["zero","blah"]` {
		t.Errorf("push row %s, want [\"zero\",\"blah\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	left, right, project := app+"-KafkaTopic_Left-Reduce-changelog", app+"-KafkaTopic_Right-Reduce-changelog", app+"-Project-Last-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{left, right, project}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 2 {
			t.Errorf("%s has %d partitions, want the tables' 2", topic, n)
		}
	}
	st.produceJoin(joinRec{"left_topic", 11000, longKey(0), []byte(`{"NAME":"one","VALUE":1}`)})
	if got := readLine(t, rd); got != `["one","blah"]` {
		t.Errorf("push row %s, want [\"one\",\"blah\"]", got)
	}
	sameLog(t, project, st.records(project, 2), []string{
		logLine(string(longKey(0)), `{"NAME":"zero","F1":"blah"}`, 10000),
		logLine(string(longKey(0)), `{"NAME":"one","F1":"blah"}`, 11000),
	})
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

// An aliased key: the Project-Last key, in a key format that names its
// field (PROTOBUF wraps a single key in a message, as the historical
// plans' PROTOBUF keySchemas show), is the join's T_ID, not the alias.
func TestATransientTableTableJoinNamesItsProjectionsKeyAfterTheJoinsKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', key_format='PROTOBUF', value_format='JSON', PARTITIONS=1);
CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', key_format='PROTOBUF', value_format='JSON', PARTITIONS=1);
INSERT INTO TEST (ID, NAME, VALUE) VALUES (0, 'zero', 0);
INSERT INTO TEST_TABLE (ID, F1, F2) VALUES (0, 'blah', 50);`, nil)
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT t.id AS k, name, f1 FROM test t JOIN test_table tt ON t.id = tt.id EMIT CHANGES;",
		map[string]any{"auto.offset.reset": "earliest"})
	if got := readLine(t, rd); got != `[0,"zero","blah"]` {
		t.Errorf("push row %s, want [0,\"zero\",\"blah\"]", got)
	}
	app, _ := transientTopics(t, st, qid)
	_, key := latestSchema(t, st.reg.URL(), app+"-Project-Last-changelog-key")
	if !strings.Contains(key, "int64 T_ID = 1;") {
		t.Errorf("the Project-Last key schema %q, want its one field named T_ID", key)
	}
}
