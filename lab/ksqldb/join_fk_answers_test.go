package ksqldb

import (
	"encoding/binary"
	"strconv"
	"testing"
)

// longText is a KAFKA-format BIGINT key as its decimal text.
func longText(k []byte) string {
	if len(k) != 8 {
		return string(k)
	}
	return strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
}

// expectAt checks that the records of recs (as fkStoreRecs gives them) at
// the indexes at are want.
func expectAt(t *testing.T, recs []string, want map[int]string) {
	t.Helper()
	for i, w := range want {
		if i >= len(recs) || recs[i] != w {
			t.Errorf("record %d: want %q, got %q", i, w, recs)
		}
	}
}

// ksqlDB's foreign-key extractor wraps a null foreign key in a key
// (KsqlKeyExtractor: GenericKey.genericKey(value)), so Kafka Streams'
// SubscriptionSendProcessorSupplier.defaultJoinInstructions never sees a
// null one: the null key serializes to a null record key, which
// SubscriptionReceiveProcessorSupplier drops unless the instruction is
// PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE, answered with no right row and
// joined by ResponseJoinProcessorSupplier into a tombstone; a two-table
// join's result is not materialized (ForeignKeyTableTableJoinBuilder:
// Materialized without a store name), so every answer goes out, a
// tombstone too (fk-join.json "Should support inner join with left
// value-column expression" deletes a left row whose result was gone).
// An update keeping its key, a null one too (null bytes both), is
// subscribed with PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE in CP 7.9.4's Kafka
// Streams, answered only with a right row (confluentinc/kafka v7.9.4-ccs
// KAFKA-16407, SubscriptionSendProcessorSupplierTest
// innerJoinShouldPropagateUnchangedFKOnlyIfFKExistsInRightTable), where
// v7.9.0's PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE gave a tombstone.
func TestForeignKeyInnerJoinAnswersALeftUpdateAsKafkaStreams(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE parcels (id BIGINT PRIMARY KEY, label VARCHAR, depot BIGINT) WITH (kafka_topic='parcels', PARTITIONS=1, value_format='JSON');
CREATE TABLE depots (did BIGINT PRIMARY KEY, city VARCHAR) WITH (kafka_topic='depots', PARTITIONS=1, value_format='JSON');`, nil)
	l := func(ts int64, id uint64, v string) joinRec { return joinRec{"parcels", ts, longKey(id), joinValue(v)} }
	st.produceJoin(joinRec{"depots", 1, longKey(4), []byte(`{"CITY":"oslo"}`)},
		l(2, 1, `{"LABEL":"box","DEPOT":4}`),
		l(3, 1, `{"LABEL":"box","DEPOT":null}`), // its foreign key becomes null
		l(4, 1, `{"LABEL":"bag","DEPOT":null}`), // null before and after
		l(5, 1, ""),                             // a delete whose foreign key was null
		l(6, 2, `{"LABEL":"tin","DEPOT":6}`),    // a new row without a right row
		l(7, 2, `{"LABEL":"jar","DEPOT":6}`),    // the same foreign key, still without one
		l(8, 3, `{"LABEL":"cup","DEPOT":null}`), // a new row with a null foreign key
		l(9, 3, `{"LABEL":"cup","DEPOT":4}`),    // its foreign key stops being null
	)
	mustKSQL(t, url, "CREATE TABLE sent AS SELECT id, did, label, city FROM parcels JOIN depots ON depot = did;", earliest())
	recs := fkStoreRecs(t, st, "SENT", 3, longText)
	t.Run("a foreign key that becomes null deletes the result at the update's time", func(t *testing.T) {
		expectAt(t, recs, map[int]string{0: `1 {"DID":4,"LABEL":"box","CITY":"oslo"} @2`, 1: "1 <null> @3"})
	})
	// SENT holds three records (fkStoreRecs counts them): the updates at
	// 4, 5 and 7 give nothing
	t.Run("updates keeping a null key or a key with no right row, and deleting a row whose key was null, give nothing", func(t *testing.T) {
		expectAt(t, recs, map[int]string{2: `3 {"DID":4,"LABEL":"cup","CITY":"oslo"} @9`})
	})
	t.Run("a new row with a null foreign key gives nothing, and joins once the key is set", func(t *testing.T) {
		expectAt(t, recs, map[int]string{2: `3 {"DID":4,"LABEL":"cup","CITY":"oslo"} @9`})
	})
}

// A right row's update answers every left row pointing at it at the right
// record's own time (ForeignTableJoinProcessorSupplier forwards each
// subscriber's answer with the right record's context), not the later of
// the two rows' times, which only a left update's answer takes
// (SubscriptionJoinProcessorSupplier's resultTimestamp).
func TestForeignKeyJoinAnswersARightUpdateAtTheRightRecordsTime(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE parcels (id BIGINT PRIMARY KEY, label VARCHAR, depot BIGINT) WITH (kafka_topic='parcels', PARTITIONS=1, value_format='JSON');
CREATE TABLE depots (did BIGINT PRIMARY KEY, city VARCHAR) WITH (kafka_topic='depots', PARTITIONS=1, value_format='JSON');`, nil)
	d := func(ts int64, v string) joinRec { return joinRec{"depots", ts, longKey(4), joinValue(v)} }
	st.produceJoin(d(1000, `{"CITY":"oslo"}`), joinRec{"parcels", 5000, longKey(1), []byte(`{"LABEL":"box","DEPOT":4}`)})
	mustKSQL(t, url, `CREATE TABLE sent AS SELECT id, label, city FROM parcels JOIN depots ON depot = did;
CREATE TABLE listed AS SELECT id, label, city FROM parcels LEFT JOIN depots ON depot = did;`, earliest())
	// the right updates come once the left row is joined: a query takes
	// its inputs' records in timestamp order
	fkStoreRecs(t, st, "SENT", 1, longText)
	fkStoreRecs(t, st, "LISTED", 1, longText)
	st.produceJoin(d(3000, `{"CITY":"bergen"}`), d(2000, ""))
	t.Run("an inner join's answers to a right update and delete", func(t *testing.T) {
		want := []string{`1 {"LABEL":"box","CITY":"oslo"} @5000`, `1 {"LABEL":"box","CITY":"bergen"} @3000`, "1 <null> @2000"}
		sameLines(t, "SENT", fkStoreRecs(t, st, "SENT", 3, longText), want)
	})
	t.Run("a left join's answers to a right update and delete", func(t *testing.T) {
		want := []string{`1 {"LABEL":"box","CITY":"oslo"} @5000`, `1 {"LABEL":"box","CITY":"bergen"} @3000`, `1 {"LABEL":"box","CITY":null} @2000`}
		sameLines(t, "LISTED", fkStoreRecs(t, st, "LISTED", 3, longText), want)
	})
}

// In an N-way join that starts with a foreign-key join, the joins after it
// join the foreign-key join's stored answer, whose time is the answer's
// (the right record's for a right update), with their tables' rows, at the
// later of the two times (KTableKTableInnerJoin, KTableKTableLeftJoin):
// a later table's update takes the stored answer's time, not the left
// row's.
func TestForeignKeyJoinStartingAnNwayJoinTimesItsResultsByTheAnswer(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE parcels (id BIGINT PRIMARY KEY, depot BIGINT) WITH (kafka_topic='parcels', format='JSON', PARTITIONS=1);
CREATE TABLE depots (did BIGINT PRIMARY KEY, city STRING) WITH (kafka_topic='depots', format='JSON', PARTITIONS=1);
CREATE TABLE notes (nid BIGINT PRIMARY KEY, memo STRING) WITH (kafka_topic='notes', format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"depots", 1000, []byte("4"), []byte(`{"CITY":"oslo"}`)},
		joinRec{"parcels", 5000, []byte("1"), []byte(`{"DEPOT":4}`)})
	mustKSQL(t, url, "CREATE TABLE sent AS SELECT id, city, memo FROM parcels JOIN depots ON depot = did LEFT JOIN notes ON id = nid;", earliest())
	text := func(k []byte) string { return string(k) }
	// each earlier update comes once the one before is joined: a query
	// takes its inputs' records in timestamp order
	fkStoreRecs(t, st, "SENT", 1, text)
	st.produceJoin(joinRec{"depots", 3000, []byte("4"), []byte(`{"CITY":"bergen"}`)})
	fkStoreRecs(t, st, "SENT", 2, text)
	st.produceJoin(joinRec{"notes", 2000, []byte("1"), []byte(`{"MEMO":"fragile"}`)})
	recs := fkStoreRecs(t, st, "SENT", 3, text)
	t.Run("a right update's result takes the right record's time", func(t *testing.T) {
		expectAt(t, recs, map[int]string{0: `1 {"CITY":"oslo","MEMO":null} @5000`, 1: `1 {"CITY":"bergen","MEMO":null} @3000`})
	})
	t.Run("a later table's update takes the later of its time and the stored answer's", func(t *testing.T) {
		expectAt(t, recs, map[int]string{2: `1 {"CITY":"bergen","MEMO":"fragile"} @3000`})
	})
}

// A LEFT JOIN's left row that leaves its right row unsubscribes the old
// key unanswered in CP 7.9.4's Kafka Streams (confluentinc/kafka
// v7.9.4-ccs KAFKA-18713: SubscriptionSendProcessorSupplier.leftJoinInstructions
// sends DELETE_KEY_NO_PROPAGATE, then PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE;
// KTableKTableForeignKeyJoinIntegrationTest
// doJoinFromLeftThenUpdateFkThenRevertBack), so where joins follow, only
// the new key's answer is put to the join's output store and passed on to
// them (KTableSource, KTableKTableLeftJoin): no result with a null right
// side in between (v7.9.0's DELETE_KEY_AND_PROPAGATE gave one), and a
// deleted row one tombstone.
func TestForeignKeyLeftJoinStartingAnNwayJoinPassesOnlyTheNewKeysAnswerOn(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE parcels (id BIGINT PRIMARY KEY, depot BIGINT) WITH (kafka_topic='parcels', format='JSON', PARTITIONS=1);
CREATE TABLE depots (did BIGINT PRIMARY KEY, city STRING) WITH (kafka_topic='depots', format='JSON', PARTITIONS=1);
CREATE TABLE notes (nid BIGINT PRIMARY KEY, memo STRING) WITH (kafka_topic='notes', format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"depots", 1000, []byte("4"), []byte(`{"CITY":"oslo"}`)},
		joinRec{"depots", 2000, []byte("5"), []byte(`{"CITY":"bergen"}`)},
		joinRec{"notes", 3000, []byte("1"), []byte(`{"MEMO":"fragile"}`)},
		joinRec{"parcels", 4000, []byte("1"), []byte(`{"DEPOT":4}`)},
		joinRec{"parcels", 1500, []byte("1"), []byte(`{"DEPOT":5}`)},
		joinRec{"parcels", 6000, []byte("1"), nil})
	mustKSQL(t, url, "CREATE TABLE sent AS SELECT id, city, memo FROM parcels LEFT JOIN depots ON depot = did JOIN notes ON id = nid;", earliest())
	recs := fkStoreRecs(t, st, "SENT", 3, func(k []byte) string { return string(k) })
	t.Run("a changed foreign key's result is the new key's alone", func(t *testing.T) {
		expectAt(t, recs, map[int]string{0: `1 {"CITY":"oslo","MEMO":"fragile"} @4000`,
			1: `1 {"CITY":"bergen","MEMO":"fragile"} @3000`})
	})
	t.Run("a deleted row gets one tombstone", func(t *testing.T) {
		expectAt(t, recs, map[int]string{2: "1 <null> @6000"})
	})
}
