package console

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// lab produce turns JSON lines into Avro records under TOPIC-key and
// TOPIC-value: an independent decode of each record (registry by id +
// goavro) gives back the line.
func TestProduceWritesLinesAsAvroThatDecodeBackToThem(t *testing.T) {
	topic := newTopic(t)
	in := "{\"timestamp\":1}|{\"station_id\":40380,\"station_name\":\"Clark/Lake\",\"line\":\"blue\"}\n" +
		"{\"timestamp\":2}|{\"station_id\":41400,\"station_name\":\"Roosevelt\",\"line\":\"red\"}\n"
	_, stderr, code := runLab(t, timeout(t), in, "produce", topic,
		"--value-schema", writeFile(t, "v.avsc", turnstileValueSchema), "--key-schema", writeFile(t, "k.avsc", turnstileKeySchema),
		"--property", "parse.key=true", "--property", "key.separator=|")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "2 records produced to "+topic) {
		t.Errorf("stderr %q, want the count of records produced", stderr)
	}
	recs := fetchAll(t, topic, 2)
	for i, l := range lines(in) {
		k, v, _ := strings.Cut(l, "|")
		if got := independent(t, recs[i].Key); !reflect.DeepEqual(got, jsonValue(t, []byte(k))) {
			t.Errorf("record %d key %v, want %s", i, got, k)
		}
		if got := independent(t, recs[i].Value); !reflect.DeepEqual(got, jsonValue(t, []byte(v))) {
			t.Errorf("record %d value %v, want %s", i, got, v)
		}
	}
	// Registered under the TopicNameStrategy subjects, as the console
	// producer registers them.
	subjects, err := registryClient(t).Subjects(timeout(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{topic + "-key", topic + "-value"} {
		found := false
		for _, s := range subjects {
			found = found || s == want
		}
		if !found {
			t.Errorf("subject %s not registered; subjects: %v", want, subjects)
		}
	}
}

// A line that does not fit the schema stops lab produce: the lines before
// it are written, it and those after are not, and the error names its
// line number; exit 1.
func TestProduceStopsAtABadLineNamingItsNumberAndWritesOnlyTheLinesBefore(t *testing.T) {
	topic := newTopic(t)
	in := `{"station_id":1,"station_name":"a","line":"blue"}
{"station_id":2,"station_name":"b","line":"red"}
{"station_id":"three","station_name":"c","line":"red"}
{"station_id":4,"station_name":"d","line":"red"}
`
	_, stderr, code := runLab(t, timeout(t), in, "produce", topic, "--value-schema", writeFile(t, "v.avsc", turnstileValueSchema))
	if code != 1 || !strings.Contains(stderr, "line 3:") {
		t.Fatalf("exit %d, stderr:\n%s\nwant exit 1 naming line 3", code, stderr)
	}
	if got := endOffset(t, topic); got != 2 {
		t.Errorf("topic holds %d records, want 2", got)
	}
}

// With --value-schema-id the registered schema is used as it is.
func TestProduceWithValueSchemaIDUsesThatSchema(t *testing.T) {
	topic := newTopic(t)
	b := wire(t, topic+"-value", turnstileValueSchema, map[string]any{"station_id": int32(1), "station_name": "x", "line": "y"})
	id := int(b[1])<<24 | int(b[2])<<16 | int(b[3])<<8 | int(b[4])
	_, stderr, code := runLab(t, timeout(t), `{"station_id":7,"station_name":"s","line":"green"}`+"\n", "produce", topic, "--value-schema-id", itoa(id))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rec := fetchAll(t, topic, 1)[0]
	if got := int(rec.Value[4]) | int(rec.Value[3])<<8; got != id&0xffff || rec.Value[0] != 0 {
		t.Errorf("record carries schema id bytes %x, want id %d", rec.Value[:5], id)
	}
	if got, want := independent(t, rec.Value), jsonValue(t, []byte(`{"station_id":7,"station_name":"s","line":"green"}`)); !reflect.DeepEqual(got, want) {
		t.Errorf("value %v, want %v", got, want)
	}
}

// Mistakes on the command line are one error line and a hint, exit 2,
// before anything is written.
func TestProduceUsageMistakesExitTwoWithAHint(t *testing.T) {
	topic := newTopic(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"produce", topic}, "must provide the value schema"},
		{[]string{"produce", topic, "--value-schema-id", "1", "--property", "parse.key=true"}, "must provide the key schema"},
		{[]string{"produce", topic, "--value-schema-id", "1", "--property", "acks=all"}, "property acks is not supported"},
		{[]string{"produce"}, "want one TOPIC"},
	} {
		stdout, stderr, code := runLab(t, timeout(t), "{}\n", tc.args[0], tc.args[1:]...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, tc.want) || !strings.HasSuffix(stderr, "run 'lab produce --help' for usage\n") {
			t.Errorf("%v: exit %d, stderr %q; want exit 2, %q and the hint", tc.args, code, stderr, tc.want)
		}
	}
	if got := endOffset(t, topic); got != 0 {
		t.Errorf("%d records written by refused commands", got)
	}
}

// What lab produce writes, the Python confluent_kafka AvroConsumer reads:
// a second client, with its own registry client and Avro library.
func TestProduceOutputIsReadByPythonAvroConsumer(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import confluent_kafka.avro, avro").Run(); err != nil {
		t.Skip("needs /usr/bin/python3 with confluent_kafka and avro (python3-confluent-kafka, python3-avro): scripts/install-test-deps")
	}
	topic := newTopic(t)
	in := `{"station_id":40380,"station_name":"Clark/Lake","line":"blue"}` + "\n"
	if _, stderr, code := runLab(t, timeout(t), in, "produce", topic, "--value-schema", writeFile(t, "v.avsc", turnstileValueSchema)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	script := `
import json, sys
from confluent_kafka.avro import AvroConsumer
c = AvroConsumer({"bootstrap.servers": sys.argv[1], "schema.registry.url": sys.argv[2],
                  "group.id": "py-check", "auto.offset.reset": "earliest"})
c.subscribe([sys.argv[3]])
for _ in range(200):
    m = c.poll(0.5)
    if m is None:
        continue
    if m.error():
        sys.exit("error: %s" % m.error())
    print(json.dumps(m.value(), sort_keys=True))
    break
else:
    sys.exit("no record")
c.close()
`
	out, err := exec.CommandContext(timeout(t), "/usr/bin/python3", "-c", script, lab.brokers, lab.registry, topic).CombinedOutput()
	if err != nil {
		t.Fatalf("python AvroConsumer: %v\n%s", err, out)
	}
	lastLine := lines(strings.TrimSpace(string(out)))
	if got, want := jsonValue(t, []byte(lastLine[len(lastLine)-1])), jsonValue(t, []byte(in)); !reflect.DeepEqual(got, want) {
		t.Errorf("python read %v, want %v", got, want)
	}
}
