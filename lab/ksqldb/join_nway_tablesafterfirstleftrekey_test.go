package ksqldb

import "testing"

// A chain of twoTablesSources whose first [INNER] stream-stream join
// rekeys S1, its left stream, by its column K, then joins T3
// (JSON-keyed), S3 on its key and T4 (DELIMITED-keyed), all on S1.K: the
// mirror of tablesAfterFirstRekeyQuery. ksqlDB rekeys S1 through
// L_L_L_Join-left-repartition, in S2's KAFKA (JoinNode.resolveKeyFormats:
// the side not rekeyed gives it; historical plan
// multi-joins_-_stream-stream-table_-_inner-inner_-_rekey_left rekeys the
// left stream so), the result keyed by S1.K (S2.ID), and each table by
// its own key into that format through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize (PreJoinRepartitionNode.maybeForceInternalKeyFormat;
// historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch);
// S3's join needs no repartition, its left window store holding S1's,
// S2's and T3's PrependAlias values (JoinParamsFactory.createSchema). The
// first join's nodes take as many indexes as with its right stream
// rekeyed (S1's source, transform, LeftSourceKeyed-SelectKey and
// PrependAlias before S2's three, where S2's rekey took S1's place), so
// the window stores are KSTREAM-JOINTHIS/-JOINOTHER 36/37 and 45/46 as
// there (explain_tablesafterfirstrekey_test.go).
const tablesAfterFirstLeftRekeyQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id
JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id JOIN t4 ON s1.k = t4.id;`

func tablesAfterFirstLeftRekeyCases() []chainCase {
	k7 := kafkaInt(7)
	s1, s2, s3 := keyedRow("S1", 7, 1, 1, 0, 5), keyedRow("S2", 9, 2, 2, 0, 7), keyedRow("S3", 6, 3, 3, 0, 7)
	return []chainCase{twoTablesAfterFirstJoinCase(
		"S1 through L_L_L_Join-left-repartition, T3 and T4 by their own keys",
		tablesAfterFirstLeftRekeyQuery,
		[]joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":7,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":9,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		`00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
		[]chainLog{
			{"-L_L_L_Join-left-repartition", []string{logLine(string(k7), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINTHIS-0000000036-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000037-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
		},
		[2]int{45, 46}, "{"+s1+","+s2+","+aliasedTableRow("T3", 9, 7)+"}", 2, s3,
		[]string{"-L_L_L_Join-right-repartition", "-L_L_Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
	)}
}

func TestAChainWhoseFirstStreamStreamJoinRekeysItsLeftStreamRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	runChainCases(t, tablesAfterFirstLeftRekeyCases())
}

// The chain as a push query builds the persistent chain's topology under
// its transient application id (QueryBuilder.buildTransientQuery, see
// transient_nwaywindow_test.go): S1's repartition, the tables'
// repartitions and Materialize stores, and each stream-stream step's
// window stores, numbered as the persistent query's.
func TestAPushChainWhoseFirstStreamStreamJoinRekeysItsLeftStreamKeepsThePersistentChainsTopics(t *testing.T) {
	c := tablesAfterFirstLeftRekeyCases()[0]
	runTransientChainCases(t, []transientChainCase{{
		plan:   "first-left-stream-rekeyed-both-key-format-mismatch",
		ddl:    twoTablesSources,
		query:  "SELECT s1.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id JOIN t4 ON s1.k = t4.id EMIT CHANGES;",
		inputs: append(c.tables, c.in...),
		rows:   []string{`[7,1,2,9,3,8]`},
		topics: []string{"L_L_L_Join-left-repartition", "KSTREAM-JOINTHIS-0000000036-store-changelog", "KSTREAM-JOINOTHER-0000000037-store-changelog",
			"L_L_RightSourceKeyed-SelectKey-repartition", "L_L_RightSourceKeyed-Materialize-changelog",
			"KSTREAM-JOINTHIS-0000000045-store-changelog", "KSTREAM-JOINOTHER-0000000046-store-changelog",
			"RightSourceKeyed-SelectKey-repartition", "RightSourceKeyed-Materialize-changelog"},
	}})
}
