package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a FULL OUTER join on value columns (S1.V0 = S2.V0): both
// streams are rekeyed by their join columns through
// L_Join-left-/-right-repartition in the first stream's JSON_SR, as the
// historical plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its second join's sides by V0, and from there the chain is the
// one on keys (join_nway_srouter_test.go): the FULL OUTER result, keyed
// by its synthetic ROWKEY, is rekeyed by S1.ID through
// Join-left-repartition in S3's AVRO with the null ROWKEY last among its
// values, S3 through Join-right-repartition; stores
// KSTREAM-OUTERTHIS/-OUTEROTHER 16/17 and KSTREAM-JOINTHIS/-JOINOTHER
// 32/33.
const registryOuterValueChain = "CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.V0 = S2.V0 JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestAFullOuterStepOnValuesOfARegistryKeyedChainRekeysBothStreamsAndItsResult(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterValueChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 1), []byte(`{"V0":9}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})

	// S1's record goes out alone at once and again with S2's of the same
	// V0; S2's record of V0 9 has no partner and a null S1.ID, so its
	// rekey has a null key and the second join skips it
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":7,"S2_V0":null,"S3_V0":3} @3`,
		`0 {"S1_V0":7,"S2_V0":7,"S3_V0":3} @3`,
	})
	s1 := "{" + aliasedRow("S1", 7, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 7, 1, 0) + "}"
	s2v9 := `{"S2_V0":9,"S2_ROWTIME":2,"S2_ROWPARTITION":0,"S2_ROWOFFSET":1,"S2_ID":1}`
	s3 := "{" + aliasedRow("S3", 3, 3, 0) + "}"
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 7, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", jsonSRText, 0, []string{"7 " + s1 + " @0"}},
		{"-L_Join-right-repartition", jsonSRText, 0, []string{"7 " + s2 + " @1", "9 " + s2v9 + " @2"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", jsonSRText, 12, []string{"7@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", jsonSRText, 12, []string{"7@1#1 " + s2 + " @1", "9@2#2 " + s2v9 + " @2"}},
		{"-Join-left-repartition", avroIntOrNull, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 7, 1, 0)) + " @1",
			"<null> {" + noRow("S1") + "," + s2v9[1:len(s2v9)-1] + `,"ROWKEY":null} @2`,
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s3 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 7, 1, 0)) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@3#1 " + s3 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}
