package ksqldb

import (
	"testing"
)

// A join whose result is then partitioned (PARTITION BY) still repartitions
// its sides as any join does: the PartitionBy-SelectKey step comes after
// Join-merge, so each stream side joined on a value column goes through its
// Join-left-repartition or Join-right-repartition topic first
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../planner/LogicalPlanner.java
// builds the join, then the PARTITION BY over it). The historical plans of
// query-validation-tests partition-by.json 'partition by key in join on
// non-key', 'partition by non-Key in join on non-Key' and 'only key column -
// select star - with join on value columns' list both topics.

// joinThenPartition joins two streams on value columns and partitions the
// result by the left key.
const joinThenPartition = `CREATE STREAM lefts (k STRING KEY, a STRING, b STRING) WITH (KAFKA_TOPIC='lefts', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM rights (k STRING KEY, c STRING, d STRING) WITH (KAFKA_TOPIC='rights', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM matched AS SELECT lefts.k AS lk, rights.k FROM lefts JOIN rights WITHIN 10 SECONDS ON lefts.b = rights.d PARTITION BY lefts.k;`

func TestAJoinOnValueColumnsThenPartitionedRepartitionsBothSides(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinThenPartition, earliest())
	qid := queryWriting(t, url, "MATCHED")
	for _, suffix := range []string{"-Join-left-repartition", "-Join-right-repartition"} {
		topic := queryTopic(qid, suffix)
		waitFor(t, func() bool {
			_, ok := topicExists(t, st, topic)
			return ok
		}, "the repartition topic "+topic)
	}
}

func TestAJoinOnValueColumnsThenPartitionedJoinsThroughItsRepartitionTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, joinThenPartition, earliest())
	qid := queryWriting(t, url, "MATCHED")
	st.produceJoin(joinRec{"lefts", 1000, []byte("l1"), []byte(`{"A":"x","B":"pair"}`)},
		joinRec{"rights", 2000, []byte("r1"), []byte(`{"C":"y","D":"pair"}`)})
	// the case's output: keyed by the left key, the right key its value
	out := st.records("MATCHED", 1)[0]
	if string(out.Key) != "l1" || string(out.Value) != `{"RIGHTS_K":"r1"}` {
		t.Errorf("MATCHED record %q %s, want \"l1\" {\"RIGHTS_K\":\"r1\"}", out.Key, out.Value)
	}
	for _, suffix := range []string{"-Join-left-repartition", "-Join-right-repartition"} {
		if rec := st.records(queryTopic(qid, suffix), 1)[0]; string(rec.Key) != "pair" {
			t.Errorf("%s record keyed %q, want the join value \"pair\"", suffix, rec.Key)
		}
	}
}
