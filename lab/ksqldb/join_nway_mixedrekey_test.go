package ksqldb

import (
	"fmt"
	"testing"
)

// Chains that mix stream-stream and stream-table joins, all [INNER], whose
// first join rekeys nothing and whose later join rekeys a side. ksqlDB
// plans each join's sides alike whatever the joins are
// (LogicalPlanner.prepareSourceForJoin, JoinTree.joinEquivalenceSet): a
// later stream-stream join's stream joined on a column goes through
// Join-right-repartition (as in join_nway_laterrekey_test.go), and the
// result of the joins before a stream-table join on a column outside
// their criteria is rekeyed by it and goes through that join's
// <L_ per level>Join-repartition (Kafka Streams names it after the
// Joined: KStreamImpl.doStreamTableJoin's repartitionForJoin), keyed
// ALIAS_NAME, its value the joined sources' PrependAlias columns (schema
// Join.Left of the historical plan multi-joins_-_stream-stream-table_-_full-inner,
// whose FULL OUTER result is rekeyed the same way); a stream-stream join
// after it on a column equal to that key finds the result keyed already.
// A table's PrependAlias columns follow its values as a stream's do
// (schema Join.Left of multi-joins_-_stream-table-stream_-_inner-inner).
// The store numbers follow the topologies EXPLAIN derives for these chains
// (explain_mixedrekey_test.go).

// mixedSources are keyedStreams and a table T keyed by INT.
const mixedSources = keyedStreams + `
CREATE TABLE t (id INT PRIMARY KEY, v0 BIGINT) WITH (KAFKA_TOPIC='t', VALUE_FORMAT='JSON', PARTITIONS=1);`

// tRow is the PrependAlias columns of a row of table T (partition 0),
// without braces.
func tRow(v, ts, off, id int) string {
	return fmt.Sprintf(`"T_V0":%d,"T_ROWTIME":%d,"T_ROWPARTITION":0,"T_ROWOFFSET":%d,"T_ID":%d`, v, ts, off, id)
}

func TestAChainMixingStreamAndTableJoinsRepartitionsWhatItsLaterJoinRekeys(t *testing.T) {
	s1, s2 := keyedRow("S1", 5, 1, 1, 0, 0), keyedRow("S2", 6, 2, 2, 0, 0)
	type log = chainLog
	runChainCases(t, []chainCase{
		{
			name: "a stream-table join after a stream-stream join on keys rekeys the result through Join-repartition",
			query: "SELECT s1.k, s1.v0, s2.v0, t.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
				"JOIN t ON s1.k = t.id",
			in: []joinRec{{"t", 0, kafkaInt(5), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)}},
			out: `00000005 {"S1_V0":1,"S2_V0":2,"T_V0":9} @2`,
			logs: []log{
				{"-Join-repartition", []string{logLine(string(kafkaInt(5)), "{"+s1+","+s2+"}", 2)}},
				// the table is built first: 0 to 5
				{"-KSTREAM-JOINTHIS-0000000014-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000015-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
			},
		},
		{
			name: "a stream-stream join after a stream-table join on keys rekeys its stream through Join-right-repartition",
			query: "SELECT s1.id, s1.v0, t.v0, s2.v0 FROM s1 JOIN t ON s1.id = t.id " +
				"JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.k",
			in: []joinRec{{"t", 0, kafkaInt(0), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(7), []byte(`{"K":0,"V0":2}`)}},
			out: `00000000 {"S1_V0":1,"T_V0":9,"S2_V0":2} @2`,
			logs: []log{
				{"-Join-right-repartition", []string{logLine(string(kafkaInt(0)), "{"+keyedRow("S2", 0, 2, 2, 0, 7)+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000019-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+","+tRow(9, 0, 0, 0)+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000020-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+keyedRow("S2", 0, 2, 2, 0, 7)+"}", 2)}},
			},
			absent: []string{"-L_Join-repartition", "-Join-left-repartition"},
		},
		{
			name: "a stream-stream join after a rekeying stream-table join on the rekeyed column joins the result as it is keyed",
			query: "SELECT s1.k, s1.v0, s2.v0, t.v0, s3.v0 FROM s1 JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id " +
				"JOIN t ON s1.k = t.id JOIN s3 WITHIN 10 SECONDS ON s1.k = s3.id",
			in: []joinRec{{"t", 0, kafkaInt(5), []byte(`{"V0":9}`)},
				{"s1", 1, kafkaInt(0), []byte(`{"K":5,"V0":1}`)}, {"s2", 2, kafkaInt(0), []byte(`{"K":6,"V0":2}`)},
				{"s3", 3, kafkaInt(5), []byte(`{"K":8,"V0":3}`)}},
			out: `00000005 {"S1_V0":1,"S2_V0":2,"T_V0":9,"S3_V0":3} @3`,
			logs: []log{
				{"-L_Join-repartition", []string{logLine(string(kafkaInt(5)), "{"+s1+","+s2+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000014-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 1, 1), "{"+s1+"}", 1)}},
				{"-KSTREAM-JOINOTHER-0000000015-store-changelog", []string{logLine(windowStoreKey(kafkaInt(0), 2, 1), "{"+s2+"}", 2)}},
				{"-KSTREAM-JOINTHIS-0000000027-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 2, 1), "{"+s1+","+s2+","+tRow(9, 0, 0, 5)+"}", 2)}},
				{"-KSTREAM-JOINOTHER-0000000028-store-changelog", []string{logLine(windowStoreKey(kafkaInt(5), 3, 1), "{"+keyedRow("S3", 8, 3, 3, 0, 5)+"}", 3)}},
			},
			absent: []string{"-Join-left-repartition", "-Join-right-repartition"},
		},
	})
}

// chainLog is the records an N-way join writes to one internal topic.
type chainLog struct {
	suffix string // the topic's name after the query's application ID
	want   []string
}

// chainCase is an N-way join over its sources and the records it writes.
type chainCase struct {
	name    string
	sources string // the DDL of the sources; empty means mixedSources
	query   string // the SELECT of CREATE STREAM output AS
	stmt    string // or the whole statement creating OUTPUT, in place of query
	// tables are produced before in, once each of settled (internal
	// topics' suffixes) holds a record: a rekeyed table is materialized
	// before the streams join it (or streams' records reach a later step
	// through a repartition before in's records do).
	tables  []joinRec
	settled []string
	in      []joinRec
	out     string // the output's key, value and time
	// or each of its outputs in order (a FULL OUTER step emits a row
	// before its match), in place of out
	outs   []string
	logs   []chainLog
	absent []string // internal topics the chain does not have
}

// runChainCases runs each case's query over its sources on a stack of its
// own and checks its one output record, the records on each internal
// topic it names, and that the private changelog and the absent topics
// do not exist.
func runChainCases(t *testing.T, cases []chainCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			sources, stmt := c.sources, c.stmt
			if sources == "" {
				sources = mixedSources
			}
			if stmt == "" {
				stmt = "CREATE STREAM output AS " + c.query + ";"
			}
			mustKSQL(t, url, sources, nil)
			mustKSQL(t, url, stmt, earliest())
			id := queryWriting(t, url, "OUTPUT")
			if len(c.tables) > 0 {
				st.produceJoin(c.tables...)
				for _, suffix := range c.settled {
					st.records(queryTopic(id, suffix), 1)
				}
			}
			st.produceJoin(c.in...)

			want := c.outs
			if len(want) == 0 {
				want = []string{c.out}
			}
			var got []string
			for _, r := range st.records("OUTPUT", len(want)) {
				got = append(got, fmt.Sprintf("%x %s @%d", r.Key, r.Value, r.Timestamp.UnixMilli()))
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("OUTPUT:\n got %q\nwant %q", got, want)
			}
			for _, lg := range c.logs {
				topic := queryTopic(id, lg.suffix)
				sameLog(t, topic, st.records(topic, len(lg.want)), lg.want)
			}
			noPrivateJoinLog(t, st, id)
			for _, suffix := range c.absent {
				if _, ok := topicExists(t, st, queryTopic(id, suffix)); ok {
					t.Errorf("the chain also has %s", suffix)
				}
			}
		})
	}
}
