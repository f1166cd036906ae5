package restproxy

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/twmb/franz-go/pkg/sr"
)

const (
	weatherTopic     = "org.chicago.cta.weather.v1"
	weatherKeySchema = `{"namespace": "com.udacity", "type": "record", "name": "weather.key", "fields": [{"name": "timestamp", "type": "long"}]}`
	weatherValSchema = `{"namespace": "com.udacity", "type": "record", "name": "weather.value", "fields": [{"name": "temperature", "type": "float"}, {"name": "status", "type": {"type": "enum", "name": "weather_status", "symbols": ["sunny", "partly_cloudy", "cloudy", "windy", "precipitation"]}}]}`
)

// weatherRequest is the reference weather producer's request body.
func weatherRequest(ts int64, temp float64, status string) map[string]any {
	return map[string]any{
		"key_schema":   weatherKeySchema,
		"value_schema": weatherValSchema,
		"records": []map[string]any{{
			"key":   map[string]any{"timestamp": ts},
			"value": map[string]any{"temperature": temp, "status": status},
		}},
	}
}

// decodeWire checks the Confluent wire format of b and decodes it with the
// schema the registry returns for the embedded id.
func decodeWire(t *testing.T, cl *sr.Client, b []byte) (int, map[string]any) {
	t.Helper()
	if len(b) < 5 || b[0] != 0 {
		t.Fatalf("not in the Confluent wire format: % x", b)
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	schema, err := cl.SchemaByID(ctx, id)
	if err != nil {
		t.Fatalf("fetch schema %d: %v", id, err)
	}
	codec, err := goavro.NewCodec(schema.Schema)
	if err != nil {
		t.Fatalf("parse schema %d: %v", id, err)
	}
	native, rest, err := codec.NativeFromBinary(b[5:])
	if err != nil || len(rest) != 0 {
		t.Fatalf("decode avro with schema %d: %v (%d bytes left)", id, err, len(rest))
	}
	m, ok := native.(map[string]any)
	if !ok {
		t.Fatalf("decoded %T, want a record", native)
	}
	return id, m
}

func TestWeatherAvroRequestIsRegisteredProducedAndDecodable(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)

	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", weatherRequest(1575000000000, 72.53, "partly_cloudy"))
	if resp.status != http.StatusOK {
		t.Fatalf("status %d body %s", resp.status, resp.body)
	}
	if resp.contentType != "application/vnd.kafka.v2+json" {
		t.Fatalf("content type %q", resp.contentType)
	}
	if !bytes.Contains(resp.body, []byte(`"error_code":null`)) || !bytes.Contains(resp.body, []byte(`"error":null`)) {
		t.Fatalf("response %s does not print explicit nulls", resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	if pr.KeySchemaID == nil || pr.ValueSchemaID == nil || *pr.KeySchemaID == *pr.ValueSchemaID {
		t.Fatalf("schema ids %s", resp.body)
	}
	if len(pr.Offsets) != 1 || pr.Offsets[0].Partition == nil || *pr.Offsets[0].Partition != 0 || *pr.Offsets[0].Offset != 0 {
		t.Fatalf("offsets %s", resp.body)
	}

	for _, subject := range []string{weatherTopic + "-key", weatherTopic + "-value"} {
		if !e.registry.SubjectExists(subject) {
			t.Fatalf("subject %s not registered", subject)
		}
	}

	rec := e.consume(weatherTopic, 1)[0]
	keyID, key := decodeWire(t, e.sr, rec.Key)
	valID, value := decodeWire(t, e.sr, rec.Value)
	if keyID != int(*pr.KeySchemaID) || valID != int(*pr.ValueSchemaID) {
		t.Fatalf("wire ids %d/%d, response ids %d/%d", keyID, valID, *pr.KeySchemaID, *pr.ValueSchemaID)
	}
	if key["timestamp"] != int64(1575000000000) {
		t.Fatalf("key %v", key)
	}
	if value["temperature"] != float32(72.53) || value["status"] != "partly_cloudy" {
		t.Fatalf("value %v", value)
	}

	// A second request with the same schemas gets the same ids and the next offset.
	resp = e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", weatherRequest(1575000060000, 70, "sunny"))
	var pr2 produceResponse
	resp.json(t, &pr2)
	if resp.status != http.StatusOK || *pr2.KeySchemaID != *pr.KeySchemaID || *pr2.ValueSchemaID != *pr.ValueSchemaID || *pr2.Offsets[0].Offset != 1 {
		t.Fatalf("second request: %d %s", resp.status, resp.body)
	}
}

func TestAvroWithSchemaIDs(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	ctx := context.Background()
	keyID, err := e.sr.RegisterSchema(ctx, weatherTopic+"-key", sr.Schema{Schema: weatherKeySchema}, -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	valID, err := e.sr.RegisterSchema(ctx, weatherTopic+"-value", sr.Schema{Schema: weatherValSchema}, -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"key_schema_id": %d, "value_schema_id": %d, "records": [
		{"key": {"timestamp": 1}, "value": {"temperature": 10, "status": "windy"}},
		{"value": {"temperature": -3.5, "status": "precipitation"}}]}`, keyID, valID)
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", body)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d body %s", resp.status, resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	if int(*pr.KeySchemaID) != keyID || int(*pr.ValueSchemaID) != valID || len(pr.Offsets) != 2 {
		t.Fatalf("response %s, want ids %d/%d", resp.body, keyID, valID)
	}
	recs := e.consume(weatherTopic, 2)
	if id, key := decodeWire(t, e.sr, recs[0].Key); id != keyID || key["timestamp"] != int64(1) {
		t.Fatalf("key %d %v", id, key)
	}
	if recs[1].Key != nil {
		t.Fatalf("second record key % x, want null", recs[1].Key)
	}
	if id, v := decodeWire(t, e.sr, recs[1].Value); id != valID || v["temperature"] != float32(-3.5) || v["status"] != "precipitation" {
		t.Fatalf("value %d %v", id, v)
	}
}

func TestAvroSchemaIDNotUnderTopicSubjectIsRejected(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	otherID, err := e.sr.RegisterSchema(context.Background(), "other-value", sr.Schema{Schema: weatherValSchema}, -1, -1)
	if err != nil {
		t.Fatal(err)
	}
	before := e.endOffsets(weatherTopic)
	for name, body := range map[string]string{
		"registered elsewhere": fmt.Sprintf(`{"value_schema_id": %d, "records": [{"value": {"temperature": 1, "status": "sunny"}}]}`, otherID),
		"unknown id":           `{"value_schema_id": 9999, "records": [{"value": {"temperature": 1, "status": "sunny"}}]}`,
	} {
		resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", body)
		code, msg := resp.apiErr(t)
		if resp.status != http.StatusRequestTimeout || code != 40801 {
			t.Fatalf("%s: %d %d %s", name, resp.status, code, msg)
		}
	}
	e.assertUnchanged(weatherTopic, before)
}

func TestAvroDataNotMatchingSchemaWritesNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 3)
	before := e.endOffsets(weatherTopic)
	schemaWithDefault := `{"type":"record","name":"r","fields":[{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}]}`
	nullable := `{"type":"record","name":"n","fields":[{"name":"s","type":["null","string"]}]}`
	cases := map[string]map[string]any{
		"string for a float":  weatherRequest(1, 0, "sunny"),
		"unknown enum symbol": weatherRequest(1, 20, "snow"),
		"second record bad": {
			"key_schema": weatherKeySchema, "value_schema": weatherValSchema,
			"records": []map[string]any{
				{"key": map[string]any{"timestamp": 1}, "value": map[string]any{"temperature": 1, "status": "sunny"}},
				{"key": map[string]any{"timestamp": 2}, "value": map[string]any{"temperature": 1}},
			},
		},
		"missing field that has a default": {
			"value_schema": schemaWithDefault,
			"records":      []map[string]any{{"value": map[string]any{"a": 1}}},
		},
		"bare union value": {
			"value_schema": nullable,
			"records":      []map[string]any{{"value": map[string]any{"s": "x"}}},
		},
		"unknown field": {
			"value_schema": nullable,
			"records":      []map[string]any{{"value": map[string]any{"s": nil, "t": 1}}},
		},
	}
	cases["string for a float"]["records"].([]map[string]any)[0]["value"].(map[string]any)["temperature"] = "hot"
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", body)
			code, msg := resp.apiErr(t)
			if resp.status != http.StatusBadRequest || code != 400 || !strings.HasPrefix(msg, "Bad Request: ") {
				t.Fatalf("%d %d %q", resp.status, code, msg)
			}
		})
	}
	e.assertUnchanged(weatherTopic, before)

	// The wrapped union form of the same record is accepted.
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", map[string]any{
		"value_schema": nullable,
		"records":      []map[string]any{{"value": map[string]any{"s": map[string]any{"string": "x"}}}, {"value": map[string]any{"s": nil}}},
	})
	if resp.status != http.StatusOK {
		t.Fatalf("wrapped union: %d %s", resp.status, resp.body)
	}
}

func TestAvroMissingSchemas(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	before := e.endOffsets(weatherTopic)
	cases := []struct {
		name string
		body string
		code int
		msg  string
	}{
		{"key without key schema", `{"value_schema": ` + quote(weatherValSchema) + `, "records": [{"key": {"timestamp": 1}, "value": {"temperature": 1, "status": "sunny"}}]}`,
			42201, "Request includes keys but does not include key schema"},
		{"value without value schema", `{"key_schema": ` + quote(weatherKeySchema) + `, "records": [{"key": {"timestamp": 1}, "value": {"temperature": 1, "status": "sunny"}}]}`,
			42202, "Request includes values but does not include value schema"},
		{"no schemas at all", `{"records": [{"value": {"temperature": 1, "status": "sunny"}}]}`,
			42202, "Request includes values but does not include value schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", c.body)
			code, msg := resp.apiErr(t)
			if resp.status != http.StatusUnprocessableEntity || code != c.code || msg != c.msg {
				t.Fatalf("%d %d %q", resp.status, code, msg)
			}
		})
	}
	e.assertUnchanged(weatherTopic, before)

	// A null key needs no key schema.
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json",
		`{"value_schema": `+quote(weatherValSchema)+`, "records": [{"key": null, "value": {"temperature": 1, "status": "sunny"}}]}`)
	var pr produceResponse
	resp.json(t, &pr)
	if resp.status != http.StatusOK || pr.KeySchemaID != nil || pr.ValueSchemaID == nil {
		t.Fatalf("null key: %d %s", resp.status, resp.body)
	}
}

func TestAvroInvalidSchemaIsRejected(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	before := e.endOffsets(weatherTopic)
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json",
		`{"value_schema": "{\"type\": \"record\", \"name\": \"x\"}", "records": [{"value": {}}]}`)
	code, msg := resp.apiErr(t)
	if resp.status != http.StatusBadRequest || code != 400 || msg != "Bad Request: Error parsing schema with format = AVRO" {
		t.Fatalf("%d %d %q", resp.status, code, msg)
	}
	resp = e.post(weatherTopic, "application/vnd.kafka.avro.v2+json",
		`{"value_schema": `+quote(weatherValSchema)+`, "value_schema_id": 1, "records": []}`)
	if code, _ := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 {
		t.Fatalf("schema and id together: %d %s", resp.status, resp.body)
	}
	e.assertUnchanged(weatherTopic, before)
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	b.WriteString(strings.ReplaceAll(s, `"`, `\"`))
	b.WriteByte('"')
	return b.String()
}
