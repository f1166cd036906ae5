package ksqldb

import "testing"

// Chains of twoTablesSources that join S1 and S2 on their keys, then S3 on
// its column K by S1.ID, and the tables T3 (JSON-keyed) and T4
// (DELIMITED-keyed) on S1.ID: both after S3's join, or T3 before it and T4
// after it. ksqlDB rekeys S3 by K through its join's
// <L_...>Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its third stream so), the result keeping S1.ID in the streams'
// KAFKA, and each table by its own key into that format through its
// join's <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize, its values not aliased
// (PreJoinRepartitionNode.maybeForceInternalKeyFormat; historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// two tables so). S3's join's left window store holds the joined row so
// far, each source's PrependAlias values in the order joined
// (JoinParamsFactory.createSchema). Store numbers:
// explain_tablesafterlaterstream_test.go. A chain whose first join,
// stream-table, rekeys T3 so, then rekeys S2 at a stream-stream join on
// its column K, then joins T4, rekeys each alike.
const (
	laterStreamThenTwoTablesQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, t3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id;`
	tableLaterStreamTableQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN t4 ON s1.id = t4.id;`
	tableRekeyedStreamTableQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, t3.v0, s2.v0, t4.v0 FROM s1 JOIN t3 ON s1.id = t3.id
JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.k JOIN t4 ON s1.id = t4.id;`
)

// tablesAfterLaterStreamCases are the three chains, each with its records.
func tablesAfterLaterStreamCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2, s3 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7), keyedRow("S3", 7, 3, 3, 0, 9)
	k7 := kafkaInt(7)
	tables := []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}}
	in := []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":6,"V0":2}`)},
		{"s3", 3, kafkaInt(9), []byte(`{"K":7,"V0":3}`)}}
	// the first join's stores, the same in both chains
	first := []chainLog{
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
	}
	absent := []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
		"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-Join-repartition", "-L_Join-repartition", "-L_L_Join-repartition"}
	return []chainCase{
		{
			name:    "both tables after S3's join, S3 through L_L_Join-right-repartition",
			sources: twoTablesSources, stmt: laterStreamThenTwoTablesQuery,
			tables:  tables,
			settled: []string{"-L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      in,
			out:     `00000007 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9,"T4_V0":8} @3`,
			logs: append(first,
				chainLog{"-L_L_Join-right-repartition", []string{logLine(string(k7), "{"+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000044-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s1+","+s2+"}", 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000045-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3+"}", 3)}},
				chainLog{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
				chainLog{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
				chainLog{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
				chainLog{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
			),
			absent: append(absent, "-L_Join-right-repartition", "-L_L_RightSourceKeyed-SelectKey-repartition"),
		},
		{
			name:    "T3 before S3's join and T4 after it, S3 through L_Join-right-repartition",
			sources: twoTablesSources, stmt: tableLaterStreamTableQuery,
			tables:  tables,
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      in,
			out:     `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
			logs: append(first,
				chainLog{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
				chainLog{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
				chainLog{"-L_Join-right-repartition", []string{logLine(string(k7), "{"+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1),
					"{"+s1+","+s2+","+aliasedTableRow("T3", 9, 7)+"}", 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3+"}", 3)}},
				chainLog{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
				chainLog{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
			),
			absent: append(absent, "-L_L_Join-right-repartition", "-L_RightSourceKeyed-SelectKey-repartition"),
		},
		{
			name:    "T3 at the first join, S2 through L_Join-right-repartition, then T4",
			sources: twoTablesSources, stmt: tableRekeyedStreamTableQuery,
			tables:  tables,
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":7,"V0":2}`)}},
			out:     `00000007 {"S1_V0":1,"T3_V0":9,"S2_V0":2,"T4_V0":8} @2`,
			logs: []chainLog{
				{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
				{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
				{"-L_Join-right-repartition", []string{logLine(string(k7), "{"+keyedRow("S2", 7, 2, 2, 0, 9)+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000037-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+","+aliasedTableRow("T3", 9, 7)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000038-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+keyedRow("S2", 7, 2, 2, 0, 9)+"}", 2)}},
				{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
				{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
			},
			absent: []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
				"-L_L_Join-repartition", "-L_Join-left-repartition", "-Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
		},
	}
}

func TestAChainRekeysTwoTablesKeyedInOtherFormatsAroundARekeyOfALaterStream(t *testing.T) {
	runChainCases(t, tablesAfterLaterStreamCases())
}
