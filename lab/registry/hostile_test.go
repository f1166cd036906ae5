package registry

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Schemas Java Avro's Schema.Parser refuses (lang/java/avro/src/main/java/
// org/apache/avro/Schema.java and SystemLimitException.java at
// release-1.11.4 of github.com/apache/avro) are refused by the registry
// with 422, error_code 42201 and the parser's message after "details: "
// (AbstractSchemaRegistry / KafkaSchemaRegistry.parseSchema in CP 7.9).
func TestHostileSchemasAreRefusedWith42201(t *testing.T) {
	l := startLab(t, t.TempDir())
	for _, tc := range []struct{ name, schema, details string }{
		{"negative fixed size", `{"type":"fixed","name":"F","size":-1}`, "Malformed data. Length is negative: -1"},
		{"fixed size too large", `{"type":"fixed","name":"F","size":2147483640}`, "Cannot read arrays longer than 2147483639 bytes in Java library"},
		{"fractional fixed size", `{"type":"fixed","name":"F","size":1.5}`, `Invalid or no size: {"type":"fixed","name":"F","size":1.5}`},
		{"string fixed size", `{"type":"fixed","name":"F","size":"4"}`, "Invalid or no size"},
		{"size beyond int", `{"type":"fixed","name":"F","size":4294967296}`, "Invalid or no size"},
		{"invalid record name", `{"type":"record","name":"9lives","fields":[]}`, "Illegal initial character: 9lives"},
		{"record named after a primitive", `{"type":"record","name":"int","fields":[]}`, "Schemas may not be named after primitives: int"},
		{"fixed named after a primitive", `{"type":"fixed","name":"string","size":1}`, "Schemas may not be named after primitives: string"},
		{"invalid enum symbol", `{"type":"enum","name":"E","symbols":["a b"]}`, "Illegal character in: a b"},
		{"duplicate enum symbols", `{"type":"enum","name":"E","symbols":["A","A"]}`, "Duplicate enum symbol: A"},
		{"duplicate field names", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}`, "Duplicate field a in record R"},
		{"union with two ints", `["int","int"]`, "Duplicate in union:int"},
		{"union with two records of one name", `[{"type":"record","name":"R","fields":[]},"R"]`, "Duplicate in union:R"},
		{"nested union", `["null",["int","string"]]`, "Nested union"},
		{"default not matching", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"one"}]}`, `Invalid default for field a: "one" not a "int"`},
		{"nesting beyond Jackson's limit", strings.Repeat("[", 5000) + strings.Repeat("]", 5000), "Document nesting depth (1001) exceeds the maximum allowed (1000"},
		{"deep record nesting", deepArrays(1001), "Document nesting depth (1001)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := l.wantError(http.MethodPost, "/subjects/h-value/versions", map[string]string{"schema": tc.schema}, http.StatusUnprocessableEntity, 42201)
			if !strings.HasPrefix(e.Message, "Invalid schema ") || !strings.Contains(e.Message, "details: "+tc.details) {
				t.Errorf("message %q lacks details %q", e.Message, tc.details)
			}
		})
	}
	// The registry is still serving.
	l.register("h-value", `"string"`)
}

// deepArrays nests array schemas n deep: n JSON objects inside each other.
func deepArrays(n int) string {
	return strings.Repeat(`{"type":"array","items":`, n) + `"int"` + strings.Repeat("}", n)
}

// The registry starts and serves the rest when _schemas holds a schema that
// violates the Avro specification or a record it cannot read. Like the Java
// registry's store reader (KafkaStoreReaderThread), which keeps the stored
// text without parsing it, a stored invalid schema stays readable as
// stored; unreadable records are logged and skipped.
func TestHostileRecordInSchemasTopicDoesNotStopStartup(t *testing.T) {
	l := startLab(t, t.TempDir())
	good := l.register("good-value", `"string"`)
	cl, err := kgo.NewClient(kgo.SeedBrokers(l.cluster.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, rec := range []struct{ k, v string }{
		{`{"keytype":"SCHEMA","subject":"bad-value","version":1,"magic":1}`, `{"subject":"bad-value","version":1,"id":77,"schema":"{\"type\":\"fixed\",\"name\":\"F\",\"size\":-1}","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"bad2-value","version":1,"magic":1}`, `{"subject":"bad2-value","version":1,"id":78,"schema":"[\"int\",\"int\"]","deleted":false}`},
		{`{"keytype":"SCHEMA","subject":"x","version":1,"magic":1}`, `not json`},
		{`{"keytype":"MODE","subject":"x","magic":0}`, `{"subject":"x","mode":"SIDEWAYS"}`},
		{`{"keytype":"WHAT","magic":0}`, `{}`},
		{`[`, `{}`},
	} {
		if err := cl.ProduceSync(ctx, &kgo.Record{Topic: "_schemas", Key: []byte(rec.k), Value: []byte(rec.v)}).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}

	l = l.restart()
	var got schemaEntity
	if status, raw := l.call(http.MethodGet, "/subjects/good-value/versions/1", nil, &got); status != http.StatusOK || got.ID != good {
		t.Fatalf("good subject after restart = %d %s", status, raw)
	}
	var raw schemaString
	if status, body := l.call(http.MethodGet, "/schemas/ids/78", nil, &raw); status != http.StatusOK || raw.Schema != `["int","int"]` {
		t.Errorf("stored invalid schema = %d %s", status, body)
	}
	l.wantError(http.MethodGet, "/mode/x", nil, http.StatusNotFound, 40409)
	// New registrations still work and take ids above the stored ones.
	if id := l.register("new-value", `"long"`); id <= 78 {
		t.Errorf("new id %d, want > 78", id)
	}
}
