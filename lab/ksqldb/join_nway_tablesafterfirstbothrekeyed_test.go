package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

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
	k7 := kafkaInt(7)
	s1, s2, s3 := keyedRow("S1", 7, 1, 1, 0, 5), keyedRow("S2", 7, 2, 2, 0, 9), keyedRow("S3", 6, 3, 3, 0, 7)
	return []chainCase{twoTablesAfterFirstJoinCase(
		"S1 and S2 through L_L_L_Join-left- and -right-repartition, T3 and T4 by their own keys",
		tablesAfterFirstBothRekeyedQuery,
		[]joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":7,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":7,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		`00000007 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`,
		[]chainLog{
			{"-L_L_L_Join-left-repartition", []string{logLine(string(k7), "{"+s1+"}", 1)}},
			{"-L_L_L_Join-right-repartition", []string{logLine(string(k7), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000040-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000041-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
		},
		[2]int{49, 50}, "{"+s1+","+s2+","+aliasedTableRow("T3", 9, 7)+"}", 2, s3,
		[]string{"-L_L_Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
	)}
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

// The chain with its first join LEFT, rekeying both streams, or only S2
// as tablesAfterFirstRekeyQuery does: ksqlDB rekeys it alike
// (JoinTree.joinEquivalenceSet keeps both sides' columns for a LEFT
// join, so the later joins on S1.K find the result keyed by it), the
// right window store KSTREAM-OUTEROTHER as a LEFT join names it, numbered
// as the INNER join's (historical plans joins_-_stream_stream_left_join_-_rekey_-_JSON:
// KSTREAM-JOINTHIS-0000000016 and KSTREAM-OUTEROTHER-0000000017;
// multi-joins_-_stream-stream-table_-_left-inner). S2's record has
// another K, so S1's row is joined alone, S2's columns null
// (KsqlValueJoiner), at once (no grace period), whatever order the
// repartitions are read in.
const tablesAfterFirstLeftJoinBothRekeyedQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 LEFT JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.k
JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id JOIN t4 ON s1.k = t4.id;`

func tablesAfterFirstLeftJoinRekeyCases() []chainCase {
	k7, k8 := kafkaInt(7), kafkaInt(8)
	s1, s2, s3 := keyedRow("S1", 7, 1, 1, 0, 5), keyedRow("S2", 8, 2, 2, 0, 9), keyedRow("S3", 6, 3, 3, 0, 7)
	noS2 := `"S2_K":null,"S2_V0":null,"S2_ROWTIME":null,"S2_ROWPARTITION":null,"S2_ROWOFFSET":null,"S2_ID":null`
	// S1 keyed by its ID 7 (K 5), for the join that rekeys only S2
	s1id := keyedRow("S1", 5, 1, 1, 0, 7)
	out := `00000007 {"S1_V0":1,"S2_V0":null,"T3_V0":9,"S3_V0":3,"T4_V0":8} @3`
	return []chainCase{twoTablesAfterFirstJoinCase(
		"a LEFT join of S1 and S2 through L_L_L_Join-left- and -right-repartition, T3 and T4 by their own keys",
		tablesAfterFirstLeftJoinBothRekeyedQuery,
		[]joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":7,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":8,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		out,
		[]chainLog{
			{"-L_L_L_Join-left-repartition", []string{logLine(string(k7), "{"+s1+"}", 1)}},
			{"-L_L_L_Join-right-repartition", []string{logLine(string(k8), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000040-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-OUTEROTHER-0000000041-store-changelog", []string{logLine(windowStoreKey(k8, 2, 1), "{"+s2+"}", 2)}},
		},
		[2]int{49, 50}, "{"+s1+","+noS2+","+aliasedTableRow("T3", 9, 7)+"}", 1, s3,
		[]string{"-KSTREAM-JOINOTHER-0000000041-store-changelog", "-L_L_Join-repartition", "-L_RightSourceKeyed-SelectKey-repartition"},
	), twoTablesAfterFirstJoinCase(
		// S2 alone rekeyed, the result keyed by S1.ID: the stores are
		// numbered as tablesAfterFirstRekeyQuery's
		"a LEFT join rekeying S2 through L_L_L_Join-right-repartition, T3 and T4 by their own keys",
		strings.Replace(tablesAfterFirstRekeyQuery, "FROM s1 JOIN s2", "FROM s1 LEFT JOIN s2", 1),
		[]joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(9), []byte(`{"K":8,"V0":2}`)},
			{"s3", 3, k7, []byte(`{"K":6,"V0":3}`)}},
		out,
		[]chainLog{
			{"-L_L_L_Join-right-repartition", []string{logLine(string(k8), "{"+s2+"}", 2)}},
			{"-KSTREAM-JOINTHIS-0000000036-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1id+"}", 1)}},
			{"-KSTREAM-OUTEROTHER-0000000037-store-changelog", []string{logLine(windowStoreKey(k8, 2, 1), "{"+s2+"}", 2)}},
		},
		[2]int{45, 46}, "{"+s1id+","+noS2+","+aliasedTableRow("T3", 9, 7)+"}", 1, s3,
		[]string{"-L_L_L_Join-left-repartition", "-KSTREAM-JOINOTHER-0000000037-store-changelog"},
	)}
}

func TestAChainWhoseFirstLeftStreamStreamJoinRekeysItsStreamsRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	runChainCases(t, tablesAfterFirstLeftJoinRekeyCases())
}

// The chain with its first [INNER] join on ABS(S1.K) = S2.ID, the later
// joins on S2.ID: ksqlDB rekeys S1 by the expression through
// L_L_L_Join-left-repartition keyed KSQL_COL_0 in S2's KAFKA, its copy
// S1_KSQL_COL_0 last among S1's values (historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression,
// schema L_Join.Left), which the joined row keeps after them; the tables
// are rekeyed by their own keys as after a rekey by a column, and the
// nodes and store numbers are the left-rekeyed chain's
// (tablesAfterFirstLeftRekeyQuery), a rekey on an expression taking the
// nodes a rekey by a column takes.
const tablesAfterFirstExprRekeyQuery = `
CREATE STREAM output AS SELECT s2.id, s1.v0, s2.v0, t3.v0, s3.v0, t4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON ABS(s1.k) = s2.id
JOIN t3 ON s2.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.id = s3.id JOIN t4 ON s2.id = t4.id;`

func tablesAfterFirstExprRekeyCases() []chainCase {
	k7 := kafkaInt(7)
	s1 := keyedRow("S1", -7, 1, 1, 0, 5) + `,"S1_KSQL_COL_0":7`
	s2, s3 := keyedRow("S2", 9, 2, 2, 0, 7), keyedRow("S3", 6, 3, 3, 0, 7)
	return []chainCase{twoTablesAfterFirstJoinCase(
		"S1 by ABS(S1.K) through L_L_L_Join-left-repartition, T3 and T4 by their own keys",
		tablesAfterFirstExprRekeyQuery,
		[]joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":-7,"V0":1}`)}, {"s2", 2, k7, []byte(`{"K":9,"V0":2}`)},
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

func TestAChainWhoseFirstStreamStreamJoinRekeysAStreamOnAnExpressionRekeysTwoTablesKeyedInOtherFormats(t *testing.T) {
	runChainCases(t, tablesAfterFirstExprRekeyCases())
}

// twoTablesAfterFirstJoinCase is a case of a chain of twoTablesSources
// that joins T3, S3 on the key and T4 after a first stream-stream join
// that rekeys its streams: first are the logs of that join (its
// repartitions and window stores), then each table is rekeyed by its own
// key through L_L_ and RightSourceKeyed-SelectKey-repartition into its
// Materialize store (historical plan
// multi-joins_-_stream-table-table_-_table_key_format_mismatch), and S3's
// join stores joined (its left row, at ts) and s3 in its window stores
// numbered stores.
func twoTablesAfterFirstJoinCase(name, stmt string, in []joinRec, out string, first []chainLog,
	stores [2]int, joined string, ts int64, s3 string, absent []string) chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	t4 := `{"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	k7 := kafkaInt(7)
	logs := append(first,
		chainLog{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
		chainLog{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
		chainLog{fmt.Sprintf("-KSTREAM-JOINTHIS-%010d-store-changelog", stores[0]), []string{logLine(windowStoreKey(k7, ts, 1), joined, ts)}},
		chainLog{fmt.Sprintf("-KSTREAM-JOINOTHER-%010d-store-changelog", stores[1]), []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3+"}", 3)}},
		chainLog{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t4, 0)}},
		chainLog{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t4, 0)}})
	return chainCase{
		name: name, sources: twoTablesSources, stmt: stmt,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}, {"t4", 0, []byte("7"), []byte(`{"V0":8}`)}},
		settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in:      in, out: out, logs: logs,
		absent: append([]string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
			"-L_Join-left-repartition", "-L_Join-right-repartition", "-Join-repartition"}, absent...),
	}
}
