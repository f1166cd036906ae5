package foreign_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/embedded"
)

// The topics of the pipeline (ARCHITECTURE.md, "Topics and message
// contracts") that these specs fill.
const (
	turnstileTopic = "org.chicago.cta.station.turnstile.v1"
	weatherTopic   = "org.chicago.cta.weather.v1"
	stationsTopic  = "org.chicago.cta.stations"
	// notesTopic is written through REST Proxy v3.
	notesTopic = "org.chicago.cta.notes.v3"
)

// turnstileCounts is how many turnstile entries each station gets.
var turnstileCounts = map[int32]int{40380: 3, 40260: 5, 40370: 7}

var (
	labOnce sync.Once
	lab     *embedded.Stack
	labErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if lab != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := lab.Close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "close the embedded stack:", err)
			code = 1
		}
		cancel()
	}
	os.Exit(code)
}

// pipelineStack starts the embedded stack once for the package and fills
// it with the pipeline's data: weather through REST Proxy v2 (Avro),
// turnstile entries from a Go producer (Avro), the stations table through
// the JDBC source connector (then stopped, so that its offsets are
// flushed), ksqlDB's turnstile stream and TURNSTILE_SUMMARY table, and
// records through REST Proxy v3. It returns when every topic has stopped
// growing.
func pipelineStack(t *testing.T) *embedded.Stack {
	t.Helper()
	labOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		lab, labErr = embedded.Start(ctx, embedded.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))))
		if labErr != nil {
			return
		}
		labErr = fillPipeline(ctx, lab)
	})
	if labErr != nil {
		t.Fatalf("embedded stack with the pipeline's data: %v", labErr)
	}
	return lab
}

func fillPipeline(ctx context.Context, s *embedded.Stack) error {
	e := s.Endpoints()
	// Weather: the legacy producer's POST (reference: REST Proxy v2 Avro).
	weatherKey := `{"namespace":"com.udacity","type":"record","name":"weather.key","fields":[{"name":"timestamp","type":"long"}]}`
	weatherValue := `{"namespace":"com.udacity","type":"record","name":"weather.value","fields":[{"name":"temperature","type":"float"},{"name":"status","type":{"type":"enum","name":"weather_status","symbols":["sunny","partly_cloudy","cloudy","windy","precipitation"]}}]}`
	var recs []string
	for i := range 24 {
		recs = append(recs, fmt.Sprintf(`{"key":{"timestamp":%d},"value":{"temperature":%d.5,"status":"cloudy"}}`, 1700000000000+int64(i)*3600000, 40+i))
	}
	body := fmt.Sprintf(`{"key_schema":%q,"value_schema":%q,"records":[%s]}`, weatherKey, weatherValue, strings.Join(recs, ","))
	if err := expect(ctx, http.MethodPost, e.RESTProxy+"/topics/"+weatherTopic, "application/vnd.kafka.avro.v2+json", body, http.StatusOK, nil); err != nil {
		return fmt.Errorf("weather: %w", err)
	}

	// Turnstile entries, Avro in the Confluent wire format.
	if err := produceTurnstiles(ctx, e.SchemaRegistry, e.Brokers); err != nil {
		return fmt.Errorf("turnstiles: %w", err)
	}

	// Stations through the JDBC source connector, as the app configures it.
	conn := fmt.Sprintf(`{"name":"stations","config":{"connector.class":"io.confluent.connect.jdbc.JdbcSourceConnector",`+
		`"key.converter":"org.apache.kafka.connect.json.JsonConverter","key.converter.schemas.enable":"false",`+
		`"value.converter":"org.apache.kafka.connect.json.JsonConverter","value.converter.schemas.enable":"false",`+
		`"batch.max.rows":"500","connection.url":%q,"connection.user":"cta_admin","connection.password":"chicago",`+
		`"table.whitelist":"stations","mode":"incrementing","incrementing.column.name":"stop_id",`+
		`"topic.prefix":"org.chicago.cta.","poll.interval.ms":"500"}}`, e.PostgresFromConnect)
	if err := expect(ctx, http.MethodPost, e.Connect+"/connectors", "application/json", conn, http.StatusCreated, nil); err != nil {
		return fmt.Errorf("connector: %w", err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Brokers...))
	if err != nil {
		return err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	if err := poll(ctx, func() (bool, error) {
		ends, err := adm.ListEndOffsets(ctx, stationsTopic)
		if err != nil {
			return false, nil //nolint:nilerr // the topic appears with the first poll
		}
		o, ok := ends.Lookup(stationsTopic, 0)
		return ok && o.Err == nil && o.Offset >= 230, nil
	}); err != nil {
		return fmt.Errorf("230 stations on %s: %w", stationsTopic, err)
	}
	// Stopping the connector flushes its source offsets to connect-offsets
	// (KIP-875) and quiets connect-status.
	if err := expect(ctx, http.MethodPut, e.Connect+"/connectors/stations/stop", "", "", http.StatusAccepted, nil); err != nil {
		return fmt.Errorf("stop connector: %w", err)
	}
	if err := poll(ctx, func() (bool, error) {
		var st struct {
			Connector struct{ State string } `json:"connector"`
		}
		err := expect(ctx, http.MethodGet, e.Connect+"/connectors/stations/status", "", "", http.StatusOK, &st)
		return err == nil && st.Connector.State == "STOPPED", nil
	}); err != nil {
		return fmt.Errorf("connector stopped: %w", err)
	}

	// ksqlDB's statements (ARCHITECTURE.md, "ksqlDB statements").
	for _, stmt := range []string{
		`CREATE STREAM turnstile (station_id INT, station_name VARCHAR, line VARCHAR) WITH (KAFKA_TOPIC='` + turnstileTopic + `', VALUE_FORMAT='AVRO');`,
		`CREATE TABLE turnstile_summary WITH (KAFKA_TOPIC='TURNSTILE_SUMMARY', VALUE_FORMAT='JSON') AS SELECT station_id, COUNT(*) AS count FROM turnstile GROUP BY station_id EMIT CHANGES;`,
	} {
		b, _ := json.Marshal(map[string]any{"ksql": stmt, "streamsProperties": map[string]string{"ksql.streams.auto.offset.reset": "earliest"}})
		if err := expect(ctx, http.MethodPost, e.KSQLDB+"/ksql", "application/vnd.ksql.v1+json", string(b), http.StatusOK, nil); err != nil {
			return fmt.Errorf("ksql %s: %w", stmt, err)
		}
	}
	for id, n := range turnstileCounts {
		b, _ := json.Marshal(map[string]any{"ksql": fmt.Sprintf("SELECT COUNT FROM turnstile_summary WHERE station_id=%d;", id)})
		want := fmt.Sprintf(`{"row":{"columns":[%d]}}`, n)
		if err := poll(ctx, func() (bool, error) {
			var rows []json.RawMessage
			if expect(ctx, http.MethodPost, e.KSQLDB+"/query", "application/vnd.ksql.v1+json", string(b), http.StatusOK, &rows) != nil {
				return false, nil
			}
			return len(rows) == 2 && string(rows[1]) == want, nil
		}); err != nil {
			return fmt.Errorf("TURNSTILE_SUMMARY counts %d for station %d: %w", n, id, err)
		}
	}

	// Notes through REST Proxy v3.
	var clusters struct {
		Data []struct {
			ClusterID string `json:"cluster_id"`
		} `json:"data"`
	}
	if err := expect(ctx, http.MethodGet, e.RESTProxy+"/v3/clusters", "", "", http.StatusOK, &clusters); err != nil {
		return fmt.Errorf("v3 clusters: %w", err)
	}
	if len(clusters.Data) != 1 {
		return fmt.Errorf("v3 clusters: want one, got %+v", clusters)
	}
	topics := e.RESTProxy + "/v3/clusters/" + clusters.Data[0].ClusterID + "/topics"
	if err := expect(ctx, http.MethodPost, topics, "application/json", `{"topic_name":"`+notesTopic+`","partitions_count":2}`, http.StatusCreated, nil); err != nil {
		return fmt.Errorf("v3 create topic: %w", err)
	}
	for i := range 6 {
		rec := fmt.Sprintf(`{"partition_id":%d,"key":{"type":"STRING","data":"note-%d"},"value":{"type":"JSON","data":{"n":%d}}}`, i%2, i, i)
		if err := expect(ctx, http.MethodPost, topics+"/"+notesTopic+"/records", "application/json", rec, http.StatusOK, nil); err != nil {
			return fmt.Errorf("v3 records: %w", err)
		}
	}

	// Wait until nothing grows any more: every topic's end offsets equal
	// over five looks in a row (a second).
	var last map[string]map[int32]int64
	same := 0
	return poll(ctx, func() (bool, error) {
		now, err := endOffsets(ctx, adm)
		if err != nil {
			return false, err
		}
		if reflect.DeepEqual(now, last) {
			same++
		} else {
			same = 0
		}
		last = now
		return same >= 4, nil
	})
}

func produceTurnstiles(ctx context.Context, registry string, brokers []string) error {
	keySchema := `{"namespace":"com.udacity","type":"record","name":"turnstile.key","fields":[{"name":"timestamp","type":"long"}]}`
	valueSchema := `{"namespace":"com.udacity","type":"record","name":"turnstile.value","fields":[{"name":"station_id","type":"int"},{"name":"station_name","type":"string"},{"name":"line","type":"string"}]}`
	register := func(subject, schema string) (uint32, *goavro.Codec, error) {
		b, _ := json.Marshal(map[string]string{"schema": schema})
		var got struct{ ID uint32 }
		if err := expect(ctx, http.MethodPost, registry+"/subjects/"+subject+"/versions", "application/vnd.schemaregistry.v1+json", string(b), http.StatusOK, &got); err != nil {
			return 0, nil, err
		}
		c, err := goavro.NewCodec(schema)
		return got.ID, c, err
	}
	keyID, keyCodec, err := register(turnstileTopic+"-key", keySchema)
	if err != nil {
		return err
	}
	valueID, valueCodec, err := register(turnstileTopic+"-value", valueSchema)
	if err != nil {
		return err
	}
	wire := func(id uint32, c *goavro.Codec, native any) ([]byte, error) {
		b := []byte{0, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(b[1:], id)
		return c.BinaryFromNative(b, native)
	}
	// Uncompressed, as the app's kafka-go writer sends them (kafkajs has
	// no snappy codec, franz-go's default).
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.AllowAutoTopicCreation(), kgo.DefaultProduceTopic(turnstileTopic),
		kgo.ProducerBatchCompression(kgo.NoCompression()))
	if err != nil {
		return err
	}
	defer cl.Close()
	var records []*kgo.Record
	ts := int64(1700000000000)
	for _, id := range []int32{40380, 40260, 40370} {
		for range turnstileCounts[id] {
			ts++
			k, err := wire(keyID, keyCodec, map[string]any{"timestamp": ts})
			if err != nil {
				return err
			}
			v, err := wire(valueID, valueCodec, map[string]any{"station_id": id, "station_name": fmt.Sprint("station ", id), "line": "blue"})
			if err != nil {
				return err
			}
			records = append(records, &kgo.Record{Key: k, Value: v})
		}
	}
	return cl.ProduceSync(ctx, records...).FirstErr()
}

// expect sends a request and checks the status; into, when not nil,
// receives the decoded body.
func expect(ctx context.Context, method, url, contentType, body string, want int, into any) error {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %d %s, want %d", method, url, resp.StatusCode, b, want)
	}
	if into != nil {
		if err := json.Unmarshal(b, into); err != nil {
			return fmt.Errorf("%s %s: %w: %s", method, url, err, b)
		}
	}
	return nil
}

// poll calls cond every 200 ms until it is true, it fails, or ctx ends.
func poll(ctx context.Context, cond func() (bool, error)) error {
	for {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// endOffsets is every non-internal topic's read-committed end offset per
// partition (the last stable offset).
func endOffsets(ctx context.Context, adm *kadm.Client) (map[string]map[int32]int64, error) {
	md, err := adm.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, td := range md.Topics {
		if !td.IsInternal {
			names = append(names, td.Topic)
		}
	}
	ends, err := adm.ListCommittedOffsets(ctx, names...)
	if err != nil {
		return nil, err
	}
	out := map[string]map[int32]int64{}
	var ferr error
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			ferr = fmt.Errorf("end offset of %s/%d: %w", o.Topic, o.Partition, o.Err)
			return
		}
		if out[o.Topic] == nil {
			out[o.Topic] = map[int32]int64{}
		}
		out[o.Topic][o.Partition] = o.Offset
	})
	return out, ferr
}

// topicRead is what a client read of one topic, up to the snapshot's end
// offsets: the records, a digest of all of them in offset order, and the
// number of keys with a live value and a digest of that latest state (what
// compaction keeps).
type topicRead struct {
	Count       int    `json:"count"`
	AllDigest   string `json:"all_digest"`
	Keys        int    `json:"keys"`
	StateDigest string `json:"state_digest"`
}

// partitionBound is what a foreign program needs to know to read one
// partition to the snapshot: its end (exclusive) and the offset of its last
// data record below the end, -1 when it has none.
type partitionBound struct {
	End  int64 `json:"end"`
	Last int64 `json:"last"`
}

// snapshot is what the Go client read: per topic, the partitions' bounds
// and the reading.
type snapshot struct {
	Bounds map[string]map[int32]partitionBound
	Reads  map[string]topicRead
	// Compacted names the topics with cleanup.policy containing compact.
	Compacted map[string]bool
}

// record is one data record as every client fingerprints it.
type record struct {
	partition int32
	offset    int64
	key       []byte // nil: no key
	value     []byte // nil: tombstone
}

// hexOrNull is how the digests spell bytes: lower-case hex, or null.
func hexOrNull(b []byte) string {
	if b == nil {
		return "null"
	}
	return hex.EncodeToString(b)
}

// digest folds records into a topicRead, as the foreign programs do:
// all_digest is sha256 over "partition:offset:key=value" lines in
// (partition, offset) order joined by "\n"; state_digest is sha256 over
// the sorted "partition:key=value" lines of each keyed record's latest
// value, tombstoned keys left out.
func digest(recs []record) topicRead {
	sort.Slice(recs, func(i, j int) bool {
		if recs[i].partition != recs[j].partition {
			return recs[i].partition < recs[j].partition
		}
		return recs[i].offset < recs[j].offset
	})
	var all []string
	latest := map[string]string{}
	for _, r := range recs {
		all = append(all, fmt.Sprintf("%d:%d:%s=%s", r.partition, r.offset, hexOrNull(r.key), hexOrNull(r.value)))
		if r.key != nil {
			latest[fmt.Sprintf("%d:%s", r.partition, hexOrNull(r.key))] = hexOrNull(r.value)
		}
	}
	var state []string
	for k, v := range latest {
		if v != "null" {
			state = append(state, k+"="+v)
		}
	}
	sort.Strings(state)
	sum := func(lines []string) string {
		h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
		return hex.EncodeToString(h[:])
	}
	return topicRead{Count: len(recs), AllDigest: sum(all), Keys: len(state), StateDigest: sum(state)}
}

var (
	snapOnce sync.Once
	snap     snapshot
	snapErr  error
)

// goSnapshot reads every non-internal topic with franz-go, read-committed,
// from the start to its current end.
func goSnapshot(t *testing.T) snapshot {
	t.Helper()
	s := pipelineStack(t)
	snapOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		snap, snapErr = readSnapshot(ctx, s.Endpoints().Brokers)
	})
	if snapErr != nil {
		t.Fatalf("read every topic with franz-go: %v", snapErr)
	}
	return snap
}

func readSnapshot(ctx context.Context, brokers []string) (snapshot, error) {
	admCl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return snapshot{}, err
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	ends, err := endOffsets(ctx, adm)
	if err != nil {
		return snapshot{}, err
	}
	var names []string
	for topic := range ends {
		names = append(names, topic)
	}
	configs, err := adm.DescribeTopicConfigs(ctx, names...)
	if err != nil {
		return snapshot{}, err
	}
	compacted := map[string]bool{}
	for _, rc := range configs {
		for _, c := range rc.Configs {
			if c.Key == "cleanup.policy" && c.Value != nil && strings.Contains(*c.Value, "compact") {
				compacted[rc.Name] = true
			}
		}
	}

	assign := map[string]map[int32]kgo.Offset{}
	remaining := 0
	for topic, parts := range ends {
		assign[topic] = map[int32]kgo.Offset{}
		for p, end := range parts {
			if end > 0 {
				assign[topic][p] = kgo.NewOffset().AtStart()
				remaining++
			}
		}
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumePartitions(assign),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()), kgo.KeepControlRecords())
	if err != nil {
		return snapshot{}, err
	}
	defer cl.Close()
	recs := map[string][]record{}
	bounds := map[string]map[int32]partitionBound{}
	for topic, parts := range ends {
		bounds[topic] = map[int32]partitionBound{}
		for p, end := range parts {
			bounds[topic][p] = partitionBound{End: end, Last: -1}
		}
	}
	done := map[string]bool{}
	for remaining > 0 {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return snapshot{}, fmt.Errorf("%d partitions not read to their end: %w", remaining, err)
		}
		var ferr error
		fs.EachError(func(topic string, p int32, err error) { ferr = fmt.Errorf("fetch %s/%d: %w", topic, p, err) })
		if ferr != nil {
			return snapshot{}, ferr
		}
		fs.EachRecord(func(r *kgo.Record) {
			b := bounds[r.Topic][r.Partition]
			if r.Offset >= b.End {
				return
			}
			if !r.Attrs.IsControl() {
				recs[r.Topic] = append(recs[r.Topic], record{r.Partition, r.Offset, r.Key, r.Value})
				b.Last = r.Offset
				bounds[r.Topic][r.Partition] = b
			}
			id := fmt.Sprintf("%s/%d", r.Topic, r.Partition)
			if r.Offset == b.End-1 && !done[id] {
				done[id] = true
				remaining--
			}
		})
	}
	reads := map[string]topicRead{}
	for topic := range ends {
		reads[topic] = digest(recs[topic])
	}
	return snapshot{Bounds: bounds, Reads: reads, Compacted: compacted}, nil
}

// writeBounds writes the snapshot's bounds as the foreign programs read
// them: {"topic": {"partition": {"end": n, "last": n}}}.
func writeBounds(t *testing.T, s snapshot) string {
	t.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(s.Bounds); err != nil {
		t.Fatal(err)
	}
	path := t.TempDir() + "/bounds.json"
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
