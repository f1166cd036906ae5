package ksqldb

import "testing"

// Chains that rekey a table keyed in another format, then the result,
// then, at a later stream-stream join, a side again: the result or that
// join's stream. S1 and S2 are joined on their keys, T3 (keyed in JSON)
// on S1.ID, so PreJoinRepartitionNode forces its rekey by its own key into
// the chain's KAFKA through L_L_RightSourceKeyed-SelectKey-repartition into
// L_L_RightSourceKeyed-Materialize (as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// tables, built before the stream they join: StreamTableJoinBuilder), S3
// on S2.K, so the result is rekeyed by it through L_Join-left-repartition,
// T3's PrependAlias values after the streams' (JoinParamsFactory.createSchema),
// and S4 either on S3.K, outside that join's equivalence set, so the
// result is rekeyed again through Join-left-repartition (as
// multi-joins_-_stream-stream-stream_-_outer-outer rekeys a joined result),
// or by its column K on S3.ID, in the set, so only S4 is rekeyed, through
// Join-right-repartition (as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its third stream). Store numbers: explain_rekeyafterrekeyedtable_test.go.
const (
	resultRekeyedTwiceAfterTableQuery = `
CREATE STREAM output AS SELECT s3.k, s1.v0, s2.v0, t3.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN s4 WITHIN 10 SECONDS ON s3.k = s4.id;`
	streamRekeyedAfterResultAfterTableQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN s4 WITHIN 10 SECONDS ON s3.id = s4.k;`
)

// rekeyAfterRekeyedTableCases are the two chains, each with its records.
func rekeyAfterRekeyedTableCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5}`
	k5, k6, k7 := kafkaInt(5), kafkaInt(6), kafkaInt(7)
	s1, s2 := keyedRow("S1", 0, 1, 1, 0, 5), keyedRow("S2", 6, 2, 2, 0, 5)
	s3 := keyedRow("S3", 7, 3, 3, 0, 6)
	// the row rekeyed by S2.K: both streams, then T3
	joined := s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 5)
	// what both chains log up to S3's join
	before := []chainLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k5), t3, 0)}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k5), t3, 0)}},
		{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+s2+"}", 2)}},
		{"-L_Join-left-repartition", []string{logLine(string(k6), "{"+joined+"}", 2)}},
		{"-KSTREAM-JOINTHIS-0000000033-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+joined+"}", 2)}},
		{"-KSTREAM-JOINOTHER-0000000034-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
	}
	in := func(s4 joinRec) []joinRec {
		return []joinRec{{"s1", 1, k5, []byte(`{"K":0,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, k6, []byte(`{"K":7,"V0":3}`)}, s4}
	}
	tables := []joinRec{{"t3", 0, []byte("5"), []byte(`{"V0":9}`)}}
	settled := []string{"-L_L_RightSourceKeyed-Materialize-changelog"}
	absent := []string{"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-L_L_Join-repartition", "-L_Join-right-repartition"}
	s4a, s4b := keyedRow("S4", 0, 4, 4, 0, 7), keyedRow("S4", 6, 4, 4, 0, 9)
	return []chainCase{
		{
			name:    "S4 on S3.K rekeys the result again through Join-left-repartition",
			sources: tableBeforeStreamJoinSources, stmt: resultRekeyedTwiceAfterTableQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s4", 4, k7, []byte(`{"K":0,"V0":4}`)}),
			out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`,
			logs: append(before,
				chainLog{"-Join-left-repartition", []string{logLine(string(k7), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k7, 4, 1), "{"+s4a+"}", 4)}},
			),
			absent: append(absent, "-Join-right-repartition"),
		},
		{
			name:    "S4 on its column K rekeys it through Join-right-repartition",
			sources: tableBeforeStreamJoinSources, stmt: streamRekeyedAfterResultAfterTableQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s4", 4, kafkaInt(9), []byte(`{"K":6,"V0":4}`)}),
			out: `00000006 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`,
			logs: append(before,
				chainLog{"-Join-right-repartition", []string{logLine(string(k6), "{"+s4b+"}", 4)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k6, 4, 1), "{"+s4b+"}", 4)}},
			),
			absent: append(absent, "-Join-left-repartition"),
		},
	}
}

func TestAChainThatRekeysASideAfterARekeyMadeAfterARekeyedTableRepartitionsIt(t *testing.T) {
	runChainCases(t, rekeyAfterRekeyedTableCases())
}
