package ksqldb

import (
	"slices"
	"strings"
	"testing"
)

// A push query aggregating a chain of table joins builds the persistent
// query's steps under its transient application id (QueryBuilder.
// buildTransientQuery, see transient_internal_test.go): the chain's stores
// as the historical plans multi-joins_-_table-table-table_-_inner-inner and
// fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join (confluentinc/ksql
// v7.9.0, 7.1.0) list them, but for Project-Last, and the aggregation's of
// a table-table join (group-by_-_on_join, transient_tablejoinagg_test.go):
// the join's result has no materialization, so TableSelectBuilder
// (ksqldb-streams, v7.9.0) materializes the Prepare step as
// Aggregate-Prepare-Last, whose Changes go through
// Aggregate-GroupBy-repartition into Aggregate-Aggregate-Materialize.
// Kafka Streams builds the chain's nodes before the aggregation's, so a
// foreign-key join keeps its KTABLE-FK-JOIN-OUTPUT-STATE-STORE-0000000025
// and subscription topics' numbers. The rows are the aggregates of the
// plans' test cases' join results (multi-joins.json "table-table-table -
// inner-inner", fk-n-way-join.json "Should allow fk join at start of n-way
// join"), one per update of a group, as group-by.json "on join" emits them.
func TestATransientAggregatedChainOfTablesKeepsThePlansInternalTopicsUntilItIsClosed(t *testing.T) {
	aggregate := []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition", "Aggregate-Prepare-Last-changelog"}
	fk := []string{"KafkaTopic_L_Left-Reduce-changelog", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog"}
	for _, suffix := range []string{fkStoreChangelog, fkRegistrationTopic, fkResponseTopic, fkSubscriptionLog} {
		fk = append(fk, strings.TrimPrefix(suffix, "-"))
	}
	runTransientChainCases(t, []transientChainCase{{
		plan:  "multi-joins_-_table-table-table_-_inner-inner",
		ddl:   "CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=1);\n" + twoTables,
		query: "SELECT T1.ID, SUM(T1.V0 + T2.V0 + T3.V0) AS S FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID GROUP BY T1.ID EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, intKey(0), []byte(`{"V0":3}`)}, {"left", 1000, intKey(0), []byte(`{"V0":4}`)}},
		rows: []string{`[0,6]`, `[0,9]`},
		topics: append([]string{"KafkaTopic_L_Left-Reduce-changelog", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog"},
			aggregate...),
	}, {
		plan: "multi-joins_-_table-table-table_-_key_format_mismatch",
		ddl: `CREATE TABLE T1 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='left', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right', key_format='KAFKA', value_format='JSON', PARTITIONS=1);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 bigint) WITH (kafka_topic='right2', key_format='DELIMITED', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT T1.ID, SUM(T1.V0 + T2.V0 + T3.V0) AS S FROM T1 JOIN T2 ON T1.ID = T2.ID JOIN T3 ON T1.ID = T3.ID GROUP BY T1.ID EMIT CHANGES;",
		inputs: []joinRec{{"left", 0, intKey(0), []byte(`{"V0":1}`)}, {"right", 1, intKey(0), []byte(`{"V0":2}`)},
			{"right2", 2, []byte("0"), []byte(`{"V0":3}`)}, {"left", 1000, intKey(0), []byte(`{"V0":4}`)}},
		rows: []string{`[0,6]`, `[0,9]`},
		topics: append([]string{"KafkaTopic_L_Left-Reduce-changelog", "KafkaTopic_L_Right-Reduce-changelog",
			"RightSourceKeyed-Materialize-changelog", "RightSourceKeyed-SelectKey-repartition"}, aggregate...),
	}, {
		plan: "fk-n-way-join_-_Should_allow_fk_join_at_start_of_n-way_join",
		ddl: `CREATE TABLE left_table (l_id BIGINT PRIMARY KEY, foreign_key BIGINT) WITH (kafka_topic='left_topic', format='JSON', PARTITIONS=1);
CREATE TABLE middle_table (m_id BIGINT PRIMARY KEY, f2 BIGINT, other STRING) WITH (kafka_topic='middle_topic', format='JSON', PARTITIONS=1);
CREATE TABLE right_table (r_id BIGINT PRIMARY KEY, f3 BIGINT) WITH (kafka_topic='right_topic', format='JSON', PARTITIONS=1);`,
		query: "SELECT l_id, SUM(f2) AS s, COUNT(f3) AS c FROM left_table JOIN middle_table ON foreign_key = m_id LEFT JOIN right_table ON l_id = r_id GROUP BY l_id EMIT CHANGES;",
		inputs: []joinRec{{"middle_topic", 0, []byte("0"), []byte(`{"F2":100,"OTHER":"unused"}`)},
			{"left_topic", 10000, []byte("1"), []byte(`{"FOREIGN_KEY":0}`)}, {"right_topic", 11000, []byte("1"), []byte(`{"F3":4}`)},
			{"middle_topic", 13000, []byte("8"), []byte(`{"F2":10,"OTHER":"unused"}`)}, {"left_topic", 16000, []byte("1"), []byte(`{"FOREIGN_KEY":8}`)}},
		rows:   []string{`[1,100,0]`, `[1,100,1]`, `[1,10,1]`},
		topics: append(fk, aggregate...),
	}})
}

// A push query aggregating a chain of stream-table joins that rekeys its
// result between two joins builds the persistent chain's steps under its
// transient application id (see transient_nwayresult_test.go): the
// historical plan
// multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression
// (confluentinc/ksql v7.9.0) lists the chain's L_Join-repartition,
// Join-repartition and two KafkaTopic_<L_...>Right-Reduce changelogs, and
// the aggregation of the joined stream adds StreamAggregateBuilder's
// Aggregate-Aggregate-Materialize store, logged to its changelog, and,
// grouped by anything but the result's key (S1_K, as the last join keys
// it), StreamGroupByBuilder's Aggregate-GroupBy-repartition (the
// historical plan group-by_-_on_join has both). The rows count the test
// case's join results.
func TestATransientAggregatedChainThatRekeysItsResultBetweenTwoJoinsWritesItsRepartitionTopicsUntilItIsClosed(t *testing.T) {
	ddl := `CREATE STREAM S1 (ID INT KEY, K INT, V0 int) WITH (kafka_topic='left', value_format='JSON', PARTITIONS=2);
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right', value_format='JSON', PARTITIONS=2);
CREATE TABLE T3 (ID INT PRIMARY KEY, V0 int) WITH (kafka_topic='right2', value_format='JSON', PARTITIONS=2);`
	inputs := []joinRec{{"right2", 10, kafkaInt(2), []byte(`{"V0":3}`)}, {"right", 11, kafkaInt(1), []byte(`{"V0":2}`)},
		{"left", 12, kafkaInt(0), []byte(`{"k":2,"V0":1}`)}, {"left", 13, kafkaInt(1), []byte(`{"k":2,"V0":1}`)}}
	chain := []string{"Join-repartition", "KafkaTopic_L_Right-Reduce-changelog", "KafkaTopic_Right-Reduce-changelog", "L_Join-repartition",
		"Aggregate-Aggregate-Materialize-changelog"}
	runTransientChainCases(t, []transientChainCase{{
		plan:   "multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression",
		ddl:    ddl,
		query:  "SELECT S1.K, COUNT(*) AS C FROM S1 JOIN T2 ON S1.V0 = T2.ID JOIN T3 ON S1.K = T3.ID GROUP BY S1.K EMIT CHANGES;",
		inputs: inputs,
		rows:   []string{`[2,1]`, `[2,2]`},
		topics: chain,
	}, {
		plan:   "multi-joins_-_stream-table-table_-_inner-inner_-_rekey_on_different_expression_grouped_by_a_value",
		ddl:    ddl,
		query:  "SELECT T3.V0, COUNT(*) AS C FROM S1 JOIN T2 ON S1.V0 = T2.ID JOIN T3 ON S1.K = T3.ID GROUP BY T3.V0 EMIT CHANGES;",
		inputs: inputs,
		rows:   []string{`[3,1]`, `[3,2]`},
		topics: append(slices.Clone(chain), "Aggregate-GroupBy-repartition"),
	}})
}

// A push query aggregating a chain of stream-stream joins whose later join
// rekeys the first join's result (on S2.K, outside the first join's
// equivalence set) builds the persistent chain's steps under its
// transient application id (QueryBuilder.buildTransientQuery): the first
// join's window stores KSTREAM-JOINTHIS/-JOINOTHER 8/9, the result through
// Join-left-repartition, the second join's stores 20/21, numbered as the
// historical plan multi-joins_-_stream-stream-stream_-_outer-outer (7.1.0)
// numbers the stores around its rekeyed FULL OUTER result (8/9, 20/21;
// join_nway_laterrekey_test.go's persistent chain), the aggregation's
// nodes after them; then StreamAggregateBuilder's
// Aggregate-Aggregate-Materialize, fed through
// Aggregate-GroupBy-repartition where it groups by anything but the
// rekeyed result's key S2_K (groupByKey otherwise, as the historical plan
// group-by_-_windowed_join has no such topic; transient_windowjoinagg_test.go).
// The rows sum S3's two records joined to the result.
func TestATransientAggregatedChainWithStreamStreamStepsThatRekeysItsResultKeepsThePersistentChainsTopicsUntilItIsClosed(t *testing.T) {
	inputs := []joinRec{{"s1", 1000, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2000, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
		{"s3", 3000, kafkaInt(6), []byte(`{"K":9,"V0":30}`)}, {"s3", 4000, kafkaInt(6), []byte(`{"K":9,"V0":31}`)}}
	chain := []string{"Aggregate-Aggregate-Materialize-changelog", "Join-left-repartition",
		"KSTREAM-JOINOTHER-0000000009-store-changelog", "KSTREAM-JOINOTHER-0000000021-store-changelog",
		"KSTREAM-JOINTHIS-0000000008-store-changelog", "KSTREAM-JOINTHIS-0000000020-store-changelog"}
	const from = " FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id GROUP BY "
	// the first join's result, keyed by S2_K, its values both streams'
	// PrependAlias columns (the persistent chain's, historical plan
	// multi-joins_-_stream-stream-stream_-_outer-outer's schema
	// Join.Left), at the later record's time
	s1s2 := "{" + keyedRow("S1", 5, 1, 1000, 0, 0) + "," + keyedRow("S2", 6, 2, 2000, 0, 0) + "}"
	logs := []chainLog{{"-Join-left-repartition", []string{logLine(string(kafkaInt(6)), s1s2, 2000)}}}
	runTransientChainCases(t, []transientChainCase{{
		plan:   "grouped by the rekeyed result's key",
		ddl:    keyedStreams,
		query:  "SELECT s2.k, SUM(s3.v0) AS total" + from + "s2.k EMIT CHANGES;",
		inputs: inputs,
		rows:   []string{`[6,30]`, `[6,61]`},
		topics: chain,
		logs:   logs,
	}, {
		plan:   "grouped by a column of the first stream",
		ddl:    keyedStreams,
		query:  "SELECT s1.k, SUM(s3.v0) AS total" + from + "s1.k EMIT CHANGES;",
		inputs: inputs,
		rows:   []string{`[5,30]`, `[5,61]`},
		topics: append(slices.Clone(chain), "Aggregate-GroupBy-repartition"),
		logs:   logs,
	}})
}
