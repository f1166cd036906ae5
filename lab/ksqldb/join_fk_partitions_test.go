package ksqldb

import (
	"testing"
)

// A foreign-key join of two tables needs no co-partitioning: the left
// table's topic may have fewer partitions than the right's, and the sink
// topic gets as many as the first source's (TopicCreateInjector sizes it
// as SourceTopicsExtractor's primary source topic, the FROM clause's).
// confluentinc/ksql 7.9.0 query-validation-tests fk-join.json "Should
// allow partition count mismatch" (left 1 partition, right 2).
func TestForeignKeyJoinOfTablesWithDifferentPartitionCounts(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE lt (id BIGINT PRIMARY KEY, name VARCHAR, fk BIGINT) WITH (kafka_topic='lt', value_format='JSON', partitions=1);
CREATE TABLE rt (rid BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='rt', value_format='JSON', partitions=2);`, nil)
	l := func(ts int64, id uint64, v string) joinRec { return joinRec{"lt", ts, longKey(id), joinValue(v)} }
	r := func(ts int64, id uint64, v string) joinRec { return joinRec{"rt", ts, longKey(id), joinValue(v)} }
	st.produceJoin(r(0, 0, `{"F1":"blah"}`), l(10, 1, `{"NAME":"zero","FK":0}`), l(13, 0, `{"NAME":"foo","FK":100}`),
		r(15, 0, `{"F1":"a"}`), l(16, 10, `{"NAME":"bar","FK":0}`), r(17, 0, ""), l(18, 1, ""))
	mustKSQL(t, url, "CREATE TABLE out AS SELECT id, rid, name, f1 FROM lt JOIN rt ON fk = rid;", earliest())
	want := []joinRec{
		{ts: 10, key: longKey(1), value: []byte(`{"RID":0,"NAME":"zero","F1":"blah"}`)},
		{ts: 15, key: longKey(1), value: []byte(`{"RID":0,"NAME":"zero","F1":"a"}`)},
		{ts: 16, key: longKey(10), value: []byte(`{"RID":0,"NAME":"bar","F1":"a"}`)},
		{ts: 17, key: longKey(1)}, {ts: 17, key: longKey(10)},
		{ts: 18, key: longKey(1)},
	}
	if parts, _ := topicExists(t, st, "OUT"); parts != 1 {
		t.Fatalf("OUT has %d partitions, want the left table's 1", parts)
	}
	st.expectJoined("OUT", want)
}
