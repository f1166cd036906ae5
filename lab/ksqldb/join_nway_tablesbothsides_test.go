package ksqldb

import "testing"

// Chains of twoTablesSources whose first join, stream-table, rekeys its
// table T3 (JSON-keyed) by its own key into the streams' KAFKA, and that
// join T4 (DELIMITED-keyed) later, around a stream-stream join on the key:
// T4 after it, or before it beside T3. The chain rekeys nothing but the
// tables, so the result stays keyed by S1.ID in KAFKA and each table is
// rekeyed as the historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// two (PreJoinRepartitionNode.maybeForceInternalKeyFormat: a side keyed
// in another format than its join's), through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize, its values not aliased (schema
// RightSourceKeyed.Materialize); the stream-stream join needs no
// repartition (its sides keyed alike, JoinNode.resolveKeyFormats), its
// left window store holding the joined row, S1's PrependAlias values then
// each table's joined before it (JoinParamsFactory.createSchema). Store
// numbers: explain_tablesbothsides_test.go.
const (
	tableStreamTableQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, t3.v0, s2.v0, t4.v0 FROM s1 JOIN t3 ON s1.id = t3.id
JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN t4 ON s1.id = t4.id;`
	tableTableStreamQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, t3.v0, t4.v0, s2.v0 FROM s1 JOIN t3 ON s1.id = t3.id
JOIN t4 ON s1.id = t4.id JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id;`
)

// tablesBothSidesCases are the two chains, each with its records.
func tablesBothSidesCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7)
	k7 := kafkaInt(7)
	tables := []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}}
	in := []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":6,"V0":2}`)}}
	absent := []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
		"-L_L_Join-repartition", "-L_Join-repartition", "-Join-repartition",
		"-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-left-repartition", "-Join-right-repartition"}
	return []chainCase{
		{
			name:    "T3 before the stream-stream join and T4 after it, each rekeyed by its own key",
			sources: twoTablesSources, stmt: tableStreamTableQuery,
			tables:  tables,
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
			in:      in,
			out:     `00000007 {"S1_V0":1,"T3_V0":9,"S2_V0":2,"T4_V0":8} @2`,
			logs: []chainLog{
				{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
				{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
				{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
				{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
				{"-KSTREAM-JOINTHIS-0000000033-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+","+aliasedTableRow("T3", 9, 7)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000034-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
			},
			absent: append(absent, "-L_RightSourceKeyed-SelectKey-repartition"),
		},
		{
			name:    "T3 and T4 before the stream-stream join, each rekeyed by its own key",
			sources: twoTablesSources, stmt: tableTableStreamQuery,
			tables:  tables,
			settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-L_RightSourceKeyed-Materialize-changelog"},
			in:      in,
			out:     `00000007 {"S1_V0":1,"T3_V0":9,"T4_V0":8,"S2_V0":2} @2`,
			logs: []chainLog{
				{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
				{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
				{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
				{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
				{"-KSTREAM-JOINTHIS-0000000034-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1),
					"{"+s1+","+aliasedTableRow("T3", 9, 7)+","+aliasedTableRow("T4", 8, 7)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000035-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
			},
			absent: append(absent, "-RightSourceKeyed-SelectKey-repartition"),
		},
	}
}

func TestAChainWhoseFirstStreamTableJoinRekeysItsTableRekeysALaterTableKeyedInAnotherFormat(t *testing.T) {
	runChainCases(t, tablesBothSidesCases())
}
