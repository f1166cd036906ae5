package ksqldb

import (
	"encoding/binary"
	"fmt"
	"testing"
)

// A chain of stream-stream joins on expressions: S2 joined on ABS(S2.ID)
// is rekeyed by it through L_Join-right-repartition (schema L_Join.Right:
// keyed S2_KSQL_COL_0, its copy last among the values), the first stream
// joined on its key is not; the second join's left expression, ABS(S2.ID),
// is in the first join's equivalence set (JoinTree.joinEquivalenceSet), so
// the result is not rekeyed, and S3 joined on ABS(S3.ID) goes through
// Join-right-repartition (schema Join.Right), all keyed in KAFKA; each
// step logs its window stores KSTREAM-JOINTHIS/-JOINOTHER 0000000012/13
// and 0000000024/25, the second's left store holding the first join's
// result with S2's copy of its key (schema Join.Left). Historical plan
// multi-joins_-_only_viable_in_projection (topology, schemas) and its
// query-validation test's records.
func TestAChainOfStreamStreamJoinsOnExpressionsRekeysEachStreamJoinedOnOne(t *testing.T) {
	st, _, id := startExpressionChain(t)
	st.produceJoin(joinRec{"right2", 10, kafkaInt(0), []byte(`{"V0":3}`)},
		joinRec{"right", 11, kafkaInt(0), []byte(`{"V0":2}`)},
		joinRec{"left", 12, kafkaInt(0), []byte(`{"V0":1}`)})

	same := func(topic string, got, want []string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", topic, got, want)
		}
	}
	kafkaIntText := func(b []byte) string {
		if len(b) != 4 {
			return fmt.Sprintf("not a KAFKA int key: % x", b)
		}
		return fmt.Sprint(int32(binary.BigEndian.Uint32(b)))
	}
	same("OUTPUT", showKeyed(st.records("OUTPUT", 1), kafkaIntText, 0), []string{`0 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @12`})
	s1 := `"S1_V0":1,"S1_ROWTIME":12,"S1_ROWPARTITION":0,"S1_ROWOFFSET":0,"S1_ID":0`
	s2 := `"S2_V0":2,"S2_ROWTIME":11,"S2_ROWPARTITION":0,"S2_ROWOFFSET":0,"S2_ID":0,"S2_KSQL_COL_0":0`
	s3 := `"S3_V0":3,"S3_ROWTIME":10,"S3_ROWPARTITION":0,"S3_ROWOFFSET":0,"S3_ID":0,"S3_KSQL_COL_0":0`
	for _, c := range []struct {
		suffix  string
		trailer int // a window store's changelog: the key ends in the time and a sequence number
		want    string
	}{
		{"-L_Join-right-repartition", 0, "0 {" + s2 + "} @11"},
		{"-Join-right-repartition", 0, "0 {" + s3 + "} @10"},
		{"-KSTREAM-JOINTHIS-0000000012-store-changelog", 12, "0@12#1 {" + s1 + "} @12"},
		{"-KSTREAM-JOINOTHER-0000000013-store-changelog", 12, "0@11#1 {" + s2 + "} @11"},
		{"-KSTREAM-JOINTHIS-0000000024-store-changelog", 12, "0@12#1 {" + s1 + "," + s2 + "} @12"},
		{"-KSTREAM-JOINOTHER-0000000025-store-changelog", 12, "0@10#1 {" + s3 + "} @10"},
	} {
		topic := queryTopic(id, c.suffix)
		same(topic, showKeyed(st.records(topic, 1), kafkaIntText, c.trailer), []string{c.want})
	}
	noPrivateJoinLog(t, st, id)
}

// startExpressionChain runs the historical plan's statements on topics of
// one partition: three streams keyed by KAFKA ints and the chain of their
// joins on ABS(...). It returns the stack, the server and the chain's
// query id.
func startExpressionChain(t *testing.T) (st *stack, srv *Server, id string) {
	t.Helper()
	st = newStack(t)
	srv, url := st.serve()
	for _, tp := range []string{"left", "right", "right2"} {
		st.createTopic(tp, 1)
	}
	mustKSQL(t, url, `CREATE STREAM S1 (ID INT KEY, V0 bigint) WITH (kafka_topic='left', value_format='JSON');
CREATE STREAM S2 (ID INT KEY, V0 bigint) WITH (kafka_topic='right', value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 bigint) WITH (kafka_topic='right2', value_format='JSON');
CREATE STREAM OUTPUT as SELECT S1.ID, s1.V0, s2.V0, s3.V0 FROM S1 JOIN S2 WITHIN 10 seconds ON S1.ID = abs(S2.ID) JOIN S3 WITHIN 10 seconds ON abs(S2.ID) = abs(S3.ID);`, earliest())
	return st, srv, queryWriting(t, url, "OUTPUT")
}

// The second join's left store, which holds the first join's results with
// S2's copy of its expression key, is what a restarted server restores: a
// record of the third stream after the restart joins a result from before
// it.
func TestAChainOfStreamStreamJoinsOnExpressionsRestoresFromItsChangelogs(t *testing.T) {
	st, srv, id := startExpressionChain(t)
	st.produceJoin(joinRec{"right", 11, kafkaInt(0), []byte(`{"V0":2}`)},
		joinRec{"left", 12, kafkaInt(0), []byte(`{"V0":1}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000024-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"right2", 13, kafkaInt(0), []byte(`{"V0":3}`)})
	if got, want := string(st.records("OUTPUT", 1)[0].Value), `{"S1_V0":1,"S2_V0":2,"S3_V0":3}`; got != want {
		t.Errorf("OUTPUT after the restart: %s, want %s", got, want)
	}
}
