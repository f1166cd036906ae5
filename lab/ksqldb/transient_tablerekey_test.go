package ksqldb

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"testing"
)

// A push join that rekeys a table side builds the persistent join's steps
// (QueryBuilder.buildTransientQuery, see transient_internal_test.go): the
// table, keyed in another format than the join's, goes by its own key
// through RightSourceKeyed-SelectKey-repartition into the
// RightSourceKeyed-Materialize store (SchemaKTable.selectKey forces the
// key format, TableSelectKeyBuilder), both named after the transient
// application id, made before the first row and deleted when the query
// ends.

// joins_-_stream-table_key-to-key_-_key_format_mismatch (7.1.0) as a push
// query: T, keyed in KAFKA, is rekeyed into S's DELIMITED format with the
// persistent query's record
// (TestATableJoinedOnKeysOfAnotherFormatIsRepartitionedIntoTheStreamsFormat),
// which its store's changelog holds too; the plan's topics are these two.
func TestATransientStreamTableJoinThatRekeysTheTableWritesItsRepartitionTopicUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("t", 4)
	st.createTopic("s", 4)
	mustKSQL(t, url, `CREATE TABLE T (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t', key_format='KAFKA', value_format='JSON');
CREATE STREAM S (ID INT KEY, FOO INT) WITH (kafka_topic='s', key_format='DELIMITED', value_format='JSON');`, nil)
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"s", 2000, []byte("10"), []byte(`{"foo":22}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT S.ID, VAL FROM S JOIN T ON S.ID = T.ID EMIT CHANGES LIMIT 2;")
	if got := readLine(t, rd); got != `[10,"hello"]` {
		t.Errorf("push row %s, want [10,\"hello\"]", got)
	}
	app, topics := transientTopics(t, st, qid)
	repart, store := app+"-RightSourceKeyed-SelectKey-repartition", app+"-RightSourceKeyed-Materialize-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{store, repart}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 4 {
			t.Errorf("%s has %d partitions, want the sources' 4", topic, n)
		}
	}
	src := st.records("t", 1)[0]
	want := fmt.Sprintf(`{"VAL":"hello","ROWTIME":1000,"ROWPARTITION":%d,"ROWOFFSET":%d,"ID":10}`, src.Partition, src.Offset)
	for _, topic := range []string{repart, store} {
		if rec := st.records(topic, 1)[0]; string(rec.Key) != "10" || string(rec.Value) != want || rec.Timestamp.UnixMilli() != 1000 {
			t.Errorf("%s record %q %s at %d, want \"10\" (DELIMITED) %s at 1000", topic, rec.Key, rec.Value, rec.Timestamp.UnixMilli(), want)
		}
	}
	if got := topicConfigs(t, st.adm, repart, "cleanup.policy", "retention.ms"); got["cleanup.policy"] != "delete" || got["retention.ms"] != "-1" {
		t.Errorf("%s configs %v, want a repartition topic's cleanup.policy delete, retention.ms -1", repart, got)
	}
	if got := topicConfigs(t, st.adm, store, "cleanup.policy")["cleanup.policy"]; got != "compact" {
		t.Errorf("%s cleanup.policy %q, want compact", store, got)
	}
	// a table row written after the query started reaches it through the
	// repartition topic
	st.produceJoin(joinRec{"t", 3000, kafkaInt(11), []byte(`{"VAL":"later"}`)})
	waitFor(t, func() bool { return distinctKeys(t, st, store) == 2 }, "the later table row in "+store)
	st.produceJoin(joinRec{"s", 4000, []byte("11"), []byte(`{"foo":23}`)})
	if got := readLine(t, rd); got != `[11,"later"]` {
		t.Errorf("push row %s, want [11,\"later\"]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}

// joins_-_table-table_key-to-key_-_key_format_mismatch (7.1.0) as a push
// query: T2, keyed in DELIMITED, is rekeyed into T1's KAFKA format, T1 is
// logged to KafkaTopic_Left-Reduce, the projection to Project-Last (see
// transient_tablejoin_test.go); the plan's topics are these four.
func TestATransientTableTableJoinThatRekeysTheRightTableWritesItsRepartitionTopicUntilItIsClosed(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE T1 (ID INT PRIMARY KEY, VAL STRING) WITH (kafka_topic='t1', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, FOO INT) WITH (kafka_topic='t2', key_format='DELIMITED', value_format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"t1", 1000, intKey(10), []byte(`{"VAL":"hello"}`)}, joinRec{"t2", 2000, []byte("10"), []byte(`{"FOO":1}`)})
	_, rd, qid := openQueryStream(t, h2c(), url, "SELECT * FROM T1 JOIN T2 ON T1.ID = T2.ID EMIT CHANGES;")
	if got := readLine(t, rd); got != `[10,"hello",10,1]` {
		t.Errorf("push row %s, want [10,\"hello\",10,1]", got)
	}
	app, topics := transientTopics(t, st, qid)
	left, project := app+"-KafkaTopic_Left-Reduce-changelog", app+"-Project-Last-changelog"
	repart, store := app+"-RightSourceKeyed-SelectKey-repartition", app+"-RightSourceKeyed-Materialize-changelog"
	if got, want := slices.Sorted(maps.Keys(topics)), []string{left, project, store, repart}; !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	rec := st.records(repart, 1)[0]
	if want := `{"FOO":1,"ROWTIME":2000,"ROWPARTITION":0,"ROWOFFSET":0,"ID":10}`; string(rec.Key) != string(intKey(10)) || string(rec.Value) != want {
		t.Errorf("%s record %x %s, want 10 as a KAFKA INT, %s", repart, rec.Key, rec.Value, want)
	}
	sameLog(t, project, st.records(project, 1), []string{
		logLine(string(intKey(10)), `{"T1_ID":10,"T1_VAL":"hello","T2_ID":10,"T2_FOO":1}`, 2000),
	})
	if r := do(t, http.DefaultClient, http.MethodPost, url+"/close-query", `{"queryId":"`+qid+`"}`, nil); r.code != 200 {
		t.Fatalf("close-query: %d %s", r.code, r.body)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the closed push query's internal topics deleted")
}
