package ksqldb

import (
	"fmt"
	"testing"
)

// ksqlDB materializes a source table it joins, with its ROWPARTITION and
// ROWOFFSET, in a store Kafka Streams logs to
// <application id>-KafkaTopic_<side>-Reduce-changelog: the historical plans
// of confluentinc/ksql v7.9.0 ksqldb-functional-tests list the topic
// (joins_-_stream-table_value-to-key_-_key_format_mismatch:
// KafkaTopic_Right-Reduce-changelog; multi-joins_-_stream-table-table_-_inner-inner_-_rekey:
// KafkaTopic_Right- and KafkaTopic_L_Right-Reduce-changelog) and its
// schema ("KafkaTopic_Right.Source.Materialized": `ID` INTEGER KEY, `VAL`
// STRING, `ROWPARTITION` INTEGER, `ROWOFFSET` BIGINT, in the table's
// formats, the step's stateStoreFormats).

func TestAJoinLogsItsTableSideToTheStoresChangelog(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, valueToKey, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 1000, kafkaInt(10), []byte(`{"VAL":"hello"}`)},
		joinRec{"t", 1500, kafkaInt(11), nil})
	topic := queryTopic(id, "-KafkaTopic_Right-Reduce-changelog")
	src := recordAt(t, st.records("t", 2), 1000)
	recs := st.records(topic, 2)
	rec := recordAt(t, recs, 1000)
	if want := fmt.Sprintf(`{"VAL":"hello","ROWPARTITION":%d,"ROWOFFSET":%d}`, src.Partition, src.Offset); string(rec.Key) != string(kafkaInt(10)) || string(rec.Value) != want {
		t.Errorf("%s record %x %s, want 0000000a %s", topic, rec.Key, rec.Value, want)
	}
	if del := recordAt(t, recs, 1500); string(del.Key) != string(kafkaInt(11)) || del.Value != nil {
		t.Errorf("%s record %x %q, want the tombstone of key 11", topic, del.Key, del.Value)
	}
	if parts, _ := topicExists(t, st, topic); parts != 4 {
		t.Errorf("%s has %d partitions, want the table's 4", topic, parts)
	}
	if got := topicConfigs(t, st.adm, topic, "cleanup.policy")["cleanup.policy"]; got != "compact" {
		t.Errorf("%s cleanup.policy %q, want compact", topic, got)
	}
}

func TestAChainOfJoinsLogsEachTableToItsStoresChangelog(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, K INT, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=1);
CREATE STREAM OUTPUT as SELECT S1.K, s1.V0, t2.V0, t3.V0 FROM S1 JOIN T2 ON S1.K = T2.ID JOIN T3 ON S1.K = T3.ID;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"right2", 10, kafkaInt(1), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(1), []byte(`{"V0":2}`)})
	// T2 is the innermost join's right side, T3 the outermost's
	for store, want := range map[string]string{"-KafkaTopic_L_Right-Reduce-changelog": `{"V0":2,"ROWPARTITION":0,"ROWOFFSET":0}`, "-KafkaTopic_Right-Reduce-changelog": `{"V0":3,"ROWPARTITION":0,"ROWOFFSET":0}`} {
		rec := st.records(queryTopic(id, store), 1)[0]
		if string(rec.Value) != want {
			t.Errorf("%s value %s, want %s", store, rec.Value, want)
		}
	}
}
