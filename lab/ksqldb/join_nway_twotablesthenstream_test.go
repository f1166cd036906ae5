package ksqldb

import "testing"

// twoTablesBeforeStreamJoinQuery's chain whose last stream-stream join
// rekeys its stream: ksqlDB rekeys both tables by their own keys into the
// streams' KAFKA as there (L_L_ for T3, L_ for T4; historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch), then S3,
// joined by its column K, through Join-right-repartition, either alone
// (on S1.ID, the key the result keeps; in the result's KAFKA, as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its third stream) or with the joined row, on S2.K, through
// Join-left-repartition (neither side has a preferred key format, so
// JoinNode.resolveKeyFormats takes getDefaultSourceKeyFormat's, the first
// stream's KAFKA; that plan rekeys both sides of its second join so), each
// table's PrependAlias values after the streams' in the order joined
// (JoinParamsFactory.createSchema), which the last join's left window store
// holds. Store numbers: explain_twotablesthenstream_test.go.
const (
	twoTablesThenStreamRekeyedQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, t4.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k;`
	twoTablesThenBothRekeyedQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, t4.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.k;`
)

// twoTablesThenStreamCases are the two chains, each with its records.
func twoTablesThenStreamCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7)
	k6, k7 := kafkaInt(6), kafkaInt(7)
	joined := "{" + s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 7) + "," + aliasedTableRow("T4", 8, 7) + "}"
	// what both chains log up to the last join
	before := []chainLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
		{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
		{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
	}
	in := func(s3 joinRec) []joinRec {
		return []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":6,"V0":2}`)}, s3}
	}
	tables := []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}}
	settled := []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-L_RightSourceKeyed-Materialize-changelog"}
	absent := []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_L_L_Right-Reduce-changelog",
		"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition"}
	s3a, s3b := keyedRow("S3", 7, 3, 3, 0, 9), keyedRow("S3", 6, 3, 3, 0, 9)
	return []chainCase{
		{
			name:    "S3 on its column K by S1.ID rekeys it through Join-right-repartition",
			sources: twoTablesSources, stmt: twoTablesThenStreamRekeyedQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s3", 3, kafkaInt(9), []byte(`{"K":7,"V0":3}`)}),
			out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"T4_V0":8,"S3_V0":3} @3`,
			logs: append(before,
				chainLog{"-Join-right-repartition", []string{logLine(string(k7), "{"+s3a+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000046-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), joined, 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000047-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3a+"}", 3)}},
			),
			absent: append(absent, "-Join-left-repartition"),
		},
		{
			name:    "S3 on its column K by S2.K rekeys it through Join-right-repartition and the result through Join-left-repartition",
			sources: twoTablesSources, stmt: twoTablesThenBothRekeyedQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s3", 3, kafkaInt(9), []byte(`{"K":6,"V0":3}`)}),
			out: `00000006 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"T4_V0":8,"S3_V0":3} @3`,
			logs: append(before,
				chainLog{"-Join-left-repartition", []string{logLine(string(k6), joined, 2)}},
				chainLog{"-Join-right-repartition", []string{logLine(string(k6), "{"+s3b+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000050-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), joined, 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000051-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3b+"}", 3)}},
			),
			absent: absent,
		},
	}
}

func TestAChainRekeysAStreamAfterTwoTablesKeyedInOtherFormatsAtAStreamStreamJoin(t *testing.T) {
	runChainCases(t, twoTablesThenStreamCases())
}

// A chain on AVRO keys of the same shape, the last join on S2.K: the key
// format infers schemas, which forces every source's repartition
// (PreJoinRepartitionNode.maybeForceInternalKeyFormat, ksql issue 6332):
// S1 and S2 through L_L_L_Join-left- and -right-repartition (historical
// plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format), T and
// T3 by their own keys through L_L_ and L_RightSourceKeyed-SelectKey-repartition
// (historical plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format
// rekeys its table after repartitioned streams), then the joined row by
// S2.K through Join-left-repartition and S3, forced, by its key through
// Join-right-repartition, both in S1's AVRO (neither side has a preferred
// key format: JoinNode.resolveKeyFormats; historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys both sides of its second join so). Stores: T3 0-11 and T 12-23
// (the outer table built first, as twoTablesBeforeStreamJoinQuery's T4),
// S1 24-27, S2 28-31, their repartitions 32-37, windowed 38/39,
// KSTREAM-JOINTHIS/-JOINOTHER 40/41, merge 42, L_L_Join 43, L_Join 44,
// LeftSourceKeyed-SelectKey 45, S3 46-49, Join-left- and
// -right-repartition 50-55, windowed 56/57, stores 58/59.
func TestAChainOnRegistryKeysRekeysTheResultAndItsForcedStreamAfterTwoTables(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, srTablesSources, nil)
	mustKSQL(t, url, `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t.v0, t3.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t ON s1.id = t.id JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 5), []byte(`{"V0":9}`)},
		joinRec{"t3", 0, avroIntKey(t, st, "t3-key", 5), []byte(`{"V0":8}`)})
	st.records(queryTopic(id, "-L_L_RightSourceKeyed-Materialize-changelog"), 1)
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 5), []byte(`{"K":0,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 5), []byte(`{"K":6,"V0":2}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 6), []byte(`{"K":0,"V0":3}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0),
		[]string{`6 {"S1_V0":1,"S2_V0":2,"T_V0":9,"T3_V0":8,"S3_V0":3} @3`})
	tv := `5 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5} @0`
	t3v := `5 {"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5} @0`
	s1, s2, s3 := keyedRow("S1", 0, 1, 1, 0, 5), keyedRow("S2", 6, 2, 2, 0, 5), keyedRow("S3", 0, 3, 3, 0, 6)
	joined := "{" + s1 + "," + s2 + "," + aliasedTableRow("T", 9, 5) + "," + aliasedTableRow("T3", 8, 5) + "}"
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
		{"-L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{t3v}},
		{"-L_L_L_Join-left-repartition", avroIntText, 0, []string{"5 {" + s1 + "} @1"}},
		{"-L_L_L_Join-right-repartition", avroIntText, 0, []string{"5 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000040-store-changelog", avroIntText, 12, []string{"5@1#1 {" + s1 + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000041-store-changelog", avroIntText, 12, []string{"5@2#1 {" + s2 + "} @2"}},
		{"-Join-left-repartition", avroIntText, 0, []string{"6 " + joined + " @2"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"6 {" + s3 + "} @3"}},
		{"-KSTREAM-JOINTHIS-0000000058-store-changelog", avroIntText, 12, []string{"6@2#1 " + joined + " @2"}},
		{"-KSTREAM-JOINOTHER-0000000059-store-changelog", avroIntText, 12, []string{"6@3#1 {" + s3 + "} @3"}},
	})
	noPrivateJoinLog(t, st, id)
}
