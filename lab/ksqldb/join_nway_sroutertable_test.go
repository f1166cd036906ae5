package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// A table keyed in KAFKA for the registry-keyed chains.
const registryKafkaTable = "CREATE TABLE T (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='t', partitions=1, key_format='KAFKA', value_format='JSON');\n"

// A chain keyed in formats that infer schemas whose FULL OUTER step
// between others (registryOuterMidChain's first two steps: S1 and S2
// through L_L_Join-left-/-right-repartition in JSON_SR, S3 alone through
// L_Join-right-repartition) is followed by a stream-table join on S1.ID
// with a table keyed in KAFKA. The FULL OUTER result is keyed by its
// synthetic ROWKEY (JoinTree.joinEquivalenceSet is empty for an OUTER
// join), so the stream-table join rekeys it by S1.ID through
// Join-repartition (StreamTableJoinBuilder's Joined name), its values the
// joined streams' PrependAlias columns with the null ROWKEY after S3's, as
// the historical plan multi-joins_-_stream-stream-table_-_full-inner
// rekeys its FULL OUTER result (schema Join.Left), in the table's KAFKA
// (JoinNode.resolveKeyFormats: the right side needs no rekey), which
// forces no repartition of the table (PreJoinRepartitionNode). The table
// is built first (indexes 0 to 5, as in that plan), so the stream-stream
// steps' stores are registryOuterMidChain's six higher:
// KSTREAM-JOINTHIS/-JOINOTHER 22/23 and KSTREAM-OUTERTHIS/-OUTEROTHER 34/35.
const registryOuterTableChain = registryKafkaTable +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, T.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN T ON S1.ID = T.ID;"

// kafkaNumberOrNull shows a KAFKA INT or BIGINT key, or <null> for none.
func kafkaNumberOrNull(b []byte) string {
	switch len(b) {
	case 0:
		if b == nil {
			return "<null>"
		}
	case 4:
		return fmt.Sprint(int32(binary.BigEndian.Uint32(b)))
	case 8:
		return fmt.Sprint(int64(binary.BigEndian.Uint64(b)))
	}
	return fmt.Sprintf("not a KAFKA INT or BIGINT key: % x", b)
}

func TestAStreamTableJoinAfterAFullOuterStepBetweenOthersOfARegistryKeyedChainRekeysItsResultThroughJoinRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterTableChain)
	st.produceJoin(joinRec{"t", 0, kafkaInt(0), []byte(`{"V0":9}`)},
		joinRec{"s1", 1, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 4, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)})

	// the FULL OUTER step emits the first step's result alone at once,
	// then with S3's record of key 0, and both find T's row; S3's record
	// of key 5 goes out alone, with a null S1.ID, so its rekey has a null
	// key and the stream-table join skips it
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"T_V0":9} @2`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T_V0":9} @3`,
	})
	s1 := aliasedRow("S1", 1, 1, 0)
	s2 := aliasedRow("S2", 2, 2, 0)
	s3 := aliasedRow("S3", 3, 3, 0)
	s3k5 := `"S3_V0":4,"S3_ROWTIME":4,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5`
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @1"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000022-store-changelog", nil, 12, []string{"0@1#1 {" + s1 + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000023-store-changelog", nil, 12, []string{"0@2#1 {" + s2 + "} @2"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 {" + s3 + "} @3", "5 {" + s3k5 + "} @4"}},
		{"-KSTREAM-OUTERTHIS-0000000034-store-changelog", nil, 12, []string{"0@2#1 {" + s1 + "," + s2 + "} @2"}},
		{"-KSTREAM-OUTEROTHER-0000000035-store-changelog", nil, 12, []string{"0@3#1 {" + s3 + "} @3", "5@4#2 {" + s3k5 + "} @4"}},
		{"-Join-repartition", kafkaNumberOrNull, 0, []string{
			"0 " + rekeyed(s1+","+s2+","+noRow("S3")) + " @2",
			"0 " + rekeyed(s1+","+s2+","+s3) + " @3",
			"<null> " + rekeyed(noRow("S1")+","+noRow("S2")+","+s3k5) + " @4",
		}},
	})
	noPrivateJoinLog(t, st, id)
}

// registryOuterChain (a FULL OUTER first step, its result rekeyed by the
// second join) followed by a stream-table join on S1.V0 with a table
// keyed in KAFKA by a BIGINT: the join rekeys the second join's result by
// S1.V0 through Join-repartition in the table's KAFKA, its values that
// join's schema (the FULL OUTER step's null ROWKEY where the first rekey
// put it, then S3's columns: JoinParamsFactory.createSchema), as the
// historical plan multi-joins_-_stream-stream-table_-_full-inner rekeys
// its result. The table is built first, so the stream-stream steps'
// stores are registryOuterChain's six higher: KSTREAM-OUTERTHIS/-OUTEROTHER
// 22/23 and KSTREAM-JOINTHIS/-JOINOTHER 38/39.
const registryOuterRekeyTableChain = "CREATE TABLE TB (ID BIGINT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='t', partitions=1, key_format='KAFKA', value_format='JSON');\n" +
	"CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID, TB.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN TB ON S1.V0 = TB.ID;"

func TestAStreamTableJoinAfterAJoinPastAFullOuterFirstStepOfARegistryKeyedChainRekeysItsResultThroughJoinRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterRekeyTableChain)
	st.produceJoin(joinRec{"t", 0, binary.BigEndian.AppendUint64(nil, 7), []byte(`{"V0":9}`)},
		joinRec{"s1", 1, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":5}`)})

	// the FULL OUTER step emits S1's record alone at once and again with
	// S2's; S3 joins both, and both find TB's row of S1.V0 7
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":null,"S3_ID":0,"TB_V0":9} @3`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0,"TB_V0":9} @3`,
	})
	s1 := "{" + aliasedRow("S1", 7, 1, 0) + "}"
	s2 := "{" + aliasedRow("S2", 8, 2, 0) + "}"
	s3 := aliasedRow("S3", 5, 3, 0)
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 7, 1, 0) + "," + s2 + `,"ROWKEY":null}` }
	again := func(s2 string) string {
		return "{" + aliasedRow("S1", 7, 1, 0) + "," + s2 + `,"ROWKEY":null,` + s3 + "}"
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @1"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @2"}},
		{"-KSTREAM-OUTERTHIS-0000000022-store-changelog", nil, 12, []string{"0@1#1 " + s1 + " @1"}},
		{"-KSTREAM-OUTEROTHER-0000000023-store-changelog", nil, 12, []string{"0@2#1 " + s2 + " @2"}},
		{"-L_Join-left-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @1",
			"0 " + rekeyed(aliasedRow("S2", 8, 2, 0)) + " @2",
		}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @3"}},
		{"-KSTREAM-JOINTHIS-0000000038-store-changelog", avroIntText, 12, []string{
			"0@1#1 " + rekeyed(noRow("S2")) + " @1",
			"0@2#2 " + rekeyed(aliasedRow("S2", 8, 2, 0)) + " @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000039-store-changelog", avroIntText, 12, []string{"0@3#1 {" + s3 + "} @3"}},
		{"-Join-repartition", kafkaNumberOrNull, 0, []string{
			"7 " + again(noRow("S2")) + " @3",
			"7 " + again(aliasedRow("S2", 8, 2, 0)) + " @3",
		}},
	})
	noPrivateJoinLog(t, st, id)
}

// registryOuterTableChain with its table keyed in AVRO, a format that
// infers schemas: the stream-table join rekeys the FULL OUTER result by
// S1.ID through Join-repartition as above, now in the table's AVRO
// (JoinNode.resolveKeyFormats: the right side's where only the left must
// be rekeyed), and PreJoinRepartitionNode.maybeForceInternalKeyFormat
// forces the table's rekey by its own key in the same step, through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize,
// as the historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats
// rekeys its result and table. The rekeyed table is built first (indexes
// 0 to 11, as in that plan), so the stream-stream steps' stores are six
// higher again: KSTREAM-JOINTHIS/-JOINOTHER 28/29 and
// KSTREAM-OUTERTHIS/-OUTEROTHER 40/41.
const registryOuterRegistryTableChain = "CREATE TABLE T (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='t', partitions=1, key_format='AVRO', value_format='JSON');\n" +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, T.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN T ON S1.ID = T.ID;"

func TestAStreamTableJoinAfterAFullOuterStepOfARegistryKeyedChainRekeysATableKeyedInSuchAFormatWithTheResult(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterRegistryTableChain)
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 0), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 4, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"T_V0":9} @2`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T_V0":9} @3`,
	})
	s1 := aliasedRow("S1", 1, 1, 0)
	s2 := aliasedRow("S2", 2, 2, 0)
	s3 := aliasedRow("S3", 3, 3, 0)
	s3k5 := `"S3_V0":4,"S3_ROWTIME":4,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5`
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	avroOrNull := func(b []byte) string {
		if b == nil {
			return "<null>"
		}
		return avroIntText(b)
	}
	tv := `0 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
		{"-RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{tv}},
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @1"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", nil, 12, []string{"0@1#1 {" + s1 + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", nil, 12, []string{"0@2#1 {" + s2 + "} @2"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 {" + s3 + "} @3", "5 {" + s3k5 + "} @4"}},
		{"-KSTREAM-OUTERTHIS-0000000040-store-changelog", nil, 12, []string{"0@2#1 {" + s1 + "," + s2 + "} @2"}},
		{"-KSTREAM-OUTEROTHER-0000000041-store-changelog", nil, 12, []string{"0@3#1 {" + s3 + "} @3", "5@4#2 {" + s3k5 + "} @4"}},
		{"-Join-repartition", avroOrNull, 0, []string{
			"0 " + rekeyed(s1+","+s2+","+noRow("S3")) + " @2",
			"0 " + rekeyed(s1+","+s2+","+s3) + " @3",
			"<null> " + rekeyed(noRow("S1")+","+noRow("S2")+","+s3k5) + " @4",
		}},
	})
	noPrivateJoinLog(t, st, id)
	if _, ok := topicExists(t, st, queryTopic(id, "-KafkaTopic_Right-Reduce-changelog")); ok {
		t.Errorf("the chain also has -KafkaTopic_Right-Reduce-changelog")
	}
}

// registryOuterRekeyTableChain with its table keyed in AVRO: the join
// rekeys the second join's result by S1.V0 through Join-repartition as
// above, in the table's AVRO, and the table by its own key through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize
// in the same step (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats).
// The rekeyed table is built first (0 to 11), so the stores are six
// higher again: KSTREAM-OUTERTHIS/-OUTEROTHER 28/29 and
// KSTREAM-JOINTHIS/-JOINOTHER 44/45.
const registryOuterRekeyRegistryTableChain = "CREATE TABLE TB (ID BIGINT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='t', partitions=1, key_format='AVRO', value_format='JSON');\n" +
	"CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID, TB.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN TB ON S1.V0 = TB.ID;"

func TestAStreamTableJoinAfterAJoinPastAFullOuterFirstStepOfARegistryKeyedChainRekeysATableKeyedInSuchAFormatWithTheResult(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterRekeyRegistryTableChain)
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 7), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":5}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":null,"S3_ID":0,"TB_V0":9} @3`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0,"TB_V0":9} @3`,
	})
	s1 := "{" + aliasedRow("S1", 7, 1, 0) + "}"
	s2 := "{" + aliasedRow("S2", 8, 2, 0) + "}"
	s3 := aliasedRow("S3", 5, 3, 0)
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 7, 1, 0) + "," + s2 + `,"ROWKEY":null}` }
	again := func(s2 string) string {
		return "{" + aliasedRow("S1", 7, 1, 0) + "," + s2 + `,"ROWKEY":null,` + s3 + "}"
	}
	tv := `7 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7} @0`
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
		{"-RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{tv}},
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @1"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @2"}},
		{"-KSTREAM-OUTERTHIS-0000000028-store-changelog", nil, 12, []string{"0@1#1 " + s1 + " @1"}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", nil, 12, []string{"0@2#1 " + s2 + " @2"}},
		{"-L_Join-left-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @1",
			"0 " + rekeyed(aliasedRow("S2", 8, 2, 0)) + " @2",
		}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @3"}},
		{"-KSTREAM-JOINTHIS-0000000044-store-changelog", avroIntText, 12, []string{
			"0@1#1 " + rekeyed(noRow("S2")) + " @1",
			"0@2#2 " + rekeyed(aliasedRow("S2", 8, 2, 0)) + " @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000045-store-changelog", avroIntText, 12, []string{"0@3#1 {" + s3 + "} @3"}},
		{"-Join-repartition", avroIntText, 0, []string{
			"7 " + again(noRow("S2")) + " @3",
			"7 " + again(aliasedRow("S2", 8, 2, 0)) + " @3",
		}},
	})
	noPrivateJoinLog(t, st, id)
}
