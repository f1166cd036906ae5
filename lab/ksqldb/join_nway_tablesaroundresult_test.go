package ksqldb

import (
	"fmt"
	"testing"
)

// Chains of twoTablesSources that rekey the result at a stream-stream join
// on S2.K or S1.K, that join's stream joined on its key, and join the
// tables T3 (JSON-keyed) and T4 (DELIMITED-keyed): both after the rekey,
// or T3 before it (after a first stream-stream join on the keys, or at a
// first stream-table join) and T4 after it. ksqlDB rekeys the joined row
// through that join's <L_...>Join-left-repartition, in the stream's KAFKA
// (JoinNode.resolveKeyFormats: the side not rekeyed gives it; historical
// plan multi-joins_-_stream-stream-stream_-_outer-outer rekeys a joined
// result so), and each table by its own key into the chain's KAFKA
// through its join's <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize, its values not aliased
// (PreJoinRepartitionNode.maybeForceInternalKeyFormat; historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// two tables so). The repartition and the rekeying join's left window
// store hold the joined row so far, each source's PrependAlias values in
// the order joined (JoinParamsFactory.createSchema). Store numbers:
// explain_tablesaroundresult_test.go.
const (
	resultRekeyedThenTwoTablesQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, s3.v0, t3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN t3 ON s2.k = t3.id JOIN t4 ON s2.k = t4.id;`
	tableResultRekeyedTableQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN t4 ON s2.k = t4.id;`
	firstTableResultRekeyedTableQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t3.v0, s2.v0, t4.v0 FROM s1 JOIN t3 ON s1.id = t3.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN t4 ON s1.k = t4.id;`
)

// tablesAroundResultCases are the three chains, each with its records.
func tablesAroundResultCases() []chainCase {
	table := func(v, id int) string {
		return fmt.Sprintf(`{"V0":%d,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":%d}`, v, id)
	}
	tables := func(t3, t4 int) []joinRec {
		return []joinRec{{"t3", 0, fmt.Appendf(nil, "%d", t3), []byte(`{"V0":9}`)}, {"t4", 0, fmt.Appendf(nil, "%d", t4), []byte(`{"V0":8}`)}}
	}
	s1, s2, s3 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7), keyedRow("S3", 0, 3, 3, 0, 6)
	k5, k6, k7 := kafkaInt(5), kafkaInt(6), kafkaInt(7)
	streams := []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":6,"V0":2}`)},
		{"s3", 3, k6, []byte(`{"K":0,"V0":3}`)}}
	// the first join's stores, where it joins S1 and S2
	first := []chainLog{
		{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
	}
	absent := []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
		"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-Join-repartition", "-L_Join-repartition", "-L_L_Join-repartition",
		"-L_L_Join-right-repartition", "-L_Join-right-repartition"}
	joinedT3 := "{" + s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 7) + "}"
	s1T3 := "{" + s1 + "," + aliasedTableRow("T3", 9, 7) + "}"
	s2b := keyedRow("S2", 6, 2, 2, 0, 5)
	return []chainCase{
		{
			name:    "both tables after the result's rekey through L_L_Join-left-repartition",
			sources: twoTablesSources, stmt: resultRekeyedThenTwoTablesQuery,
			tables:  tables(6, 6),
			settled: []string{"-L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      streams,
			out:     `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9,"T4_V0":8} @3`,
			logs: append(first,
				chainLog{"-L_L_Join-left-repartition", []string{logLine(string(k6), "{"+s1+","+s2+"}", 2)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000044-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s1+","+s2+"}", 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000045-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
				chainLog{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), table(9, 6), 0)}},
				chainLog{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), table(9, 6), 0)}},
				chainLog{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), table(8, 6), 0)}},
				chainLog{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), table(8, 6), 0)}},
			),
			absent: append(absent, "-L_Join-left-repartition", "-L_L_RightSourceKeyed-SelectKey-repartition"),
		},
		{
			name:    "T3 before the result's rekey through L_Join-left-repartition and T4 after it",
			sources: twoTablesSources, stmt: tableResultRekeyedTableQuery,
			tables:  tables(7, 6),
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      streams,
			out:     `00000006 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
			logs: append(first,
				chainLog{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), table(9, 7), 0)}},
				chainLog{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), table(9, 7), 0)}},
				chainLog{"-L_Join-left-repartition", []string{logLine(string(k6), joinedT3, 2)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), joinedT3, 2)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
				chainLog{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), table(8, 6), 0)}},
				chainLog{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), table(8, 6), 0)}},
			),
			absent: append(absent, "-L_L_Join-left-repartition", "-L_RightSourceKeyed-SelectKey-repartition"),
		},
		{
			name:    "T3 at the first join, the result rekeyed by S1.K through L_Join-left-repartition, then T4",
			sources: twoTablesSources, stmt: firstTableResultRekeyedTableQuery,
			tables:  tables(7, 5),
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":6,"V0":2}`)}},
			out:     `00000005 {"S1_V0":1,"T3_V0":9,"S2_V0":2,"T4_V0":8} @2`,
			logs: []chainLog{
				{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), table(9, 7), 0)}},
				{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), table(9, 7), 0)}},
				{"-L_Join-left-repartition", []string{logLine(string(k5), s1T3, 1)}},
				{"-KSTREAM-JOINTHIS-0000000037-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), s1T3, 1)}},
				{"-KSTREAM-JOINOTHER-0000000038-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+s2b+"}", 2)}},
				{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k5), table(8, 5), 0)}},
				{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k5), table(8, 5), 0)}},
			},
			absent: append(absent, "-L_L_Join-left-repartition", "-L_RightSourceKeyed-SelectKey-repartition"),
		},
	}
}

func TestAChainRekeysTwoTablesKeyedInOtherFormatsAroundARekeyOfTheResult(t *testing.T) {
	runChainCases(t, tablesAroundResultCases())
}
