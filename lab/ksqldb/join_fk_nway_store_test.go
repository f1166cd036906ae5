package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
)

// fkStoreChangelog is the changelog of the store Kafka Streams materializes
// a foreign-key join's result in when a join after it looks the result up:
// the historical plans of fk-n-way-join.json (confluentinc/ksql v7.9.0
// historical_plans/fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join,
// 7.1.0: "KTABLE-FK-JOIN-OUTPUT-0000000024 (stores:
// [KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025])", read by
// KTABLE-JOINOTHER-0000000034, and the topic in spec.json's list).
const fkStoreChangelog = "-KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025-changelog"

// fkStoreRecs reads n records of a changelog as the specs compare them: key and
// value bytes as text (a tombstone's value "<null>") and timestamp; it
// checks that the topic holds no more.
func fkStoreRecs(t *testing.T, st *stack, topic string, n int, key func([]byte) string) []string {
	t.Helper()
	var out []string
	for _, r := range st.records(topic, n) {
		v := "<null>"
		if r.Value != nil {
			v = string(r.Value)
		}
		out = append(out, fmt.Sprintf("%s %s @%d", key(r.Key), v, r.Timestamp.UnixMilli()))
	}
	ends, err := st.adm.ListEndOffsets(context.Background(), topic)
	if o, _ := ends.Lookup(topic, 0); err != nil || o.Offset != int64(n) {
		t.Errorf("%s holds %d records, want %d (%v)", topic, o.Offset, n, err)
	}
	return out
}

// The foreign-key join's store holds its result keyed by the left table's
// key in the join's key format (the left table's), its value the joined
// row in the left table's value format: the left table's PrependAlias
// columns, then the right table's (ForeignKeyJoinParamsFactory.createSchema;
// the plan's schema CTAS_OUTPUT_0.L_Join). Kafka Streams puts each answer
// the join resolves at the answer's time (SubscriptionJoinProcessorSupplier:
// the later of the left row's time and the right row's for a left update;
// ForeignTableJoinProcessorSupplier: the right record's own time for a
// right update), a delete as a tombstone, and the store's cache writes no
// tombstone for a key it does not hold (CachingKeyValueStore.putAndMaybeForward).
func TestForeignKeyJoinStartingAnNwayJoinLogsItsResultsToItsOutputStore(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"middle_topic", 1000, []byte("0"), []byte(`{"F2":100,"OTHER":"a"}`)},
		joinRec{"left_topic", 5000, []byte("1"), []byte(`{"FOREIGN_KEY":0}`)})
	mustKSQL(t, url, "CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;", earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), fkStoreChangelog)
	text := func(k []byte) string { return string(k) }
	row := func(fk, lts, loff, lid int, f2, other string, mts, moff, mid int) string {
		return fmt.Sprintf(`{"LEFT_TABLE_FOREIGN_KEY":%d,"LEFT_TABLE_ROWTIME":%d,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":%d,"LEFT_TABLE_L_ID":%d,`+
			`"MIDDLE_TABLE_F2":%s,"MIDDLE_TABLE_OTHER":%s,"MIDDLE_TABLE_ROWTIME":%d,"MIDDLE_TABLE_ROWPARTITION":0,"MIDDLE_TABLE_ROWOFFSET":%d,"MIDDLE_TABLE_M_ID":%d}`,
			fk, lts, loff, lid, f2, strconv.Quote(other), mts, moff, mid)
	}
	first := row(0, 5000, 0, 1, "100", "a", 1000, 0, 0) + " @5000"
	got := fkStoreRecs(t, st, topic, 1, text)
	t.Run("a left row's answer is put at the later of the two rows' times", func(t *testing.T) {
		if len(got) != 1 || got[0] != "1 "+first {
			t.Errorf("got %q, want %q", got, "1 "+first)
		}
	})
	st.produceJoin(
		joinRec{"middle_topic", 3000, []byte("0"), []byte(`{"F2":200,"OTHER":"b"}`)}, // a right update: its own time
		joinRec{"middle_topic", 6000, []byte("0"), nil},                              // the inner join's result is gone
		joinRec{"left_topic", 7000, []byte("2"), []byte(`{"FOREIGN_KEY":9}`)},        // no right row: nothing
		joinRec{"right_topic", 7500, []byte("1"), []byte(`{"F3":4}`)},                // a later join's table: nothing
		joinRec{"left_topic", 8000, []byte("1"), []byte(`{"FOREIGN_KEY":9}`)},        // no result before or after: nothing
		joinRec{"middle_topic", 9000, []byte("9"), []byte(`{"F2":900,"OTHER":"z"}`)}, // both left rows, by key
		joinRec{"left_topic", 10000, []byte("2"), nil},                               // a deleted left row
	)
	want := []string{
		"1 " + first,
		"1 " + row(0, 5000, 0, 1, "200", "b", 3000, 1, 0) + " @3000",
		"1 <null> @6000",
		"1 " + row(9, 8000, 2, 1, "900", "z", 9000, 3, 9) + " @9000",
		"2 " + row(9, 7000, 1, 2, "900", "z", 9000, 3, 9) + " @9000",
		"2 <null> @10000",
	}
	got = fkStoreRecs(t, st, topic, len(want), text)
	t.Run("updates, right-side answers and deletes follow as Kafka Streams puts them", func(t *testing.T) {
		for i := range want {
			if i >= len(got) || got[i] != want[i] {
				t.Errorf("record %d: got %q\nwant %q", i, got, want)
				break
			}
		}
	})
}

// In the KAFKA key format the store's key is the left table's BIGINT key
// as 8 big-endian bytes, and in the DELIMITED value format its value is
// the joined columns separated by commas, a LEFT JOIN's missing right row
// as empty fields (the join's formats: SchemaKTable.foreignKeyJoin takes
// the left table's key format and JoinNode the left source's value
// format). A LEFT JOIN's left row that leaves its right row puts only its
// new key's answer (SubscriptionSendProcessorSupplier.leftJoinInstructions
// in CP 7.9.4's Kafka Streams, confluentinc/kafka v7.9.4-ccs KAFKA-18713:
// the old key's DELETE_KEY_NO_PROPAGATE, unanswered, then the new key's
// PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE).
func TestForeignKeyJoinOutputStoreUsesTheLeftTablesFormats(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', key_format='KAFKA', value_format='DELIMITED', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', key_format='KAFKA', value_format='DELIMITED', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', key_format='KAFKA', value_format='DELIMITED', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"left_topic", 1000, bigintKey(1), []byte("7")},
		joinRec{"middle_topic", 2000, bigintKey(7), []byte("70,x")})
	mustKSQL(t, url, "CREATE TABLE output AS SELECT l_id, m_id, foreign_key, f2, f3 FROM left_table LEFT JOIN middle_table ON foreign_key = m_id JOIN right_table ON l_id = r_id;", earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), fkStoreChangelog)
	hexKey := func(k []byte) string { return fmt.Sprintf("%x", k) }
	fkStoreRecs(t, st, topic, 2, hexKey)
	st.produceJoin(joinRec{"left_topic", 1500, bigintKey(1), []byte("8")},
		joinRec{"left_topic", 3000, bigintKey(1), nil})
	got := fkStoreRecs(t, st, topic, 4, hexKey)
	want := []string{
		"0000000000000001 7,1000,0,0,1,,,,,, @1000",
		"0000000000000001 7,1000,0,0,1,70,x,2000,0,0,7 @2000",
		"0000000000000001 8,1500,0,1,1,,,,,, @1500",
		"0000000000000001 <null> @3000",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

// The changelog has a partition per task of the join's sub-topology (the
// sources' partitions), and a foreign-key join of two tables, whose result
// no join looks up, has no such store (historical plans
// fk-join_-_Should_support_inner_join_with_left_value-column_expression:
// "KTABLE-FK-JOIN-OUTPUT-0000000024 (stores: [])").
func TestForeignKeyJoinOutputStoreChangelogOnlyWhereAJoinFollows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=3);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=3);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=3);
CREATE TABLE chain AS SELECT l_id, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id JOIN right_table ON l_id = r_id;
CREATE TABLE pair AS SELECT l_id, f2 FROM left_table JOIN middle_table ON foreign_key = m_id;`, nil)
	chain := queryTopic(queryWriting(t, url, "CHAIN"), fkStoreChangelog)
	if parts := waitTopic(t, st, chain); parts != 3 {
		t.Errorf("%s has %d partitions, want the sources' 3", chain, parts)
	}
	pair := queryWriting(t, url, "PAIR")
	waitTopic(t, st, queryTopic(pair, "-Project-Last-changelog"))
	if _, ok := topicExists(t, st, queryTopic(pair, fkStoreChangelog)); ok {
		t.Errorf("a two-table foreign-key join has a %s topic", fkStoreChangelog)
	}
}

// The store's state is rebuilt from the tables on a restart, so a result
// deleted after it still gets its tombstone, and one never stored gets
// none (CachingKeyValueStore.putAndMaybeForward).
func TestForeignKeyJoinOutputStoreKnowsItsResultsAfterARestart(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`, nil)
	st.produceJoin(joinRec{"middle_topic", 1000, []byte("5"), []byte(`{"F2":50}`)},
		joinRec{"left_topic", 2000, []byte("1"), []byte(`{"FOREIGN_KEY":5}`)},
		joinRec{"left_topic", 3000, []byte("2"), []byte(`{"FOREIGN_KEY":6}`)})
	mustKSQL(t, url, "CREATE TABLE output AS SELECT l_id, f2, f3 FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id;", earliest())
	topic := queryTopic(queryWriting(t, url, "OUTPUT"), fkStoreChangelog)
	text := func(k []byte) string { return string(k) }
	entry := `1 {"LEFT_TABLE_FOREIGN_KEY":5,"LEFT_TABLE_ROWTIME":2000,"LEFT_TABLE_ROWPARTITION":0,"LEFT_TABLE_ROWOFFSET":0,"LEFT_TABLE_L_ID":1,"MIDDLE_TABLE_F2":50,"MIDDLE_TABLE_ROWTIME":1000,"MIDDLE_TABLE_ROWPARTITION":0,"MIDDLE_TABLE_ROWOFFSET":0,"MIDDLE_TABLE_M_ID":5} @2000`
	fkStoreRecs(t, st, topic, 1, text)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"left_topic", 4000, []byte("2"), nil}, joinRec{"left_topic", 5000, []byte("1"), nil})
	want := []string{entry, "1 <null> @5000"}
	if got := fkStoreRecs(t, st, topic, 2, text); !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
