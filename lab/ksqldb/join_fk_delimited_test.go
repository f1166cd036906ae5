package ksqldb

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"
)

// A right table keyed in DELIMITED writes a null foreign key as zero
// bytes, not null bytes: ksqlDB's extractor hands Kafka Streams
// GenericKey.genericKey(null) (KsqlKeyExtractor), whose one null column
// KsqlDelimitedSerializer prints through a CSVPrinter of Commons CSV 1.4
// (CSVFormat.DEFAULT: no null string, so CSVFormat.print appends nothing
// for a null, then the record separator, which the serializer cuts off),
// an empty string (confluentinc/ksql v7.9.0 ksqldb-serde/.../delimited/
// KsqlDelimitedSerializer.java, DelimitedFormat.getSerde; apache/commons-csv
// rel/commons-csv-1.4 CSVFormat.print, CSVPrinter.printRecord). Kafka
// Streams compares the keys' bytes (SubscriptionSendProcessorSupplier:
// Arrays.equals, so zero bytes and a delete's null key differ) and sends
// the subscription under that empty key. The right table's sub-topology
// reads it back through the same serde, whose deserializer refuses an
// empty record (KsqlDelimitedDeserializer: "No fields in record"), and
// ksqlDB's LogMetricAndContinueExceptionHandler skips the record
// (KsqlConfig: default.deserialization.exception.handler;
// apache/kafka 3.9.0-rc3 RecordDeserializer.handleDeserializationFailure):
// no store entry, no answer, so the left row's result does not change.
// A delete's PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE goes out under a null
// key (the serializer of a null key writes null bytes), which the right
// side reads and answers (SubscriptionReceiveProcessorSupplier); a changed
// key's old one, a delete's too, is unsubscribed with
// DELETE_KEY_NO_PROPAGATE, unanswered, as CP 7.9.4's Kafka Streams does
// (confluentinc/kafka v7.9.4-ccs KAFKA-18713,
// SubscriptionSendProcessorSupplier.leftJoinInstructions).
func TestALeftForeignKeyJoinOfADelimitedKeyedTableLosesANullForeignKeysSubscription(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', key_format='DELIMITED', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;`)
	st.produceJoin(
		joinRec{"left_topic", 1000, longKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":null}`)},
		joinRec{"left_topic", 2000, longKey(1), []byte(`{"NAME":"b","FOREIGN_KEY":0}`)},
		joinRec{"left_topic", 3000, longKey(1), nil},
	)
	first := fkHash(`{"LEFT_TABLE_NAME":"a","LEFT_TABLE_FOREIGN_KEY":null,"LEFT_TABLE_ROWTIME":1000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1}`)
	second := fkHash(`{"LEFT_TABLE_NAME":"b","LEFT_TABLE_FOREIGN_KEY":0,"LEFT_TABLE_ROWTIME":2000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":1,"LEFT_TABLE_L_ID":1}`)
	pk := longKey(1)
	sub := func(instr byte, hash []byte) []byte {
		head := byte(1)
		if hash == nil {
			head |= 0x80
		}
		return binary.BigEndian.AppendUint32(append(append([]byte{head, instr}, hash...), pk...), 0)
	}
	output := st.records("OUTPUT", 1)
	t.Run("the left row has no result while its foreign key is null", func(t *testing.T) {
		got := fmt.Sprintf("%x %s @%d", output[0].Key, output[0].Value, output[0].Timestamp.UnixMilli())
		if want := fmt.Sprintf(`%x {"R_ID":null,"NAME":"b","F1":null} @2000`, pk); got != want {
			t.Errorf("first result %s, want %s", got, want)
		}
	})
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 5)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 2)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 2)
	t.Run("a null foreign key subscribes under an empty key, a delete's under a null key", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{
			{0, []byte{}, sub(2, first), 1000},
			{0, []byte{}, sub(0, second), 2000}, // the old, empty, key unsubscribed
			{0, []byte("0"), sub(2, second), 2000},
			{0, []byte("0"), sub(0, nil), 3000},
			{0, nil, sub(2, nil), 3000},
		})
	})
	t.Run("only the foreign key the right table's key reads back has a store entry", func(t *testing.T) {
		ck := append(binary.BigEndian.AppendUint32(nil, 1), append([]byte("0"), pk...)...)
		fkSameRecords(t, entries, []fkRec{{0, ck, sub(2, second), 2000}, {0, ck, nil, 3000}})
	})
	t.Run("the empty key's subscriptions are not answered", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{
			{0, pk, append([]byte{0}, second...), 2000},
			{0, pk, []byte{0x80}, 3000}, // the delete's null key's
		})
	})
}

// In an [INNER] JOIN a left row whose foreign key turns null unsubscribes
// its old key with DELETE_KEY_NO_PROPAGATE, unanswered, and subscribes the
// empty key with PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, which the right
// side cannot read (see
// TestALeftForeignKeyJoinOfADelimitedKeyedTableLosesANullForeignKeysSubscription):
// no answer comes, so the result it had stays, with no tombstone, until a
// later update's answer replaces it (apache/kafka 3.9.0-rc3
// SubscriptionSendProcessorSupplier.defaultJoinInstructions,
// ResponseJoinProcessorSupplier).
func TestAForeignKeyJoinOfADelimitedKeyedTableKeepsTheResultOfARowWhoseForeignKeyTurnsNull(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', key_format='DELIMITED', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`)
	// the left records after the right one is processed (the tables'
	// topics are read apart)
	st.produceJoin(joinRec{"right_topic", 0, []byte("0"), []byte(`{"F1":"r"}`)})
	st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
	st.produceJoin(
		joinRec{"left_topic", 1000, longKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":0}`)},
		joinRec{"left_topic", 2000, longKey(1), []byte(`{"NAME":"b","FOREIGN_KEY":null}`)},
		joinRec{"left_topic", 3000, longKey(1), []byte(`{"NAME":"c","FOREIGN_KEY":0}`)},
	)
	hash := func(name, fk string, ts, off int) []byte {
		return fkHash(fmt.Sprintf(`{"LEFT_TABLE_NAME":%q,"LEFT_TABLE_FOREIGN_KEY":%s,"LEFT_TABLE_ROWTIME":%d,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":%d,"LEFT_TABLE_L_ID":1}`, name, fk, ts, off))
	}
	ha, hb, hc := hash("a", "0", 1000, 0), hash("b", "null", 2000, 1), hash("c", "0", 3000, 2)
	pk := longKey(1)
	sub := func(instr byte, hash []byte) []byte {
		return binary.BigEndian.AppendUint32(append(append([]byte{1, instr}, hash...), pk...), 0)
	}
	output := st.records("OUTPUT", 2)
	t.Run("the result stays until the foreign key points at the right row again", func(t *testing.T) {
		var got []string
		for _, r := range output {
			got = append(got, fmt.Sprintf("%s @%d", r.Value, r.Timestamp.UnixMilli()))
		}
		want := []string{`{"R_ID":0,"NAME":"a","F1":"r"} @1000`, `{"R_ID":0,"NAME":"c","F1":"r"} @3000`}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("results %q, want %q", got, want)
		}
	})
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 5)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 3)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 2)
	t.Run("the null foreign key is subscribed and unsubscribed under the empty key", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{
			{0, []byte("0"), sub(3, ha), 1000},
			{0, []byte("0"), sub(0, hb), 2000},
			{0, []byte{}, sub(2, hb), 2000},
			{0, []byte{}, sub(0, hc), 3000},
			{0, []byte("0"), sub(2, hc), 3000},
		})
	})
	t.Run("the store holds the subscriptions of the non-null foreign key", func(t *testing.T) {
		ck := append(binary.BigEndian.AppendUint32(nil, 1), append([]byte("0"), pk...)...)
		fkSameRecords(t, entries, []fkRec{{0, ck, sub(3, ha), 1000}, {0, ck, nil, 2000}, {0, ck, sub(2, hc), 3000}})
	})
	t.Run("only the non-null foreign key's subscriptions are answered", func(t *testing.T) {
		right := `{"RIGHT_TABLE_F1":"r","RIGHT_TABLE_ROWTIME":0,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":0}`
		fkSameRecords(t, responses, []fkRec{
			{0, pk, append(append([]byte{0}, ha...), right...), 1000},
			{0, pk, append(append([]byte{0}, hc...), right...), 3000},
		})
	})
}

// The right table's key deserializer that refuses a null foreign key's
// zero bytes is the PrependAliasRight step's key serde, which Kafka
// Streams reads the registration topic with: ksqlDB wraps it in a
// LoggingDeserializer under that step's logger, which logs the refusal
// as a DeserializationError before the record is skipped: the
// KsqlDelimitedDeserializer's "Error deserializing delimited", its cause
// "No fields in record", the key target and the registration topic
// (confluentinc/ksql v7.9.0 TableSelectBuilder builds the key serde with
// the step's query context; RuntimeBuildContext.buildKeySerde,
// GenericSerdeFactory.wrapInLoggingSerde, LoggingDeserializer,
// DeserializationError, LoggingSerdeUtil.getCause).
func TestAForeignKeyJoinOfADelimitedKeyedTableLogsTheNullForeignKeyItCannotRead(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', key_format='DELIMITED', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table LEFT JOIN right_table ON foreign_key = r_id;`)
	st.produceJoin(joinRec{"left_topic", 1000, longKey(1), []byte(`{"NAME":"a","FOREIGN_KEY":null}`)})
	recs := st.consume("default_ksql_processing_log", 1)
	var e plogEntry
	if err := json.Unmarshal(recs[0].value, &e); err != nil || e.Message.Deser == nil {
		t.Fatalf("processing log record %q: not a deserialization error (%v)", recs[0].value, err)
	}
	d := e.Message.Deser
	got := fmt.Sprintf("%s %s %d %s %q %v %q %v", e.Logger, e.Level, e.Message.Type, d.Target, d.ErrorMessage, d.RecordB64 == nil, d.Cause, d.Topic)
	want := fmt.Sprintf("%s %s %d %s %q %v %q %v", "processing."+id+".PrependAliasRight.deserializer", "ERROR", 0, "key",
		"Error deserializing delimited", true, []string{"No fields in record"}, queryTopic(id, fkRegistrationTopic))
	if got != want {
		t.Errorf("processing log entry\n %s\nwant\n %s", got, want)
	}
}
