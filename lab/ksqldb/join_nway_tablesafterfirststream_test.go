package ksqldb

import (
	"fmt"
	"testing"
)

// A chain whose first stream-table join rekeys its stream, then a
// stream-stream join on the key, then two tables keyed in other formats
// on it. ksqlDB rekeys S1 by K for the stream-table join through
// L_L_L_Join-repartition, in T's KAFKA (JoinNode.resolveKeyFormats: the
// left side is rekeyed, the table is not); S2 is joined on S1.K, the
// result's key, so neither side of the stream-stream join is rekeyed; T3
// (JSON-keyed) and T4 (DELIMITED-keyed), joined on S1.K, are each rekeyed
// by its own key into the result's KAFKA through its join's
// <L_...>RightSourceKeyed-SelectKey-repartition into
// <L_...>RightSourceKeyed-Materialize (PreJoinRepartitionNode forces it;
// historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch
// rekeys its two tables so). Store numbers:
// explain_tablesafterfirststream_test.go.
const (
	tablesAfterFirstStreamSources = twoTablesSources + `
CREATE TABLE t (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);`
	tablesAfterFirstStreamQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0, t3.v0, t4.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN t3 ON s1.k = t3.id JOIN t4 ON s1.k = t4.id;`
)

func TestAChainThatRekeysAStreamTableJoinsStreamRekeysTwoTablesKeyedInOtherFormatsAfterIt(t *testing.T) {
	table := func(v int) string {
		return fmt.Sprintf(`{"V0":%d,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5}`, v)
	}
	k5 := kafkaInt(5)
	s1 := keyedRow("S1", 5, 1, 1, 0, 7)
	runChainCases(t, []chainCase{{
		name:    "S1 through L_L_L_Join-repartition, T3 and T4 by their own keys",
		sources: tablesAfterFirstStreamSources, stmt: tablesAfterFirstStreamQuery,
		tables: []joinRec{{"t", 0, k5, []byte(`{"V0":7}`)}, {"t3", 0, []byte("5"), []byte(`{"V0":9}`)},
			{"t4", 0, []byte("5"), []byte(`{"V0":8}`)}},
		settled: []string{"-KafkaTopic_L_L_L_Right-Reduce-changelog", "-L_RightSourceKeyed-Materialize-changelog", "-RightSourceKeyed-Materialize-changelog"},
		in:      []joinRec{{"s1", 1, kafkaInt(7), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":6,"V0":2}`)}},
		out:     `00000005 {"S1_V0":1,"T_V0":7,"S2_V0":2,"T3_V0":9,"T4_V0":8} @2`,
		logs: []chainLog{
			{"-L_L_L_Join-repartition", []string{logLine(string(k5), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINTHIS-0000000043-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), "{"+s1+","+tRow(7, 0, 0, 5)+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000044-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+keyedRow("S2", 6, 2, 2, 0, 5)+"}", 2)}},
			{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k5), table(9), 0)}},
			{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k5), table(9), 0)}},
			{"-RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k5), table(8), 0)}},
			{"-RightSourceKeyed-Materialize-changelog", []string{logLine(string(k5), table(8), 0)}},
		},
		absent: []string{"-KafkaTopic_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog",
			"-L_L_L_RightSourceKeyed-SelectKey-repartition", "-L_L_Join-left-repartition", "-L_L_Join-right-repartition",
			"-L_Join-repartition", "-Join-repartition"},
	}})
}
