package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// An [INNER] JOIN's left update that keeps its foreign key subscribes it
// again with PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE (3), as CP 7.9.4's Kafka
// Streams does (confluentinc/kafka v7.9.4-ccs, KAFKA-16407:
// SubscriptionSendProcessorSupplier.defaultJoinInstructions' "unchanged
// FK" branch, SubscriptionSendProcessorSupplierTest
// innerJoinShouldPropagateUnchangedFKOnlyIfFKExistsInRightTable): the
// right side answers it only where it has the right row, so an update
// with no right row, or whose foreign key stays null (ksqlDB's
// KsqlKeyExtractor wraps it, so both serialize to null bytes and compare
// equal; a null record key, which SubscriptionReceiveProcessorSupplier
// drops for this instruction), gets no answer and the join no tombstone.
// v7.9.0 sent PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE (2) and answered those
// with no right row. Keys that change, to or from null among them, are
// handled as before: KAFKA-16407's new null branches see a null foreign
// key only for a delete under ksqlDB's extractor.
func TestForeignKeyInnerJoinAnswersAnUnchangedForeignKeyOnlyWithARightRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	id := startFKQuery(t, st, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, name VARCHAR, foreign_key BIGINT) WITH (kafka_topic='left_topic', value_format='JSON', partitions=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f1 VARCHAR) WITH (kafka_topic='right_topic', value_format='JSON', partitions=1);
CREATE TABLE output AS SELECT l_id, r_id, name, f1 FROM left_table JOIN right_table ON foreign_key = r_id;`)
	st.produceJoin(joinRec{"right_topic", 1000, longKey(0), []byte(`{"F1":"r"}`)})
	st.records(queryTopic(id, "-KafkaTopic_Right-Reduce-changelog"), 1)
	l := func(ts int64, id uint64, name, fk string) joinRec {
		return joinRec{"left_topic", ts, longKey(id), []byte(`{"NAME":"` + name + `","FOREIGN_KEY":` + fk + `}`)}
	}
	st.produceJoin(l(2000, 1, "a", "0"), l(3000, 1, "b", "0"), // with a right row
		l(4000, 2, "c", "9"), l(5000, 2, "d", "9"), // with none
		l(6000, 3, "e", "null"), l(7000, 3, "f", "null")) // a null foreign key
	hash := func(offset int, name, fk string, lid int) []byte {
		return fkHash(fmt.Sprintf(`{"LEFT_TABLE_NAME":"%s","LEFT_TABLE_FOREIGN_KEY":%s,"LEFT_TABLE_ROWTIME":%d,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":%d,"LEFT_TABLE_L_ID":%d}`,
			name, fk, 2000+1000*offset, offset, lid))
	}
	h := [][]byte{hash(0, "a", "0", 1), hash(1, "b", "0", 1), hash(2, "c", "9", 2), hash(3, "d", "9", 2), hash(4, "e", "null", 3), hash(5, "f", "null", 3)}
	sub := func(i int, pk uint64) []byte {
		return binary.BigEndian.AppendUint32(append(append([]byte{1, 3}, h[i]...), longKey(pk)...), 0)
	}
	combined := func(fk, pk uint64) []byte {
		return append(binary.BigEndian.AppendUint32(nil, 8), append(longKey(fk), longKey(pk)...)...)
	}
	registrations := fkRecords(t, st, queryTopic(id, fkRegistrationTopic), 6)
	entries := fkRecords(t, st, queryTopic(id, fkSubscriptionLog), 4)
	responses := fkRecords(t, st, queryTopic(id, fkResponseTopic), 2)
	t.Run("an update keeping its foreign key subscribes with PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE", func(t *testing.T) {
		fkSameRecords(t, registrations, []fkRec{
			{0, longKey(0), sub(0, 1), 2000}, {0, longKey(0), sub(1, 1), 3000},
			{0, longKey(9), sub(2, 2), 4000}, {0, longKey(9), sub(3, 2), 5000},
			{0, nil, sub(4, 3), 6000}, {0, nil, sub(5, 3), 7000},
		})
	})
	t.Run("the store keeps each non-null foreign key's subscription", func(t *testing.T) {
		fkSameRecords(t, entries, []fkRec{
			{0, combined(0, 1), sub(0, 1), 2000}, {0, combined(0, 1), sub(1, 1), 3000},
			{0, combined(9, 2), sub(2, 2), 4000}, {0, combined(9, 2), sub(3, 2), 5000},
		})
	})
	right := `{"RIGHT_TABLE_F1":"r","RIGHT_TABLE_ROWTIME":1000,"RIGHT_TABLE_ROWPARTITION":0,"RIGHT_TABLE_ROWOFFSET":0,"RIGHT_TABLE_R_ID":0}`
	t.Run("only the subscriptions with a right row are answered", func(t *testing.T) {
		fkSameRecords(t, responses, []fkRec{
			{0, longKey(1), append(append([]byte{0}, h[0]...), right...), 2000},
			{0, longKey(1), append(append([]byte{0}, h[1]...), right...), 3000},
		})
	})
	t.Run("no tombstone for an update without a right row", func(t *testing.T) {
		st.expectJoined("OUTPUT", []joinRec{
			{"OUTPUT", 2000, longKey(1), []byte(`{"R_ID":0,"NAME":"a","F1":"r"}`)},
			{"OUTPUT", 3000, longKey(1), []byte(`{"R_ID":0,"NAME":"b","F1":"r"}`)},
		})
	})
}
