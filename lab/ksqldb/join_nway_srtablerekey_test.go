package ksqldb

import "testing"

// A chain of stream-stream joins on AVRO keys, then a table keyed in AVRO
// joined on a value column of the first stream (S1.K). The key format
// infers schemas, which forces every source's repartition
// (PreJoinRepartitionNode.maybeForceInternalKeyFormat, ksql issue 6332):
// S1 and S2 go through L_L_Join-left- and L_L_Join-right-repartition, S3
// through L_Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format); the table
// join's left side, the result, is rekeyed by S1.K through
// Join-repartition in the table's key format (JoinNode.resolveKeyFormats
// takes the right side's where only the left must be rekeyed), and the
// table by its own key through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats,
// schemas Join.Left and RightSourceKeyed.Materialize, with a second
// stream-stream join before the table). Store numbers:
// explain_srtablerekey_test.go.
const (
	srTableRekeySources = `CREATE STREAM s1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s1', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s2 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s2', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s3 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s3', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE TABLE t (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);`
	srTableRekeyQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, s3.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN s3 WITHIN 10 SECONDS ON s1.id = s3.id JOIN t ON s1.k = t.id;`
	srTableBeforeStreamJoinQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, s2.v0, t.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id
JOIN t ON s1.k = t.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id;`
)

// runSRTableRekey runs query over srTableRekeySources, table T's record
// of key 6 materialized in store (the changelog's suffix) before S1's,
// S2's and S3's records (keys s3Key, 0, 0), and checks its one output
// record, the records of each internal topic of logs, and that none of
// absent exists.
func runSRTableRekey(t *testing.T, query, store string, s3Key int64, out string, logs []keyedLog, absent []string) {
	t.Helper()
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, srTableRekeySources, nil)
	mustKSQL(t, url, query, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 6), []byte(`{"V0":9}`)})
	st.records(queryTopic(id, store), 1)
	st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 0), []byte(`{"K":6,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"K":5,"V0":2}`)},
		joinRec{"s3", 3, avroIntKey(t, st, "s3-key", s3Key), []byte(`{"K":7,"V0":3}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0), []string{out})
	checkKeyedLogs(t, st, id, logs)
	for _, suffix := range append(absent, "-Join-this-join-store-changelog") {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the query keeps %s, which ksqlDB's does not", suffix)
		}
	}
}

// srTableRow is T's record of key 6 on its repartition and changelog.
const srTableRow = `6 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":6} @0`

func TestAChainOnRegistryKeysRekeysTheResultAndTheTableAtTheTablesJoin(t *testing.T) {
	s1, s2, s3 := keyedRow("S1", 6, 1, 1, 0, 0), keyedRow("S2", 5, 2, 2, 0, 0), keyedRow("S3", 7, 3, 3, 0, 0)
	runSRTableRekey(t, srTableRekeyQuery, "-RightSourceKeyed-Materialize-changelog", 0,
		`6 {"S1_V0":1,"S2_V0":2,"S3_V0":3,"T_V0":9} @3`, []keyedLog{
			{"-RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{srTableRow}},
			{"-RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{srTableRow}},
			{"-L_L_Join-left-repartition", avroIntText, 0, []string{"0 {" + s1 + "} @1"}},
			{"-L_L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s2 + "} @2"}},
			{"-KSTREAM-JOINTHIS-0000000028-store-changelog", avroIntText, 12, []string{"0@1#1 {" + s1 + "} @1"}},
			{"-KSTREAM-JOINOTHER-0000000029-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s2 + "} @2"}},
			{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s3 + "} @3"}},
			{"-KSTREAM-JOINTHIS-0000000040-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s1 + "," + s2 + "} @2"}},
			{"-KSTREAM-JOINOTHER-0000000041-store-changelog", avroIntText, 12, []string{"0@3#1 {" + s3 + "} @3"}},
			{"-Join-repartition", avroIntText, 0, []string{"6 {" + s1 + "," + s2 + "," + s3 + "} @3"}},
		}, []string{"-KafkaTopic_Right-Reduce-changelog", "-L_Join-left-repartition"})
}

// The same chain with the table joined before S3, S3 joined on S1.K,
// the key the table join left the result keyed by: the table's join
// (L_Join) rekeys the result through L_Join-repartition and the table
// through L_RightSourceKeyed-SelectKey-repartition, both in AVRO; the
// stream-stream join after it finds the result keyed by S1.K in its
// equivalence set (LogicalPlanner.prepareSourceForJoin: no repartition of
// a joined source in it) and rekeys only S3, forced by the key format
// (Join-right-repartition, as multi-joins_-_stream-stream-stream_-_SR-enabled_key_format
// rekeys its third stream); its left window store holds the rekeyed row,
// then T's PrependAlias values (JoinParamsFactory.createSchema).
func TestAChainOnRegistryKeysRekeysTheResultAndTheTableBeforeAStreamStreamJoin(t *testing.T) {
	s1, s2, s3 := keyedRow("S1", 6, 1, 1, 0, 0), keyedRow("S2", 5, 2, 2, 0, 0), keyedRow("S3", 7, 3, 3, 0, 6)
	runSRTableRekey(t, srTableBeforeStreamJoinQuery, "-L_RightSourceKeyed-Materialize-changelog", 6,
		`6 {"S1_V0":1,"S2_V0":2,"T_V0":9,"S3_V0":3} @3`, []keyedLog{
			{"-L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{srTableRow}},
			{"-L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{srTableRow}},
			{"-L_L_Join-left-repartition", avroIntText, 0, []string{"0 {" + s1 + "} @1"}},
			{"-L_L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s2 + "} @2"}},
			{"-KSTREAM-JOINTHIS-0000000028-store-changelog", avroIntText, 12, []string{"0@1#1 {" + s1 + "} @1"}},
			{"-KSTREAM-JOINOTHER-0000000029-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s2 + "} @2"}},
			{"-L_Join-repartition", avroIntText, 0, []string{"6 {" + s1 + "," + s2 + "} @2"}},
			{"-Join-right-repartition", avroIntText, 0, []string{"6 {" + s3 + "} @3"}},
			{"-KSTREAM-JOINTHIS-0000000045-store-changelog", avroIntText, 12, []string{"6@2#1 {" + s1 + "," + s2 + "," + aliasedTableRow("T", 9, 6) + "} @2"}},
			{"-KSTREAM-JOINOTHER-0000000046-store-changelog", avroIntText, 12, []string{"6@3#1 {" + s3 + "} @3"}},
		}, []string{"-KafkaTopic_L_Right-Reduce-changelog", "-Join-left-repartition", "-RightSourceKeyed-SelectKey-repartition"})
}
