package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// A stream grouped by anything but its key is repartitioned: Kafka Streams
// writes each record, keyed by its grouping values, to the query's
// <application id>-Aggregate-GroupBy-repartition topic and aggregates what
// it reads back from there (confluentinc/ksql v7.9.0
// ksqldb-streams/.../StreamGroupByBuilderBase.java: groupBy with a Grouped
// named by the Aggregate/GroupBy context; groupByKey, no topic, for a stream
// grouped by its key columns). The records' values are the Aggregate/Prepare
// step's columns (ksqldb-engine/.../planner/plan/AggregateNode.java), as the
// historical plan group-by_-_single_column_with_alias_(stream-_table)
// records their schema: `DATA` STRING KEY, `DATA` STRING, `ROWTIME` BIGINT.
// The topic is made as apache/kafka 3.9's RepartitionTopicConfig and
// InternalTopicConfig make it (cleanup.policy delete, segment.bytes
// 52428800, retention.ms -1, message.timestamp.type CreateTime), with as
// many partitions as the source, and purged up to the committed offsets
// every repartition.purge.interval.ms (StreamsConfig, 30000 by default).

// groupByData is that historical plan's query over a three-partition source.
const groupByData = `CREATE STREAM TEST (ID INTEGER KEY, DATA STRING) WITH (KAFKA_TOPIC='test_topic', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=3);
CREATE TABLE OUTPUT AS SELECT TEST.DATA NEW_KEY, COUNT(*) COUNT FROM TEST TEST GROUP BY TEST.DATA EMIT CHANGES;`

func repartitionTopic(queryID string) string {
	return "_confluent-ksql-default_query_" + queryID + "-Aggregate-GroupBy-repartition"
}

// produceData writes records of TEST: key ID (KAFKA INT), value DATA, at
// timestamps 1000, 2000, ...
func produceData(t *testing.T, st *stack, data ...string) {
	t.Helper()
	var recs []*kgo.Record
	for i, d := range data {
		k := binary.BigEndian.AppendUint32(nil, uint32(i+1))
		recs = append(recs, &kgo.Record{Topic: "test_topic", Key: k, Value: fmt.Appendf(nil, `{"DATA":%q}`, d),
			Timestamp: time.UnixMilli(int64(1000 * (i + 1)))})
	}
	if err := st.cl.ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatalf("produce: %v", err)
	}
}

// lastCounts are the last COUNT per key of OUTPUT's first n records.
func lastCounts(t *testing.T, st *stack, n int) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, r := range st.records("OUTPUT", n) {
		var v struct{ COUNT int64 }
		if err := json.Unmarshal(r.Value, &v); err != nil {
			t.Fatalf("OUTPUT value %s: %v", r.Value, err)
		}
		out[string(r.Key)] = v.COUNT
	}
	return out
}

// topicExists asks the broker whether topic exists now (kadm's ListTopics
// would answer from metadata cached for up to 5 s).
func topicExists(t *testing.T, st *stack, topic string) (partitions int, ok bool) {
	t.Helper()
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr(topic)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(context.Background(), st.cl)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Topics {
		if d.Topic != nil && *d.Topic == topic && d.ErrorCode == 0 {
			return len(d.Partitions), true
		}
	}
	return 0, false
}

// waitTopic waits until topic exists and returns its partition count.
func waitTopic(t *testing.T, st *stack, topic string) int {
	t.Helper()
	var parts int
	waitFor(t, func() bool {
		var ok bool
		parts, ok = topicExists(t, st, topic)
		return ok
	}, "the topic "+topic)
	return parts
}

func TestGroupByAValueColumnMakesARepartitionTopicAsKafkaStreamsConfiguresIt(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, groupByData, earliest())
	topic := repartitionTopic(queryWriting(t, url, "OUTPUT"))
	parts := waitTopic(t, st, topic)
	if parts != 3 {
		t.Errorf("%s has %d partitions, want the source's 3", topic, parts)
	}
	want := map[string]string{"cleanup.policy": "delete", "segment.bytes": "52428800", "retention.ms": "-1", "message.timestamp.type": "CreateTime"}
	got := topicConfigs(t, st.adm, topic, "cleanup.policy", "segment.bytes", "retention.ms", "message.timestamp.type")
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", topic, k, got[k], v)
		}
	}
}

func TestTheRepartitionTopicHoldsEachRecordKeyedByItsGroupWithThePreparedColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, groupByData, earliest())
	topic := repartitionTopic(queryWriting(t, url, "OUTPUT"))
	data := []string{"d1", "d2", "d1", "d2", "d1"}
	produceData(t, st, data...)
	if got, want := lastCounts(t, st, len(data)), map[string]int64{"d1": 3, "d2": 2}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("OUTPUT counts %v, want %v", got, want)
	}
	// franz-go's default partitioner hashes keys with Kafka's murmur2, as
	// the Java producer Kafka Streams writes with does
	part := kgo.StickyKeyPartitioner(nil).ForTopic(topic)
	seen := map[int64]bool{}
	for _, r := range st.records(topic, len(data)) {
		var v map[string]any
		dec := json.NewDecoder(strings.NewReader(string(r.Value)))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("repartition value %s: %v", r.Value, err)
		}
		ts := r.Timestamp.UnixMilli()
		i := int(ts/1000) - 1
		if i < 0 || i >= len(data) || seen[ts] {
			t.Fatalf("repartition record at %d: not one of the produced records", ts)
		}
		seen[ts] = true
		if string(r.Key) != data[i] {
			t.Errorf("record %d: key %q, want the group %q", i, r.Key, data[i])
		}
		if want := fmt.Sprintf(`map[DATA:%s ROWTIME:%d]`, data[i], ts); fmt.Sprint(v) != want {
			t.Errorf("record %d: value %s, want %s", i, r.Value, want)
		}
		if p := part.Partition(r, 3); int32(p) != r.Partition {
			t.Errorf("record %d (key %s) in partition %d, murmur2 gives %d", i, r.Key, r.Partition, p)
		}
	}
}

func TestTheAggregationCountsWhatItReadsBackFromItsRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, groupByData, earliest())
	topic := repartitionTopic(queryWriting(t, url, "OUTPUT"))
	produceData(t, st, "d1")
	lastCounts(t, st, 1) // the query runs
	// a record another program writes to the repartition topic is counted,
	// though the source never held its group
	rec := &kgo.Record{Topic: topic, Key: []byte("d9"), Value: []byte(`{"DATA":"d9","ROWTIME":5000}`), Timestamp: time.UnixMilli(5000)}
	if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
		t.Fatal(err)
	}
	if got := lastCounts(t, st, 2); got["d9"] != 1 {
		t.Errorf("OUTPUT after a record of group d9 in %s: %v, want d9 counted once", topic, got)
	}
}

func TestGroupingAStreamByItsKeyMakesNoRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM TEST (ID INTEGER KEY, DATA STRING) WITH (KAFKA_TOPIC='test_topic', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', PARTITIONS=3);
CREATE TABLE BYKEY AS SELECT ID, COUNT(*) N FROM TEST GROUP BY ID;`, earliest())
	id := queryWriting(t, url, "BYKEY")
	changelog := "_confluent-ksql-default_query_" + id + "-Aggregate-Aggregate-Materialize-changelog"
	waitFor(t, func() bool { _, ok := topicExists(t, st, changelog); return ok }, "the changelog topic")
	produceData(t, st, "d1")
	st.records("BYKEY", 1)
	if _, ok := topicExists(t, st, repartitionTopic(id)); ok {
		t.Errorf("a stream grouped by its key has a repartition topic")
	}
}

func TestTheQueryPurgesItsRepartitionTopicUpToItsCommittedOffsets(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := earliest()
	props["ksql.streams.repartition.purge.interval.ms"] = 0
	mustKSQL(t, url, groupByData, props)
	id := queryWriting(t, url, "OUTPUT")
	topic := repartitionTopic(id)
	produceData(t, st, "d1", "d2", "d3", "d4", "d5", "d6")
	lastCounts(t, st, 6)
	group := "_confluent-ksql-default_query_" + id
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx := context.Background()
		starts, err := st.adm.ListStartOffsets(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		ends, err := st.adm.ListEndOffsets(ctx, topic)
		if err != nil {
			t.Fatal(err)
		}
		committed, err := st.adm.FetchOffsets(ctx, group)
		if err != nil {
			t.Fatal(err)
		}
		// every partition taken to its end and purged to there
		purged := true
		var held int64
		ends.Each(func(e kadm.ListedOffset) {
			c, ok := committed.Lookup(topic, e.Partition)
			s, _ := starts.Lookup(topic, e.Partition)
			if !ok || c.At != e.Offset || s.Offset != e.Offset {
				purged = false
			}
			held += e.Offset
		})
		if purged && held > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not purged to the committed offsets: start offsets %v, end offsets %v, committed %v", topic, starts, ends, committed)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Terminating a query deletes its internal topics (QueryCleanupService).
func TestTerminatingTheQueryDeletesItsRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, groupByData, earliest())
	id := queryWriting(t, url, "OUTPUT")
	topic := repartitionTopic(id)
	produceData(t, st, "d1")
	lastCounts(t, st, 1)
	mustKSQL(t, url, "TERMINATE "+id+";", nil)
	waitFor(t, func() bool { _, ok := topicExists(t, st, topic); return !ok }, "the repartition topic deleted")
}

// An AVRO source's repartition records are AVRO, under the subject of the
// repartition topic's values, which ksqlDB registers for internal topics
// and deletes with them (SchemaRegistryUtil.cleanupInternalTopicSchemas).
func TestAnAvroStreamsRepartitionRecordsAreAvroUnderTheTopicsSubject(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic(turnstileTopic, 1)
	mustKSQL(t, url, "CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='org.chicago.cta.station.turnstile.v1', VALUE_FORMAT='AVRO');", nil)
	mustKSQL(t, url, "CREATE TABLE turnstile_summary WITH (VALUE_FORMAT='JSON') AS SELECT station_id, COUNT(station_id) AS count FROM turnstile GROUP BY station_id;", earliest())
	id := queryWriting(t, url, "TURNSTILE_SUMMARY")
	topic := repartitionTopic(id)
	st.produceTurnstiles([]turnstileEvent{{40380, "Clark/Lake", "blue"}, {40380, "Clark/Lake", "blue"}})
	st.consume("TURNSTILE_SUMMARY", 2)
	resp, err := http.Get(st.reg.URL() + "/subjects/" + topic + "-value/versions/latest")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("subject %s-value: %d %s", topic, resp.StatusCode, body)
	}
	var sv struct {
		ID     int
		Schema string
	}
	if err := json.Unmarshal(body, &sv); err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(sv.Schema)
	if err != nil {
		t.Fatalf("registered schema %s: %v", sv.Schema, err)
	}
	for _, r := range st.records(topic, 2) {
		if len(r.Value) < 5 || r.Value[0] != 0 || int(binary.BigEndian.Uint32(r.Value[1:5])) != sv.ID {
			t.Fatalf("repartition value % x does not name schema %d", r.Value, sv.ID)
		}
		native, _, err := codec.NativeFromBinary(r.Value[5:])
		if err != nil {
			t.Fatalf("decode with the registered schema: %v", err)
		}
		if got := fmt.Sprint(native); got != "map[STATION_ID:map[int:40380]]" {
			t.Errorf("repartition value %s, want STATION_ID 40380", got)
		}
		if k := binary.BigEndian.Uint32(r.Key); k != 40380 {
			t.Errorf("repartition key %d, want the station 40380 as a KAFKA INT", k)
		}
	}
	mustKSQL(t, url, "TERMINATE "+id+";", nil)
	waitFor(t, func() bool {
		resp, err := http.Get(st.reg.URL() + "/subjects/" + topic + "-value/versions/latest")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode == 404
	}, "the repartition subject deleted with the query")
}

// A table grouped by a value column is repartitioned too, always (ksqlDB
// has no groupByKey for tables): KTableRepartitionMap writes each update of
// a source row as a Change of its Prepare columns, old and new, keyed by
// the group, and ChangedSerializer (apache/kafka 3.9) lays the value out as
// {old}{0} for a row leaving a group, {new}{1} for a row joining one, and
// {varint len(new)}{new}{old}{2} for a row that stays in its group. The
// source table's rows are kept in the query's KsqlTopic-Reduce store, with
// its changelog topic; the pseudo columns are added after the store, in
// the context of the record at hand, so an old row's ROWTIME is the
// update's time (confluentinc/ksql v7.9.0 SourceBuilder.java,
// AddPseudoColumnsAndKey). The outputs are the historical plan
// group-by_-_single_column_with_alias_(table-_table)'s, then the updates'.
func TestATablesGroupByWritesChangesOfOldAndNewRowsToItsRepartitionTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TEST (ID INT PRIMARY KEY, data STRING) WITH (kafka_topic='test_topic', value_format='JSON', partitions=1);
CREATE TABLE OUTPUT AS SELECT DATA AS NEW_KEY, COUNT(*) AS COUNT FROM TEST GROUP BY DATA;`, earliest())
	id := queryWriting(t, url, "OUTPUT")
	topic := repartitionTopic(id)
	produce := func(key int, ts int64, value string) {
		t.Helper()
		rec := &kgo.Record{Topic: "test_topic", Key: binary.BigEndian.AppendUint32(nil, uint32(key)), Timestamp: time.UnixMilli(ts)}
		if value != "" {
			rec.Value = []byte(value)
		}
		if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	for i, d := range []string{"d1", "d2", "d1", "d2", "d1"} {
		produce(i, int64(1000*(i+1)), fmt.Sprintf(`{"data":%q}`, d))
	}
	counts := func(n int) []string {
		var out []string
		for _, r := range st.records("OUTPUT", n) {
			out = append(out, string(r.Key)+":"+string(r.Value))
		}
		return out
	}
	want := []string{`d1:{"COUNT":1}`, `d2:{"COUNT":1}`, `d1:{"COUNT":2}`, `d2:{"COUNT":2}`, `d1:{"COUNT":3}`}
	if got := counts(5); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("OUTPUT %v, want %v", got, want)
	}
	produce(0, 6000, `{"data":"d2"}`) // leaves d1 for d2
	produce(1, 7000, `{"data":"d2"}`) // stays in d2
	produce(2, 8000, "")              // deleted from d1
	want = append(want, `d1:{"COUNT":2}`, `d2:{"COUNT":3}`, `d2:{"COUNT":3}`, `d1:{"COUNT":1}`)
	if got := counts(9); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("OUTPUT %v, want %v", got, want)
	}
	row := func(d string, ts int) string { return fmt.Sprintf(`{"DATA":%q,"ROWTIME":%d}`, d, ts) }
	wantRecs := []string{
		"d1 " + row("d1", 1000) + "\x01", "d2 " + row("d2", 2000) + "\x01", "d1 " + row("d1", 3000) + "\x01",
		"d2 " + row("d2", 4000) + "\x01", "d1 " + row("d1", 5000) + "\x01",
		"d1 " + row("d1", 6000) + "\x00", "d2 " + row("d2", 6000) + "\x01",
		"d2 " + string(binary.AppendVarint(nil, int64(len(row("d2", 7000))))) + row("d2", 7000) + row("d2", 7000) + "\x02",
		"d1 " + row("d1", 8000) + "\x00",
	}
	var got []string
	for _, r := range st.records(topic, len(wantRecs)) {
		got = append(got, string(r.Key)+" "+string(r.Value))
	}
	if fmt.Sprintf("%q", got) != fmt.Sprintf("%q", wantRecs) {
		t.Errorf("repartition records\n%q\nwant\n%q", got, wantRecs)
	}
	store := "_confluent-ksql-default_query_" + id + "-KsqlTopic-Reduce-changelog"
	if _, ok := topicExists(t, st, store); !ok {
		t.Errorf("the source table's store has no changelog %s", store)
	}
}

// A query's topic.<config> settings (ksql.streams.topic.<config>, which
// ksqlDB hands Kafka Streams as topic.<config>) are the defaults of every
// internal topic it creates: InternalTopicManager takes them from
// StreamsConfig.originalsWithPrefix(TOPIC_PREFIX), and each
// InternalTopicConfig.getProperties lays them over the library's defaults
// (a repartition topic's cleanup.policy delete, segment.bytes 52428800,
// retention.ms -1; a store changelog's cleanup.policy compact), under the
// topic's own settings (apache/kafka 3.9 RepartitionTopicConfig,
// UnwindowedUnversionedChangelogTopicConfig). A sink topic is ksqlDB's, not
// Kafka Streams', and does not take them.
func TestTopicSettingsOfAQueryAreTheDefaultsOfItsInternalTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := earliest()
	props["ksql.streams.topic.max.message.bytes"] = "2000000"
	props["ksql.streams.topic.retention.ms"] = "1234"
	mustKSQL(t, url, groupByData, props)
	id := queryWriting(t, url, "OUTPUT")
	repart, changelog := repartitionTopic(id), queryTopic(id, "-Aggregate-Aggregate-Materialize-changelog")
	for topic, want := range map[string]map[string]string{
		repart:    {"cleanup.policy": "delete", "segment.bytes": "52428800", "retention.ms": "1234", "max.message.bytes": "2000000"},
		changelog: {"cleanup.policy": "compact", "retention.ms": "1234", "max.message.bytes": "2000000"},
	} {
		waitTopic(t, st, topic)
		got := topicConfigs(t, st.adm, topic, slices.Collect(maps.Keys(want))...)
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s = %q, want %q", topic, k, got[k], v)
			}
		}
	}
	if got := topicConfigs(t, st.adm, "OUTPUT", "max.message.bytes"); got["max.message.bytes"] == "2000000" {
		t.Errorf("the sink topic OUTPUT took the query's topic.max.message.bytes")
	}
	// a window store's changelog keeps the retention Kafka Streams computes
	// over the query's: the store's, here the 2 day RETENTION, plus a day
	// (WindowedChangelogTopicConfig, windowstore.changelog.additional.retention.ms)
	mustKSQL(t, url, "CREATE TABLE hourly AS SELECT id, COUNT(*) AS n FROM test WINDOW TUMBLING (SIZE 1 HOUR, RETENTION 2 DAYS) GROUP BY id;", props)
	windowed := queryTopic(queryWriting(t, url, "HOURLY"), "-Aggregate-Aggregate-Materialize-changelog")
	waitTopic(t, st, windowed)
	want := map[string]string{"cleanup.policy": "compact,delete", "retention.ms": strconv.FormatInt((72 * time.Hour).Milliseconds(), 10), "max.message.bytes": "2000000"}
	got := topicConfigs(t, st.adm, windowed, slices.Collect(maps.Keys(want))...)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s %s = %q, want %q", windowed, k, got[k], v)
		}
	}
}
