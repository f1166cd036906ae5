package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose FULL OUTER step
// between others rekeys the result: the first two steps are
// registryOuterRekeyChain's one level deeper (both streams through
// L_L_Join-left-/-right-repartition in JSON_SR; the FULL OUTER step on
// S1.V0 = S3.V0 rekeys the first step's result through
// L_Join-left-repartition and S3 through L_Join-right-repartition, in the
// chain's JSON_SR, the first source's where both sides are rekeyed:
// JoinNode.resolveKeyFormats, getDefaultSourceKeyFormat), and the third join, on S1.ID, finds the
// FULL OUTER result keyed by its synthetic ROWKEY (JoinTree.joinEquivalenceSet
// is empty for an OUTER join), so it rekeys it through
// Join-left-repartition with the null ROWKEY after S3's values
// (JoinParamsFactory.createSchema appends it after the right side's; the
// historical plan multi-joins_-_stream-stream-stream_-_outer-outer,
// schema Join.Left), in S4's AVRO (the right side needs no rekey), which
// forces S4 through Join-right-repartition. The chain burns the indexes
// registrySecondRekeyChain's does (each level rekeying both its sides), so
// the stores are KSTREAM-JOINTHIS/-JOINOTHER 16/17,
// KSTREAM-OUTERTHIS/-OUTEROTHER 32/33 and KSTREAM-JOINTHIS/-JOINOTHER 48/49.
const registryOuterMidRekeyChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.V0 = S3.V0 " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestAFullOuterStepBetweenOthersOfARegistryKeyedChainThatRekeysTheResultIsRekeyedThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterMidRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 4), []byte(`{"V0":9}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":1}`)})

	// the FULL OUTER step emits the first step's result alone at once,
	// then with S3's record of V0 7; S3's record of V0 9 goes out alone,
	// with a null S1.ID, so its rekey has a null key and the third join
	// skips it; S4 joins the two others
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":7,"S2_V0":8,"S3_V0":null,"S4_V0":1} @4`,
		`0 {"S1_V0":7,"S2_V0":8,"S3_V0":7,"S4_V0":1} @4`,
	})
	s1 := aliasedRow("S1", 7, 0, 0)
	s2 := aliasedRow("S2", 8, 1, 0)
	s3 := aliasedRow("S3", 7, 2, 0)
	s3v9 := `"S3_V0":9,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":4`
	s4 := "{" + aliasedRow("S4", 1, 4, 0) + "}"
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	alone := rekeyed(s1 + "," + s2 + "," + noRow("S3"))
	both := rekeyed(s1 + "," + s2 + "," + s3)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 {" + s1 + "} @0"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 {" + s2 + "} @1"}},
		{"-L_Join-left-repartition", nil, 0, []string{"7 {" + s1 + "," + s2 + "} @1"}},
		{"-L_Join-right-repartition", nil, 0, []string{"7 {" + s3 + "} @2", "9 {" + s3v9 + "} @3"}},
		{"-KSTREAM-OUTERTHIS-0000000032-store-changelog", nil, 12, []string{"7@1#1 {" + s1 + "," + s2 + "} @1"}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", nil, 12, []string{"7@2#1 {" + s3 + "} @2", "9@3#2 {" + s3v9 + "} @3"}},
		{"-Join-left-repartition", avroIntOrNull, 0, []string{
			"0 " + alone + " @1",
			"0 " + both + " @2",
			"<null> " + rekeyed(noRow("S1")+","+noRow("S2")+","+s3v9) + " @3",
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s4 + " @4"}},
		{"-KSTREAM-JOINTHIS-0000000048-store-changelog", avroIntText, 12, []string{"0@1#1 " + alone + " @1", "0@2#2 " + both + " @2"}},
		{"-KSTREAM-JOINOTHER-0000000049-store-changelog", avroIntText, 12, []string{"0@4#1 " + s4 + " @4"}},
	})
	noPrivateJoinLog(t, st, id)
}

// registryTwoOuterChain's two FULL OUTER steps before an INNER join on
// S1.ID, the query of twoOuterChain keyed in JSON_SR and AVRO: the second
// FULL OUTER step, now between others, rekeys the first one's result
// through L_Join-left-repartition in S3's AVRO (S3 forced through
// L_Join-right-repartition), and the third join rekeys the second one's
// result, keyed by its synthetic key, through Join-left-repartition in
// S4's AVRO (S4 forced through Join-right-repartition), its values the
// first step's ROWKEY where the first rekey put it, then S3's (the second
// FULL OUTER step appends no key column, its left side having one:
// JoinParamsFactory.createSchema). The indexes are
// registryOuterMidRekeyChain's, the stores KSTREAM-OUTERTHIS/-OUTEROTHER
// 16/17 and 32/33 and KSTREAM-JOINTHIS/-JOINOTHER 48/49.
const registryTwoOuterMidChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestAJoinAfterTwoFullOuterStepsOfARegistryKeyedChainRekeysEachFullOuterResultThroughItsRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryTwoOuterMidChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s4", 3, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":4}`)})

	// each FULL OUTER step emits a record without a partner at once and
	// again with each partner: the second step's results are (S1),
	// (S1,S2), then each of them with S3; S4 joins all four
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 4), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":null,"S4_V0":4} @3`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":4} @3`,
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3,"S4_V0":4} @3`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":4} @3`,
	})
	s1, s2, s3 := aliasedRow("S1", 1, 0, 0), aliasedRow("S2", 2, 1, 0), aliasedRow("S3", 3, 2, 0)
	s4 := "{" + aliasedRow("S4", 4, 3, 0) + "}"
	first := func(s2 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null}` }
	second := func(s2, s3 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null,` + s3 + "}" }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 {" + s1 + "} @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 {" + s2 + "} @1"}},
		{"-L_Join-left-repartition", avroIntText, 0, []string{"0 " + first(noRow("S2")) + " @0", "0 " + first(s2) + " @1"}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @2"}},
		{"-KSTREAM-OUTERTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + first(noRow("S2")) + " @0",
			"0@1#2 " + first(s2) + " @1",
		}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s3 + "} @2"}},
		{"-Join-left-repartition", avroIntText, 0, []string{
			"0 " + second(noRow("S2"), noRow("S3")) + " @0",
			"0 " + second(s2, noRow("S3")) + " @1",
			"0 " + second(noRow("S2"), s3) + " @2",
			"0 " + second(s2, s3) + " @2",
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s4 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000048-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + second(noRow("S2"), noRow("S3")) + " @0",
			"0@1#2 " + second(s2, noRow("S3")) + " @1",
			"0@2#3 " + second(noRow("S2"), s3) + " @2",
			"0@2#4 " + second(s2, s3) + " @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000049-store-changelog", avroIntText, 12, []string{"0@3#1 " + s4 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}
