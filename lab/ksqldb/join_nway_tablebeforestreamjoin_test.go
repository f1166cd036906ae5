package ksqldb

import (
	"fmt"
	"testing"
)

// Chains that rekey a table keyed in another format before a later
// stream-stream join, after a rekey of the result, of a later stream or
// of a first stream-table join's stream.
// S1 and S2 are joined on their keys; S3 either on S2.K, outside that
// join's equivalence set, so the result is rekeyed by it through
// L_L_Join-left-repartition in S3's KAFKA (JoinNode.resolveKeyFormats
// takes the right side's where only the left is rekeyed), or on its
// column K, so S3 goes through L_L_Join-right-repartition keyed by K in
// the chain's KAFKA; or S1 is first joined with T on its column K,
// rekeyed through L_L_L_Join-repartition in T's KAFKA, and S2 on S1.K,
// the result's key (as in join_nway_tableafterstreamtable_test.go, one
// level deeper), or with T3 right after T and S2 after it. T3 is joined on a column in the result's
// equivalence set, so the table join's key format is the result's KAFKA,
// which is not T3's JSON, and PreJoinRepartitionNode forces T3's rekey by
// its own key into KAFKA through L_RightSourceKeyed-SelectKey-repartition
// into L_RightSourceKeyed-Materialize (named by L_Join's context, as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch names its
// inner table's; historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format rekeys its
// table after repartitioned streams alike). The last stream (S4, or S3
// after the stream-table join) is joined on that column too, so the last
// stream-stream join rekeys nothing: its left window
// store holds the joined row so far, the table's PrependAlias values
// after the streams' (JoinParamsFactory.createSchema: the left input's
// values, then the right's). Store numbers:
// explain_tablebeforestreamjoin_test.go.
const (
	tableBeforeStreamJoinSources = keyedStreams + `
CREATE STREAM s4 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s4', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`
	streamTableBeforeStreamJoinSources = mixedSources + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='JSON', VALUE_FORMAT='JSON', PARTITIONS=1);`
	resultRekeyedBeforeTableQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, s3.v0, t3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN t3 ON s2.k = t3.id JOIN s4 WITHIN 10 SECONDS ON s2.k = s4.id;`
	streamTableRekeyedBeforeTableQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0, t3.v0, s3.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id JOIN t3 ON s1.k = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id;`
	tableAfterStreamTableQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, t3.v0, s2.v0 FROM s1 JOIN t ON s1.k = t.id
JOIN t3 ON s1.k = t3.id JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id;`
	streamRekeyedBeforeTableQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, s3.v0, t3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN t3 ON s1.id = t3.id JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.id;`
)

// aliasedTableRow is the PrependAlias columns of a row of a table keyed
// ID with one value column V0 (partition 0, offset 0, time 0), without
// braces.
func aliasedTableRow(alias string, v, id int) string {
	return fmt.Sprintf(`"%[1]s_V0":%[2]d,"%[1]s_ROWTIME":0,"%[1]s_ROWPARTITION":0,"%[1]s_ROWOFFSET":0,"%[1]s_ID":%[3]d`, alias, v, id)
}

func TestAChainRekeysATableKeyedInAnotherFormatBeforeAStreamStreamJoinAfterAnotherRekey(t *testing.T) {
	t3 := func(id int) string {
		return fmt.Sprintf(`{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":%d}`, id)
	}
	absent := []string{"-KafkaTopic_L_Right-Reduce-changelog", "-RightSourceKeyed-SelectKey-repartition",
		"-Join-left-repartition", "-Join-right-repartition", "-L_Join-repartition", "-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition"}
	k6, k7 := kafkaInt(6), kafkaInt(7)
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 0)
	joined := "{" + s1 + "," + s2 + "}"
	s3 := keyedRow("S3", 8, 3, 3, 0, 6)
	s1c, s2c := keyedRow("S1", 6, 1, 1, 0, 5), keyedRow("S2", 0, 2, 2, 0, 6)
	s1b, s2b, s3b := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 6, 2, 2, 0, 7), keyedRow("S3", 7, 3, 3, 0, 9)
	runChainCases(t, []chainCase{
		{
			name:    "after a rekey of the result: S3 on S2.K, T3 keyed in JSON and S4 on S2.K",
			sources: tableBeforeStreamJoinSources,
			stmt:    resultRekeyedBeforeTableQuery,
			tables:  []joinRec{{"t3", 0, []byte("6"), []byte(`{"V0":9}`)}},
			settled: []string{"-L_RightSourceKeyed-Materialize-changelog"},
			in: []joinRec{{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)},
				{"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
				{"s3", 3, k6, []byte(`{"K":8,"V0":3}`)},
				{"s4", 4, k6, []byte(`{"K":7,"V0":4}`)}},
			out: `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9,"S4_V0":4} @4`,
			logs: []chainLog{
				{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), t3(6), 0)}},
				{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), t3(6), 0)}},
				{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
				{"-L_L_Join-left-repartition", []string{logLine(string(k6), joined, 2)}},
				{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), joined, 2)}},
				{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s3+"}", 3)}},
				{"-KSTREAM-JOINTHIS-0000000041-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+s1+","+s2+","+s3+","+aliasedTableRow("T3", 9, 6)+"}", 3)}},
				{"-KSTREAM-JOINOTHER-0000000042-store-changelog", []string{logLine(windowStoreKey(k6, 4, 1), "{"+keyedRow("S4", 7, 4, 4, 0, 6)+"}", 4)}},
			},
			absent: append(absent, "-L_L_Join-right-repartition"),
		},
		{
			name:    "after a rekey of a later stream: S3 on S3.K, T3 keyed in JSON and S4 on S1.ID",
			sources: tableBeforeStreamJoinSources,
			stmt:    streamRekeyedBeforeTableQuery,
			tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}},
			settled: []string{"-L_RightSourceKeyed-Materialize-changelog"},
			in: []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)},
				{"s2", 2, k7, []byte(`{"K":6,"V0":2}`)},
				{"s3", 3, kafkaInt(9), []byte(`{"K":7,"V0":3}`)},
				{"s4", 4, k7, []byte(`{"K":8,"V0":4}`)}},
			out: `00000007 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T3_V0":9,"S4_V0":4} @4`,
			logs: []chainLog{
				{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3(7), 0)}},
				{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3(7), 0)}},
				{"-L_L_Join-right-repartition", []string{logLine(string(k7), "{"+s3b+"}", 3)}},
				{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1b+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2b+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s1b+","+s2b+"}", 2)}},
				{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s3b+"}", 3)}},
				{"-KSTREAM-JOINTHIS-0000000041-store-changelog", []string{logLine(windowStoreKey(k7, 3, 1), "{"+s1b+","+s2b+","+s3b+","+aliasedTableRow("T3", 9, 7)+"}", 3)}},
				{"-KSTREAM-JOINOTHER-0000000042-store-changelog", []string{logLine(windowStoreKey(k7, 4, 1), "{"+keyedRow("S4", 8, 4, 4, 0, 7)+"}", 4)}},
			},
			absent: append(absent, "-L_L_Join-left-repartition"),
		},
		{
			name:    "after a rekey of a stream-table join's stream: S1 on S1.K with T, S2 on S1.K, T3 keyed in JSON and S3 on S1.K",
			sources: streamTableBeforeStreamJoinSources,
			stmt:    streamTableRekeyedBeforeTableQuery,
			tables:  []joinRec{{"t", 0, k6, []byte(`{"V0":7}`)}, {"t3", 0, []byte("6"), []byte(`{"V0":9}`)}},
			settled: []string{"-KafkaTopic_L_L_L_Right-Reduce-changelog", "-L_RightSourceKeyed-Materialize-changelog"},
			in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
				{"s2", 2, k6, []byte(`{"K":0,"V0":2}`)},
				{"s3", 3, k6, []byte(`{"K":8,"V0":3}`)}},
			out: `00000006 {"S1_V0":1,"T_V0":7,"S2_V0":2,"T3_V0":9,"S3_V0":3} @3`,
			logs: []chainLog{
				{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), t3(6), 0)}},
				{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), t3(6), 0)}},
				{"-L_L_L_Join-repartition", []string{logLine(string(k6), "{"+s1c+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000031-store-changelog", []string{logLine(windowStoreKey(k6, 1, 1), "{"+s1c+","+tRow(7, 0, 0, 6)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000032-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s2c+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000040-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1),
					"{"+s1c+","+tRow(7, 0, 0, 6)+","+s2c+","+aliasedTableRow("T3", 9, 6)+"}", 2)}},
				{"-KSTREAM-JOINOTHER-0000000041-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 6)+"}", 3)}},
			},
			absent: append(absent, "-KafkaTopic_L_L_Right-Reduce-changelog", "-L_L_L_RightSourceKeyed-SelectKey-repartition",
				"-L_L_Join-left-repartition", "-L_L_Join-right-repartition"),
		},
		{
			name:    "right after a rekey of a stream-table join's stream: S1 on S1.K with T, T3 keyed in JSON and S2 on S1.K",
			sources: streamTableBeforeStreamJoinSources,
			stmt:    tableAfterStreamTableQuery,
			tables:  []joinRec{{"t", 0, k6, []byte(`{"V0":7}`)}, {"t3", 0, []byte("6"), []byte(`{"V0":9}`)}},
			settled: []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-L_RightSourceKeyed-Materialize-changelog"},
			in: []joinRec{{"s1", 1, kafkaInt(5), []byte(`{"K":6,"V0":1}`)},
				{"s2", 2, k6, []byte(`{"K":0,"V0":2}`)}},
			out: `00000006 {"S1_V0":1,"T_V0":7,"T3_V0":9,"S2_V0":2} @2`,
			logs: []chainLog{
				{"-L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k6), t3(6), 0)}},
				{"-L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k6), t3(6), 0)}},
				{"-L_L_Join-repartition", []string{logLine(string(k6), "{"+s1c+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000032-store-changelog", []string{logLine(windowStoreKey(k6, 1, 1),
					"{"+s1c+","+tRow(7, 0, 0, 6)+","+aliasedTableRow("T3", 9, 6)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000033-store-changelog", []string{logLine(windowStoreKey(k6, 2, 1), "{"+s2c+"}", 2)}},
			},
			absent: append(absent, "-L_L_RightSourceKeyed-SelectKey-repartition"),
		},
	})
}

// A chain of a stream-stream join on keys, T3 keyed in JSON on S1.ID,
// rekeyed into the chain's KAFKA through L_L_RightSourceKeyed-SelectKey-repartition
// as above (one level deeper), then S3 on S2.K, which rekeys the result
// through L_Join-left-repartition in S3's KAFKA (JoinNode.resolveKeyFormats;
// as multi-joins_-_stream-stream-stream_-_outer-outer rekeys a result for
// its second join), then S4 on S2.K, in the result's equivalence set, so
// the last join rekeys nothing. The rekeyed result carries T3's
// PrependAlias values after the streams' (JoinParamsFactory.createSchema),
// and each later step's left window store the joined row so far. Store
// numbers: explain_tablebeforestreamjoin_test.go.
const rekeyAfterTableQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id JOIN s4 WITHIN 10 SECONDS ON s2.k = s4.id;`

func TestAChainRekeysTheResultAfterATableKeyedInAnotherFormatBeforeAStreamStreamJoin(t *testing.T) {
	k7, k8 := kafkaInt(7), kafkaInt(8)
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":7}`
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 7), keyedRow("S2", 8, 2, 2, 0, 7)
	s3, s4 := keyedRow("S3", 0, 3, 3, 0, 8), keyedRow("S4", 0, 4, 4, 0, 8)
	joined := "{" + s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 7) + "}"
	runChainCases(t, []chainCase{{
		name:    "S2 on keys, T3 keyed in JSON on S1.ID, S3 on S2.K, S4 on S2.K",
		sources: tableBeforeStreamJoinSources,
		stmt:    rekeyAfterTableQuery,
		tables:  []joinRec{{"t3", 0, []byte("7"), []byte(`{"V0":9}`)}},
		settled: []string{"-L_L_RightSourceKeyed-Materialize-changelog"},
		in: []joinRec{{"s1", 1, k7, []byte(`{"K":5,"V0":1}`)},
			{"s2", 2, k7, []byte(`{"K":8,"V0":2}`)},
			{"s3", 3, k8, []byte(`{"K":0,"V0":3}`)},
			{"s4", 4, k8, []byte(`{"K":0,"V0":4}`)}},
		out: `00000008 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`,
		logs: []chainLog{
			{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k7), t3, 0)}},
			{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k7), t3, 0)}},
			{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k7, 1, 1), "{"+s1+"}", 1)}},
			{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k7, 2, 1), "{"+s2+"}", 2)}},
			{"-L_Join-left-repartition", []string{logLine(string(k8), joined, 2)}},
			{"-KSTREAM-JOINTHIS-0000000033-store-changelog", []string{logLine(windowStoreKey(k8, 2, 1), joined, 2)}},
			{"-KSTREAM-JOINOTHER-0000000034-store-changelog", []string{logLine(windowStoreKey(k8, 3, 1), "{"+s3+"}", 3)}},
			{"-KSTREAM-JOINTHIS-0000000041-store-changelog", []string{logLine(windowStoreKey(k8, 3, 1), joined[:len(joined)-1]+","+s3+"}", 3)}},
			{"-KSTREAM-JOINOTHER-0000000042-store-changelog", []string{logLine(windowStoreKey(k8, 4, 1), "{"+s4+"}", 4)}},
		},
		absent: []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-L_L_Join-repartition", "-L_Join-right-repartition",
			"-Join-left-repartition", "-Join-right-repartition"},
	}})
}
