package ksqldb

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// A CREATE STREAM or TABLE that declares no key column, with a key format
// that infers schemas (AVRO, JSON_SR, PROTOBUF), takes its key from the
// latest schema of <topic>-key, as it takes its value columns from
// <topic>-value (confluentinc/ksql v7.9.0 DefaultSchemaInjector.getKeySchema
// and shouldInferSchema: no key elements and a format that supports
// inference; SchemaRegistryTopicSchemaSupplier: a key schema is one
// column, ROWKEY, a record one a STRUCT). The cases are
// query-validation-tests/avro.json "INT - key - inference", "INT - key -
// key and value inference" and "STRUCT - key - inference", and, without a
// key schema, the supplier's notFound refusal.
func TestKeyColumnsAreInferredFromTheKeySchema(t *testing.T) {
	for _, c := range []struct {
		name, keySchema, valueSchema, create, columns string
		keys                                          []map[string]any // Avro natives of the input keys (nil: a null key)
		want                                          []string         // OUTPUT's keys as read back
	}{
		{name: "INT - key - inference", keySchema: `{"type":"int"}`,
			create:  "CREATE STREAM INPUT (foo INT) WITH (kafka_topic='input_topic', format='AVRO');",
			columns: "ROWKEY INTEGER KEY, FOO INTEGER",
			keys:    []map[string]any{{"int": 10}, {"int": 12}, nil}, want: []string{"10", "12", "<nil>"}},
		{name: "INT - key - key and value inference", keySchema: `{"type":"int"}`,
			valueSchema: `{"name":"most_recent_value_schema_at_SR","type":"record","fields":[{"name":"FOO","type":"int"}]}`,
			create:      "CREATE STREAM INPUT WITH (kafka_topic='input_topic', format='AVRO');",
			columns:     "ROWKEY INTEGER KEY, FOO INTEGER",
			keys:        []map[string]any{{"int": 10}, {"int": 12}, nil}, want: []string{"10", "12", "<nil>"}},
		{name: "STRUCT - key - inference", keySchema: `{"name":"key","type":"record","fields":[{"name":"F1","type":["null","string"]}]}`,
			create:  "CREATE STREAM INPUT (foo INT) WITH (kafka_topic='input_topic', format='AVRO');",
			columns: "ROWKEY STRUCT KEY, FOO INTEGER",
			keys:    []map[string]any{{"F1": map[string]any{"string": "foo"}}, {"F1": nil}, nil}, want: []string{"map[F1:map[string:foo]]", "map[F1:<nil>]", "<nil>"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			st.createTopic("input_topic", 1)
			regURL := st.reg.URL()
			keyID := registerSchema(t, regURL, "input_topic-key", c.keySchema)
			valueSchema := `{"name":"v","type":"record","fields":[{"name":"FOO","type":["null","int"]}]}`
			if c.valueSchema != "" {
				valueSchema = c.valueSchema
			}
			valID := registerSchema(t, regURL, "input_topic-value", valueSchema)
			for _, k := range c.keys {
				var key []byte
				if k != nil {
					native := any(k)
					if v, ok := k["int"]; ok {
						native = v
					}
					key = avroWire(t, keyID, c.keySchema, native)
				}
				foo := any(map[string]any{"int": 10})
				if c.valueSchema != "" {
					foo = 10
				}
				rec := &kgo.Record{Topic: "input_topic", Key: key, Value: wire(t, valID, valueSchema, map[string]any{"FOO": foo})}
				if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
					t.Fatal(err)
				}
			}
			mustKSQL(t, url, c.create, nil)
			if got, _ := describeSchema(t, url, "INPUT"); got != c.columns {
				t.Errorf("INPUT columns %s, want %s", got, c.columns)
			}
			mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT;", earliest())
			var got []string
			for _, r := range st.records("OUTPUT", len(c.want)) {
				got = append(got, fmt.Sprint(decodeAvroKey(t, regURL, r.Key)))
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("OUTPUT keys %q, want %q", got, c.want)
			}
		})
	}
}

// Without a key schema under <topic>-key, a source that declares no key
// in a format that infers schemas is refused with ksqlDB's message
// (SchemaRegistryTopicSchemaSupplier.notFound); one in the KAFKA key format
// (VALUE_FORMAT alone) has no key, as before.
func TestASourceWithoutKeyColumnsNeedsAKeySchemaInAnInferringKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("input_topic", 1)
	registerSchema(t, st.reg.URL(), "input_topic-value", `{"name":"v","type":"record","fields":[{"name":"FOO","type":"int"}]}`)
	code, e := stmtErr(t, url, "CREATE STREAM INPUT WITH (kafka_topic='input_topic', format='AVRO');")
	want := "Schema for message keys on topic 'input_topic' does not exist in the Schema Registry.\nSubject: input_topic-key\nPossible causes include:\n" +
		"- The topic itself does not exist\n\t-> Use SHOW TOPICS; to check\n" +
		"- Messages on the topic are not serialized using a format Schema Registry supports\n\t-> Use PRINT 'input_topic' FROM BEGINNING; to verify\n" +
		"- Messages on the topic have not been serialized using a Confluent Schema Registry supported serializer\n\t-> See https://docs.confluent.io/current/schema-registry/docs/serializer-formatter.html\n" +
		"- The schema is registered on a different instance of the Schema Registry\n\t-> Use the REST API to list available subjects\thttps://docs.confluent.io/current/schema-registry/docs/api.html#get--subjects\n" +
		"- You do not have permissions to access the Schema Registry.\n\t-> See https://docs.confluent.io/current/schema-registry/docs/security.html"
	if msg, _ := e["message"].(string); code != 400 || msg != want {
		t.Errorf("no key schema: %d\n%s\nwant\n%s", code, msg, want)
	}
	mustKSQL(t, url, "CREATE STREAM VALUES_ONLY WITH (kafka_topic='input_topic', value_format='AVRO');", nil)
}

// decodeAvroKey reads an Avro wire-format key with the schema its id names
// in the registry at regURL; a null key is nil.
func decodeAvroKey(t *testing.T, regURL string, b []byte) any {
	t.Helper()
	if b == nil {
		return nil
	}
	resp, err := http.Get(fmt.Sprintf("%s/schemas/ids/%d", regURL, binary.BigEndian.Uint32(b[1:5])))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ Schema string }
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return decodeWire(t, b, int(binary.BigEndian.Uint32(b[1:5])), s.Schema)
}

// A reader that did not come from this project, confluent-kafka-python's
// AvroConsumer, reads the keys of a stream whose key was inferred from
// <topic>-key as the Avro ints they were written as.
func TestPythonReadsTheKeysOfAStreamWithAnInferredKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("input_topic", 1)
	regURL := st.reg.URL()
	keyID := registerSchema(t, regURL, "input_topic-key", `{"type":"int"}`)
	valueSchema := `{"name":"v","type":"record","fields":[{"name":"FOO","type":"int"}]}`
	valID := registerSchema(t, regURL, "input_topic-value", valueSchema)
	for _, k := range []int32{10, 12} {
		rec := &kgo.Record{Topic: "input_topic", Key: avroWire(t, keyID, `{"type":"int"}`, k), Value: wire(t, valID, valueSchema, map[string]any{"FOO": k * 2})}
		if err := st.cl.ProduceSync(context.Background(), rec).FirstErr(); err != nil {
			t.Fatal(err)
		}
	}
	mustKSQL(t, url, "CREATE STREAM INPUT WITH (kafka_topic='input_topic', format='AVRO');", nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT;", earliest())
	st.records("OUTPUT", 2)
	var got []string
	for _, r := range st.consumeAvroWithPython(regURL, "OUTPUT", 2) {
		got = append(got, fmt.Sprint(r.Key, " ", r.Value["FOO"]))
	}
	if strings.Join(got, ", ") != "10 20, 12 24" {
		t.Errorf("python read %q, want keys 10 and 12 with FOO 20 and 24", got)
	}
	for _, r := range st.consumeAvroWithPython(regURL, "OUTPUT", 1) {
		if r.KeySchema != "int" {
			t.Errorf("OUTPUT's key schema %v, want the Avro int", r.KeySchema)
		}
	}
}
