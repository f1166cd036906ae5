package ksqldb

import (
	"context"
	"testing"
)

// A query's changelog topic has as many partitions as its source topic:
// Kafka Streams sizes a changelog by the tasks of its sub-topology, one per
// source partition (InternalTopicManager; "Internal topics" in
// https://kafka.apache.org/39/documentation/streams/developer-guide/manage-topics.html).
// The restore reads every partition (TestRestartResumesCounts restarts over
// a two-partition source).
func TestChangelogTopicHasTheSourcesPartitionCount(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	ents := mustKSQL(t, url, `CREATE STREAM s (id INT KEY, line STRING) WITH (KAFKA_TOPIC='s', PARTITIONS=3, VALUE_FORMAT='JSON');
CREATE TABLE counts AS SELECT line, COUNT(*) AS n FROM s GROUP BY line;`, earliest())
	qid := ents[1]["commandStatus"].(map[string]any)["queryId"].(string)
	changelog := "_confluent-ksql-default_query_" + qid + "-Aggregate-Aggregate-Materialize-changelog"
	var parts int
	waitFor(t, func() bool {
		td, err := st.adm.ListTopics(context.Background(), changelog)
		if err != nil || td[changelog].Err != nil {
			return false
		}
		parts = len(td[changelog].Partitions)
		return parts > 0
	}, "the changelog topic exists")
	if parts != 3 {
		t.Errorf("changelog %s has %d partitions, want 3", changelog, parts)
	}
}
