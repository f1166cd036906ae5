package ksqldb

import (
	"fmt"
	"testing"
)

// A chain keyed in formats that infer schemas whose second stream-stream
// step is a RIGHT join on value columns (S1.V0 = S3.V0), so it rekeys both
// the first step's result and its stream. ksqlDB rekeys each of its sides
// as for an INNER join (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey:
// LeftSourceKeyed-SelectKey after L_Join-merge, RightSourceKeyed-SelectKey
// before PrependAliasRight, both in the chain's JSON_SR, the left input's
// where both sides are rekeyed: JoinNode.resolveKeyFormats), but
// StreamStreamJoinBuilder (confluentinc/ksql v7.9.0) runs a RIGHT join as
// the right stream's leftJoin of the left side, so S3 is Kafka Streams'
// "this" side and the result its "other": KStreamImpl.doJoin (apache/kafka
// 3.9) names "this" side's repartition with the -left suffix and "other"
// side's with -right, so S3 goes through Join-left-repartition and the
// first step's result through Join-right-repartition, as the historical
// plan joins_-_stream_stream_right_join_-_rekey_-_JSON writes its right
// stream to Join-left-repartition and its left one to
// Join-right-repartition. Both repartitions burn the indexes they burn in
// the _-_rekey plan, so the second step's stores keep its numbers (32/33)
// with a LEFT join's names: KSTREAM-JOINTHIS for S3's rows and
// KSTREAM-OUTEROTHER for the first step's results.
const registryRightRekeyChain = "CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID RIGHT JOIN S3 WITHIN 10 SECONDS ON S1.V0 = S3.V0;"

func TestARightStepOfARegistryKeyedChainThatRekeysTheResultWritesItToJoinRightRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryRightRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 4), []byte(`{"V0":9}`)},
		joinRec{"s1", 5, jsonKey("0"), []byte(`{"V0":7}`)})

	// S3's record of V0 7 joins the first step's result of S1.V0 7; S3's
	// record of V0 9 has no partner and a RIGHT join without a grace period
	// emits it at once, null-padded, keyed by its V0; the first step's
	// later result (S1 @5 with S2 @1) joins S3's record of V0 7 from the
	// other side
	sameShownPerKey(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @2`,
		`9 {"S1_ID":null,"S2_ID":null,"S3_ID":4} @3`,
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @5`,
	})
	s1 := func(ts, off int) string { return "{" + aliasedRow("S1", 7, ts, off) + "}" }
	s2 := "{" + aliasedRow("S2", 8, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 7, 2, 0) + "}"
	s3v9 := `{"S3_V0":9,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":4}`
	joined := func(ts, off int) string {
		return "{" + aliasedRow("S1", 7, ts, off) + "," + aliasedRow("S2", 8, 1, 0) + "}"
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1(0, 0) + " @0", "0 " + s1(5, 1) + " @5"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1(0, 0) + " @0", "0@5#2 " + s1(5, 1) + " @5"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		// the first step's result, the RIGHT join's "other" side, keyed
		// by S1.V0
		{"-Join-right-repartition", nil, 0, []string{"7 " + joined(0, 0) + " @1", "7 " + joined(5, 1) + " @5"}},
		// S3, the RIGHT join's "this" side, keyed by S3.V0
		{"-Join-left-repartition", nil, 0, []string{"7 " + s3 + " @2", "9 " + s3v9 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", nil, 12, []string{"7@2#1 " + s3 + " @2", "9@3#2 " + s3v9 + " @3"}},
		{"-KSTREAM-OUTEROTHER-0000000033-store-changelog", nil, 12, []string{"7@1#1 " + joined(0, 0) + " @1", "7@5#2 " + joined(5, 1) + " @5"}},
	})
	noPrivateJoinLog(t, st, id)
}

// What the RIGHT step's "other" store logged is what a restarted server
// restores: S3's record after the restart joins the first step's result
// from before it.
func TestARightStepOfARegistryKeyedChainThatRekeysTheResultRestoresFromItsStores(t *testing.T) {
	st, srv, id, jsonKey := startRegistryChain(t, registryRightRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":8}`)})
	st.records(queryTopic(id, "-KSTREAM-OUTEROTHER-0000000033-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)})
	want := []string{`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @2`}
	if got := showKeyed(st.records("OUTPUT", 1), jsonSRText, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a RIGHT join on keys and whose second rekeys that step's result
// by S2.V0. The first step is that of registryRightFirstChain (S2, "this",
// through L_Join-left-repartition, S1 through L_Join-right-repartition,
// stores KSTREAM-JOINTHIS-16 and KSTREAM-OUTEROTHER-17); the second rekeys
// both its sides as the historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey does
// (the result through Join-left-repartition, S3 through
// Join-right-repartition, both in JSON_SR; stores 32/33). The RIGHT
// step's rows hold S2's columns before S1's (StreamStreamJoinBuilder
// builds its JoinParams, and so the schema of its result, from the right
// schema first), and the rekey writes them in that order: the
// LeftSourceKeyed-SelectKey step keeps the join step's schema, whose
// value serde the repartition's is (KStreamImpl.repartitionForJoin takes
// StreamJoined's). A null-padded row of the RIGHT step has S2's V0, so the
// second join finds it by that.
const registryRightFirstRekeyChain = "CREATE STREAM OUTPUT AS SELECT S2.V0, S1.ID, S2.ID, S3.ID FROM S1 " +
	"RIGHT JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S2.V0 = S3.V0;"

func TestARekeyOfARightFirstStepsResultWritesItsRowsRightStreamFirst(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryRightFirstRekeyChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 4), []byte(`{"V0":9}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":7}`)},
		joinRec{"s3", 4, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":9}`)})

	// S2's record of key 4 has no S1 partner: the RIGHT step emits it at
	// once, null-padded, and S3's record of V0 9 joins it by S2.V0
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`7 {"S1_ID":0,"S2_ID":0,"S3_ID":0} @3`,
		`9 {"S1_ID":null,"S2_ID":4,"S3_ID":0} @4`,
	})
	s1 := aliasedRow("S1", 1, 0, 0)
	s2 := aliasedRow("S2", 7, 1, 0)
	s2k4 := `"S2_V0":9,"S2_ROWTIME":2,"S2_ROWPARTITION":0,"S2_ROWOFFSET":1,"S2_ID":4`
	s3 := aliasedRow("S3", 7, 3, 0)
	s3v9 := `"S3_V0":9,"S3_ROWTIME":4,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":0`
	// the RIGHT step's rows: S2's columns, then S1's
	joined := "{" + s2 + "," + s1 + "}"
	padded := "{" + s2k4 + "," + noRow("S1") + "}"
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 {" + s2 + "} @1", "4 {" + s2k4 + "} @2"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 {" + s1 + "} @0"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@1#1 {" + s2 + "} @1", "4@2#2 {" + s2k4 + "} @2"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@0#1 {" + s1 + "} @0"}},
		{"-Join-left-repartition", nil, 0, []string{"7 " + joined + " @1", "9 " + padded + " @2"}},
		{"-Join-right-repartition", nil, 0, []string{"7 {" + s3 + "} @3", "9 {" + s3v9 + "} @4"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", nil, 12, []string{"7@1#1 " + joined + " @1", "9@2#2 " + padded + " @2"}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", nil, 12, []string{"7@3#1 {" + s3 + "} @3", "9@4#2 {" + s3v9 + "} @4"}},
	})
	noPrivateJoinLog(t, st, id)
}
