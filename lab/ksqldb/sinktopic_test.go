package ksqldb

import (
	"context"
	"testing"
	"time"
)

// TestSinkTopicsOfTablesAreCompactedAndOfStreamsDeleted: the topic ksqlDB
// creates for CREATE TABLE AS SELECT (without a window) has
// cleanup.policy=compact, the one for CREATE STREAM AS SELECT
// cleanup.policy=delete, both set on the topic. confluentinc/ksql,
// ksqldb-engine/src/main/java/io/confluent/ksql/topic/TopicCreateInjector.java
// (injectForCreateAsSelect).
func TestSinkTopicsOfTablesAreCompactedAndOfStreamsDeleted(t *testing.T) {
	st := newStack(t)
	st.createTopic("sink-src", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM src (id INT, name VARCHAR) WITH (KAFKA_TOPIC='sink-src', VALUE_FORMAT='JSON');
CREATE TABLE counts AS SELECT name, COUNT(*) AS n FROM src GROUP BY name EMIT CHANGES;
CREATE STREAM copy AS SELECT id, name FROM src EMIT CHANGES;`, earliest())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	configs, err := st.adm.DescribeTopicConfigs(ctx, "COUNTS", "COPY")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, rc := range configs {
		if rc.Err != nil {
			t.Fatalf("describe %s: %v", rc.Name, rc.Err)
		}
		for _, c := range rc.Configs {
			if c.Key == "cleanup.policy" && c.Value != nil {
				got[rc.Name] = *c.Value + " (" + c.Source.String() + ")"
			}
		}
	}
	want := map[string]string{"COUNTS": "compact (DYNAMIC_TOPIC_CONFIG)", "COPY": "delete (DYNAMIC_TOPIC_CONFIG)"}
	for topic, w := range want {
		if got[topic] != w {
			t.Errorf("%s: cleanup.policy %q, want %q", topic, got[topic], w)
		}
	}
}
