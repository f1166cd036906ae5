package ksqldb

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// A chain on AVRO keys: a stream-table join on keys, a stream-stream join
// on the key, then a second table on the key. The key format infers
// schemas, which forces every source's repartition
// (PreJoinRepartitionNode.maybeForceInternalKeyFormat, ksql issue 6332):
// S1 through L_L_Join-repartition and T by its own key through
// L_L_RightSourceKeyed-SelectKey-repartition into
// L_L_RightSourceKeyed-Materialize (historical plan
// joins_-_stream-table_key-to-key_-_SR-enabled_key_format rekeys both
// sides so), S2 through L_Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format), and T3 by
// its own key through RightSourceKeyed-SelectKey-repartition into
// RightSourceKeyed-Materialize (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format rekeys its
// table after repartitioned streams so); the result, keyed by S1.ID in
// each join's equivalence set, is never rekeyed
// (LogicalPlanner.prepareSourceForJoin). The stream-stream join's left
// window store holds S1's and T's PrependAlias values. Store numbers:
// explain_srtables_test.go.
const (
	srTablesSources = srTableRekeySources + `
CREATE TABLE t3 (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t3', KEY_FORMAT='AVRO', VALUE_FORMAT='JSON', PARTITIONS=1);`
	srTablesQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, t.v0, s2.v0, t3.v0 FROM s1 JOIN t ON s1.id = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN t3 ON s1.id = t3.id;`
)

func TestAChainOnRegistryKeysRekeysATableAfterAFirstStreamTableJoinsSidesAndAStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, srTablesSources, nil)
	mustKSQL(t, url, srTablesQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 0), []byte(`{"V0":9}`)},
		joinRec{"t3", 0, avroIntKey(t, st, "t3-key", 0), []byte(`{"V0":8}`)})
	st.records(queryTopic(id, "-L_L_RightSourceKeyed-Materialize-changelog"), 1)
	st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 0), []byte(`{"K":6,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"K":5,"V0":2}`)})

	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%s %s @%d", avroIntText(out.Key), out.Value, out.Timestamp.UnixMilli()), `0 {"S1_V0":1,"T_V0":9,"S2_V0":2,"T3_V0":8} @2`; got != want {
		t.Errorf("OUTPUT: %s, want %s", got, want)
	}
	tv := `0 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
	t3v := `0 {"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 0), keyedRow("S2", 5, 2, 2, 0, 0)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{tv}},
		{"-RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{t3v}},
		{"-RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{t3v}},
		{"-L_L_Join-repartition", avroIntText, 0, []string{"0 {" + s1 + "} @1"}},
		{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000041-store-changelog", avroIntText, 12, []string{"0@1#1 {" + s1 + "," + tRow(9, 0, 0, 0) + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000042-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s2 + "} @2"}},
	})
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog", "-L_Join-left-repartition", "-Join-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}

// The chain with T3 joined on S1.K, a column the result is not keyed by:
// the sources before T3 are rekeyed as above, then the result is rekeyed
// by S1.K through Join-repartition in T3's key format, AVRO or JSON_SR
// (JoinNode.resolveKeyFormats takes the right side's where only the left
// must be rekeyed), and T3 by its own key through
// RightSourceKeyed-SelectKey-repartition into RightSourceKeyed-Materialize
// in that format (historical plan
// multi-joins_-_stream-stream-table_-_SR-enabled_key_format_-_rekey_-_differing_internal_key_formats,
// schemas Join.Left and RightSourceKeyed.Materialize, rekeys its JSON_SR
// table and its AVRO result so). Store numbers: explain_srtables_test.go.
const srTablesResultRekeyQuery = `
CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0, t3.v0 FROM s1 JOIN t ON s1.id = t.id
JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id JOIN t3 ON s1.k = t3.id;`

func TestAChainOnRegistryKeysRekeysTheResultAndATableAfterAFirstStreamTableJoinsSidesAndAStream(t *testing.T) {
	for _, format := range []string{"AVRO", "JSON_SR"} {
		t.Run("T3 keyed in "+format, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, strings.Replace(srTablesSources, "KAFKA_TOPIC='t3', KEY_FORMAT='AVRO'", "KAFKA_TOPIC='t3', KEY_FORMAT='"+format+"'", 1), nil)
			mustKSQL(t, url, srTablesResultRekeyQuery, earliest())
			id := queryWriting(t, url, "OUTPUT")
			// T3's key 6 and how its format shows a key
			t3Key, show := avroIntKey(t, st, "t3-key", 6), avroIntText
			if format == "JSON_SR" {
				schema := registerSchemaType(t, st.reg.URL(), "t3-key", "JSON", `{"type":"integer","connect.type":"int32"}`)
				t3Key, show = append(binary.BigEndian.AppendUint32([]byte{0}, uint32(schema)), '6'), jsonSRText
			}
			st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 0), []byte(`{"V0":9}`)},
				joinRec{"t3", 0, t3Key, []byte(`{"V0":8}`)})
			st.records(queryTopic(id, "-L_L_RightSourceKeyed-Materialize-changelog"), 1)
			st.records(queryTopic(id, "-RightSourceKeyed-Materialize-changelog"), 1)
			st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 0), []byte(`{"K":6,"V0":1}`)},
				joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"K":5,"V0":2}`)})

			sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0), []string{`6 {"S1_V0":1,"T_V0":9,"S2_V0":2,"T3_V0":8} @2`})
			tv := `0 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
			t3v := `6 {"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":6} @0`
			s1, s2 := keyedRow("S1", 6, 1, 1, 0, 0), keyedRow("S2", 5, 2, 2, 0, 0)
			checkKeyedLogs(t, st, id, []keyedLog{
				{"-L_L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
				{"-L_L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{tv}},
				{"-RightSourceKeyed-SelectKey-repartition", show, 0, []string{t3v}},
				{"-RightSourceKeyed-Materialize-changelog", show, 0, []string{t3v}},
				{"-L_L_Join-repartition", avroIntText, 0, []string{"0 {" + s1 + "} @1"}},
				{"-L_Join-right-repartition", avroIntText, 0, []string{"0 {" + s2 + "} @2"}},
				{"-KSTREAM-JOINTHIS-0000000041-store-changelog", avroIntText, 12, []string{"0@1#1 {" + s1 + "," + tRow(9, 0, 0, 0) + "} @1"}},
				{"-KSTREAM-JOINOTHER-0000000042-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s2 + "} @2"}},
				{"-Join-repartition", show, 0, []string{"6 {" + s1 + "," + tRow(9, 0, 0, 0) + "," + s2 + "} @2"}},
			})
			noPrivateJoinLog(t, st, id)
			for _, suffix := range []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_Right-Reduce-changelog", "-L_Join-left-repartition"} {
				if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
					t.Errorf("the chain also has %s", suffix)
				}
			}
		})
	}
}

// A chain on AVRO keys of a stream-table join on keys, a second table on
// the key, then a stream-stream join on the key: every source is forced
// through a repartition (PreJoinRepartitionNode.maybeForceInternalKeyFormat),
// S1 through L_L_Join-repartition and T through
// L_L_RightSourceKeyed-SelectKey-repartition as above, T3 through
// L_RightSourceKeyed-SelectKey-repartition into L_RightSourceKeyed-Materialize
// (historical plan multi-joins_-_stream-table-table_-_table_key_format_mismatch
// rekeys its inner table so, with its join's context), and S2, the last
// join's right stream, through Join-right-repartition (historical plan
// multi-joins_-_stream-stream-stream_-_SR-enabled_key_format); the
// result, keyed by S1.ID, is never rekeyed. The last join's left window
// store holds S1's, T's and T3's PrependAlias values in the order joined.
// Store numbers: explain_srtables_test.go.
const srTwoTablesBeforeStreamJoinQuery = `
CREATE STREAM output AS SELECT s1.id, s1.v0, t.v0, t3.v0, s2.v0 FROM s1 JOIN t ON s1.id = t.id
JOIN t3 ON s1.id = t3.id JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id;`

func TestAChainOnRegistryKeysRekeysTwoTablesAndTheStreamOfAStreamStreamJoinAfterThem(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, srTablesSources, nil)
	mustKSQL(t, url, srTwoTablesBeforeStreamJoinQuery, earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"t", 0, avroIntKey(t, st, "t-key", 0), []byte(`{"V0":9}`)},
		joinRec{"t3", 0, avroIntKey(t, st, "t3-key", 0), []byte(`{"V0":8}`)})
	st.records(queryTopic(id, "-L_L_RightSourceKeyed-Materialize-changelog"), 1)
	st.records(queryTopic(id, "-L_RightSourceKeyed-Materialize-changelog"), 1)
	st.produceJoin(joinRec{"s1", 1, avroIntKey(t, st, "s1-key", 0), []byte(`{"K":6,"V0":1}`)},
		joinRec{"s2", 2, avroIntKey(t, st, "s2-key", 0), []byte(`{"K":5,"V0":2}`)})

	sameShown(t, "OUTPUT", showKeyed(st.records("OUTPUT", 1), avroIntText, 0), []string{`0 {"S1_V0":1,"T_V0":9,"T3_V0":8,"S2_V0":2} @2`})
	tv := `0 {"V0":9,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
	t3v := `0 {"V0":8,"ROWTIME":0,"ROWPARTITION":0,"ROWOFFSET":0,"ID":0} @0`
	t3Row := `"T3_V0":8,"T3_ROWTIME":0,"T3_ROWPARTITION":0,"T3_ROWOFFSET":0,"T3_ID":0`
	s1, s2 := keyedRow("S1", 6, 1, 1, 0, 0), keyedRow("S2", 5, 2, 2, 0, 0)
	checkKeyedLogs(t, st, id, []keyedLog{
		{"-L_L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{tv}},
		{"-L_L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{tv}},
		{"-L_RightSourceKeyed-SelectKey-repartition", avroIntText, 0, []string{t3v}},
		{"-L_RightSourceKeyed-Materialize-changelog", avroIntText, 0, []string{t3v}},
		{"-L_L_Join-repartition", avroIntText, 0, []string{"0 {" + s1 + "} @1"}},
		{"-Join-right-repartition", avroIntText, 0, []string{"0 {" + s2 + "} @2"}},
		{"-KSTREAM-JOINTHIS-0000000042-store-changelog", avroIntText, 12, []string{"0@1#1 {" + s1 + "," + tRow(9, 0, 0, 0) + "," + t3Row + "} @1"}},
		{"-KSTREAM-JOINOTHER-0000000043-store-changelog", avroIntText, 12, []string{"0@2#1 {" + s2 + "} @2"}},
	})
	noPrivateJoinLog(t, st, id)
	for _, suffix := range []string{"-KafkaTopic_L_L_Right-Reduce-changelog", "-KafkaTopic_L_Right-Reduce-changelog", "-Join-left-repartition", "-L_Join-repartition"} {
		if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
			t.Errorf("the chain also has %s", suffix)
		}
	}
}
