package ksqldb

import (
	"context"
	"testing"
)

// DESCRIBE reads the source's topic also without EXTENDED, so partitions
// and replication are the topic's; when the topic cannot be described the
// answer still comes, with a warning "Error from Kafka: ..." and 0/0.
// confluentinc/ksql ksqldb-rest-app/.../execution/ListSourceExecutor.java
// (describeSource), ksqldb-engine/.../services/KafkaTopicClientImpl.java
// (describeTopics: "Failed to Describe Kafka Topic(s): [t]");
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/describe/
func TestDescribeWithoutExtendedShowsTopicPartitionsAndReplication(t *testing.T) {
	st := newStack(t)
	st.createTopic("trains", 3)
	st.createTopic("gone", 1)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM trains (id INT KEY, line VARCHAR) WITH (KAFKA_TOPIC='trains', VALUE_FORMAT='JSON');"+
		"CREATE STREAM gone (id INT KEY, line VARCHAR) WITH (KAFKA_TOPIC='gone', VALUE_FORMAT='JSON');", nil)

	ent := mustKSQL(t, url, "DESCRIBE trains;", nil)[0]
	sd := ent["sourceDescription"].(map[string]any)
	if sd["partitions"] != 3.0 || sd["replication"] != 1.0 || sd["extended"] != false {
		t.Errorf("DESCRIBE trains: partitions %v replication %v extended %v", sd["partitions"], sd["replication"], sd["extended"])
	}
	if w := ent["warnings"].([]any); len(w) != 0 {
		t.Errorf("DESCRIBE trains warnings: %v", w)
	}

	if _, err := st.adm.DeleteTopics(context.Background(), "gone"); err != nil {
		t.Fatal(err)
	}
	ent = mustKSQL(t, url, "DESCRIBE gone;", nil)[0]
	sd = ent["sourceDescription"].(map[string]any)
	w := ent["warnings"].([]any)
	if sd["partitions"] != 0.0 || sd["replication"] != 0.0 || len(w) != 1 ||
		w[0].(map[string]any)["message"] != "Error from Kafka: Failed to Describe Kafka Topic(s): [gone]" {
		t.Errorf("DESCRIBE gone: partitions %v replication %v warnings %v", sd["partitions"], sd["replication"], w)
	}
}

// DESCRIBE shows the CREATE statement as ksqlDB keeps it after its
// injectors: names upper-cased or back-quoted, canonical types, WITH
// properties upper-cased and sorted, KEY_FORMAT added. Compare the stored
// plans of confluentinc/ksql ksqldb-functional-tests/src/test/resources/
// historical_plans/project-filter_-_CSAS_with_custom_Kafka_topic_name/
// 7.1.0_1633126017028 (spec.json statement vs plan.json statementText).
func TestDescribeShowsTheNormalisedCreateStatement(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "create stream trains (id int key, `line` varchar, delay double) with (kafka_topic='trains', value_format='json', partitions=2);", nil)
	sd := mustKSQL(t, url, "DESCRIBE trains;", nil)[0]["sourceDescription"].(map[string]any)
	want := "CREATE STREAM TRAINS (ID INTEGER KEY, `line` STRING, DELAY DOUBLE) WITH (KAFKA_TOPIC='trains', KEY_FORMAT='KAFKA', PARTITIONS=2, VALUE_FORMAT='JSON');"
	if sd["statement"] != want {
		t.Errorf("statement:\n%v\nwant\n%v", sd["statement"], want)
	}
}
