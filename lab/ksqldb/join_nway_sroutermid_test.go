package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose FULL OUTER step is
// between others: the first two steps are registryOuterLastChain's (both
// streams through L_L_Join-left-/-right-repartition in JSON_SR, stores
// 16/17; the FULL OUTER step on the key the result is keyed by rekeys only
// S3, through L_Join-right-repartition, stores KSTREAM-OUTERTHIS/-OUTEROTHER
// 28/29), and the third join, on S1.ID, finds the FULL OUTER result keyed
// by its synthetic ROWKEY (JoinTree.joinEquivalenceSet is empty for an
// OUTER join), so it rekeys it through Join-left-repartition with the
// null ROWKEY after S3's values, as the historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer rekeys its FULL OUTER
// result (schema Join.Left), in S4's AVRO (the right side needs no rekey:
// JoinNode.resolveKeyFormats), which forces S4 through
// Join-right-repartition. The indexes follow on from the three-stream
// chain: the rekey's SelectKey takes 31, S4's source 32, the stores 44/45.
const registryOuterMidChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestAFullOuterStepBetweenOthersOfARegistryKeyedChainIsRekeyedThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterMidChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":5}`)})

	// the FULL OUTER step emits the first step's result alone at once,
	// then with S3's record of key 0; S3's record of key 5 goes out alone,
	// with a null S1.ID, so its rekey has a null key and the third join
	// skips it; S4 joins the two others
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":5} @4`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":5} @4`,
	})
	s1 := aliasedRow("S1", 1, 0, 0)
	s2 := aliasedRow("S2", 2, 1, 0)
	s3 := aliasedRow("S3", 3, 2, 0)
	s3k5 := `"S3_V0":4,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5`
	s4 := "{" + aliasedRow("S4", 5, 4, 0) + "}"
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	alone := rekeyed(s1 + "," + s2 + "," + noRow("S3"))
	both := rekeyed(s1 + "," + s2 + "," + s3)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 {" + s1 + "} @0"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 {" + s2 + "} @1"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 {" + s3 + "} @2", "5 {" + s3k5 + "} @3"}},
		{"-KSTREAM-OUTERTHIS-0000000028-store-changelog", nil, 12, []string{"0@1#1 {" + s1 + "," + s2 + "} @1"}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", nil, 12, []string{"0@2#1 {" + s3 + "} @2", "5@3#2 {" + s3k5 + "} @3"}},
		{"-Join-left-repartition", avroIntOrNull, 0, []string{
			"0 " + alone + " @1",
			"0 " + both + " @2",
			"<null> " + rekeyed(noRow("S1")+","+noRow("S2")+","+s3k5) + " @3",
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s4 + " @4"}},
		{"-KSTREAM-JOINTHIS-0000000044-store-changelog", avroIntText, 12, []string{"0@1#1 " + alone + " @1", "0@2#2 " + both + " @2"}},
		{"-KSTREAM-JOINOTHER-0000000045-store-changelog", avroIntText, 12, []string{"0@4#1 " + s4 + " @4"}},
	})
	noPrivateJoinLog(t, st, id)
}
