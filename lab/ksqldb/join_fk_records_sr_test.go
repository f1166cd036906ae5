package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
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
// a schema id (confluentinc/ksql v7.9.0 KsqlAvroSerdeFactory,
// KsqlJsonSerdeFactory, ProtobufSerdeFactory), and the registry gives a
// schema registered under another subject its id. The PrependAlias steps'
// columns are the historical plans'
// (fk-join_-_Should_repartition_RHS_if_the_key_format_comes_from_Schema_Registry,
// spec.json: PrependAliasLeft, PrependAliasRight), their values named
// KsqlDataSourceSchema (AVRO) or ConnectDefault1 (PROTOBUF) as their
// formats name none; a PROTOBUF key is a message of its column, named as
// the step names it, an AVRO or JSON_SR key the column alone
// (UNWRAP_SINGLES), the source's key schema.
func TestAForeignKeyJoinOfSchemaRegistryFormatsWritesItsSubscriptionsUnderKafkaStreamsSubjects(t *testing.T) {
	for _, c := range fkSRCases {
		t.Run(c.format, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			id := startSRFKJoin(t, st, url, c.format)
			reg := st.reg.URL()
			lk, _ := latestSchema(t, reg, "left_topic-key")
			lv, lvs := latestSchema(t, reg, "left_topic-value")
			rk, _ := latestSchema(t, reg, "right_topic-key")
			rv, rvs := latestSchema(t, reg, "right_topic-value")
			// the left record after the right one is processed (the tables'
			// topics are read apart)
			st.produceJoin(joinRec{"right_topic", 0, c.sourceKey(t, rk, 0), c.rightIn(t, rv, rvs)})
			st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
			st.produceJoin(joinRec{"left_topic", 10000, c.sourceKey(t, lk, 1), c.leftIn(t, lv, lvs)})
			registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 1)
			entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 1)
			responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 1)
			ids := map[string]int{}
			t.Run("the serializers register the join's schemas under Kafka Streams' subjects", func(t *testing.T) {
				for _, s := range c.subjects(t, st, id) {
					if !subjectExists(t, reg, s.subject) {
						t.Errorf("no subject %s", s.subject)
						continue
					}
					sid, schema := latestSchema(t, reg, s.subject)
					ids[s.suffix] = sid
					if !c.sameSchema(t, schema, s.schema) {
						t.Errorf("subject %s holds\n%s\nwant\n%s", s.subject, schema, s.schema)
					}
					if s.id != 0 && sid != s.id {
						t.Errorf("subject %s has schema id %d, want %d", s.subject, sid, s.id)
					}
				}
			})
			if t.Failed() {
				return
			}
			hash := fkHash(string(c.leftAlias(t, ids["-vh-value"])))
			pk, fk := c.aliasKey(t, ids["-pk-key"], 1), c.aliasKey(t, ids["-fk-key"], 0)
			sub := binary.BigEndian.AppendUint32(append(append([]byte{1, 3}, hash...), pk...), 0)
			t.Run("the subscription's keys are the tables' and its hash is of the left value in its format", func(t *testing.T) {
				fkSameRecords(t, registrations, []fkRec{{0, c.aliasKey(t, ids["-key"], 0), sub, 10000}})
			})
			t.Run("the store's key holds the foreign and primary keys in their formats", func(t *testing.T) {
				ck := append(binary.BigEndian.AppendUint32(nil, uint32(len(fk))), append(fk, pk...)...)
				fkSameRecords(t, entries, []fkRec{{0, ck, sub, 10000}})
			})
			t.Run("the answer holds the right value in its format", func(t *testing.T) {
				right := c.rightAlias(t, ids["-value"])
				fkSameRecords(t, responses, []fkRec{{0, c.aliasKey(t, ids["resp-key"], 1), append(append([]byte{0}, hash...), right...), 10000}})
			})
		})
	}
}

// fkSRJoin is the statements of the join, in format: fk-join.json's
// tables, a BIGINT key each.
func fkSRJoin(format string) string {
	return fmt.Sprintf(`CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='%[1]s', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR, f2 BIGINT) WITH (kafka_topic='right_topic', format='%[1]s', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`, format)
}

// startSRFKJoin runs fkSRJoin in format and waits for the registration
// topic.
func startSRFKJoin(t *testing.T, st *stack, url, format string) string {
	t.Helper()
	id := startFKQuery(t, st, url, fkSRJoin(format))
	return id
}

// fkSubject is a subject the join's serializers register: its name, the
// part after the application's topic (suffix), the schema it holds and,
// where known before, its id.
type fkSubject struct {
	subject, suffix, schema string
	id                      int
}

// fkSRCase is a format's schemas and encodings of the records of the
// spec: the right row 0 {"blah", 4} at 0, the left row 1 {"zero", 0} at
// 10000.
type fkSRCase struct {
	format     string
	sameSchema func(t *testing.T, got, want string) bool
	subjects   func(t *testing.T, st *stack, id string) []fkSubject
	// sourceKey is a source's key n; leftIn and rightIn the source rows
	sourceKey       func(t *testing.T, id int, n int64) []byte
	leftIn, rightIn func(t *testing.T, id int, schema string) []byte
	// aliasKey is a PrependAlias key n; leftAlias and rightAlias the
	// PrependAlias values of the rows
	aliasKey              func(t *testing.T, id int, n int64) []byte
	leftAlias, rightAlias func(t *testing.T, id int) []byte
}

// fkSubjectsOf lists the six subjects with their schemas: the keys' as
// the sources' key subjects hold them (for formats whose key is the
// column alone) or leftKey and rightKey, the values' leftAlias and
// rightAlias.
func fkSubjectsOf(t *testing.T, st *stack, id, leftKey, rightKey, leftAlias, rightAlias string) []fkSubject {
	registration, response := queryTopic(id, fkRegistrationTopic), queryTopic(id, fkResponseTopic)
	var lid, rid int
	if leftKey == "" {
		lid, leftKey = latestSchema(t, st.reg.URL(), "left_topic-key")
		rid, rightKey = latestSchema(t, st.reg.URL(), "right_topic-key")
	}
	return []fkSubject{
		{registration + "-key", "-key", rightKey, rid},
		{registration + "-fk-key", "-fk-key", rightKey, rid},
		{registration + "-pk-key", "-pk-key", leftKey, lid},
		{registration + "-vh-value", "-vh-value", leftAlias, 0},
		{response + "-key", "resp-key", leftKey, lid},
		{response + "-value", "-value", rightAlias, 0},
	}
}

func sameText(_ *testing.T, got, want string) bool { return got == want }

// jsonSROptional is a JSON_SR property of an optional Connect field at
// index i (JsonSchemaData.fromConnectSchema).
func jsonSROptional(name string, i int, typ string) string {
	return fmt.Sprintf(`%q:{"connect.index":%d,"oneOf":[{"type":"null"},%s]}`, name, i, typ)
}

const (
	jsonSRString = `{"type":"string"}`
	jsonSRInt    = `{"type":"integer","connect.type":"int32"}`
	jsonSRLong   = `{"type":"integer","connect.type":"int64"}`
)

// jsonSRWire is text under schema id, as KafkaJsonSchemaSerializer writes it.
func jsonSRWire(id int, text string) []byte {
	return append(binary.BigEndian.AppendUint32([]byte{0}, uint32(id)), text...)
}

var fkSRCases = []fkSRCase{
	{
		format:     "AVRO",
		sameSchema: sameJSON,
		subjects: func(t *testing.T, st *stack, id string) []fkSubject {
			return fkSubjectsOf(t, st, id, "", "", leftAlias, rightAlias)
		},
		sourceKey: func(_ *testing.T, id int, n int64) []byte { return avroLong(id, n) },
		leftIn: func(t *testing.T, id int, schema string) []byte {
			return avroWire(t, id, schema, map[string]any{"NAME": map[string]any{"string": "zero"}, "FOREIGN_KEY": map[string]any{"long": int64(0)}})
		},
		rightIn: func(t *testing.T, id int, schema string) []byte {
			return avroWire(t, id, schema, map[string]any{"F1": map[string]any{"string": "blah"}, "F2": map[string]any{"long": int64(4)}})
		},
		aliasKey: func(_ *testing.T, id int, n int64) []byte { return avroLong(id, n) },
		leftAlias: func(t *testing.T, id int) []byte {
			return avroWire(t, id, leftAlias, map[string]any{
				"LEFT_TABLE_NAME": map[string]any{"string": "zero"}, "LEFT_TABLE_FOREIGN_KEY": map[string]any{"long": int64(0)},
				"LEFT_TABLE_ROWTIME": map[string]any{"long": int64(10000)}, "LEFT_TABLE_ROWPARTITION": map[string]any{"int": int32(0)},
				"LEFT_TABLE_ROWOFFSET": map[string]any{"long": int64(0)}, "LEFT_TABLE_L_ID": map[string]any{"long": int64(1)},
			})
		},
		rightAlias: func(t *testing.T, id int) []byte {
			return avroWire(t, id, rightAlias, map[string]any{
				"RIGHT_TABLE_F1": map[string]any{"string": "blah"}, "RIGHT_TABLE_F2": map[string]any{"long": int64(4)},
				"RIGHT_TABLE_ROWTIME": map[string]any{"long": int64(0)}, "RIGHT_TABLE_ROWPARTITION": map[string]any{"int": int32(0)},
				"RIGHT_TABLE_ROWOFFSET": map[string]any{"long": int64(0)}, "RIGHT_TABLE_R_ID": map[string]any{"long": int64(0)},
			})
		},
	},
	{
		format:     "JSON_SR",
		sameSchema: sameJSON,
		subjects: func(t *testing.T, st *stack, id string) []fkSubject {
			alias := func(prefix, first string, second string) string {
				return `{"type":"object","properties":{` + jsonSROptional(prefix+first, 0, jsonSRString) + "," +
					jsonSROptional(prefix+second, 1, jsonSRLong) + "," + jsonSROptional(prefix+"ROWTIME", 2, jsonSRLong) + "," +
					jsonSROptional(prefix+"ROWPARTITION", 3, jsonSRInt) + "," + jsonSROptional(prefix+"ROWOFFSET", 4, jsonSRLong) + "," +
					jsonSROptional(prefix+map[string]string{"LEFT_TABLE_": "L_ID", "RIGHT_TABLE_": "R_ID"}[prefix], 5, jsonSRLong) + `}}`
			}
			return fkSubjectsOf(t, st, id, "", "", alias("LEFT_TABLE_", "NAME", "FOREIGN_KEY"), alias("RIGHT_TABLE_", "F1", "F2"))
		},
		sourceKey: func(_ *testing.T, id int, n int64) []byte { return jsonSRWire(id, fmt.Sprint(n)) },
		leftIn:    func(_ *testing.T, id int, _ string) []byte { return jsonSRWire(id, `{"NAME":"zero","FOREIGN_KEY":0}`) },
		rightIn:   func(_ *testing.T, id int, _ string) []byte { return jsonSRWire(id, `{"F1":"blah","F2":4}`) },
		aliasKey:  func(_ *testing.T, id int, n int64) []byte { return jsonSRWire(id, fmt.Sprint(n)) },
		leftAlias: func(_ *testing.T, id int) []byte {
			return jsonSRWire(id, `{"LEFT_TABLE_NAME":"zero","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":10000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
		},
		rightAlias: func(_ *testing.T, id int) []byte {
			return jsonSRWire(id, `{"RIGHT_TABLE_F1":"blah","RIGHT_TABLE_F2":4,"RIGHT_TABLE_ROWTIME":0,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":0}`)
		},
	},
	{
		// proto3 without a nullable representation: a default value
		// is not written
		format:     "PROTOBUF",
		sameSchema: sameText,
		subjects: func(t *testing.T, st *stack, id string) []fkSubject {
			msg := func(fields string) string {
				return "syntax = \"proto3\";\n\nmessage ConnectDefault1 {\n" + fields + "}\n"
			}
			return fkSubjectsOf(t, st, id, msg("  int64 LEFT_TABLE_L_ID = 1;\n"), msg("  int64 RIGHT_TABLE_R_ID = 1;\n"),
				msg("  string LEFT_TABLE_NAME = 1;\n  int64 LEFT_TABLE_FOREIGN_KEY = 2;\n  int64 LEFT_TABLE_ROWTIME = 3;\n  int32 LEFT_TABLE_ROWPARTITION = 4;\n  int64 LEFT_TABLE_ROWOFFSET = 5;\n  int64 LEFT_TABLE_L_ID = 6;\n"),
				msg("  string RIGHT_TABLE_F1 = 1;\n  int64 RIGHT_TABLE_F2 = 2;\n  int64 RIGHT_TABLE_ROWTIME = 3;\n  int32 RIGHT_TABLE_ROWPARTITION = 4;\n  int64 RIGHT_TABLE_ROWOFFSET = 5;\n  int64 RIGHT_TABLE_R_ID = 6;\n"))
		},
		sourceKey: protoLongKey,
		leftIn: func(_ *testing.T, id int, _ string) []byte {
			return protoWireRecord(id, 0, scalarField(nil, 1, "zero")) // FOREIGN_KEY 0 is the default
		},
		rightIn: func(_ *testing.T, id int, _ string) []byte {
			return protoWireRecord(id, 0, scalarField(scalarField(nil, 1, "blah"), 2, int64(4)))
		},
		aliasKey: protoLongKey,
		leftAlias: func(_ *testing.T, id int) []byte {
			return protoWireRecord(id, 0, scalarField(scalarField(scalarField(nil, 1, "zero"), 3, int64(10000)), 6, int64(1)))
		},
		rightAlias: func(_ *testing.T, id int) []byte {
			return protoWireRecord(id, 0, scalarField(scalarField(nil, 1, "blah"), 2, int64(4)))
		},
	},
}

// protoLongKey is a PROTOBUF key message of one BIGINT n, field 1.
func protoLongKey(_ *testing.T, id int, n int64) []byte {
	var m []byte
	if n != 0 {
		m = protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), uint64(n))
	}
	return protoWireRecord(id, 0, m)
}

// The schemas of the PrependAlias steps' AVRO values (the historical
// plans' PrependAliasLeft and PrependAliasRight in AvroSchemas' layout:
// every field optional).
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

// Terminating the query leaves these subjects: ksqlDB deletes only the
// subjects of the application's -changelog and -repartition topics
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../SchemaRegistryUtil
// .cleanupInternalTopicSchemas, isInternalSubject), though it deletes the
// subscription topics themselves.
func TestTerminatingAnAvroForeignKeyJoinKeepsItsSubscriptionSubjects(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startSRFKJoin(t, st, url, "AVRO")
	subjects := fkSubjectsOf(t, st, id, "", "", leftAlias, rightAlias)
	for _, s := range subjects {
		if !subjectExists(t, st.reg.URL(), s.subject) {
			t.Fatalf("no subject %s while the query runs", s.subject)
		}
	}
	mustKSQL(t, url, "TERMINATE "+id+"; DROP TABLE OUTPUT DELETE TOPIC;", nil)
	waitFor(t, func() bool { return len(internalTopics(t, st, id)) == 0 }, "the query's internal topics deleted")
	// the last of the query's subjects in the order they are deleted
	waitFor(t, func() bool { return !subjectExists(t, st.reg.URL(), queryTopic(id, "-Project-Last-changelog-value")) }, "the changelog's subject deleted")
	for _, s := range subjects {
		if !subjectExists(t, st.reg.URL(), s.subject) {
			t.Errorf("subject %s deleted with the query", s.subject)
		}
	}
}

// PROTOBUF has no UNWRAP_SINGLES: ksqlDB's KsqlKeyExtractor hands Kafka
// Streams GenericKey.genericKey(null) for a null foreign key, which the
// right table's key serializer writes as a message with no field set, not
// null bytes (confluentinc/ksql v7.9.0 KsqlKeyExtractor, ProtobufSerdeFactory,
// KsqlConnectSerializer: only a null row is null bytes). A LEFT JOIN's
// subscription with a null foreign key is thus keyed by that message, kept
// in the store, and answered by the right sub-topology as any other
// (apache/kafka 3.9.0-rc3 SubscriptionReceiveProcessorSupplier drops only a
// null key).
func TestAProtobufLeftForeignKeyJoinKeysANullForeignKeyAsAnEmptyMessage(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	// the left value's nullable representation reads FOREIGN_KEY back as
	// null where it is absent
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='PROTOBUF', VALUE_PROTOBUF_NULLABLE_REPRESENTATION='OPTIONAL', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', format='PROTOBUF', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;`)
	reg := st.reg.URL()
	lk, _ := latestSchema(t, reg, "left_topic-key")
	lv, _ := latestSchema(t, reg, "left_topic-value")
	st.produceJoin(joinRec{"left_topic", 1000, protoLongKey(t, lk, 1), protoWireRecord(lv, 0, scalarField(nil, 1, "a"))})
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 1)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 1)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 1)
	registration := queryTopic(id, fkRegistrationTopic)
	vh, _ := latestSchema(t, reg, registration+"-vh-value")
	pkID, _ := latestSchema(t, reg, registration+"-pk-key")
	fkID, _ := latestSchema(t, reg, registration+"-key")
	// optional fields: NAME "a", FOREIGN_KEY null (absent), ROWTIME 1000,
	// ROWPARTITION 0, ROWOFFSET 0, L_ID 1
	m := scalarField(scalarField(nil, 1, "a"), 3, int64(1000))
	m = scalarField(scalarField(scalarField(m, 4, int32(0)), 5, int64(0)), 6, int64(1))
	hash := fkHash(string(protoWireRecord(vh, 0, m)))
	pk, fk := protoLongKey(t, pkID, 1), protoWireRecord(fkID, 0, nil)
	sub := binary.BigEndian.AppendUint32(append(append([]byte{1, 2}, hash...), pk...), 0)
	t.Run("the subscription is keyed by the message of no field", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{{0, fk, sub, 1000}})
	})
	t.Run("the store keeps the subscription", func(t *testing.T) {
		ck := append(binary.BigEndian.AppendUint32(nil, uint32(len(fk))), append(fk, pk...)...)
		fkSameRecords(t, entries, []fkRec{{0, ck, sub, 1000}})
	})
	t.Run("the answer has no right row", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{{0, pk, append([]byte{0}, hash...), 1000}})
	})
}

// avroLong is n as the Avro serializer writes a long under schema id:
// the magic byte, the id, the zig-zag varint.
func avroLong(id int, n int64) []byte {
	return binary.AppendVarint(append([]byte{0}, binary.BigEndian.AppendUint32(nil, uint32(id))...), n)
}
