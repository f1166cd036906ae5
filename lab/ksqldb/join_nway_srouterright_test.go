package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a FULL OUTER join on keys (registryOuterChain's) and whose
// second is a RIGHT join on S1.ID, which rekeys the FULL OUTER result
// (keyed by its synthetic ROWKEY: JoinTree.joinEquivalenceSet is empty for
// an OUTER join) with the null ROWKEY last among its values. The RIGHT
// join is the right stream's leftJoin of the result
// (StreamStreamJoinBuilder), so KStreamImpl.doJoin writes the result,
// Kafka Streams' "other" side, to Join-right-repartition and S3, "this"
// side, forced by its key format, to Join-left-repartition (historical
// plan joins_-_stream_stream_right_join_-_rekey_-_JSON), both in S3's AVRO
// (the join's right side needs no rekey: JoinNode.resolveKeyFormats); the
// stores keep the numbers of registryOuterChain's second step (32/33) with
// a LEFT join's names: KSTREAM-JOINTHIS for S3's rows,
// KSTREAM-OUTEROTHER for the rekeyed result's.
const registryOuterRightChain = "CREATE STREAM OUTPUT AS SELECT S3.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID RIGHT JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestARightStepAfterAFullOuterFirstStepOfARegistryKeyedChainRekeysItsResultThroughJoinRightRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterRightChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 1), []byte(`{"V0":5}`)})

	// S3's record of key 0 joins both FULL OUTER results; its record of
	// key 1 has no partner and goes out at once, null-padded
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @2`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`1 {"S1_V0":null,"S2_V0":null,"S3_V0":5} @3`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 3, 2, 0) + "}"
	s3k1 := `{"S3_V0":5,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":1}`
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 1, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-Join-right-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
		{"-Join-left-repartition", avroIntText, 0, []string{"0 " + s3 + " @2", "1 " + s3k1 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{"0@2#1 " + s3 + " @2", "1@3#2 " + s3k1 + " @3"}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
	})
	noPrivateJoinLog(t, st, id)
}
