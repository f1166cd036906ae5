package ksqldb

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// A record that does not deserialize is logged with the message of the
// deserializer of its format, as DeserializationError records the
// exception's message and LoggingSerdeUtil.getCause its causes
// (confluentinc/ksql v7.9.0 ksqldb-serde .../logging/processing/):
// AVRO, PROTOBUF and JSON_SR go through KsqlConnectDeserializer,
// "Error deserializing message from topic: <topic>" (JSON_SR too:
// ksql.json_sr.converter.deserializer.enabled defaults to true,
// KsqlJsonSerdeFactory.createDeserializer, KsqlConfig); KAFKA through
// KafkaSerdeFactory.RowDeserializer, "Error deserializing KAFKA message
// from topic: <topic>"; DELIMITED through KsqlDelimitedDeserializer,
// "Error deserializing delimited"; JSON through KsqlJsonDeserializer,
// "Failed to deserialize <key|value> from topic: <topic>. <cause>". The
// JSON_SR key is an INT column written under the schema {"type":"integer"},
// which JsonSchemaData reads as INT64: ConnectDataTranslator refuses it
// ("Cannot deserialize type int64 as type int32 for path: ") and the
// record is skipped.
func TestProcessingLogNamesEachFormatsDeserializer(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	kid := registerSchemaType(t, st.reg.URL(), "srkey-key", "JSON", `{"type":"integer"}`)
	for _, tp := range []string{"srkey", "avroval", "kafkakey", "delimval", "jsonval"} {
		st.createTopic(tp, 1)
	}
	avroSchema := `{"type":"record","name":"V","fields":[{"name":"N","type":["null","int"],"default":null}]}`
	registerSchema(t, st.reg.URL(), "avroval-value", avroSchema)
	mustKSQL(t, url, "CREATE STREAM SRKEY (K INT KEY, V INT) WITH (KAFKA_TOPIC='srkey', KEY_FORMAT='JSON_SR', VALUE_FORMAT='JSON');"+
		"CREATE STREAM AVROVAL (K INT KEY, N INT) WITH (KAFKA_TOPIC='avroval', VALUE_FORMAT='AVRO');"+
		"CREATE STREAM KAFKAKEY (K INT KEY, V INT) WITH (KAFKA_TOPIC='kafkakey', VALUE_FORMAT='JSON');"+
		"CREATE STREAM DELIMVAL (K INT KEY, A INT, B STRING) WITH (KAFKA_TOPIC='delimval', VALUE_FORMAT='DELIMITED');"+
		"CREATE STREAM JSONVAL (K INT KEY, V INT) WITH (KAFKA_TOPIC='jsonval', VALUE_FORMAT='JSON');"+
		"CREATE STREAM SRKEY_OUT AS SELECT * FROM SRKEY;"+
		"CREATE STREAM AVROVAL_OUT AS SELECT * FROM AVROVAL;"+
		"CREATE STREAM KAFKAKEY_OUT AS SELECT * FROM KAFKAKEY;"+
		"CREATE STREAM DELIMVAL_OUT AS SELECT * FROM DELIMVAL;"+
		"CREATE STREAM JSONVAL_OUT AS SELECT * FROM JSONVAL;", earliest())
	st.produce("srkey", kv{key: wireJSON(kid, "5"), value: []byte(`{"V":1}`)})
	st.produce("avroval", kv{key: intKey(1), value: []byte("not avro")})
	st.produce("kafkakey", kv{key: []byte{1, 2}, value: []byte(`{"V":1}`)})
	st.produce("delimval", kv{key: intKey(1), value: []byte("x,y")})
	st.produce("jsonval", kv{key: intKey(1), value: []byte("{")})

	want := map[string]string{
		"srkey":    "key: Error deserializing message from topic: srkey",
		"avroval":  "value: Error deserializing message from topic: avroval",
		"kafkakey": "key: Error deserializing KAFKA message from topic: kafkakey",
		"delimval": "value: Error deserializing delimited",
		"jsonval":  "value: Failed to deserialize value from topic: jsonval. ",
	}
	got := map[string]string{}
	causes := map[string][]string{}
	for _, r := range st.consume("default_ksql_processing_log", len(want)) {
		var e plogEntry
		if err := json.Unmarshal(r.value, &e); err != nil || e.Message.Deser == nil {
			t.Fatalf("processing log record %q: not a deserialization error (%v)", r.value, err)
		}
		d := e.Message.Deser
		got[d.Topic] = d.Target + ": " + d.ErrorMessage
		causes[d.Topic] = d.Cause
	}
	for topic, w := range want {
		g := got[topic]
		if topic == "jsonval" {
			g = g[:min(len(g), len(w))] // the JSON parser's own words follow
		}
		if g != w {
			t.Errorf("%s: logged %q, want %q", topic, got[topic], w)
		}
		if len(causes[topic]) == 0 {
			t.Errorf("%s: no cause logged under %q", topic, got[topic])
		}
	}
	if c := causes["srkey"]; len(c) == 0 || c[0] != "Cannot deserialize type int64 as type int32 for path: " {
		t.Errorf("srkey causes %q, want ConnectDataTranslator's %q first", c, "Cannot deserialize type int64 as type int32 for path: ")
	}
	// Kafka's IntegerDeserializer.deserialize(String, byte[]) (apache/kafka
	// 3.9 clients .../common/serialization/)
	if c := causes["kafkakey"]; len(c) == 0 || c[0] != "Size of data received by IntegerDeserializer is not 4" {
		t.Errorf("kafkakey causes %q, want IntegerDeserializer's %q first", c, "Size of data received by IntegerDeserializer is not 4")
	}
	if c := causes["jsonval"]; len(c) == 0 || !strings.HasSuffix(got["jsonval"], c[0]) {
		t.Errorf("jsonval: message %q does not end with its first cause %q", got["jsonval"], fmt.Sprint(c))
	}
}

// A JSON value nested deeper than Jackson reads is a deserialization
// error: ksqlDB 7.9 reads JSON with jackson-core 2.16.0 (confluentinc/common
// v7.9.0 pom, jackson.version), whose StreamReadConstraints allow 1000
// levels of unclosed arrays and objects (DEFAULT_MAX_DEPTH) and refuse the
// next with "Document nesting depth (1001) exceeds the maximum allowed
// (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
// (validateNestingDepth). The record is logged and skipped; the ones
// around it go through, however deep the refused one is.
func TestAJSONValueNestedDeeperThanJacksonReadsIsLoggedAndSkipped(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	st.createTopic("deep", 1)
	mustKSQL(t, url, "CREATE STREAM DEEP (K INT KEY, V STRING) WITH (KAFKA_TOPIC='deep', VALUE_FORMAT='JSON');"+
		"CREATE STREAM DEEP_OUT AS SELECT K, V FROM DEEP;", earliest())
	nested := func(levels int) string { return strings.Repeat("[", levels) + strings.Repeat("]", levels) }
	st.produce("deep", kv{key: intKey(1), value: []byte(`{"V":` + nested(999) + `}`)}) // 1000 levels with the object
	st.produce("deep", kv{key: intKey(2), value: []byte(`{"V":` + nested(1000) + `}`)})
	st.produce("deep", kv{key: intKey(3), value: []byte(`{"V":` + nested(400000) + `}`)})
	st.produce("deep", kv{key: intKey(4), value: []byte(`{"V":"shallow"}`)})

	out := st.consume("DEEP_OUT", 2)
	if got := string(out[0].value); got != `{"V":"`+nested(999)+`"}` {
		t.Errorf("the record 1000 levels deep went out as %.80q..., want its array as text", got)
	}
	if got := string(out[1].value); got != `{"V":"shallow"}` {
		t.Errorf("second output %q, want the shallow record", got)
	}
	const limit = "Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
	for i, r := range st.consume("default_ksql_processing_log", 2) {
		var e plogEntry
		if err := json.Unmarshal(r.value, &e); err != nil || e.Message.Deser == nil {
			t.Fatalf("processing log record %q: not a deserialization error (%v)", r.value, err)
		}
		if msg := e.Message.Deser.ErrorMessage; !strings.HasPrefix(msg, "Failed to deserialize value from topic: deep. ") || !strings.Contains(msg, limit) {
			t.Errorf("processing log record %d: %q, want Jackson's nesting limit", i, msg)
		}
	}
}

// An Avro value whose array claims 2^31-1 items in six bytes (its schema
// registered, its wire header right) is a record ksqlDB cannot
// deserialize: logged and skipped by a query, shown in no Avro format by
// PRINT, and the server goes on; decoded as it claims, it would ask for
// 32 GiB at once, which ends a Go process (avroguard).
func TestAnAvroValueClaimingMoreItemsThanItHoldsIsLoggedSkippedAndPrintedUndecoded(t *testing.T) {
	st := newStack(t)
	_, url := st.serve(WithProcessingLog())
	st.createTopic("claims", 1)
	schema := `{"type":"record","name":"R","fields":[{"name":"A","type":["null",{"type":"array","items":["null","long"]}]}]}`
	id := registerSchema(t, st.reg.URL(), "claims-value", schema)
	bomb := binary.BigEndian.AppendUint32([]byte{0}, uint32(id))
	bomb = append(binary.AppendVarint(append(bomb, 2), 1<<31-1), 0) // the union's array branch, its block count
	st.produce("claims", kv{key: intKey(1), value: wire(t, id, schema, map[string]any{"A": map[string]any{"array": []any{map[string]any{"long": 7}}}})})
	st.produce("claims", kv{key: intKey(2), value: bomb})
	st.produce("claims", kv{key: intKey(3), value: wire(t, id, schema, map[string]any{"A": nil})})
	mustKSQL(t, url, "CREATE STREAM CLAIMS (K INT KEY) WITH (KAFKA_TOPIC='claims', VALUE_FORMAT='AVRO');"+
		"CREATE STREAM CLAIMS_OUT WITH (VALUE_FORMAT='JSON') AS SELECT K, A FROM CLAIMS;", earliest())

	out := st.consume("CLAIMS_OUT", 2)
	if a, b := string(out[0].value), string(out[1].value); a != `{"A":[7]}` || b != `{"A":null}` {
		t.Errorf("outputs %s, %s; want the records around the refused one", a, b)
	}
	for _, r := range st.consume("default_ksql_processing_log", 1) {
		var e plogEntry
		if err := json.Unmarshal(r.value, &e); err != nil || e.Message.Deser == nil || e.Message.Deser.Topic != "claims" {
			t.Errorf("processing log record %q: not the record's deserialization error (%v)", r.value, err)
		}
	}
	code, body := printBody(t, url, "PRINT 'claims' FROM BEGINNING LIMIT 3;")
	if code != 200 || !strings.Contains(body, "key: 2,") || strings.Count(body, "rowtime:") != 3 {
		t.Errorf("PRINT: %d\n%s", code, body)
	}
	if code, body := post(t, url, "/ksql", "LIST STREAMS;", nil); code != 200 {
		t.Errorf("the server after the record: %d %s", code, body)
	}
}
