package web

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
)

var topicSeq atomic.Int64

// newTopic creates a one-partition topic through the console's API.
func newTopic(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("console.web.test.%d.%d", time.Now().UnixNano(), topicSeq.Add(1))
	if code := send(t, "POST", "/api/topics", "application/json", `{"name":"`+name+`","partitions":1,"replication_factor":1}`, nil); code != 201 {
		t.Fatalf("create %s: %d", name, code)
	}
	return name
}

const sensorSchema = `{"type":"record","name":"sensor","namespace":"lab.test","fields":[{"name":"id","type":"int"},{"name":"place","type":"string"}]}`

// avroWire registers schema under subject with franz-go's sr client and
// encodes native with goavro in the Confluent wire format: an encoding
// independent of the console's decoder.
func avroWire(t *testing.T, subject, schema string, native map[string]any) ([]byte, int) {
	t.Helper()
	rc, err := sr.NewClient(sr.URLs(lab.ep.SchemaRegistry))
	if err != nil {
		t.Fatal(err)
	}
	return avroWireWith(t, rc, subject, schema, native)
}

// avroWireWith is avroWire through the registry client rc.
func avroWireWith(t *testing.T, rc *sr.Client, subject, schema string, native map[string]any) ([]byte, int) {
	t.Helper()
	ss, err := rc.CreateSchema(context.Background(), subject, sr.Schema{Schema: schema})
	if err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 5)
	binary.BigEndian.PutUint32(out[1:], uint32(ss.ID))
	out, err = codec.BinaryFromNative(out, native)
	if err != nil {
		t.Fatal(err)
	}
	return out, ss.ID
}

func produce(t *testing.T, recs ...*kgo.Record) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := kafkaClient(t).ProduceSync(ctx, recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func TestMessageBrowserDecodesAvroThroughTheRegistryWithSchemaIDHeadersAndRawBytes(t *testing.T) {
	topic := newTopic(t)
	val, id := avroWire(t, topic+"-value", sensorSchema, map[string]any{"id": 7, "place": "Clark/Lake"})
	produce(t, &kgo.Record{Topic: topic, Key: []byte("k1"), Value: val, Headers: []kgo.RecordHeader{{Key: "trace", Value: []byte("abc")}}})
	var m Messages
	if code := get(t, "/api/topics/"+topic+"/messages?from=beginning", &m); code != 200 {
		t.Fatalf("GET messages: %d", code)
	}
	if len(m.Messages) != 1 {
		t.Fatalf("%d messages, want 1", len(m.Messages))
	}
	got := m.Messages[0]
	var value any
	if err := json.Unmarshal(got.Value.Value, &value); err != nil {
		t.Fatal(err)
	}
	if want := map[string]any{"id": 7.0, "place": "Clark/Lake"}; !reflect.DeepEqual(value, want) {
		t.Errorf("value %v, want %v", value, want)
	}
	if got.Value.Format != "avro" || got.Value.SchemaID != id {
		t.Errorf("value format %s schema id %d, want avro %d", got.Value.Format, got.Value.SchemaID, id)
	}
	if got.Value.Raw != hex.EncodeToString(val) {
		t.Errorf("raw value %s, want %x", got.Value.Raw, val)
	}
	if got.Key.Format != "string" || got.Key.Text != "k1" {
		t.Errorf("key %+v, want the string k1", got.Key)
	}
	if len(got.Headers) != 1 || got.Headers[0].Key != "trace" || got.Headers[0].Value != "abc" {
		t.Errorf("headers %+v, want trace=abc", got.Headers)
	}
}

func TestMessageBrowserReadsFromAnOffsetATimestampOrTheEndAndFiltersByText(t *testing.T) {
	topic := newTopic(t)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	var recs []*kgo.Record
	for i := 0; i < 10; i++ {
		recs = append(recs, &kgo.Record{Topic: topic, Key: []byte(fmt.Sprint(i)), Value: []byte(fmt.Sprintf(`{"n":%d,"even":%v}`, i, i%2 == 0)), Timestamp: base.Add(time.Duration(i) * time.Minute)})
	}
	produce(t, recs...)
	offsets := func(path string) []int64 {
		var m Messages
		if code := get(t, path, &m); code != 200 {
			t.Fatalf("GET %s: %d", path, code)
		}
		var out []int64
		for _, r := range m.Messages {
			out = append(out, r.Offset)
		}
		return out
	}
	for _, c := range []struct {
		query string
		want  []int64
	}{
		{"from=offset&offset=7", []int64{7, 8, 9}},
		{"from=end&limit=2", []int64{8, 9}},
		{fmt.Sprintf("from=timestamp&timestamp=%d", base.Add(8*time.Minute).UnixMilli()), []int64{8, 9}},
		{"from=timestamp&timestamp=" + base.Add(6*time.Minute).UTC().Format(time.RFC3339), []int64{6, 7, 8, 9}},
		{"from=beginning&filter=" + `%22even%22:true&limit=3`, []int64{0, 2, 4}},
		{"from=beginning&partition=0&limit=2", []int64{0, 1}},
	} {
		if got := offsets("/api/topics/" + topic + "/messages?" + c.query); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: offsets %v, want %v", c.query, got, c.want)
		}
	}
	var e apiError
	if code := get(t, "/api/topics/"+topic+"/messages?from=yesterday", &e); code != 400 || e.ErrorCode != 400 || !strings.Contains(e.Message, "from") {
		t.Errorf("from=yesterday: %d %+v, want 400 naming from", code, e)
	}
}

func TestMessageBrowserDecodesAnArrivalOfTheReplayWithItsRegisteredSchemaID(t *testing.T) {
	var topics []TopicSummary
	var arrival string
	eventually(t, 2*time.Minute, func() string {
		get(t, "/api/topics", &topics)
		for _, tp := range topics {
			if strings.HasPrefix(tp.Name, arrivalsPrefix) && tp.Records > 0 {
				arrival = tp.Name
				return ""
			}
		}
		return "no arrival written yet"
	})
	var m Messages
	if code := get(t, "/api/topics/"+arrival+"/messages?from=end&limit=1", &m); code != 200 || len(m.Messages) != 1 {
		t.Fatalf("GET the last arrival: %d, %d messages", code, len(m.Messages))
	}
	v := m.Messages[0].Value
	raw, _ := hex.DecodeString(v.Raw)
	if len(raw) < 5 || raw[0] != 0 {
		t.Fatalf("the arrival's bytes are not in the wire format: %s", v.Raw)
	}
	if want := int(binary.BigEndian.Uint32(raw[1:5])); v.Format != "avro" || v.SchemaID != want {
		t.Fatalf("arrival decoded as %s with schema id %d, want avro with the header's id %d", v.Format, v.SchemaID, want)
	}
	rc, _ := sr.NewClient(sr.URLs(lab.ep.SchemaRegistry))
	s, err := rc.SchemaByID(context.Background(), v.SchemaID)
	if err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(s.Schema)
	if err != nil {
		t.Fatal(err)
	}
	native, _, err := codec.NativeFromBinary(raw[5:])
	if err != nil {
		t.Fatal(err)
	}
	fields := native.(map[string]any)
	var got map[string]any
	if err := json.Unmarshal(v.Value, &got); err != nil {
		t.Fatal(err)
	}
	if got["station_id"] != float64(fields["station_id"].(int32)) {
		t.Fatalf("decoded %v, goavro read %v", got, fields)
	}
	for _, f := range []string{"train_id", "direction", "line", "train_status"} {
		if got[f] != fields[f] || fields[f] == "" {
			t.Fatalf("%s: decoded %v, goavro read %v", f, got[f], fields[f])
		}
	}
}

func TestLiveTailStreamsARecordWrittenAfterItOpened(t *testing.T) {
	topic := newTopic(t)
	produce(t, &kgo.Record{Topic: topic, Value: []byte("before")})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", lab.console+"/api/topics/"+topic+"/tail", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("tail: %s %s", resp.Status, ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Scan() // the opening comment: the tail's consumer exists
	go func() {
		// Records keep coming until one is seen: the tail starts at the end
		// once its consumer has its partitions, which the test cannot see.
		for i := 0; ctx.Err() == nil; i++ {
			_ = kafkaClient(t).ProduceSync(ctx, &kgo.Record{Topic: topic, Value: []byte(fmt.Sprintf("after %d", i))})
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}()
	for sc.Scan() {
		line := sc.Text()
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var m Message
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(m.Value.Text, "after ") {
				t.Fatalf("the tail sent %q, written before it opened", m.Value.Text)
			}
			return
		}
	}
	t.Fatalf("the tail ended without a record: %v", sc.Err())
}

func TestTopicsCreateDescribeAndDeleteThroughTheAPI(t *testing.T) {
	name := fmt.Sprintf("console.web.admin.%d", time.Now().UnixNano())
	if code := send(t, "POST", "/api/topics", "application/json", `{"name":"`+name+`","partitions":3,"replication_factor":1,"configs":{"retention.ms":"3600000"}}`, nil); code != 201 {
		t.Fatalf("create: %d", code)
	}
	var e apiError
	if code := send(t, "POST", "/api/topics", "application/json", `{"name":"`+name+`","partitions":1}`, &e); code != 409 || e.ErrorCode != 409 {
		t.Errorf("create again: %d %+v, want 409", code, e)
	}
	var d TopicDetail
	if code := get(t, "/api/topics/"+name, &d); code != 200 {
		t.Fatalf("describe: %d", code)
	}
	if len(d.Partitions) != 3 || d.Configs["retention.ms"] != "3600000" {
		t.Errorf("described %d partitions, retention.ms %q; want 3 and 3600000", len(d.Partitions), d.Configs["retention.ms"])
	}
	if code := send(t, "DELETE", "/api/topics/"+name, "", "", nil); code != 204 {
		t.Fatalf("delete: %d", code)
	}
	eventually(t, 30*time.Second, func() string {
		if code := get(t, "/api/topics/"+name, &e); code != 404 {
			return fmt.Sprintf("describe after delete: %d, want 404", code)
		}
		return ""
	})
}

func TestConnectViewPassesThroughStatusRestartAndTheRealErrorShape(t *testing.T) {
	var status struct {
		Connector struct{ State string } `json:"connector"`
	}
	eventually(t, 2*time.Minute, func() string {
		if code := get(t, "/api/connect/connectors/stations/status", &status); code != 200 || status.Connector.State != "RUNNING" {
			return fmt.Sprintf("stations connector: %d %+v", code, status)
		}
		return ""
	})
	if code := send(t, "POST", "/api/connect/connectors/stations/restart?includeTasks=true", "", "", nil); code/100 != 2 {
		t.Fatalf("restart: %d", code)
	}
	var e struct {
		ErrorCode int    `json:"error_code"`
		Message   string `json:"message"`
	}
	if code := get(t, "/api/connect/connectors/no-such-connector", &e); code != 404 || e.ErrorCode != 404 || !strings.Contains(e.Message, "no-such-connector") {
		t.Fatalf("unknown connector: %d %+v, want Connect's 404 naming it", code, e)
	}
}

func TestKsqlEditorStatementTakesEffectAndPushQueryRowsStream(t *testing.T) {
	topic := newTopic(t)
	stream := strings.ToUpper(strings.ReplaceAll(topic, ".", "_"))
	stmt := fmt.Sprintf(`{"ksql":"CREATE STREAM %s (N INT) WITH (KAFKA_TOPIC='%s', VALUE_FORMAT='JSON');","streamsProperties":{}}`, stream, topic)
	if code := send(t, "POST", "/api/ksqldb/ksql", "application/vnd.ksql.v1+json", stmt, nil); code != 200 {
		t.Fatalf("CREATE STREAM: %d", code)
	}
	var list []struct {
		Streams []struct{ Name string } `json:"streams"`
	}
	send(t, "POST", "/api/ksqldb/ksql", "application/vnd.ksql.v1+json", `{"ksql":"SHOW STREAMS;"}`, &list)
	found := false
	for _, s := range list[0].Streams {
		found = found || s.Name == stream
	}
	if !found {
		t.Fatalf("SHOW STREAMS after CREATE lacks %s: %+v", stream, list)
	}
	produce(t, &kgo.Record{Topic: topic, Value: []byte(`{"N":41}`)})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	body := fmt.Sprintf(`{"sql":"SELECT N FROM %s EMIT CHANGES;","properties":{"auto.offset.reset":"earliest"}}`, stream)
	req, _ := http.NewRequestWithContext(ctx, "POST", lab.console+"/api/ksqldb/query-stream", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/vnd.ksqlapi.delimited.v1")
	req.Header.Set("Accept", "application/vnd.ksqlapi.delimited.v1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("query-stream: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Scan() // the header line
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "[41]" {
		t.Fatalf("first row %q (%v), want [41]", sc.Text(), sc.Err())
	}
	// The push query is live: a row written now arrives on the open stream.
	produce(t, &kgo.Record{Topic: topic, Value: []byte(`{"N":42}`)})
	if !sc.Scan() || strings.TrimSpace(sc.Text()) != "[42]" {
		t.Fatalf("second row %q (%v), want [42]", sc.Text(), sc.Err())
	}
}

func TestSchemasViewAnswersCompatibilityAsTheRegistryDoes(t *testing.T) {
	topic := newTopic(t)
	avroWire(t, topic+"-value", sensorSchema, map[string]any{"id": 1, "place": "x"})
	var versions []int
	if code := get(t, "/api/registry/subjects/"+topic+"-value/versions", &versions); code != 200 || !reflect.DeepEqual(versions, []int{1}) {
		t.Fatalf("versions: %d %v", code, versions)
	}
	check := func(schema string) bool {
		b, _ := json.Marshal(map[string]string{"schema": schema})
		var r struct {
			IsCompatible bool `json:"is_compatible"`
		}
		if code := send(t, "POST", "/api/registry/compatibility/subjects/"+topic+"-value/versions/latest", "application/vnd.schemaregistry.v1+json", string(b), &r); code != 200 {
			t.Fatalf("compatibility: %d", code)
		}
		return r.IsCompatible
	}
	// BACKWARD (the default): a new field with a default is compatible, a
	// new field without one is not.
	if !check(`{"type":"record","name":"sensor","namespace":"lab.test","fields":[{"name":"id","type":"int"},{"name":"place","type":"string"},{"name":"zone","type":"string","default":"a"}]}`) {
		t.Error("adding a field with a default: not compatible, want compatible")
	}
	if check(`{"type":"record","name":"sensor","namespace":"lab.test","fields":[{"name":"id","type":"int"},{"name":"place","type":"string"},{"name":"zone","type":"string"}]}`) {
		t.Error("adding a field without a default: compatible, want not")
	}
}

func TestFaultButtonsPostToTheLabsControlAndAreAbsentWithAReasonElsewhere(t *testing.T) {
	var posted atomic.Value
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		posted.Store(r.Method + " " + r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"took_ms":5}`)
	}))
	defer control.Close()
	srv, err := New(Endpoints{Brokers: lab.ep.Brokers}, WithFaults(control.URL, []Fault{{Name: "postgres-stop", Label: "Stop PostgreSQL", Path: "/faults/postgres/stop"}}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/faults/postgres-stop", nil))
	if rec.Code != 200 || posted.Load() != "POST /faults/postgres/stop" {
		t.Fatalf("fault: %d, the lab saw %v", rec.Code, posted.Load())
	}
	rec = httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("POST", "/api/faults/broker-kill", nil))
	if rec.Code != 404 {
		t.Fatalf("a fault the lab does not offer: %d, want 404", rec.Code)
	}
	var v faultsView
	if get(t, "/api/faults", &v); len(v.Faults) != 0 || v.Why == "" {
		t.Fatalf("a console without the lab's control: %+v, want no faults and a reason", v)
	}
}

func TestAnotherOriginsPageCannotActOnTheConsole(t *testing.T) {
	name := fmt.Sprintf("console.web.origin.%d", time.Now().UnixNano())
	req, _ := http.NewRequest("POST", lab.console+"/api/topics", strings.NewReader(`{"name":"`+name+`"}`))
	req.Header.Set("Origin", "http://evil.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("a cross-origin create: %s, want 403", resp.Status)
	}
	var e apiError
	if code := get(t, "/api/topics/"+name, &e); code != 404 {
		t.Fatalf("the topic exists after a refused create: %d", code)
	}
	req, _ = http.NewRequest("POST", lab.console+"/api/topics", strings.NewReader(`{"name":"`+name+`"}`))
	req.Header.Set("Origin", lab.console)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("a same-origin create: %s, want 201", resp.Status)
	}
}

// The console's Kafka client caches metadata (kadm looks topics up through
// kgo's cache for MetadataMinAge, 5 s by default), so a lookup that found no
// topic could hide the topic created right after it: the page drew it with no
// end offset and opening it answered 404 for seconds.
func TestATopicCreatedRightAfterALookupFoundNoneOpensAndIsDrawnWithItsEndOffset(t *testing.T) {
	name := fmt.Sprintf("console.web.fresh.%d", time.Now().UnixNano())
	var e apiError
	if code := get(t, "/api/topics/"+name, &e); code != 404 {
		t.Fatalf("a topic not created yet: %d, want 404", code)
	}
	req, _ := http.NewRequest("POST", lab.console+"/api/topics", strings.NewReader(`{"name":"`+name+`"}`))
	req.Header.Set("Origin", lab.console)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("create: %s, want 201", resp.Status)
	}
	created := time.Now()
	var td TopicDetail
	if code := get(t, "/api/topics/"+name, &td); code != 200 {
		t.Fatalf("the topic just created opens with %d, want 200", code)
	}
	// Every sample taken after the create that lists the topic draws its
	// end offset (0: nothing written).
	seen := 0
	eventually(t, time.Minute, func() string {
		var p Pipeline
		get(t, "/api/pipeline", &p)
		if !p.SampledAt.After(created) {
			return "no sample taken after the create yet"
		}
		for _, n := range p.Nodes {
			if n.Name != name {
				continue
			}
			if n.EndOffset == nil {
				t.Fatalf("sample at %s draws %s with no end offset", p.SampledAt.Format(time.RFC3339Nano), name)
			}
			if *n.EndOffset != 0 {
				t.Fatalf("%s drawn with end offset %d, want 0", name, *n.EndOffset)
			}
			if seen++; seen < 3 {
				return "fewer than three samples drew the topic"
			}
			return ""
		}
		return "no sample draws the topic yet"
	})
}
