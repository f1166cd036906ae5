package ksqldb

import (
	"fmt"
	"testing"
)

// A chain keyed in formats that infer schemas whose last stream-stream
// step is a FULL OUTER join on value columns (S1.V0 = S3.V0), so it rekeys
// both the first step's result and its stream as the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey's
// INNER second join does: the result through Join-left-repartition keyed
// by S1_V0, S3 through Join-right-repartition keyed by S3_V0, both in the
// chain's JSON_SR (the first source's where both sides are rekeyed:
// JoinNode.resolveKeyFormats, getDefaultSourceKeyFormat). StreamStreamJoinBuilder runs a FULL OUTER
// join as the left side's outerJoin of the right, so the sides keep their
// suffixes, and KStreamImplJoin names the stores of an outer join
// KSTREAM-OUTERTHIS/-OUTEROTHER at the indexes an inner join's take
// (32/33; without a grace period no KSTREAM-OUTERSHARED store), as the
// historical plan multi-joins_-_stream-stream-stream_-_outer-outer names
// its last step's. The result is keyed by the synthetic ROWKEY, the join
// key of the records joined.
const registryOuterRekeyChain = "CREATE STREAM OUTPUT AS SELECT ROWKEY, S1.ID, S2.ID, S3.ID FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.V0 = S3.V0;"

func TestALastFullOuterStepOfARegistryKeyedChainThatRekeysTheResultRepartitionsBothSides(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 4), []byte(`{"V0":9}`)})

	// without a grace period the FULL OUTER step emits the first step's
	// result alone at once, then with S3's record of V0 7; S3's record of
	// V0 9 has no partner and goes out alone
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":null} @1`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @2`,
		`9 {"S1_ID":null,"S2_ID":null,"S3_ID":4} @3`,
	})
	s1 := "{" + aliasedRow("S1", 7, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 8, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 7, 2, 0) + "}"
	s3v9 := `{"S3_V0":9,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":4}`
	joined := "{" + aliasedRow("S1", 7, 0, 0) + "," + aliasedRow("S2", 8, 1, 0) + "}"
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-Join-left-repartition", nil, 0, []string{"7 " + joined + " @1"}},
		{"-Join-right-repartition", nil, 0, []string{"7 " + s3 + " @2", "9 " + s3v9 + " @3"}},
		{"-KSTREAM-OUTERTHIS-0000000032-store-changelog", nil, 12, []string{"7@1#1 " + joined + " @1"}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", nil, 12, []string{"7@2#1 " + s3 + " @2", "9@3#2 " + s3v9 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}

// What the FULL OUTER step's left store logged is what a restarted server
// restores: S3's record after the restart joins the first step's result
// from before it.
func TestALastFullOuterStepOfARegistryKeyedChainThatRekeysTheResultRestoresFromItsStores(t *testing.T) {
	st, srv, id, jsonKey := startRegistryChain(t, registryOuterRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)})
	st.records(queryTopic(id, "-KSTREAM-OUTERTHIS-0000000032-store-changelog"), 1)
	st.records("OUTPUT", 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)})
	want := []string{`7 {"S1_ID":0,"S2_ID":0,"S3_ID":null} @1`, `7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @2`}
	if got := showKeyed(st.records("OUTPUT", 2), jsonSRText, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}
