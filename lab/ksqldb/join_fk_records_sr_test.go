package ksqldb

import (
	"encoding/binary"
	"testing"
)

// A foreign-key join of tables in a format of the schema registry writes
// its subscription records in the tables' serdes, whose serializers
// register the schemas under Kafka Streams' subjects (apache/kafka
// 3.9.0-rc3, streams/.../kstream/internals/KTableImpl.doJoinOnForeignKey
// and foreignkeyjoin/): the registration topic's key in the right table's
// key serde (<registration topic>-key), the foreign key compared and
// stored in the subscription store's key under the pseudo topic
// <registration topic>-fk (SubscriptionSendProcessorSupplier.serialize,
// CombinedKeySchema), the primary key in the subscription and the store's
// key under <registration topic>-pk (SubscriptionWrapperSerde,
// CombinedKeySchema), the left value hashed under <registration topic>-vh
// (SubscriptionSendProcessorSupplier.hash), and the answer keyed and its
// right value written under the response topic (the sink's key serde,
// SubscriptionResponseWrapperSerde.serialize(topic, ...)). ksqlDB's serdes
// register under TopicNameStrategy, <topic>-key for a key serde and
// <topic>-value for a value serde, as auto.register.schemas is on without
// a schema id (confluentinc/ksql v7.9.0 KsqlAvroSerdeFactory), and the
// registry gives a schema registered under another subject its id. The
// PrependAlias steps' schemas are the historical plans'
// (fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry,
// spec.json: PrependAliasLeft, PrependAliasRight), named
// KsqlDataSourceSchema as their value format names none.
func TestAnAvroForeignKeyJoinWritesItsSubscriptionsUnderKafkaStreamsSubjects(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startAvroFKJoin(t, st, url)
	reg := st.reg.URL()
	longID, _ := latestSchema(t, reg, "left_topic-key")
	leftID, leftSchema := latestSchema(t, reg, "left_topic-value")
	rightID, rightSchema := latestSchema(t, reg, "right_topic-value")
	st.produceJoin(
		joinRec{"right_topic", 0, avroLong(longID, 0), avroWire(t, rightID, rightSchema, map[string]any{"F1": map[string]any{"string": "blah"}, "F2": map[string]any{"long": int64(4)}})},
		joinRec{"left_topic", 10000, avroLong(longID, 1), avroWire(t, leftID, leftSchema, map[string]any{"NAME": map[string]any{"string": "zero"}, "FOREIGN_KEY": map[string]any{"long": int64(0)}})},
	)
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 1)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 1)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 1)

	registration, response := queryTopic(id, fkRegistrationTopic), queryTopic(id, fkResponseTopic)
	subjects := fkAvroSubjects(id)
	ids := map[string]int{}
	t.Run("the serializers register the join's schemas under Kafka Streams' subjects", func(t *testing.T) {
		for _, s := range subjects {
			if !subjectExists(t, reg, s.subject) {
				t.Errorf("no subject %s", s.subject)
				continue
			}
			sid, schema := latestSchema(t, reg, s.subject)
			ids[s.subject] = sid
			if !sameJSON(t, schema, s.schema) {
				t.Errorf("subject %s holds\n%s\nwant\n%s", s.subject, schema, s.schema)
			}
			if s.schema == `"long"` && sid != longID {
				t.Errorf("subject %s has schema id %d, want the keys' %d", s.subject, sid, longID)
			}
		}
	})
	if t.Failed() {
		return
	}
	vh := ids[registration+"-vh-value"]
	hash := fkHash(string(avroWire(t, vh, leftAlias, map[string]any{
		"LEFT_TABLE_NAME": map[string]any{"string": "zero"}, "LEFT_TABLE_FOREIGN_KEY": map[string]any{"long": int64(0)},
		"LEFT_TABLE_ROWTIME": map[string]any{"long": int64(10000)}, "LEFT_TABLE_ROWPARTITION": map[string]any{"int": int32(0)},
		"LEFT_TABLE_ROWOFFSET": map[string]any{"long": int64(0)}, "LEFT_TABLE_L_ID": map[string]any{"long": int64(1)},
	})))
	pk, fk := avroLong(longID, 1), avroLong(longID, 0)
	sub := binary.BigEndian.AppendUint32(append(append([]byte{1, 3}, hash...), pk...), 0)
	t.Run("the subscription's key and primary key are Avro and its hash is of the Avro left value", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{{0, fk, sub, 10000}})
	})
	t.Run("the store's key holds the Avro foreign and primary keys", func(t *testing.T) {
		ck := append(binary.BigEndian.AppendUint32(nil, uint32(len(fk))), append(fk, pk...)...)
		fkSameRecords(t, entries, []fkRec{{0, ck, sub, 10000}})
	})
	t.Run("the answer holds the Avro right value", func(t *testing.T) {
		right := avroWire(t, ids[response+"-value"], rightAlias, map[string]any{
			"RIGHT_TABLE_F1": map[string]any{"string": "blah"}, "RIGHT_TABLE_F2": map[string]any{"long": int64(4)},
			"RIGHT_TABLE_ROWTIME": map[string]any{"long": int64(0)}, "RIGHT_TABLE_ROWPARTITION": map[string]any{"int": int32(0)},
			"RIGHT_TABLE_ROWOFFSET": map[string]any{"long": int64(0)}, "RIGHT_TABLE_R_ID": map[string]any{"long": int64(0)},
		})
		fkSameRecords(t, responses, []fkRec{{0, pk, append(append([]byte{0}, hash...), right...), 10000}})
	})
}

const fkAvroTables = `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='AVRO', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', format='AVRO', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`

// The schemas of the PrependAlias steps' values (the historical plans'
// PrependAliasLeft and PrependAliasRight in AvroSchemas' layout: every
// field optional).
const (
	leftAlias = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"LEFT_TABLE_NAME","type":["null","string"],"default":null},{"name":"LEFT_TABLE_FOREIGN_KEY","type":["null","long"],"default":null},` +
		`{"name":"LEFT_TABLE_ROWTIME","type":["null","long"],"default":null},{"name":"LEFT_TABLE_ROWPARTITION","type":["null","int"],"default":null},` +
		`{"name":"LEFT_TABLE_ROWOFFSET","type":["null","long"],"default":null},{"name":"LEFT_TABLE_L_ID","type":["null","long"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
	rightAlias = `{"type":"record","name":"KsqlDataSourceSchema","namespace":"io.confluent.ksql.avro_schemas","fields":[` +
		`{"name":"RIGHT_TABLE_F1","type":["null","string"],"default":null},{"name":"RIGHT_TABLE_F2","type":["null","long"],"default":null},` +
		`{"name":"RIGHT_TABLE_ROWTIME","type":["null","long"],"default":null},{"name":"RIGHT_TABLE_ROWPARTITION","type":["null","int"],"default":null},` +
		`{"name":"RIGHT_TABLE_ROWOFFSET","type":["null","long"],"default":null},{"name":"RIGHT_TABLE_R_ID","type":["null","long"],"default":null}],` +
		`"connect.name":"io.confluent.ksql.avro_schemas.KsqlDataSourceSchema"}`
)

// startAvroFKJoin runs fkAvroTables and waits for the registration topic.
func startAvroFKJoin(t *testing.T, st *stack, url string) string {
	t.Helper()
	mustKSQL(t, url, fkAvroTables, earliest())
	id := queryWriting(t, url, "OUTPUT")
	waitTopic(t, st, queryTopic(id, fkRegistrationTopic))
	return id
}

// fkAvroSubjects are the subjects query id's serializers register, with
// their schemas.
func fkAvroSubjects(id string) []struct{ subject, schema string } {
	registration, response := queryTopic(id, fkRegistrationTopic), queryTopic(id, fkResponseTopic)
	return []struct{ subject, schema string }{
		{registration + "-key", `"long"`},
		{registration + "-fk-key", `"long"`},
		{registration + "-pk-key", `"long"`},
		{registration + "-vh-value", leftAlias},
		{response + "-key", `"long"`},
		{response + "-value", rightAlias},
	}
}

// Terminating the query leaves these subjects: ksqlDB deletes only the
// subjects of the application's -changelog and -repartition topics
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../SchemaRegistryUtil
// .cleanupInternalTopicSchemas, isInternalSubject), though it deletes the
// subscription topics themselves.
func TestTerminatingAnAvroForeignKeyJoinKeepsItsSubscriptionSubjects(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startAvroFKJoin(t, st, url)
	subjects := fkAvroSubjects(id)
	for _, s := range subjects {
		if !subjectExists(t, st.reg.URL(), s.subject) {
			t.Fatalf("no subject %s while the query runs", s.subject)
		}
	}
	mustKSQL(t, url, "TERMINATE "+id+"; DROP TABLE OUTPUT DELETE TOPIC;", nil)
	waitFor(t, func() bool { return len(internalTopics(t, st, id)) == 0 }, "the query's internal topics deleted")
	waitFor(t, func() bool { return !subjectExists(t, st.reg.URL(), queryTopic(id, "-Project-Last-changelog-value")) }, "the changelog's subject deleted")
	for _, s := range subjects {
		if !subjectExists(t, st.reg.URL(), s.subject) {
			t.Errorf("subject %s deleted with the query", s.subject)
		}
	}
}

// avroLong is n as the Avro serializer writes a long under schema id:
// the magic byte, the id, the zig-zag varint.
func avroLong(id int, n int64) []byte {
	return binary.AppendVarint(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n)
}
