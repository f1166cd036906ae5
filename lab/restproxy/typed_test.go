package restproxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protowire"

	"github.com/ctalab/ctalab/lab/registry"
)

// JSON Schema and Protobuf embedded formats against the embedded Schema
// Registry (kafka-rest 7.9 SchemaRecordSerializerImpl, SchemaManagerImpl;
// https://docs.confluent.io/platform/7.9/kafka-rest/api.html;
// wire format: https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html#wire-format).

func newRegistryEnv(t *testing.T) *env {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.DataDir(t.TempDir()))
	if err != nil {
		t.Fatalf("start kfake: %v", err)
	}
	t.Cleanup(cluster.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := registry.New(ctx, cluster.ListenAddrs())
	if err != nil {
		t.Fatalf("new registry: %v", err)
	}
	t.Cleanup(func() { _ = reg.Close() })
	regSrv := httptest.NewServer(reg)
	t.Cleanup(regSrv.Close)
	proxy, err := New(ctx, cluster.ListenAddrs(), regSrv.URL)
	if err != nil {
		t.Fatalf("new proxy: %v", err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	server := httptest.NewServer(proxy)
	t.Cleanup(server.Close)
	client, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...))
	if err != nil {
		t.Fatalf("new kafka client: %v", err)
	}
	t.Cleanup(client.Close)
	srClient, err := sr.NewClient(sr.URLs(regSrv.URL))
	if err != nil {
		t.Fatalf("new registry client: %v", err)
	}
	return &env{t: t, cluster: cluster, proxy: proxy, server: server, client: client, admin: kadm.NewClient(client), sr: srClient}
}

const tripSchema = `{"type":"object","properties":{"run":{"type":"integer"},"line":{"type":"string"}},"required":["run"]}`

func TestJSONSchemaProduceValidatesAndWritesTheWireFormat(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("trips", 1)
	body := `{"value_schema":` + quote(tripSchema) + `,"records":[{"value":{"run":801,"line":"red"}}]}`
	resp := e.post("trips", ctJSONSchema, body)
	if resp.status != http.StatusOK {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	if pr.ValueSchemaID == nil || pr.KeySchemaID != nil {
		t.Fatalf("schema ids: %s", resp.body)
	}
	// The registry holds the schema as a JSON schema under trips-value.
	ss, err := e.sr.SchemaByVersion(context.Background(), "trips-value", -1)
	if err != nil || ss.Type != sr.TypeJSON || ss.ID != int(*pr.ValueSchemaID) {
		t.Fatalf("registered: %+v %v", ss, err)
	}
	rec := e.consume("trips", 1)[0]
	var h sr.ConfluentHeader
	id, payload, err := h.DecodeID(rec.Value)
	if err != nil || id != int(*pr.ValueSchemaID) {
		t.Fatalf("wire header: id %d err %v", id, err)
	}
	var got map[string]any
	if err := json.Unmarshal(payload, &got); err != nil || got["run"] != float64(801) || got["line"] != "red" {
		t.Fatalf("payload %s: %v", payload, err)
	}

	// A record the schema rejects is refused and nothing is written.
	before := e.endOffsets("trips")
	bad := map[string]any{"value_schema_id": *pr.ValueSchemaID, "records": []map[string]any{{"value": map[string]any{"line": "blue"}}}}
	resp = e.post("trips", ctJSONSchema, bad)
	// everit's ValidationException message, through kafka-rest's
	// BadRequestException.
	if code, msg := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 || msg != "Bad Request: #: required key [run] not found" {
		t.Fatalf("invalid record: %d %s", resp.status, resp.body)
	}
	bad = map[string]any{"value_schema_id": *pr.ValueSchemaID, "records": []map[string]any{{"value": map[string]any{"run": "801"}}}}
	resp = e.post("trips", ctJSONSchema, bad)
	if code, msg := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 || msg != "Bad Request: #/run: expected type: Integer, found: String" {
		t.Fatalf("mistyped record: %d %s", resp.status, resp.body)
	}
	e.assertUnchanged("trips", before)

	// A consumer of format jsonschema reads the JSON back.
	_, base := e.createConsumer("jg", `{"name":"j1","format":"jsonschema","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	if r := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["trips"]}`)); r.status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	recs := e.pollRecords(path, ctJSONSchema, 1)
	if v := string(recs[0]["value"]); v != `{"run":801,"line":"red"}` {
		t.Fatalf("consumed value %s", v)
	}
}

func TestJSONSchemaRawSchemaThatIsNotJSONIs42205(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("trips", 1)
	resp := e.post("trips", ctJSONSchema, map[string]any{"value_schema": "{not json", "records": []map[string]any{{"value": 1}}})
	code, msg := resp.apiErr(t)
	if resp.status != http.StatusUnprocessableEntity || code != 42205 || msg != "Invalid schema: Error when parsing raw schema. format = JSONSCHEMA, schema = {not json" {
		t.Fatalf("raw schema not JSON: %d %s", resp.status, resp.body)
	}
}

const trainProto = `syntax = "proto3";
package cta;
message Train {
  string run = 1;
  int32 next_station = 2;
  bool delayed = 3;
}
`

func TestProtobufProduceWritesMessageIndexesAndPayload(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("trains", 1)
	body := map[string]any{"value_schema": trainProto, "records": []map[string]any{{"value": map[string]any{"run": "801", "nextStation": 40380}}}}
	resp := e.post("trains", ctProtobuf, body)
	if resp.status != http.StatusOK {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	var pr produceResponse
	resp.json(t, &pr)
	ss, err := e.sr.SchemaByVersion(context.Background(), "trains-value", -1)
	if err != nil || ss.Type != sr.TypeProtobuf || ss.ID != int(*pr.ValueSchemaID) {
		t.Fatalf("registered: %+v %v", ss, err)
	}
	rec := e.consume("trains", 1)[0]
	var h sr.ConfluentHeader
	id, rest, err := h.DecodeID(rec.Value)
	if err != nil || id != int(*pr.ValueSchemaID) {
		t.Fatalf("wire header: %d %v", id, err)
	}
	idx, payload, err := h.DecodeIndex(rest, 8)
	if err != nil || len(idx) != 1 || idx[0] != 0 || rest[0] != 0 {
		t.Fatalf("message indexes %v (first byte %d): %v", idx, rest[0], err)
	}
	// Field 1 (string "801") and field 2 (varint 40380); field 3 is
	// false, proto3's default, and not written.
	want := protowire.AppendTag(nil, 1, protowire.BytesType)
	want = protowire.AppendString(want, "801")
	want = protowire.AppendTag(want, 2, protowire.VarintType)
	want = protowire.AppendVarint(want, 40380)
	if string(payload) != string(want) {
		t.Fatalf("payload %x, want %x", payload, want)
	}

	// An unknown field is refused (JsonFormat.parser rejects it).
	before := e.endOffsets("trains")
	resp = e.post("trains", ctProtobuf, map[string]any{"value_schema_id": *pr.ValueSchemaID, "records": []map[string]any{{"value": map[string]any{"color": "red"}}}})
	if code, _ := resp.apiErr(t); resp.status != http.StatusBadRequest || code != 400 {
		t.Fatalf("unknown field: %d %s", resp.status, resp.body)
	}
	e.assertUnchanged("trains", before)

	// A protobuf consumer prints the message with default values included.
	_, base := e.createConsumer("pg", `{"name":"p1","format":"protobuf","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	if r := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["trains"]}`)); r.status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	recs := e.pollRecords(path, ctProtobuf, 1)
	if v := string(recs[0]["value"]); v != `{"run":"801","nextStation":40380,"delayed":false}` {
		t.Fatalf("consumed value %s", v)
	}
}

// A record for a nested message carries its index path; the consumer
// finds the message from it.
func TestProtobufMessageIndexesOfNestedMessagesAreRead(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("nested", 1)
	schema := "syntax = \"proto3\";\nmessage A { string a = 1; }\nmessage B { message C { int32 c = 1; } }\n"
	id, err := e.sr.RegisterSchema(context.Background(), "nested-value", sr.Schema{Schema: schema, Type: sr.TypeProtobuf}, -1, -1)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	var h sr.ConfluentHeader
	value, err := h.AppendEncode(nil, id, []int{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	value = protowire.AppendTag(value, 1, protowire.VarintType)
	value = protowire.AppendVarint(value, 7)
	e.produceRaw("nested", 0, [2][]byte{nil, value})
	_, base := e.createConsumer("ng", `{"name":"n1","format":"protobuf","auto.offset.reset":"earliest"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	if r := e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["nested"]}`)); r.status != http.StatusNoContent {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	recs := e.pollRecords(path, ctProtobuf, 1)
	if v := string(recs[0]["value"]); v != `{"c":7}` {
		t.Fatalf("consumed value %s", v)
	}
}

func TestV3ProducesJSONSchemaAndProtobufRecords(t *testing.T) {
	e := newRegistryEnv(t)
	e.createTopic("v3typed", 1)
	ctx := context.Background()
	if _, err := e.sr.RegisterSchema(ctx, "v3typed-value", sr.Schema{Schema: trainProto, Type: sr.TypeProtobuf}, -1, -1); err != nil {
		t.Fatal(err)
	}
	clusterPath := "/v3/clusters/" + e.clusterID() + "/topics/v3typed/records"
	resp := e.do(http.MethodPost, clusterPath, "application/json", []byte(`{"value":{"data":{"run":"802"}}}`))
	if resp.status != http.StatusOK || !strings.Contains(string(resp.body), `"type":"PROTOBUF"`) {
		t.Fatalf("v3 latest protobuf: %d %s", resp.status, resp.body)
	}
	resp = e.do(http.MethodPost, clusterPath, "application/json", []byte(`{"key":{"type":"JSONSCHEMA","schema":"{\"type\":\"string\"}","data":"k1"},"value":{"data":{"run":"803"}}}`))
	if resp.status != http.StatusOK || !strings.Contains(string(resp.body), `"type":"JSONSCHEMA"`) {
		t.Fatalf("v3 raw jsonschema key: %d %s", resp.status, resp.body)
	}
	recs := e.consume("v3typed", 2)
	var h sr.ConfluentHeader
	if _, payload, err := h.DecodeID(recs[1].Key); err != nil || string(payload) != `"k1"` {
		t.Fatalf("key %q: %v", recs[1].Key, err)
	}
}
