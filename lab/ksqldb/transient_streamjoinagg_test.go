package ksqldb

import "testing"

// A push query aggregating a stream-table join builds the persistent
// query's steps under its transient application id (QueryBuilder.
// buildTransientQuery, see transient_internal_test.go): the historical
// plan timestamp-to-string_-_millis_to_string_in_join (confluentinc/ksql
// v7.9.0, 7.1.0) rekeys the stream through Join-repartition, keeps the
// table in KafkaTopic_Right-Reduce, writes the joined rows grouped by the
// table's column through Aggregate-GroupBy-repartition and aggregates them
// in Aggregate-Aggregate-Materialize (aggregate_join_repartition_test.go);
// the test case's row is the push query's.
func TestATransientStreamTableJoinAggregationKeepsThePlansInternalTopicsUntilItIsClosed(t *testing.T) {
	runTransientChainCases(t, []transientChainCase{{
		plan: "timestamp-to-string_-_millis_to_string_in_join",
		ddl: `CREATE STREAM INPUT (K STRING KEY, WLAN_SA ARRAY<VARCHAR>) WITH (kafka_topic='input', value_format='JSON', PARTITIONS=1);
CREATE TABLE DEVICES (ROWKEY STRING PRIMARY KEY, NAME VARCHAR) WITH (kafka_topic='devices', value_format='JSON', PARTITIONS=1);`,
		query: "SELECT D.NAME AS DEVICE_NAME, TIMESTAMPTOSTRING(MIN(P.ROWTIME),'yyyy-MM-dd HH:mm:ss zzz','Europe/London') FROM INPUT P INNER JOIN DEVICES D ON P.WLAN_SA[1] = D.ROWKEY GROUP BY D.NAME emit changes;",
		inputs: []joinRec{{"devices", 1526075912000, []byte("a"), []byte(`{"name":"device"}`)},
			{"input", 1526075913000, []byte("foo"), []byte(`{"WLAN_SA":["a"]}`)}},
		rows: []string{`["device","2018-05-11 22:58:33 BST"]`},
		topics: []string{"Aggregate-Aggregate-Materialize-changelog", "Aggregate-GroupBy-repartition", "Join-repartition",
			"KafkaTopic_Right-Reduce-changelog"},
	}})
}
