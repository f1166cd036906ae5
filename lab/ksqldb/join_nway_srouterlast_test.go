package ksqldb

import (
	"testing"
)

// A chain keyed in formats that infer schemas whose last stream-stream
// step is a FULL OUTER join on the key the first step's result is keyed
// by: the first step is that of the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (both streams
// through L_Join-left-/-right-repartition in JSON_SR, stores 16/17), the
// result reaches the second join as it is keyed, S3 is forced through
// Join-right-repartition by its key format, and the second step's stores
// keep that plan's numbers (28/29) with a FULL OUTER join's names,
// KSTREAM-OUTERTHIS for the first step's results and KSTREAM-OUTEROTHER
// for S3's rows (KStreamImplJoin; the historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer names its last step's
// stores so). The result is keyed by the synthetic ROWKEY in the chain's
// key format.
const registryOuterLastChain = "CREATE STREAM OUTPUT AS SELECT ROWKEY, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestALastFullOuterStepOfARegistryKeyedChainRepartitionsOnlyItsStream(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterLastChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)})

	// without a grace period the FULL OUTER step emits the first step's
	// result alone at once, then with S3's record of key 0; S3's record of
	// key 5 has no partner and goes out alone
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null} @1`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`5 {"S1_V0":null,"S2_V0":null,"S3_V0":4} @3`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 3, 2, 0) + "}"
	s3k5 := `{"S3_V0":4,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5}`
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-Join-right-repartition", nil, 0, []string{"0 " + s3 + " @2", "5 " + s3k5 + " @3"}},
		{"-KSTREAM-OUTERTHIS-0000000028-store-changelog", nil, 12, []string{
			"0@1#1 {" + aliasedRow("S1", 1, 0, 0) + "," + aliasedRow("S2", 2, 1, 0) + "} @1"}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", nil, 12, []string{"0@2#1 " + s3 + " @2", "5@3#2 " + s3k5 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}
