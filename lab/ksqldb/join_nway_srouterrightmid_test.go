package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose FULL OUTER step
// between others (registryOuterMidChain's, on the key the result is keyed
// by: S3 alone through L_Join-right-repartition, stores
// KSTREAM-OUTERTHIS/-OUTEROTHER 28/29) is followed by a RIGHT join on
// S1.ID, which rekeys that step's result, keyed by its synthetic ROWKEY
// (JoinTree.joinEquivalenceSet is empty for an OUTER join), with the null
// ROWKEY after S3's values. The RIGHT join is S4's leftJoin of the result
// (StreamStreamJoinBuilder), so KStreamImpl.doJoin writes the result,
// Kafka Streams' "other" side, to Join-right-repartition and S4, "this"
// side, forced by its AVRO, to Join-left-repartition (historical plan
// joins_-_stream_stream_right_join_-_rekey_-_JSON names its sides so), in
// S4's AVRO (JoinNode.resolveKeyFormats: the right side needs no rekey);
// the stores keep registryOuterMidChain's last numbers (44/45) with a LEFT
// join's names: KSTREAM-JOINTHIS for S4's rows, KSTREAM-OUTEROTHER for
// the rekeyed result's.
const registryOuterMidRightChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S4.ID, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"RIGHT JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestARightStepAfterAFullOuterStepBetweenOthersOfARegistryKeyedChainRekeysItsResultThroughJoinRightRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterMidRightChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":5}`)},
		joinRec{"s4", 5, avroIntKey(t, st, "s4-key", 6), []byte(`{"V0":6}`)})

	// the FULL OUTER step emits the first step's result alone at once,
	// then with S3's record; S4's record of key 0 joins both, its record
	// of key 6 has no partner and goes out at once, null-padded
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":5} @4`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":5} @4`,
		`6 {"S1_V0":null,"S2_V0":null,"S3_V0":null,"S4_V0":6} @5`,
	})
	s1 := aliasedRow("S1", 1, 0, 0)
	s2 := aliasedRow("S2", 2, 1, 0)
	s3 := aliasedRow("S3", 3, 2, 0)
	s4 := "{" + aliasedRow("S4", 5, 4, 0) + "}"
	s4k6 := `{"S4_V0":6,"S4_ROWTIME":5,"S4_ROWPARTITION":0,"S4_ROWOFFSET":1,"S4_ID":6}`
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	alone := rekeyed(s1 + "," + s2 + "," + noRow("S3"))
	both := rekeyed(s1 + "," + s2 + "," + s3)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"0 {" + s1 + "} @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"0 {" + s2 + "} @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 {" + s1 + "} @0"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 {" + s2 + "} @1"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 {" + s3 + "} @2"}},
		{"-KSTREAM-OUTERTHIS-0000000028-store-changelog", nil, 12, []string{"0@1#1 {" + s1 + "," + s2 + "} @1"}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", nil, 12, []string{"0@2#1 {" + s3 + "} @2"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + alone + " @1", "0 " + both + " @2"}},
		{"-Join-left-repartition", avroIntText, 0, []string{"0 " + s4 + " @4", "6 " + s4k6 + " @5"}},
		{"-KSTREAM-JOINTHIS-0000000044-store-changelog", avroIntText, 12, []string{"0@4#1 " + s4 + " @4", "6@5#2 " + s4k6 + " @5"}},
		{"-KSTREAM-OUTEROTHER-0000000045-store-changelog", avroIntText, 12, []string{"0@1#1 " + alone + " @1", "0@2#2 " + both + " @2"}},
	})
	noPrivateJoinLog(t, st, id)
}
