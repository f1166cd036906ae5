package ksqldb

import (
	"testing"
)

// A fourth stream for the registry-keyed chains, keyed in AVRO as S2 and
// S3 are.
const registryFourthStream = "CREATE STREAM S4 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='s4', partitions=1, key_format='AVRO', value_format='JSON');\n"

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a FULL OUTER join on keys, whose second rekeys that step's
// result by S1.ID (registryOuterChain one level deeper: L_Join-left- and
// L_Join-right-repartition in S3's AVRO, the result's values ending in
// the null ROWKEY) and whose third rekeys the result again, by S1.V0, and
// S4 by S4.V0: both through Join-left- and Join-right-repartition in S1's
// JSON_SR (where both sides are rekeyed neither has a preferred key
// format, so JoinNode.resolveKeyFormats takes getDefaultSourceKeyFormat's,
// the first source's of the left input; ksqlDB v7.9.0,
// ksqldb-engine/src/main/java/io/confluent/ksql/planner/plan/JoinNode.java
// and PreJoinRepartitionNode.getPreferredKeyFormat), as the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its second join's sides. The second rekey's values are the
// second join's schema (JoinParamsFactory.createSchema: its left input's
// values, the FULL OUTER step's ROWKEY among them where it was, then
// S3's), as the historical plan multi-joins_-_stream-stream-stream_-_outer-outer
// keeps a ROWKEY column among the values after its rekey. Each level
// burns the indexes it burns in the _-_rekey plan, so the stores are
// KSTREAM-OUTERTHIS/-OUTEROTHER 16/17, KSTREAM-JOINTHIS/-JOINOTHER 32/33
// and 48/49.
const registrySecondRekeyChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID, S4.ID FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.V0 = S4.V0;"

func TestASecondRekeyAfterARekeyedFullOuterResultCarriesItsRowkeyThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registrySecondRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":5}`)},
		joinRec{"s4", 3, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":7}`)})

	// the FULL OUTER step emits S1's record alone at once and again with
	// S2's; S3 joins both, and S4 both results by S1.V0
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":null,"S3_ID":0,"S4_ID":0} @3`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0,"S4_ID":0} @3`,
	})
	s1 := "{" + aliasedRow("S1", 7, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 8, 1, 0) + "}"
	s3 := aliasedRow("S3", 5, 2, 0)
	s4 := "{" + aliasedRow("S4", 7, 3, 0) + "}"
	// the FULL OUTER result rekeyed, and that joined with S3
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 7, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	again := func(s2 string) string {
		return "{" + aliasedRow("S1", 7, 0, 0) + "," + s2 + `,"ROWKEY":null,` + s3 + "}"
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-L_Join-left-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 8, 1, 0)) + " @1",
		}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 8, 1, 0)) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s3 + "} @2"}},
		{"-Join-left-repartition", nil, 0, []string{
			"7 " + again(noRow("S2")) + " @2",
			"7 " + again(aliasedRow("S2", 8, 1, 0)) + " @2",
		}},
		{"-Join-right-repartition", nil, 0, []string{"7 " + s4 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000048-store-changelog", nil, 12, []string{
			"7@2#1 " + again(noRow("S2")) + " @2",
			"7@2#2 " + again(aliasedRow("S2", 8, 1, 0)) + " @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000049-store-changelog", nil, 12, []string{"7@3#1 " + s4 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}

// registrySecondRekeyChain with a RIGHT last step: it rekeys the result
// of the join after the FULL OUTER step again, by S1.V0, and S4 by S4.V0,
// in S1's JSON_SR (JoinNode.getDefaultSourceKeyFormat, as above), but
// StreamStreamJoinBuilder runs
// it as S4's leftJoin of the result, so KStreamImpl.doJoin writes the
// result, Kafka Streams' "other" side, to Join-right-repartition (its
// values the second join's schema, the FULL OUTER step's null ROWKEY
// among them) and S4, "this" side, to Join-left-repartition, as the
// historical plan joins_-_stream_stream_right_join_-_rekey_-_JSON names
// its sides; the last step's stores keep their numbers (48/49) with a
// LEFT join's names: KSTREAM-JOINTHIS for S4's rows, KSTREAM-OUTEROTHER
// for the result's.
const registrySecondRightRekeyChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID, S4.ID FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"RIGHT JOIN S4 WITHIN 10 SECONDS ON S1.V0 = S4.V0;"

func TestARightSecondRekeyAfterARekeyedFullOuterResultWritesItThroughJoinRightRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registrySecondRightRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":5}`)},
		joinRec{"s4", 3, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 1), []byte(`{"V0":9}`)})

	// S4's record of V0 7 joins both results of the second join; its
	// record of V0 9 has no partner and goes out at once, null-padded,
	// keyed by its V0
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":null,"S3_ID":0,"S4_ID":0} @3`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0,"S4_ID":0} @3`,
		`9 {"S1_ID":null,"S2_ID":null,"S3_ID":null,"S4_ID":1} @4`,
	})
	s1 := "{" + aliasedRow("S1", 7, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 8, 1, 0) + "}"
	s3 := aliasedRow("S3", 5, 2, 0)
	s4 := "{" + aliasedRow("S4", 7, 3, 0) + "}"
	s4v9 := `{"S4_V0":9,"S4_ROWTIME":4,"S4_ROWPARTITION":0,"S4_ROWOFFSET":1,"S4_ID":1}`
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 7, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	again := func(s2 string) string {
		return "{" + aliasedRow("S1", 7, 0, 0) + "," + s2 + `,"ROWKEY":null,` + s3 + "}"
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-L_Join-left-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 8, 1, 0)) + " @1",
		}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 8, 1, 0)) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s3 + "} @2"}},
		// the second join's results, the RIGHT join's "other" side, keyed
		// by S1.V0
		{"-Join-right-repartition", nil, 0, []string{
			"7 " + again(noRow("S2")) + " @2",
			"7 " + again(aliasedRow("S2", 8, 1, 0)) + " @2",
		}},
		// S4, the RIGHT join's "this" side, keyed by S4.V0
		{"-Join-left-repartition", nil, 0, []string{"7 " + s4 + " @3", "9 " + s4v9 + " @4"}},
		{"-KSTREAM-JOINTHIS-0000000048-store-changelog", nil, 12, []string{"7@3#1 " + s4 + " @3", "9@4#2 " + s4v9 + " @4"}},
		{"-KSTREAM-OUTEROTHER-0000000049-store-changelog", nil, 12, []string{
			"7@2#1 " + again(noRow("S2")) + " @2",
			"7@2#2 " + again(aliasedRow("S2", 8, 1, 0)) + " @2",
		}},
	})
	noPrivateJoinLog(t, st, id)
}
