package ksqldb

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"testing"
)

// A push query joining two tables builds the persistent join's steps
// (QueryBuilder.buildTransientQuery, see transient_internal_test.go): each
// table is materialized in its KafkaTopic_Left-/Right-Reduce store, and the
// final projection, whose input (the join) has no store, in Project-Last
// (TableSelectBuilder: formats given and no materialization upstream, so
// it forces one), all three logged under the transient application id.
// The historical plan joins_-_table_table_inner_join_-_JSON (7.1.0) lists
// the persistent query's topics, the same three changelogs. A transient
// query's projection keeps the join's key as its key and every projected
// column as a value, the key's copies too (FinalProjectNode: "Transient
// queries return key columns in the value"), in the join's key format and
// the left source's value format (SchemaKTable.select, InternalFormats).

// pushTables declares the historical plan's two tables over topics of two
// partitions.
const pushTables = `CREATE TABLE TEST (ID BIGINT PRIMARY KEY, NAME varchar, VALUE bigint) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=2);
CREATE TABLE TEST_TABLE (ID BIGINT PRIMARY KEY, F1 varchar, F2 bigint) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=2);`

func TestATransientTableTableJoinLogsBothTablesAndItsProjectionUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, pushTables, nil)
	st.produceJoin(joinRec{"left_topic", 0, longKey(0), []byte(`{"NAME":"zero","VALUE":0}`)},
		joinRec{"right_topic", 10000, longKey(0), []byte(`{"F1":"blah","F2":50}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT t.id, name, value, f1, f2 FROM test t JOIN test_table tt ON t.id = tt.id EMIT CHANGES;")
	if got := readLine(t, rd); got != `[0,"zero",0,"blah",50]` {
		t.Errorf("push row %s, want [0,\"zero\",0,\"blah\",50]", got)
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
		if got := topicConfigs(t, st.adm, topic, "cleanup.policy")["cleanup.policy"]; got != "compact" {
			t.Errorf("%s cleanup.policy %q, want compact", topic, got)
		}
	}
	l, r := st.records("left_topic", 1)[0], st.records("right_topic", 1)[0]
	sameLog(t, left, st.records(left, 1), []string{
		logLine(string(longKey(0)), `{"NAME":"zero","VALUE":0,"ROWPARTITION":`+strconv.Itoa(int(l.Partition))+`,"ROWOFFSET":0}`, 0),
	})
	sameLog(t, right, st.records(right, 1), []string{
		logLine(string(longKey(0)), `{"F1":"blah","F2":50,"ROWPARTITION":`+strconv.Itoa(int(r.Partition))+`,"ROWOFFSET":0}`, 10000),
	})
	sameLog(t, project, st.records(project, 1), []string{
		logLine(string(longKey(0)), `{"T_ID":0,"NAME":"zero","VALUE":0,"F1":"blah","F2":50}`, 10000),
	})
	// a delete of the left row deletes the result, and its store entry
	st.produceJoin(joinRec{"left_topic", 11000, longKey(0), nil})
	sameLog(t, project, st.records(project, 2)[1:], []string{logLine(string(longKey(0)), "<null>", 11000)})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}

// A push query's foreign-key join materializes both tables and its
// projection as the persistent one does (historical plan
// fk-join_-_Should_support_left_join_with_left_value-column_expression,
// 7.1.0: KafkaTopic_Left-Reduce, KafkaTopic_Right-Reduce and Project-Last
// changelogs), keyed by the left table's key; its LIMIT ends it and
// takes them away.
func TestATransientForeignKeyJoinLogsBothTablesAndItsProjectionUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', value_format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"right_topic", 0, longKey(0), []byte(`{"F1":"blah","F2":4}`)},
		joinRec{"left_topic", 10000, longKey(1), []byte(`{"NAME":"zero","FOREIGN_KEY":0}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[1,0,"zero","blah"]` {
		t.Errorf("push row %s, want [1,0,\"zero\",\"blah\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	left, right, project := app+"-KafkaTopic_Left-Reduce-changelog", app+"-KafkaTopic_Right-Reduce-changelog", app+"-Project-Last-changelog"
	for _, topic := range []string{left, right, project} {
		if _, ok := topics[topic]; !ok {
			t.Fatalf("no %s among the push query's internal topics %q", topic, slices.Sorted(maps.Keys(topics)))
		}
	}
	sameLog(t, project, st.records(project, 1), []string{
		logLine(string(longKey(1)), `{"L_ID":1,"R_ID":0,"NAME":"zero","F1":"blah"}`, 10000),
	})
	st.produceJoin(joinRec{"right_topic", 11000, longKey(0), []byte(`{"F1":"a","F2":5}`)})
	if got := readLine(t, rd); got != `[1,0,"zero","a"]` {
		t.Errorf("push row %s, want [1,0,\"zero\",\"a\"]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}
