package ksqldb

import (
	"fmt"
	"maps"
	"slices"
	"testing"
)

// A push chain of stream-table joins that rekeys the first join's result
// before the next join writes that result through the persistent chain's
// Join-repartition under its transient application id, as it writes its
// stream through L_Join-repartition (QueryBuilder.buildTransientQuery, see
// transient_nwayrekey_test.go). The historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression
// (confluentinc/ksql v7.9.0) lists the persistent query's four internal
// topics, and its schema Join.Left is Join-repartition's value
// (joinrepartition_test.go); the test case's row is the push query's, and
// its LIMIT ends it.
func TestATransientChainThatRekeysItsResultBetweenTwoJoinsWritesItsRepartitionTopicsUntilItsLimit(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, K INT, V0 int) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=2);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=2);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=2);`, nil)
	st.produceJoin(joinRec{"right2", 10, kafkaInt(2), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(1), []byte(`{"V0":2}`)},
		joinRec{"left", 12, kafkaInt(0), []byte(`{"k":2,"V0":1}`)})
	_, rd, qid := openQueryStreamWith(t, h2c(), url, "SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.V0 = T2.ID JOIN T3 ON S1.K = T3.ID EMIT CHANGES LIMIT 2;",
		map[string]any{"auto.offset.reset": "earliest"})
	if got := readLine(t, rd); got != `[2,1,2,3]` {
		t.Errorf("push row %s, want [2,1,2,3]", got)
	}
	app, topics := transientTopics(t, st, qid)
	var want []string
	for _, suffix := range []string{"Join-repartition", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "L_Join-repartition"} {
		want = append(want, app+"-"+suffix)
	}
	if got := slices.Sorted(maps.Keys(topics)); !slices.Equal(got, want) {
		t.Fatalf("the push query's internal topics %q, want %q", got, want)
	}
	for topic, n := range topics {
		if n != 2 {
			t.Errorf("%s has %d partitions, want the sources' 2", topic, n)
		}
	}
	result := app + "-Join-repartition"
	if got := topicConfigs(t, st.adm, result, "cleanup.policy", "retention.ms"); got["cleanup.policy"] != "delete" || got["retention.ms"] != "-1" {
		t.Errorf("%s configs %v, want a repartition topic's cleanup.policy delete, retention.ms -1", result, got)
	}
	src, tbl := st.records("left", 1)[0], st.records("right", 1)[0]
	rec := st.records(result, 1)[0]
	wantVal := fmt.Sprintf(`{"S1_K":2,"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":%d,"S1_ROWOFFSET":%d,"S1_ID":0,"T2_V0":2,"T2_ROWTIME":11,"T2_ROWPARTITION":%d,"T2_ROWOFFSET":%d,"T2_ID":1}`,
		src.Partition, src.Offset, tbl.Partition, tbl.Offset)
	if string(rec.Value) != wantVal || !slices.Equal(rec.Key, kafkaInt(2)) || rec.Timestamp.UnixMilli() != 12 {
		t.Errorf("%s record %x %s at %d, want 00000002 %s at 12", result, rec.Key, rec.Value, rec.Timestamp.UnixMilli(), wantVal)
	}
	st.produceJoin(joinRec{"left", 13, kafkaInt(1), []byte(`{"k":2,"V0":1}`)})
	if got := readLine(t, rd); got != `[2,1,2,3]` {
		t.Errorf("push row %s, want [2,1,2,3]", got)
	}
	waitFor(t, func() bool { _, left := transientTopics(t, st, qid); return len(left) == 0 }, "the push query's internal topics deleted once its LIMIT is reached")
}
