package ksqldb

import (
	"fmt"
	"testing"
)

// A chain keyed in formats that infer schemas whose two stream-stream
// steps are FULL OUTER joins, the query of the historical plan
// multi-joins_-_stream-stream-stream_-_outer-outer keyed in JSON_SR and
// AVRO: the first step is registryOuterChain's (both streams through
// L_Join-left-/-right-repartition in S1's JSON_SR, stores
// KSTREAM-OUTERTHIS/-OUTEROTHER 16/17), whose result, keyed by the
// synthetic ROWKEY (JoinTree.joinEquivalenceSet is empty for an OUTER
// join), the second FULL OUTER step rekeys by S1.ID through
// Join-left-repartition, its values the two streams' PrependAlias columns
// and the null ROWKEY (schema Join.Left of the historical plan), in S3's
// AVRO (the right side needs no rekey: JoinNode.resolveKeyFormats), which
// forces S3 through Join-right-repartition (PreJoinRepartitionNode). The
// second step keeps the numbers of registryOuterChain's (32/33) with a
// FULL OUTER join's names, as the historical plan names its second step's
// stores (KSTREAM-OUTERTHIS/-OUTEROTHER). The result is keyed by the
// synthetic ROWKEY, in S1's key format.
const registryTwoOuterChain = "CREATE STREAM OUTPUT AS SELECT ROWKEY, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestAFullOuterStepAfterAFullOuterStepOfARegistryKeyedChainRekeysItsResultThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryTwoOuterChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)})

	// without a grace period each FULL OUTER step emits a record without
	// a partner at once and again with each partner: the first step's
	// (S1) and (S1,S2) go out alone from the second, then each with S3's
	// record of key 0; S3's record of key 5 has no partner and goes out
	// alone
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 5), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":null} @0`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null} @1`,
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @2`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`5 {"S1_V0":null,"S2_V0":null,"S3_V0":4} @3`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 3, 2, 0) + "}"
	s3k5 := `{"S3_V0":4,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5}`
	rekeyed := func(s2 string) string { return "{" + aliasedRow("S1", 1, 0, 0) + "," + s2 + `,"ROWKEY":null}` }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		{"-Join-left-repartition", avroIntText, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s3 + " @2", "5 " + s3k5 + " @3"}},
		{"-KSTREAM-OUTERTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@2#1 " + s3 + " @2", "5@3#2 " + s3k5 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}

// What the second FULL OUTER step's left store logged is what a restarted
// server restores: S3's record after the restart joins the first step's
// results from before it.
func TestAFullOuterStepAfterAFullOuterStepOfARegistryKeyedChainRestoresFromItsStores(t *testing.T) {
	st, srv, id, jsonKey := startRegistryChain(t, registryTwoOuterChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)})
	st.records(queryTopic(id, "-KSTREAM-OUTERTHIS-0000000032-store-changelog"), 2)
	st.records("OUTPUT", 2)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})
	want := []string{
		`0 {"S1_V0":1,"S2_V0":null,"S3_V0":3} @2`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
	}
	if got := showKeyed(st.records("OUTPUT", 4)[2:], jsonSRText, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

// A chain keyed in formats that infer schemas whose FULL OUTER step
// between others (registryOuterMidChain's, on the key the result is keyed
// by: S3 alone through L_Join-right-repartition, stores
// KSTREAM-OUTERTHIS/-OUTEROTHER 28/29) is followed by a FULL OUTER last
// step on S1.ID, which rekeys that step's result, keyed by its synthetic
// ROWKEY, through Join-left-repartition with the null ROWKEY after S3's
// values, and S4, forced by its AVRO, through Join-right-repartition, as
// registryOuterMidChain's last step does; the last step's stores keep
// that chain's numbers (44/45) with a FULL OUTER join's names (the
// historical plan multi-joins_-_stream-stream-stream_-_outer-outer names
// the stores of its FULL OUTER step after a FULL OUTER one so).
const registryMidTwoOuterChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT ROWKEY, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID " +
	"FULL OUTER JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestAFullOuterLastStepAfterAFullOuterStepBetweenOthersOfARegistryKeyedChainRekeysItsResultThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryMidTwoOuterChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":5}`)},
		joinRec{"s4", 5, avroIntKey(t, st, "s4-key", 6), []byte(`{"V0":6}`)})

	// the middle FULL OUTER step emits the first step's result alone at
	// once, then with S3's record; the last emits each of those alone at
	// once, then each with S4's record of key 0; S4's record of key 6 has
	// no partner and goes out alone
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 5), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":null} @1`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":null} @2`,
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
		{"-Join-left-repartition", avroIntText, 0, []string{"0 " + alone + " @1", "0 " + both + " @2"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s4 + " @4", "6 " + s4k6 + " @5"}},
		{"-KSTREAM-OUTERTHIS-0000000044-store-changelog", avroIntText, 12, []string{"0@1#1 " + alone + " @1", "0@2#2 " + both + " @2"}},
		{"-KSTREAM-OUTEROTHER-0000000045-store-changelog", avroIntText, 12, []string{"0@4#1 " + s4 + " @4", "6@5#2 " + s4k6 + " @5"}},
	})
	noPrivateJoinLog(t, st, id)
}
