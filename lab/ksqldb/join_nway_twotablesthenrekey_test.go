package ksqldb

import "testing"

// twoTablesBeforeStreamJoinQuery's chain whose last stream-stream join is
// on S2.K, outside the result's equivalence set: ksqlDB rekeys both tables
// by their own keys into the streams' KAFKA as there (L_L_ for T3, L_ for
// T4; historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch),
// then the joined row by S2.K through Join-left-repartition (as
// multi-joins_-_stream-stream-stream_-_outer-outer rekeys a joined result),
// each table's PrependAlias values after the streams' in the order joined
// (JoinParamsFactory.createSchema), which the last join's left window store
// holds. Store numbers: explain_twotablesthenrekey_test.go.
const twoTablesThenRekeyQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, t4.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN t4 ON s1.id = t4.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id;`

// twoTablesThenRekeyCase is that chain with its records.
func twoTablesThenRekeyCase() chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7)
	k, k6 := kafkaInt(7), kafkaInt(6)
	joined := "{" + s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 7) + "," + aliasedTableRow("T4", 8, 7) + "}"
	return chainCase{
		name:    "S2 on keys, T3 keyed in JSON and T4 in DELIMITED on S1.ID, S3 on S2.K",
		sources: twoTablesSources,
		stmt:    twoTablesThenRekeyQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}},
		settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-L_RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, k, []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, k, []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, k6, []byte(`{"K":8,"V0":3}`)}},
		out: `00000006 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"T4_V0":8,"S3_V0":3} @3`,
		logs: []chainLog{
			{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t3, 0)}},
			{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t3, 0)}},
			{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k), t4, 0)}},
			{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k), t4, 0)}},
			{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
			{"-Join-left-repartition", []string{logLine(string(k6), joined, 2)}},
			{"-KSTREAM-JOINTHIS-0000000046-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000047-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 6)+"}", 3)}},
		},
		absent: []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_L_L_Right-Reduce-changelog",
			"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-Join-right-repartition"},
	}
}

func TestAChainRekeysTheResultAfterTwoTablesKeyedInOtherFormatsAtAStreamStreamJoin(t *testing.T) {
	runChainCases(t, []chainCase{twoTablesThenRekeyCase()})
}
