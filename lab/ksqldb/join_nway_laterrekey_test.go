package ksqldb

import (
	"fmt"
	"testing"
)

// Chains of stream-stream joins whose first join is on both streams' keys,
// so it rekeys neither, and whose later join rekeys a side. ksqlDB plans
// them as any chain (LogicalPlanner.buildJoin, JoinTree): the later join's
// left expression is looked up in the first join's equivalence set
// (JoinTree.joinEquivalenceSet: S1.ID and S2.ID); a left expression in it
// finds the result keyed already, another gets a PreJoinRepartitionNode
// (LeftSourceKeyed) over the joined result, and a right stream joined on
// anything but its key gets one too (RightSourceKeyed). Kafka Streams
// writes each rekeyed side through the StreamJoined's repartition
// (KStreamImplJoin: <name>-left-repartition, <name>-right-repartition),
// keyed in the join's key format (KAFKA here). The repartitions' values
// and the window stores' layouts are those of the nearest historical
// plans: Join.Right of multi-joins_-_only_viable_in_projection (a later
// stream rekeyed on an expression, its copy S3_KSQL_COL_0 last) and of
// joins_-_stream_stream_left_join_-_rekey_-_JSON (a stream rekeyed on a
// column: its values, pseudo columns, then the old key), Join.Left of
// multi-joins_-_stream-stream-stream_-_outer-outer (the joined result
// rekeyed by a column, keyed ALIAS_NAME, its value both streams'
// PrependAlias columns). The store numbers follow the topology EXPLAIN
// derives for these chains (explain_laterrekey_test.go): 8/9 for the first
// join, 20/21 for the second.

// keyedStreams are three streams keyed by INT with an INT value column K
// to join on, one partition each.
const keyedStreams = `CREATE STREAM s1 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s1', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s2 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s2', VALUE_FORMAT='JSON', PARTITIONS=1);
CREATE STREAM s3 (id INT KEY, k INT, v0 BIGINT) WITH (KAFKA_TOPIC='s3', VALUE_FORMAT='JSON', PARTITIONS=1);`

// keyedRow is the PrependAlias columns of a record of keyedStreams' stream
// alias (partition 0), without braces, as a stream not rekeyed or rekeyed
// by a column holds them.
func keyedRow(alias string, k, v, ts, off, id int) string {
	return fmt.Sprintf(`"%[1]s_K":%[2]d,"%[1]s_V0":%[3]d,"%[1]s_ROWTIME":%[4]d,"%[1]s_ROWPARTITION":0,"%[1]s_ROWOFFSET":%[5]d,"%[1]s_ID":%[6]d`, alias, k, v, ts, off, id)
}

func TestAChainWhoseFirstJoinIsOnKeysRepartitionsOnlyWhatItsLaterJoinRekeys(t *testing.T) {
	s1, s2 := keyedRow("S1", 5, 1, 0, 0, 0), keyedRow("S2", 6, 2, 1, 0, 0)
	for _, c := range []struct {
		name, sel, on string
		s3            []joinRec
		out           string // the output's key, value and time
		repartition   string // the suffix of the one repartition topic
		// the repartition's records and the second join's stores'
		rekeyed, this, other []string
	}{
		{
			// S1.ID is in the first join's equivalence set: the result is
			// keyed already, S3 is rekeyed by S3.K
			name: "the later join on a column of its stream rekeys that stream through Join-right-repartition",
			sel:  "S1.ID", on: "S1.ID = S3.K",
			s3:          []joinRec{{"s3", 2, kafkaInt(7), []byte(`{"K":0,"V0":3}`)}, {"s3", 3, kafkaInt(8), []byte(`{"K":1,"V0":4}`)}},
			out:         `00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
			repartition: "-Join-right-repartition",
			rekeyed: []string{
				logLine(string(kafkaInt(0)), "{"+keyedRow("S3", 0, 3, 2, 0, 7)+"}", 2),
				logLine(string(kafkaInt(1)), "{"+keyedRow("S3", 1, 4, 3, 1, 8)+"}", 3),
			},
			this: []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+","+s2+"}", 1)},
			other: []string{
				logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+keyedRow("S3", 0, 3, 2, 0, 7)+"}", 2),
				logLine(windowStoreKey(kafkaInt(1), 3, 2), "{"+keyedRow("S3", 1, 4, 3, 1, 8)+"}", 3),
			},
		},
		{
			// an expression of S3: keyed by it, named KSQL_COL_0, and its
			// copy S3_KSQL_COL_0 last among the values
			name: "the later join on an expression of its stream rekeys that stream by the expression",
			sel:  "S1.ID", on: "S1.ID = S3.K + 1",
			s3:          []joinRec{{"s3", 2, kafkaInt(7), []byte(`{"K":-1,"V0":3}`)}},
			out:         `00000000 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
			repartition: "-Join-right-repartition",
			rekeyed:     []string{logLine(string(kafkaInt(0)), "{"+keyedRow("S3", -1, 3, 2, 0, 7)+`,"S3_KSQL_COL_0":0}`, 2)},
			this:        []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+","+s2+"}", 1)},
			other:       []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+keyedRow("S3", -1, 3, 2, 0, 7)+`,"S3_KSQL_COL_0":0}`, 2)},
		},
		{
			// S2.K is not in the equivalence set: the first join's result
			// is rekeyed by it (LeftSourceKeyed) through
			// Join-left-repartition, keyed S2_K; S3 is joined on its key
			name: "the later join on a column of the first join's stream rekeys the result through Join-left-repartition",
			sel:  "S2.K", on: "S2.K = S3.ID",
			s3:          []joinRec{{"s3", 2, kafkaInt(6), []byte(`{"K":9,"V0":3}`)}},
			out:         `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`,
			repartition: "-Join-left-repartition",
			rekeyed:     []string{logLine(string(kafkaInt(6)), "{"+s1+","+s2+"}", 1)},
			this:        []string{logLine(windowStoreKey(kafkaInt(6), 1, 1), "{"+s1+","+s2+"}", 1)},
			other:       []string{logLine(windowStoreKey(kafkaInt(6), 2, 1), "{"+keyedRow("S3", 9, 3, 2, 0, 6)+"}", 2)},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, keyedStreams, nil)
			mustKSQL(t, url, "CREATE STREAM output AS SELECT "+c.sel+", s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id "+
				"JOIN s3 WITHIN 10 SECONDS ON "+c.on+";", earliest())
			id := queryWriting(t, url, "OUTPUT")
			st.produceJoin(joinRec{"s1", 0, kafkaInt(0), []byte(`{"K":5,"V0":1}`)},
				joinRec{"s2", 1, kafkaInt(0), []byte(`{"K":6,"V0":2}`)})
			st.produceJoin(c.s3...)

			out := st.records("OUTPUT", 1)[0]
			if got := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()); got != c.out {
				t.Errorf("OUTPUT: %s, want %s", got, c.out)
			}
			for _, lg := range []struct {
				suffix string
				want   []string
			}{
				{c.repartition, c.rekeyed},
				{"-KSTREAM-JOINTHIS-0000000008-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 0, 1), "{"+s1+"}", 0)}},
				{"-KSTREAM-JOINOTHER-0000000009-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s2+"}", 1)}},
				{"-KSTREAM-JOINTHIS-0000000020-store-changelog", c.this},
				{"-KSTREAM-JOINOTHER-0000000021-store-changelog", c.other},
			} {
				topic := queryTopic(id, lg.suffix)
				sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
			}
			noPrivateJoinLog(t, st, id)
			other := map[string]string{"-Join-left-repartition": "-Join-right-repartition", "-Join-right-repartition": "-Join-left-repartition"}[c.repartition]
			if _, ok := topicExists(t, st, queryTopic(id, other)); ok {
				t.Errorf("the chain also repartitions through %s", other)
			}
		})
	}
}

// What the second join's stores logged before a restart is what a new
// server on the same topics restores: a record of the third stream after
// the restart joins the first join's result from before it, read back
// from the rekeyed result's store under its S2_K key.
func TestAChainThatRekeysTheFirstJoinsResultRestoresItsSecondJoinsStores(t *testing.T) {
	st := newStack(t)
	srv, url := st.serve()
	mustKSQL(t, url, keyedStreams, nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT s2.k, s1.v0, s2.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id "+
		"JOIN s3 WITHIN 10 SECONDS ON s2.k = s3.id;", earliest())
	id := queryWriting(t, url, "OUTPUT")
	st.produceJoin(joinRec{"s1", 0, kafkaInt(0), []byte(`{"K":5,"V0":1}`)},
		joinRec{"s2", 1, kafkaInt(0), []byte(`{"K":6,"V0":2}`)})
	st.records(queryTopic(id, "-KSTREAM-JOINTHIS-0000000020-store-changelog"), 1)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	st.serve()
	st.produceJoin(joinRec{"s3", 2, kafkaInt(6), []byte(`{"K":9,"V0":3}`)})
	out := st.records("OUTPUT", 1)[0]
	if got, want := fmt.Sprintf("%x %s @%d", out.Key, out.Value, out.Timestamp.UnixMilli()), `00000006 {"S1_V0":1,"S2_V0":2,"S3_V0":3} @2`; got != want {
		t.Errorf("OUTPUT after the restart: %s, want %s", got, want)
	}
}
