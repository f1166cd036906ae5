package ksqldb

import (
	"fmt"
	"testing"
)

// registryOuterExprChain is registryOuterChain whose second join rekeys the
// FULL OUTER result on an expression, ABS(S1.ID), instead of S1.ID: ksqlDB
// rekeys it alike through Join-left-repartition in S3's AVRO (the right
// side needs no rekey: JoinNode.resolveKeyFormats), keyed KSQL_COL_0 with
// its copy last among the values, after the null ROWKEY (StreamSelectKeyBuilder
// appends the copy of a key that is an expression; historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema Join.Left, for the copy; multi-joins_-_stream-stream-stream_-_outer-outer,
// schema Join.Left, for the ROWKEY), and S3 through Join-right-repartition,
// forced by its AVRO. The second join's left window store holds those
// values. EXPLAIN: explain_srouter_test.go.
const registryOuterExprChain = "CREATE STREAM OUTPUT AS SELECT S3.ID, S1.V0, S2.V0, S3.V0 FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON ABS(S1.ID) = S3.ID;"

func TestAFullOuterStepOfARegistryKeyedChainRekeyedOnAnExpressionCarriesTheKeyCopyAfterItsRowkey(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterExprChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 1), []byte(`{"V0":9}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)})

	// as for registryOuterChain: S2's record of key 1 goes out alone, with
	// a null S1.ID, so ABS(S1.ID) is null, the rekey writes it with a null
	// key and the join skips it
	var out []string
	for _, r := range st.records("OUTPUT", 2) {
		out = append(out, fmt.Sprintf("%s @%d", r.Value, r.Timestamp.UnixMilli()))
	}
	sameShown(t, "OUTPUT", out, []string{
		`{"S1_V0":1,"S2_V0":null,"S3_V0":3} @3`,
		`{"S1_V0":1,"S2_V0":2,"S3_V0":3} @3`,
	})
	s1 := "{" + aliasedRow("S1", 1, 0, 0) + "}"
	s2 := "{" + aliasedRow("S2", 2, 1, 0) + "}"
	s2k1 := `"S2_V0":9,"S2_ROWTIME":2,"S2_ROWPARTITION":0,"S2_ROWOFFSET":1,"S2_ID":1`
	s3 := "{" + aliasedRow("S3", 3, 3, 0) + "}"
	rekeyed := func(s2 string) string {
		return "{" + aliasedRow("S1", 1, 0, 0) + "," + s2 + `,"ROWKEY":null,"KSQL_COL_0":0}`
	}
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_Join-left-repartition", jsonSRText, 0, []string{"0 " + s1 + " @0"}},
		{"-L_Join-right-repartition", jsonSRText, 0, []string{"0 " + s2 + " @1", "1 {" + s2k1 + "} @2"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", jsonSRText, 12, []string{"0@0#1 " + s1 + " @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", jsonSRText, 12, []string{"0@1#1 " + s2 + " @1", "1@2#2 {" + s2k1 + "} @2"}},
		{"-Join-left-repartition", avroIntOrNull, 0, []string{
			"0 " + rekeyed(noRow("S2")) + " @0",
			"0 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
			"<null> {" + noRow("S1") + "," + s2k1 + `,"ROWKEY":null,"KSQL_COL_0":null} @2`,
		}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 " + s3 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", avroIntText, 12, []string{
			"0@0#1 " + rekeyed(noRow("S2")) + " @0",
			"0@1#2 " + rekeyed(aliasedRow("S2", 2, 1, 0)) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", avroIntText, 12, []string{"0@3#1 " + s3 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}

// registryOuterMidExprChain is registryOuterMidChain whose FULL OUTER step
// joins S3 on ABS(S3.ID): ksqlDB rekeys S3 by the expression through
// L_Join-right-repartition as it rekeyed it by its key, in the chain's
// JSON_SR, keyed KSQL_COL_0 with its copy S3_KSQL_COL_0 last among S3's
// values (historical plan multi-joins_-_only_viable_in_projection, schema
// Join.Right), the FULL OUTER result keeps that copy before its null
// ROWKEY (JoinParamsFactory.createSchema appends the key after the right
// side's values), and the third join's rekey of that result through
// Join-left-repartition, in S4's AVRO, and its left window store carry
// both. The topology is registryOuterMidChain's (the SelectKey step is
// named by its context, not its key): explain_srouter_test.go.
const registryOuterMidExprChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.ID, S1.V0, S2.V0, S3.V0, S4.V0 FROM S1 " +
	"JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID FULL OUTER JOIN S3 WITHIN 10 SECONDS ON S1.ID = ABS(S3.ID) " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.ID = S4.ID;"

func TestAFullOuterStepBetweenOthersOfARegistryKeyedChainRekeyingItsStreamOnAnExpressionCarriesTheCopyBeforeItsRowkey(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registryOuterMidExprChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("0"), []byte(`{"V0":1}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 0), []byte(`{"V0":2}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", 0), []byte(`{"V0":3}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", -5), []byte(`{"V0":4}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":5}`)})

	// as for registryOuterMidChain: S3's record of key -5 (ABS 5) goes
	// out alone, with a null S1.ID, and the third join skips it
	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":null,"S4_V0":5} @4`,
		`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"S4_V0":5} @4`,
	})
	s1 := aliasedRow("S1", 1, 0, 0)
	s2 := aliasedRow("S2", 2, 1, 0)
	s3 := aliasedRow("S3", 3, 2, 0) + `,"S3_KSQL_COL_0":0`
	s3k5 := `"S3_V0":4,"S3_ROWTIME":3,"S3_ROWPARTITION":0,"S3_ROWOFFSET":1,"S3_ID":-5,"S3_KSQL_COL_0":5`
	noS3 := noRow("S3") + `,"S3_KSQL_COL_0":null`
	s4 := "{" + aliasedRow("S4", 5, 4, 0) + "}"
	rekeyed := func(cols string) string { return "{" + cols + `,"ROWKEY":null}` }
	alone := rekeyed(s1 + "," + s2 + "," + noS3)
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

// registrySecondRekeyExprChain is registrySecondRekeyChain whose second
// join takes S3 on ABS(S3.ID): S3 goes through L_Join-right-repartition as
// before, keyed KSQL_COL_0 with its copy S3_KSQL_COL_0 last among its
// values (historical plan multi-joins_-_only_viable_in_projection, schema
// Join.Right), and the third join's rekey of the result, past the FULL
// OUTER first step, carries that copy after S3's values, the first step's
// null ROWKEY before them where the second join's left input held it
// (JoinParamsFactory.createSchema: the left values, then the right ones).
// With S3 rekeyed, both sides of the second join are, as are both of the
// third's, so neither side prefers a key format
// (PreJoinRepartitionNode.getPreferredKeyFormat) and each join takes
// JoinNode.getDefaultSourceKeyFormat, its first source's: S1's JSON_SR.
// The topology is registrySecondRekeyChain's: explain_srouter_test.go.
const registrySecondRekeyExprChain = registryFourthStream +
	"CREATE STREAM OUTPUT AS SELECT S1.V0, S1.ID, S2.ID, S3.ID, S4.ID FROM S1 " +
	"FULL OUTER JOIN S2 WITHIN 5 SECONDS ON S1.ID = S2.ID JOIN S3 WITHIN 10 SECONDS ON S1.ID = ABS(S3.ID) " +
	"JOIN S4 WITHIN 10 SECONDS ON S1.V0 = S4.V0;"

// idRow is the PrependAlias columns of a record of registryOuterStreams'
// stream alias (v0, its time, offset and key id; partition 0), without
// braces.
func idRow(alias string, v, ts, off, id int) string {
	return fmt.Sprintf(`"%[1]s_V0":%[2]d,"%[1]s_ROWTIME":%[3]d,"%[1]s_ROWPARTITION":0,"%[1]s_ROWOFFSET":%[4]d,"%[1]s_ID":%[5]d`, alias, v, ts, off, id)
}

func TestASecondRekeyPastAFullOuterStepCarriesTheCopyOfAStreamRekeyedOnAnExpressionAfterItsRowkey(t *testing.T) {
	st, _, id, jsonKey := startRegistryChain(t, registrySecondRekeyExprChain)
	st.produceJoin(joinRec{"s1", 0, jsonKey("3"), []byte(`{"V0":7}`)},
		joinRec{"s2", 1, avroIntKey(t, st, "s2-key", 3), []byte(`{"V0":8}`)},
		joinRec{"s3", 2, avroIntKey(t, st, "s3-key", -3), []byte(`{"V0":5}`)},
		joinRec{"s4", 3, avroIntKey(t, st, "s4-key", 0), []byte(`{"V0":7}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 2), jsonSRText, 0), []string{
		`7 {"S1_ID":3,"S2_ID":null,"S3_ID":-3,"S4_ID":0} @3`,
		`7 {"S1_ID":3,"S2_ID":3,"S3_ID":-3,"S4_ID":0} @3`,
	})
	s1, s2 := idRow("S1", 7, 0, 0, 3), idRow("S2", 8, 1, 0, 3)
	s3 := idRow("S3", 5, 2, 0, -3) + `,"S3_KSQL_COL_0":3`
	s4 := "{" + idRow("S4", 7, 3, 0, 0) + "}"
	rekeyed := func(s2 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null}` }
	again := func(s2 string) string { return "{" + s1 + "," + s2 + `,"ROWKEY":null,` + s3 + "}" }
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_Join-left-repartition", nil, 0, []string{"3 {" + s1 + "} @0"}},
		{"-L_L_Join-right-repartition", nil, 0, []string{"3 {" + s2 + "} @1"}},
		{"-KSTREAM-OUTERTHIS-0000000016-store-changelog", nil, 12, []string{"3@0#1 {" + s1 + "} @0"}},
		{"-KSTREAM-OUTEROTHER-0000000017-store-changelog", nil, 12, []string{"3@1#1 {" + s2 + "} @1"}},
		{"-L_Join-left-repartition", nil, 0, []string{"3 " + rekeyed(noRow("S2")) + " @0", "3 " + rekeyed(s2) + " @1"}},
		{"-L_Join-right-repartition", nil, 0, []string{"3 {" + s3 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", nil, 12, []string{
			"3@0#1 " + rekeyed(noRow("S2")) + " @0",
			"3@1#2 " + rekeyed(s2) + " @1",
		}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", nil, 12, []string{"3@2#1 {" + s3 + "} @2"}},
		{"-Join-left-repartition", nil, 0, []string{"7 " + again(noRow("S2")) + " @2", "7 " + again(s2) + " @2"}},
		{"-Join-right-repartition", nil, 0, []string{"7 " + s4 + " @3"}},
		{"-KSTREAM-JOINTHIS-0000000048-store-changelog", nil, 12, []string{
			"7@2#1 " + again(noRow("S2")) + " @2",
			"7@2#2 " + again(s2) + " @2",
		}},
		{"-KSTREAM-JOINOTHER-0000000049-store-changelog", nil, 12, []string{"7@3#1 " + s4 + " @3"}},
	})
	noPrivateJoinLog(t, st, id)
}
