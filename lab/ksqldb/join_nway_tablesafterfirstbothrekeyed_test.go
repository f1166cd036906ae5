package ksqldb

import "testing"

// A chain of twoTablesSources whose first [INNER] stream-stream join
// rekeys both its streams by their columns K, then joins T3
// (JSON-keyed), S3 on its key and T4 (DELIMITED-keyed), all on S1.K.
// ksqlDB rekeys S1 through L_L_L_Join-left-repartition and S2 through
// L_L_L_Join-right-repartition, both in S1's KAFKA (JoinNode.resolveKeyFormats:
// neither side has a preferred key format, so getDefaultSourceKeyFormat
// gives the first source's; historical plan
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left_and_right
// rekeys both streams so), the result keyed by S1.K, and each table by
// its own key into that format through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize (PreJoinRepartitionNode.maybeForceInternalKeyFormat;
// historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch);
// S3's join needs no repartition, its left window store holding S1's,
// S2's and T3's PrependAlias values (JoinParamsFactory.createSchema). S2's
// rekey takes four indexes more than where S1 alone is rekeyed
// (tablesAfterFirstLeftRekeyQuery): its LeftSourceKeyed-SelectKey and
// the three of its repartition, as rekey_left_and_right's stores 22/23
// follow rekey_left's 18/19; so the window stores are
// KSTREAM-JOINTHIS/-JOINOTHER 40/41 and 49/50.
const tablesAfterFirstBothRekeyedQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.k
JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id JOIN t4 ON s1.k = t4.id;`

func tablesAfterFirstBothRekeyedCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	k7 := kafkaInt(7)
	s1, s2, s3 := keyedRow("S1", 7, 1, 1, 0, 5), keyedRow("S2", 7, 2, 2, 0, 9), keyedRow("S3", 6, 3, 3, 0, 7)
	joined := "{" + s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 7) + "}"
	return []chainCase{{
		name:    "S1 and S2 through L_L_L_Join-left- and -right-repartition, T3 and T4 by their own keys",
		sources: twoTablesSources, stmt: tablesAfterFirstBothRekeyedQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}},
		settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":7,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":7,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		out: `00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
		logs: []chainLog{
			{"-L_L_L_Join-left-repartition", []string{logLine(string(k7), "{"+s1+"}", 1)}},
			{"-L_L_L_Join-right-repartition", []string{logLine(string(k7), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000040-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000041-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
			{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
			{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
			{"-KSTREAM-JOINTHIS-0000000049-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000050-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3+"}", 3)}},
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}},
		},
		absent: []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
			"-L_Join-left-repartition", "-L_Join-right-repartition",
			"-L_L_Join-repartition", "-Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
	}}
}

func TestAChainWhoseFirstStreamStreamJoinRekeysBothStreamsRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	runChainCases(t, tablesAfterFirstBothRekeyedCases())
}

// The chain as a push query builds the persistent chain's topology under
// its transient application id (QueryBuilder.buildTransientQuery, see
// transient_nwaywindow_test.go): both streams' repartitions, the tables'
// repartitions and Materialize stores, and each stream-stream step's
// window stores, numbered as the persistent query's.
func TestAPushChainWhoseFirstStreamStreamJoinRekeysBothStreamsKeepsThePersistentChainsTopics(t *testing.T) {
	c := tablesAfterFirstBothRekeyedCases()[0]
	runTransientChainCases(t, []transientChainCase{{
		plan:   "first-both-streams-rekeyed-both-key-format-mismatch",
		ddl:    twoTablesSources,
		query:  "SELECT s1.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.k JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id JOIN t4 ON s1.k = t4.id EMIT CHANGES;",
		inputs: append(c.tables, c.in...),
		rows:   []string{`[7,1,2,9,3,8]`},
		topics: []string{"L_L_L_Join-left-repartition", "L_L_L_Join-right-repartition",
			"KSTREAM-JOINTHIS-0000000040-store-changelog", "KSTREAM-JOINOTHER-0000000041-store-changelog",
			"L_L_RightSourceKeyed-SelectKey-repartition", "L_L_RightSourceKeyed-Materialize-changelog",
			"KSTREAM-JOINTHIS-0000000049-store-changelog", "KSTREAM-JOINOTHER-0000000050-store-changelog",
			"RightSourceKeyed-SelectKey-repartition", "RightSourceKeyed-Materialize-changelog"},
	}})
}
