package console

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/lab/embedded"
)

// lab is the embedded stack every test here runs the commands against.
var lab struct {
	brokers  string
	registry string
	ksqldb   string
}

func TestMain(m *testing.M) {
	// The pty spec runs this binary as "lab ksql": LAB_KSQL_ARGS holds its
	// arguments, separated by the unit separator.
	if args, ok := os.LookupEnv("LAB_KSQL_ARGS"); ok {
		os.Exit(Main(context.Background(), "ksql", strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	s, err := embedded.Start(ctx, embedded.WithoutPostgres())
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "start the embedded stack:", err)
		os.Exit(1)
	}
	e := s.Endpoints()
	lab.brokers, lab.registry, lab.ksqldb = strings.Join(e.Brokers, ","), e.SchemaRegistry, e.KSQLDB
	code := m.Run()
	_ = s.Close(context.Background())
	os.Exit(code)
}

// The turnstile schemas, as the application registers them
// (app/schema/avsc/turnstile_key.avsc, turnstile_value.avsc).
const (
	turnstileKeySchema   = `{"namespace":"com.udacity","type":"record","name":"turnstile.key","fields":[{"name":"timestamp","type":"long"}]}`
	turnstileValueSchema = `{"namespace":"com.udacity","type":"record","name":"turnstile.value","fields":[{"name":"station_id","type":"int"},{"name":"station_name","type":"string"},{"name":"line","type":"string"}]}`
)

var topicSeq atomic.Int64

func newTopic(t *testing.T) string {
	t.Helper()
	name := fmt.Sprintf("console.test.%d.%d", time.Now().UnixNano(), topicSeq.Add(1))
	adm := kadm.NewClient(client(t))
	resp, err := adm.CreateTopic(context.Background(), 1, 1, nil, name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		t.Fatalf("create topic %s: %v", name, err)
	}
	return name
}

func client(t *testing.T, opts ...kgo.Opt) *kgo.Client {
	t.Helper()
	cl, err := kgo.NewClient(append([]kgo.Opt{kgo.SeedBrokers(strings.Split(lab.brokers, ",")...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	return cl
}

func registryClient(t *testing.T) *sr.Client {
	t.Helper()
	c, err := sr.NewClient(sr.URLs(lab.registry))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wire registers schema under subject with franz-go's sr client and
// returns text encoded with goavro in the Confluent wire format.
func wire(t *testing.T, subject, schema string, native any) []byte {
	t.Helper()
	id, err := registryClient(t).RegisterSchema(context.Background(), subject, sr.Schema{Schema: schema}, -1, -1)
	if err != nil {
		t.Fatalf("register %s: %v", subject, err)
	}
	codec, err := goavro.NewCodec(schema)
	if err != nil {
		t.Fatal(err)
	}
	out := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(id))
	out, err = codec.BinaryFromNative(out, native)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// independent decodes wire-format bytes without this package: the schema
// by id from the registry through franz-go's sr client, the datum with
// goavro, into goavro's Avro JSON encoding, then into a Go value.
func independent(t *testing.T, b []byte) any {
	t.Helper()
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("not in the wire format: %x", b)
	}
	s, err := registryClient(t).SchemaByID(context.Background(), int(binary.BigEndian.Uint32(b[1:5])))
	if err != nil {
		t.Fatal(err)
	}
	codec, err := goavro.NewCodec(s.Schema)
	if err != nil {
		t.Fatal(err)
	}
	native, rest, err := codec.NativeFromBinary(b[5:])
	if err != nil || len(rest) != 0 {
		t.Fatalf("goavro decode: %v, %d bytes left", err, len(rest))
	}
	text, err := codec.TextualFromNative(nil, native)
	if err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, text)
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %q: %v", b, err)
	}
	return v
}

func produceRaw(t *testing.T, topic string, recs ...*kgo.Record) {
	t.Helper()
	for _, r := range recs {
		r.Topic = topic
	}
	if err := client(t).ProduceSync(context.Background(), recs...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

func fetchAll(t *testing.T, topic string, n int) []*kgo.Record {
	t.Helper()
	cl := client(t, kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []*kgo.Record
	for len(out) < n {
		f := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			t.Fatalf("%d of %d records in %s before the deadline", len(out), n, topic)
		}
		out = append(out, f.Records()...)
	}
	return out
}

// runLab runs one console command against the test stack.
func runLab(t *testing.T, ctx context.Context, stdin, name string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb syncBuffer
	args = append(args, "--brokers", lab.brokers, "--schema-registry", lab.registry)
	code = Main(ctx, name, args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func timeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// lab consume on the turnstile topic prints each record's key and value as
// the registry's schemas decode them: compared with an independent decode
// (franz-go's sr client + goavro) of the same bytes.
func TestConsumeTurnstileRecordsEqualTheirIndependentDecode(t *testing.T) {
	topic := newTopic(t)
	stations := []struct {
		id         int32
		name, line string
	}{{40380, "Clark/Lake", "blue"}, {41400, "Roosevelt", "red"}, {40380, "Clark/Lake", "green"}, {40830, "18th \"Pink\" \u00e9", "blue"}}
	var recs []*kgo.Record
	for i, s := range stations {
		recs = append(recs, &kgo.Record{
			Key:   wire(t, topic+"-key", turnstileKeySchema, map[string]any{"timestamp": int64(1_700_000_000_000 + i)}),
			Value: wire(t, topic+"-value", turnstileValueSchema, map[string]any{"station_id": s.id, "station_name": s.name, "line": s.line}),
		})
	}
	produceRaw(t, topic, recs...)
	stdout, stderr, code := runLab(t, timeout(t), "", "consume", topic, "--from-beginning", "--max", fmt.Sprint(len(recs)), "--print-key")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	got := lines(stdout)
	if len(got) != len(recs) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(recs), stdout)
	}
	for i, l := range got {
		k, v, ok := strings.Cut(l, "\t")
		if !ok {
			t.Fatalf("line %d %q: no tab between key and value", i, l)
		}
		if want := independent(t, recs[i].Key); !reflect.DeepEqual(jsonValue(t, []byte(k)), want) {
			t.Errorf("line %d key %s, want %v", i, k, want)
		}
		if want := independent(t, recs[i].Value); !reflect.DeepEqual(jsonValue(t, []byte(v)), want) {
			t.Errorf("line %d value %s, want %v", i, v, want)
		}
	}
	if !strings.Contains(stderr, "Processed a total of 4 messages") {
		t.Errorf("stderr %q, want the console consumer's count", stderr)
	}
}

// Avro's JSON encoding, as the console consumer prints it: fields in
// schema order, unions as {"branch": value} with named types by full
// name, null bare, enums as symbols, bytes as code points 0-255, doubles
// as Java prints them. Expected text derived by hand from the spec
// (https://avro.apache.org/docs/1.11.1/specification/#json-encoding).
func TestConsumePrintsAvroJSONEncodingWithWrappedUnions(t *testing.T) {
	topic := newTopic(t)
	schema := `{"type":"record","name":"weather","namespace":"org.chicago.cta","fields":[
		{"name":"temperature","type":"double"},
		{"name":"status","type":{"type":"enum","name":"status","symbols":["sunny","cloudy"]}},
		{"name":"note","type":["null","string"]},
		{"name":"where","type":["null",{"type":"record","name":"place","fields":[{"name":"n","type":"int"}]}]},
		{"name":"raw","type":"bytes"},
		{"name":"tags","type":{"type":"map","values":"long"}},
		{"name":"hist","type":{"type":"array","items":"float"}}]}`
	v := map[string]any{
		"temperature": 1.0, "status": "cloudy",
		"note":  goavro.Union("string", "hi"),
		"where": goavro.Union("org.chicago.cta.place", map[string]any{"n": int32(3)}),
		"raw":   []byte{0x00, 0xff}, "tags": map[string]any{"a": int64(1)}, "hist": []any{float32(2.5)},
	}
	v2 := map[string]any{
		"temperature": 1e7, "status": "sunny", "note": nil, "where": nil,
		"raw": []byte{}, "tags": map[string]any{}, "hist": []any{},
	}
	produceRaw(t, topic, &kgo.Record{Value: wire(t, topic+"-value", schema, v)}, &kgo.Record{Value: wire(t, topic+"-value", schema, v2)})
	stdout, stderr, code := runLab(t, timeout(t), "", "consume", topic, "--from-beginning", "--max", "2")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := `{"temperature":1.0,"status":"cloudy","note":{"string":"hi"},"where":{"org.chicago.cta.place":{"n":3}},"raw":"\u0000\u00ff","tags":{"a":1},"hist":[2.5]}` + "\n" +
		`{"temperature":1.0E7,"status":"sunny","note":null,"where":null,"raw":"","tags":{},"hist":[]}` + "\n"
	// Jackson writes U+0000 as \u0000 and U+00FF as the character itself.
	want = strings.Replace(want, `\u00ff`, "\u00ff", 1)
	if stdout != want {
		t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
	}
}

// Values that carry no Schema Registry header print as they are; bytes
// that are not text print with \xNN escapes; a null value prints "null";
// --json wraps each record with its coordinates and formats.
func TestConsumePrintsPlainValuesAsTheyAreAndBinarySafely(t *testing.T) {
	topic := newTopic(t)
	produceRaw(t, topic,
		&kgo.Record{Key: []byte("k1"), Value: []byte(`{"COUNT":3}`), Headers: []kgo.RecordHeader{{Key: "h", Value: []byte("v")}}},
		&kgo.Record{Value: []byte("plain text")},
		&kgo.Record{Value: []byte{0x01, 0x02, 'a', 0x1b}},
		&kgo.Record{Value: nil},
	)
	stdout, stderr, code := runLab(t, timeout(t), "", "consume", topic, "--from-beginning", "--max", "4")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	want := "{\"COUNT\":3}\nplain text\n\\x01\\x02a\\x1b\nnull\n"
	if stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	stdout, stderr, code = runLab(t, timeout(t), "", "consume", topic, "--from-beginning", "--max", "4", "--json")
	if code != 0 {
		t.Fatalf("--json: exit %d, stderr:\n%s", code, stderr)
	}
	got := lines(stdout)
	if len(got) != 4 {
		t.Fatalf("--json: %d lines:\n%s", len(got), stdout)
	}
	first := jsonValue(t, []byte(got[0])).(map[string]any)
	wantFirst := map[string]any{"topic": topic, "partition": 0.0, "offset": 0.0, "key": "k1", "key_format": "string", "key_schema_id": nil,
		"value": map[string]any{"COUNT": 3.0}, "value_format": "json", "value_schema_id": nil,
		"headers": []any{map[string]any{"key": "h", "value": "v"}}}
	if _, ok := first["timestamp"].(float64); !ok {
		t.Errorf("--json: timestamp %v, want a number", first["timestamp"])
	}
	delete(first, "timestamp")
	if !reflect.DeepEqual(first, wantFirst) {
		t.Errorf("--json first record:\n%v\nwant:\n%v", first, wantFirst)
	}
	third := jsonValue(t, []byte(got[2])).(map[string]any)
	if third["value"] != "AQJhGw==" || third["value_format"] != "binary" {
		t.Errorf("--json binary value %v (%v), want base64 AQJhGw== (binary)", third["value"], third["value_format"])
	}
	fourth := jsonValue(t, []byte(got[3])).(map[string]any)
	if fourth["value"] != nil || fourth["value_format"] != "null" {
		t.Errorf("--json null value %v (%v)", fourth["value"], fourth["value_format"])
	}
}

// Without --from-beginning the consumer starts at the end, as the console
// consumer does: a record written before it started is not printed.
func TestConsumeWithoutFromBeginningPrintsOnlyNewRecords(t *testing.T) {
	topic := newTopic(t)
	produceRaw(t, topic, &kgo.Record{Value: []byte("old")})
	ctx := timeout(t)
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, "consume", []string{topic, "--max", "1", "--brokers", lab.brokers, "--schema-registry", lab.registry}, strings.NewReader(""), &out, &errb)
	}()
	// Keep writing new records until the consumer, once positioned at the
	// end, prints one.
	var code int
	for waiting := true; waiting; {
		produceRaw(t, topic, &kgo.Record{Value: []byte("new")})
		select {
		case code = <-done:
			waiting = false
		case <-ctx.Done():
			t.Fatalf("no record printed; stderr:\n%s", errb.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	if code != 0 || out.String() != "new\n" {
		t.Errorf("exit %d, stdout %q; want \"new\\n\" (stderr %s)", code, out.String(), errb.String())
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

// endOffset is the end offset of partition 0 of topic.
func endOffset(t *testing.T, topic string) int64 {
	t.Helper()
	ends, err := kadm.NewClient(client(t)).ListEndOffsets(timeout(t), topic)
	if err != nil {
		t.Fatal(err)
	}
	o, ok := ends.Lookup(topic, 0)
	if !ok || o.Err != nil {
		t.Fatalf("end offset of %s: %v", topic, o.Err)
	}
	return o.Offset
}
