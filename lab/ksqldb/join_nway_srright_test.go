package ksqldb

import (
	"fmt"
	"testing"
)

// A chain keyed in formats that infer schemas whose second stream-stream
// step is a RIGHT join on keys. ksqlDB runs a RIGHT stream-stream join as
// the right stream's LEFT join of the left side (StreamStreamJoinBuilder,
// confluentinc/ksql v7.9.0), so the right stream is Kafka Streams' "this"
// side and KStreamImplJoin names its repartition after that side:
// S3, forced through a repartition by its key format
// (PreJoinRepartitionNode), goes through Join-left-repartition, not
// Join-right-repartition, keyed in the chain's JSON_SR, as the historical
// plan joins_-_stream_stream_right_join_-_rekey_-_JSON writes its right
// stream to Join-left-repartition. The first step is that of
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (both streams
// through L_Join-left-/-right-repartition, stores 16/17), and the second
// step's stores keep that plan's numbers (28/29) with a LEFT join's names:
// KSTREAM-JOINTHIS for S3's rows and KSTREAM-OUTEROTHER for the first
// step's results.
const registryRightChain = "CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID RIGHT JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestARightStepOfARegistryKeyedChainRepartitionsItsStreamThroughJoinLeftRepartition(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryRightChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 5), []byte(`{"V0":4}`)},
		joinRec{"s1", 5, jsonKey("0"), []byte(`{"V0":6}`)})

	// S3's record of key 0 joins the first step's result; S3's record of
	// key 5 has no partner and a RIGHT join without a grace period emits
	// it at once, null-padded, keyed by the join key; the first step's
	// later result (S1 @5 with S2 @1) joins S3's record of key 0 from the
	// other side (key 5's record and key 0's second come through different
	// repartition topics, in either order)
	sameShownPerKey(t, "OUTPUT", showKeyed(st.records("OUTPUT", 3), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
		`5 {"S1_V0":null,"S2_V0":null,"S3_V0":4} @3`,
		`0 {"S1_V0":6,"S2_V0":2,"S3_V0":3} @5`,
	})
	s1 := func(v, ts, off int) string { return "{" + aliasedRow("S1", v, ts, off) + "}" }
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s3 := "{" + aliasedRow("S3", 3, 2, 0) + "}"
	s3k5 := `{"S3_V0":4,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":5}`
	joined := func(v, ts, off int) string {
		return "{" + aliasedRow("S1", v, ts, off) + "," + aliasedRow("S2", 2, 1, 0) + "}"
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s1(1, 0, 0) + " @0", "0 " + s1(6, 5, 1) + " @5"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s2 + " @1"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@0#1 " + s1(1, 0, 0) + " @0", "0@5#2 " + s1(6, 5, 1) + " @5"}},
		{"-KSTREAM-JOINOTHER-0000000017-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1"}},
		// S3, the RIGHT join's "this" side
		{"-Join-left-repartition", nil, 0, []string{"0 " + s3 + " @2", "5 " + s3k5 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", nil, 12, []string{"0@2#1 " + s3 + " @2", "5@3#2 " + s3k5 + " @3"}},
		{"-KSTREAM-OUTEROTHER-0000000029-store-changelog", nil, 12, []string{"0@1#1 " + joined(1, 0, 0) + " @1", "0@5#2 " + joined(6, 5, 1) + " @5"}},
	})
	if _, ok := topicExists(t, st, queryTopic(id, "-Join-right-repartition")); ok {
		t.Errorf("the RIGHT step writes its stream to Join-right-repartition")
	}
	noPrivateJoinLog(t, st, id)
}

// What the RIGHT step's "other" store logged is what a restarted server
// restores: S3's record after the restart joins the first step's result
// from before it.
func TestARightStepOfARegistryKeyedChainRestoresFromItsStores(t *testing.T) {
	st, srv, id, jsonKey := startRegistryChain(t, registryRightChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)})
	st.records(queryTopic(id, "-KSTREAM-OUTEROTHER-0000000029-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})
	want := []string{`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`}
	if got := showKeyed(st.records("OUTPUT", 1), jsonSRText, 0); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT after the restart:\n got %q\nwant %q", got, want)
	}
}

// A chain keyed in formats that infer schemas whose first stream-stream
// step is a RIGHT join on keys: both streams are forced through
// repartitions in the first stream's JSON_SR, S2, the RIGHT join's "this"
// side, through L_Join-left-repartition and S1 through
// L_Join-right-repartition (the historical plan
// joins_-_stream_stream_right_join_-_rekey_-_JSON names its sides' topics
// so), the stores KSTREAM-JOINTHIS-0000000016 (S2's rows) and
// KSTREAM-OUTEROTHER-0000000017 (S1's). A RIGHT join's result is keyed by
// the join key, which stays in the equivalence set
// (JoinTree.joinEquivalenceSet empties it only for OUTER), so the second
// join rekeys only S3, through Join-right-repartition, as in
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format (stores
// 28/29). The RIGHT step's rows hold S2's columns before S1's:
// StreamStreamJoinBuilder builds its JoinParams from the right schema
// then the left one, so the second step's left store holds them so.
const registryRightFirstChain = "CREATE STREAM OUTPUT AS SELECT S2.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"RIGHT JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = S3.ID;"

func TestARightFirstStepOfARegistryKeyedChainRepartitionsItsSidesAsKafkaStreamsNamesThem(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryRightFirstChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 4), []byte(`{"V0":5}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 4, avroIntKey(t, st, "s3-key", 4), []byte(`{"V0":7}`)})

	// S2's record of key 4 has no S1 partner: the RIGHT step emits it at
	// once, null-padded, and S3's record of key 4 joins it
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
		`4 {"S1_V0":null,"S2_V0":5,"S3_V0":7} @4`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s2k4 := `{"S2_V0":5,"S2_ROWTIME":2,"S2_ROWPARTITION":0,"S2_ROWOFFSET":1,"S2_ID":4}`
	s3 := "{" + aliasedRow("S3", 3, 3, 0) + "}"
	s3k4 := `{"S3_V0":7,"S3_ROWTIME":4,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":4}`
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", nil, 0, []string{"0 " + s2 + " @1", "4 " + s2k4 + " @2"}},
		{"-L_Join-right-repartition", nil, 0, []string{"0 " + s1 + " @0"}},
		{"-KSTREAM-JOINTHIS-0000000016-store-changelog", nil, 12, []string{"0@1#1 " + s2 + " @1", "4@2#2 " + s2k4 + " @2"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-Join-right-repartition", nil, 0, []string{"0 " + s3 + " @3", "4 " + s3k4 + " @4"}},
		// the RIGHT step's rows: S2's columns, then S1's
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", nil, 12, []string{
			"0@1#1 {" + aliasedRow("S2", 2, 1, 0) + "," + aliasedRow("S1", 1, 0, 0) + "} @1",
			"4@2#2 " + s2k4[:len(s2k4)-1] + "," + noRow("S1") + "} @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", nil, 12, []string{"0@3#1 " + s3 + " @3", "4@4#2 " + s3k4 + " @4"}},
	})
	noPrivateJoinLog(t, st, id)
}
