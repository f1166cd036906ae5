package ksqldb

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// holdJoins has the broker hold every JoinGroup request of a group named
// with prefix until release is called, once a first one has come (it
// waits for that): a query's consumers then start from what its inputs
// hold when they are let in.
func (st *stack) holdJoins(prefix string) (release func()) {
	st.t.Helper()
	held, let := st.holdRequests(kmsg.JoinGroup, func(req kmsg.Request) bool {
		return strings.HasPrefix(req.(*kmsg.JoinGroupRequest).Group, prefix)
	})
	return func() {
		st.t.Helper()
		select {
		case <-held:
		case <-time.After(30 * time.Second):
			st.t.Fatal("no consumer of the query came to join its group")
		}
		let()
	}
}

// holdRequests has the broker hold every request of key that match
// accepts until release is called; held is closed when a first one
// comes. The broker answers other connections meanwhile, not the held
// request's own (kfake's SleepControl).
func (st *stack) holdRequests(key kmsg.Key, match func(kmsg.Request) bool) (held <-chan struct{}, release func()) {
	var once, released sync.Once
	arrived, let := make(chan struct{}), make(chan struct{})
	st.cluster.ControlKey(int16(key), func(req kmsg.Request) (kmsg.Response, error, bool) {
		st.cluster.KeepControl()
		if !match(req) {
			return nil, nil, false
		}
		select {
		case <-let:
		default:
			once.Do(func() { close(arrived) })
			st.cluster.SleepControl(func() { <-let })
		}
		return nil, nil, false
	})
	return arrived, func() { released.Do(func() { close(let) }) }
}

// produceApart produces recs in order, gap apart.
func (st *stack) produceApart(gap time.Duration, recs ...joinRec) {
	st.t.Helper()
	for i, r := range recs {
		if i > 0 {
			time.Sleep(gap)
		}
		st.produceJoin(r)
	}
}

// A join chain reads each record as it comes from the moment its query
// has joined its group, as Kafka Streams' task processes what it has
// fetched: a stream record that comes 150 ms before a table row of a later
// timestamp is joined without it, also while the query fetches its first
// records. Kafka Streams resets the positions of all of a task's
// partitions that have none before it fetches any (the stream sides' and
// the table sides', which ksqlDB reads from the beginning:
// StreamThread.resetOffsets, apache/kafka 3.9.0-rc3), so its first fetch
// asks for every partition. The cases of confluentinc/ksql 7.9.4
// query-validation-tests multi-joins.json "stream-table-table -
// left-left", "... - inner-left" and "stream-table-stream - left-inner"
// (S1's record at 12 comes before T2's row at 11, and misses it).
func TestJoinChainsReadEachRecordAsItComesOnceStarted(t *testing.T) {
	for _, c := range append(s1t2t3Cases(func(c *nwayCase) { c.gap = 150 * time.Millisecond }), nwayCase{
		upstream: "stream-table-stream - left-inner",
		ddl: `CREATE STREAM S1 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='left', PARTITIONS=1, value_format='JSON');
CREATE TABLE T2 (ID INT PRIMARY KEY, V0 BIGINT) WITH (kafka_topic='right', PARTITIONS=1, value_format='JSON');
CREATE STREAM S3 (ID INT KEY, V0 BIGINT) WITH (kafka_topic='right2', PARTITIONS=1, value_format='JSON');`,
		query: "CREATE STREAM OUTPUT as SELECT S3.ID, s1.V0, t2.V0, s3.V0 FROM S1 LEFT JOIN T2 ON S1.ID = T2.ID JOIN S3 WITHIN 10 seconds ON S1.ID = S3.ID;",
		inputs: []nwayIn{{"right2", 0, `{"V0":3}`, 10}, {"left", 0, `{"V0":1}`, 12}, {"right", 0, `{"V0":2}`, 11},
			{"right", 0, `{"V0":4}`, 13}, {"left", 0, `{"V0":5}`, 100000}, {"right2", 0, `{"V0":6}`, 100001}},
		outputs: []nwayOut{{0, `{"S1_V0":1,"T2_V0":null,"S3_V0":3}`, 12}, {0, `{"S1_V0":5,"T2_V0":4,"S3_V0":6}`, 100001}},
		gap:     150 * time.Millisecond,
	}) {
		t.Run(c.upstream, func(t *testing.T) { runNway(t, c) })
	}
}

// A stream-stream join whose right stream is rekeyed reads the left
// stream's record that came while its query joined its group before the
// right stream's record of the same timestamp that came after it: the left
// record is in the join's first fetch (Kafka Streams resets all of a
// task's partitions that have none before it fetches any,
// StreamThread.resetOffsets, apache/kafka 3.9.0-rc3), while the right one
// gets to the join only once the first sub-topology has written it to the
// repartition topic. The case of confluentinc/ksql 7.9.4
// query-validation-tests joins.json "stream-stream key-to-value - key
// format mismatch": S2 is rekeyed through Join-right-repartition; with no
// GRACE the left join's record padded with nulls goes out at once, before
// S2's record joins it.
func TestStreamStreamJoinReadsTheLeftRecordThatCameFirstWhileItStarted(t *testing.T) {
	runNway(t, keyToValueMismatch(func(c *nwayCase) { c.whileJoining = true }))
}

// keyToValueMismatch is the case of joins.json "stream-stream key-to-value
// - key format mismatch", its inputs produced as feed sets.
func keyToValueMismatch(feed func(*nwayCase)) nwayCase {
	delimited := func(n int32) []byte { return []byte(strconv.Itoa(int(n))) }
	c := nwayCase{
		upstream: "stream-stream key-to-value - key format mismatch",
		ddl: `CREATE STREAM S1 (ID INT KEY, FOO INT) WITH (kafka_topic='s1', PARTITIONS=1, key_format='DELIMITED', value_format='JSON');
CREATE STREAM S2 (ID INT, VAL STRING) WITH (kafka_topic='s2', PARTITIONS=1, key_format='NONE', value_format='JSON');`,
		query:     "CREATE STREAM OUTPUT AS SELECT S1.ID, S2.VAL FROM S1 LEFT OUTER JOIN S2 WITHIN 10 SECONDS ON S1.ID = S2.ID;",
		inputs:    []nwayIn{{"s1", 10, `{"foo":22}`, 0}, {"s2", 0, `{"ID":10,"VAL":"hello"}`, 0}},
		keyBytes:  delimited,
		topicKeys: map[string]func(int32) []byte{"s2": func(int32) []byte { return nil }},
		outputs:   []nwayOut{{10, `{"VAL":null}`, 0}, {10, `{"VAL":"hello"}`, 0}},
	}
	feed(&c)
	return c
}

// A stream-stream join whose right stream is rekeyed, over inputs that
// come while it starts, joins the left stream's record before the right
// stream's record of the same timestamp: a Kafka Streams task takes the
// records of equal timestamps in the order their partitions' queues
// filled (PartitionGroup.nextRecord polls a PriorityQueue that compares
// RecordQueue.headRecordTimestamp alone, where a queue offered later does
// not pass an equal one; apache/kafka 3.9.0-rc3), and the right record
// reaches the join's task only once the first sub-topology has read it
// and written it to Join-right-repartition, after the task's first fetch
// has brought the left record from its own topic. The case of
// confluentinc/ksql 7.9.4 query-validation-tests joins.json
// "stream-stream key-to-value - key format mismatch", its inputs
// produced as the query is created, as the test runner does.
func TestStreamStreamJoinStartedOverItsInputsReadsTheRecordOfItsOwnTopicFirst(t *testing.T) {
	runNway(t, keyToValueMismatch(func(c *nwayCase) { c.whileStarting = true }))
}

// A join takes each partition's records in offset order, also where its
// batch holds a partition's records from two polls (a first batch gathered
// while the query starts) and the later poll's begin earlier in time than
// what is left of the first's: a Kafka Streams task buffers each partition
// in one RecordQueue and always takes its head (RecordQueue.poll,
// PartitionGroup.nextRecord, apache/kafka 3.9.0-rc3).
func TestJoinBatchTakesEachPartitionInOffsetOrderAcrossPolls(t *testing.T) {
	rec := func(topic string, off, ts int64) *kgo.Record {
		return &kgo.Record{Topic: topic, Offset: off, Timestamp: time.UnixMilli(ts)}
	}
	poll := func(topic string, recs ...*kgo.Record) kgo.Fetch {
		return kgo.Fetch{Topics: []kgo.FetchTopic{{Topic: topic, Partitions: []kgo.FetchPartition{{Records: recs}}}}}
	}
	fs := kgo.Fetches{
		poll("s", rec("s", 0, 5), rec("s", 1, 20)),
		poll("t", rec("t", 0, 10)),
		poll("s", rec("s", 2, 3)),
	}
	var got []string
	eachByTime(fs, nil, func(r *kgo.Record) { got = append(got, fmt.Sprintf("%s%d", r.Topic, r.Offset)) })
	if want := "s0 t0 s1 s2"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
}
