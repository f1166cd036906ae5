package ksqldb

import "testing"

// Chains that rekey a table keyed in another format, then a later stream,
// then, at a later stream-stream join, a side again: the result or that
// join's stream. S1 and S2 are joined on their keys, T3 (keyed in JSON)
// on S1.ID, so PreJoinRepartitionNode forces its rekey by its own key into
// the chain's KAFKA through L_L_RightSourceKeyed-SelectKey-repartition into
// L_L_RightSourceKeyed-Materialize (as
// multi-joins_-_stream-table-table_-_table_key_format_mismatch rekeys its
// tables, built before the stream they join: StreamTableJoinBuilder), S3
// by its column K on S1.ID, in the result's equivalence set, so only S3 is
// rekeyed, through L_Join-right-repartition in the result's KAFKA (as
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys its third stream), and S4 either on S2.K, outside that join's
// equivalence set, so the result is rekeyed by it through
// Join-left-repartition in S4's KAFKA (as
// multi-joins_-_stream-stream-stream_-_outer-outer rekeys a joined result;
// JoinNode.resolveKeyFormats takes the side not rekeyed), its values
// T3's PrependAlias values after the first two streams', then S3's
// repartition's (JoinParamsFactory.createSchema: the left input's values,
// then the right's), or by its column K on S1.ID, so only S4 is rekeyed,
// through Join-right-repartition. Store numbers:
// explain_rekeyafterlaterstream_test.go.
const (
	resultRekeyedAfterLaterStreamAfterTableQuery = `
CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, t3.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN s4 WITHIN 10 SECONDS ON s2.k = s4.id;`
	streamRekeyedAfterLaterStreamAfterTableQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, s2.v0, t3.v0, s3.v0, s4.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t3 ON s1.id = t3.id JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.k JOIN s4 WITHIN 10 SECONDS ON s1.id = s4.k;`
)

// rekeyAfterLaterStreamCases are the two chains, each with its records.
func rekeyAfterLaterStreamCases() []chainCase {
	t3 := `{"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5}`
	k5, k6 := kafkaInt(5), kafkaInt(6)
	s1, s2 := keyedRow("S1", 0, 1, 1, 0, 5), keyedRow("S2", 6, 2, 2, 0, 5)
	// S3 rekeyed by its column K: 5
	s3 := keyedRow("S3", 5, 3, 3, 0, 8)
	// the row L_Join's left store holds: both streams, then T3
	joined := s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 5)
	// what both chains log up to S3's join
	before := []chainLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", []string{logLine(string(k5), t3, 0)}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", []string{logLine(string(k5), t3, 0)}},
		{"-KSTREAM-JOINTHIS-0000000020-store-changelog", []string{logLine(windowStoreKey(k5, 1, 1), "{"+s1+"}", 1)}},
		{"-KSTREAM-JOINOTHER-0000000021-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+s2+"}", 2)}},
		{"-L_Join-right-repartition", []string{logLine(string(k5), "{"+s3+"}", 3)}},
		{"-KSTREAM-JOINTHIS-0000000033-store-changelog", []string{logLine(windowStoreKey(k5, 2, 1), "{"+joined+"}", 2)}},
		{"-KSTREAM-JOINOTHER-0000000034-store-changelog", []string{logLine(windowStoreKey(k5, 3, 1), "{"+s3+"}", 3)}},
	}
	in := func(s4 joinRec) []joinRec {
		return []joinRec{{"s1", 1, k5, []byte(`{"K":0,"V0":1}`)}, {"s2", 2, k5, []byte(`{"K":6,"V0":2}`)},
			{"s3", 3, kafkaInt(8), []byte(`{"K":5,"V0":3}`)}, s4}
	}
	tables := []joinRec{{"t3", 0, []byte("5"), []byte(`{"V0":9}`)}}
	settled := []string{"-L_L_RightSourceKeyed-Materialize-changelog"}
	absent := []string{"-L_L_L_Join-left-repartition", "-L_L_L_Join-right-repartition", "-L_L_Join-repartition", "-L_Join-left-repartition"}
	s4a, s4b := keyedRow("S4", 0, 4, 4, 0, 6), keyedRow("S4", 5, 4, 4, 0, 9)
	return []chainCase{
		{
			name:    "S4 on S2.K rekeys the result through Join-left-repartition",
			sources: tableBeforeStreamJoinSources, stmt: resultRekeyedAfterLaterStreamAfterTableQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s4", 4, k6, []byte(`{"K":0,"V0":4}`)}),
			out: `00000006 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`,
			logs: append(before,
				chainLog{"-Join-left-repartition", []string{logLine(string(k6), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k6, 3, 1), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k6, 4, 1), "{"+s4a+"}", 4)}},
			),
			absent: append(absent, "-Join-right-repartition"),
		},
		{
			name:    "S4 on its column K rekeys it through Join-right-repartition",
			sources: tableBeforeStreamJoinSources, stmt: streamRekeyedAfterLaterStreamAfterTableQuery,
			tables: tables, settled: settled,
			in:  in(joinRec{"s4", 4, kafkaInt(9), []byte(`{"K":5,"V0":4}`)}),
			out: `00000005 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`,
			logs: append(before,
				chainLog{"-Join-right-repartition", []string{logLine(string(k5), "{"+s4b+"}", 4)}},
				chainLog{"-KSTREAM-JOINTHIS-0000000045-store-changelog", []string{logLine(windowStoreKey(k5, 3, 1), "{"+joined+","+s3+"}", 3)}},
				chainLog{"-KSTREAM-JOINOTHER-0000000046-store-changelog", []string{logLine(windowStoreKey(k5, 4, 1), "{"+s4b+"}", 4)}},
			),
			absent: append(absent, "-Join-left-repartition"),
		},
	}
}

func TestAChainThatRekeysASideAfterARekeyOfALaterStreamMadeAfterARekeyedTableRepartitionsIt(t *testing.T) {
	runChainCases(t, rekeyAfterLaterStreamCases())
}

// The first chain keyed in AVRO, a format that infers schemas, which
// forces every source's repartition (PreJoinRepartitionNode.maybeForceInternalKeyFormat,
// ksql issue 6332): S1 and S2 through L_L_L_Join-left- and
// -right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format), T3 by its
// own key through L_L_RightSourceKeyed-SelectKey-repartition (historical
// plan multi-joins_-_stream-stream-table_-_SR-enabled_key_format rekeys
// its table after repartitioned streams), S3 by K through
// L_Join-right-repartition, and, at the last join, the result by S2.K
// through Join-left-repartition and S4, forced, by its key through
// Join-right-repartition, both in S1's AVRO (neither side has a preferred
// key format, so JoinNode.resolveKeyFormats takes getDefaultSourceKeyFormat's;
// historical plan multi-joins_-_stream-stream-stream_-_SR-enabled_key_format_-_rekey
// rekeys both sides of its second join so). Stores: S1 12-15 and S2 16-19
// (four indices each rekeyed stream takes), their repartitions 20-25, windowed
// 26/27, KSTREAM-JOINTHIS/-JOINOTHER 28/29 (as srTableRekeyQuery's first
// join after its table's 0-11), merge 30, L_L_Join 31, S3 32-35,
// L_Join-right-repartition 36-38, windowed 39/40, stores 41/42, merge 43,
// LeftSourceKeyed-SelectKey 44, S4 45-48, Join-left- and
// -right-repartition 49-54, windowed 55/56, stores 57/58.
func TestAChainOnRegistryKeysRekeysBothSidesAfterALaterStreamRekeyedAfterATable(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, srTableRekeySources+`
CREATE STREAM s4 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s4', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);`, nil)
	mustKSQL(t, url, resultRekeyedAfterLaterStreamAfterTableQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t3", 0, avroIntKey(t, st, "t3-key", 5), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, "-L_L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 5), []byte(`{"K":0,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 5), []byte(`{"K":6,"V0":2}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", 8), []byte(`{"K":5,"V0":3}`)},
		joinRec{"s4", 4, avroIntKey(t, st, "s4-key", 6), []byte(`{"K":0,"V0":4}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0),
		[]string{`6 {"S1_V0":1,"S2_V0":2,"T3_V0":9,"S3_V0":3,"S4_V0":4} @4`})
	t3 := `5 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":5} @0`
	s1, s2 := keyedRow("S1", 0, 1, 1, 0, 5), keyedRow("S2", 6, 2, 2, 0, 5)
	s3, s4 := keyedRow("S3", 5, 3, 3, 0, 8), keyedRow("S4", 0, 4, 4, 0, 6)
	joined := s1 + "," + s2 + "," + aliasedTableRow("T3", 9, 5)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{t3}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{t3}},
		{"-L_L_L_Join-left-repartition", avroIntText, 0, []string{"5 {" + s1 + "} @1"}},
		{"-L_L_L_Join-right-repartition", avroIntText, 0, []string{"5 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000028-store-changelog", avroIntText, 12, []string{"5@1#1 {" + s1 + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000029-store-changelog", avroIntText, 12, []string{"5@2#1 {" + s2 + "} @2"}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"5 {" + s3 + "} @3"}},
		{"-KSTREAM-JOINTHIS-0000000041-store-changelog", avroIntText, 12, []string{"5@2#1 {" + joined + "} @2"}},
		{"-KSTREAM-JOINOTHER-0000000042-store-changelog", avroIntText, 12, []string{"5@3#1 {" + s3 + "} @3"}},
		{"-Join-left-repartition", avroIntText, 0, []string{"6 {" + joined + "," + s3 + "} @3"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"6 {" + s4 + "} @4"}},
		{"-KSTREAM-JOINTHIS-0000000057-store-changelog", avroIntText, 12, []string{"6@3#1 {" + joined + "," + s3 + "} @3"}},
		{"-KSTREAM-JOINOTHER-0000000058-store-changelog", avroIntText, 12, []string{"6@4#1 {" + s4 + "} @4"}},
	})
	noPrivateJoinLog(t, st, id)
}
