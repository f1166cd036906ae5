package ksqldb

import (
	"fmt"
	"strings"
	"testing"
)

// A chain whose first join is a stream-table join that rekeys its stream,
// followed by a stream-stream join. ksqlDB plans the first join's stream
// as a single stream-table join on a column plans it
// (LogicalPlanner.prepareSourceForJoin: L_LeftSourceKeyed-SelectKey, then
// PrependAliasL_Left, through <L_>Join-repartition, keyed by the joined
// column; historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey
// rekeys its stream the same way), and the stream-stream join after it on
// a column of the first join's criteria finds the result keyed already
// (JoinTree.joinEquivalenceSet), as multi-joins_-_stream-table-stream_-_inner-inner
// joins its stream-table result; its stream, joined on its key, is not
// rekeyed. The stream-stream join logs its window stores as EXPLAIN's
// derived topology names them (explain_tablerekey_test.go): the first
// join's result, each source's PrependAlias columns (S1's then T's), in
// KSTREAM-JOINTHIS-0000000019, S2 in KSTREAM-JOINOTHER-0000000020.

// tableRekeyQuery is the chain of the specs below.
const tableRekeyQuery = "CREATE STREAM output AS SELECT s1.k, s1.v0, t.v0, s2.v0 FROM s1 JOIN t ON s1.k = t.id " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.k = s2.id;"

// tableRekeyOnExpression is that chain joined on an expression of S1.K.
const tableRekeyOnExpression = "CREATE STREAM output AS SELECT t.id, s1.v0, t.v0, s2.v0 FROM s1 JOIN t ON s1.k + 1 = t.id " +
	"JOIN s2 WITHIN 10 SECONDS ON s1.k + 1 = s2.id;"

func TestAChainWhoseFirstStreamTableJoinRekeysRepartitionsItsStreamBeforeAStreamStreamJoin(t *testing.T) {
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 6)
	for _, c := range []struct {
		name, query string
		key         int // the join key: S1.K, or S1.K + 1
		out         string
		rekeyed     string // S1's repartition values
	}{
		{"on a column", tableRekeyQuery, 5, `00000005 {"S1_V0":1,"T_V0":9,"S2_V0":2} @2`, "{" + s1 + "}"},
		{
			// an expression's key is copied last among S1's values
			// (historical plan multi-joins_-_stream-table-table_-_inner-inner_-_rekey_with_different_expression:
			// schema L_Join.Left)
			"on an expression", tableRekeyOnExpression, 6, `00000006 {"S1_V0":1,"T_V0":9,"S2_V0":2} @2`,
			"{" + s1 + `,"S1_KSQL_COL_0":6}`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, mixedSources, nil)
			group := st.stableGroup(mustKSQL(t, url, c.query, earliest()))
			id := queryWriting(t, url, "OUTPUT")
			k := kafkaInt(uint32(c.key))
			// T's row is in the table before S1's rekeyed row can look it
			// up: the two arrive through different topics, in no defined
			// order (a CI run under load saw S1's row join no row)
			st.produceInOrder(group, joinRec{"t", 0, k, []byte(`{"V0":9}`)})
			st.produceJoin(joinRec{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)},
				joinRec{"s2", 2, k, []byte(`{"K":6,"V0":2}`)})

			out := st.records("OUTPUT", 1)[0]
			if got := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()); got != c.out {
				t.Errorf("OUTPUT: %s, want %s", got, c.out)
			}
			s2 := strings.Replace(s2, `"S2_ID":6`, fmt.Sprintf(`"S2_ID":%d`, c.key), 1)
			for _, lg := range []struct {
				suffix string
				want   []string
			}{
				{"-L_Join-repartition", []string{logLine(string(k), c.rekeyed, 1)}},
				{"-KSTREAM-JOINTHIS-0000000019-store-changelog", []string{logLine(windowStoreKey(k, 1, 1), strings.TrimSuffix(c.rekeyed, "}")+","+tRow(9, 0, 0, c.key)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000020-store-changelog", []string{logLine(windowStoreKey(k, 2, 1), "{"+s2+"}", 2)}},
			} {
				topic := queryTopic(id, lg.suffix)
				sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
			}
			noPrivateJoinLog(t, st, id)
			for _, suffix := range []string{"-Join-left-repartition", "-Join-right-repartition", "-Join-repartition"} {
				if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
					t.Errorf("the chain also has %s", suffix)
				}
			}
		})
	}
}

// A new server on the same topics restores the stream-stream join's left
// store: a record of S2 after the restart joins the rekeyed S1 record
// (joined with T) from before it.
func TestAChainWhoseFirstStreamTableJoinRekeysRestoresItsStreamStreamJoinsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, mixedSources, nil)
	group := st.stableGroup(mustKSQL(t, url, tableRekeyQuery, earliest()))
	id := queryWriting(t, url, "OUTPUT")
	st.produceInOrder(group, joinRec{"t", 0, kafkaInt(5), []byte(`{"V0":9}`)})
	st.produceJoin(joinRec{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000019-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s2", 2, kafkaInt(5), []byte(`{"K":6,"V0":2}`)})
	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000005 {"S1_V0":1,"T_V0":9,"S2_V0":2} @2`; got != want {
		t.Errorf("OUTPUT after the restart: %s, want %s", got, want)
	}
}
