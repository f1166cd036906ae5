package restproxy

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// CP 7.9's REST Proxy turns Avro JSON into Avro with Avro 1.11's JsonDecoder
// (AvroSchemaUtils.toObject), whose readInt/readLong accept any JSON number
// and take Jackson's getIntValue/getLongValue of it: a fraction is truncated
// toward zero (apache/avro release-1.11.4,
// lang/java/avro/src/main/java/org/apache/avro/io/JsonDecoder.java). Course
// solutions send Python's datetime.timestamp(), a float, as a long key.
func TestAvroLongAndIntFieldsTakeFractionalNumbersTruncated(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	body := `{"key_schema": ` + quoteJSON(weatherKeySchema) + `, "value_schema": ` + quoteJSON(`{"type":"record","name":"v","fields":[
		{"name":"temperature","type":"int"},
		{"name":"readings","type":{"type":"array","items":"long"}},
		{"name":"maybe","type":["null","long"]}]}`) + `, "records": [
		{"key": {"timestamp": 1796378099.75}, "value": {"temperature": -3.9, "readings": [1.5, 2e3, -0.5], "maybe": {"long": 7.2}}}]}`
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", body)
	if resp.status != http.StatusOK {
		t.Fatalf("status %d body %s", resp.status, resp.body)
	}
	rec := e.consume(weatherTopic, 1)[0]
	_, key := decodeWire(t, e.sr, rec.Key)
	_, value := decodeWire(t, e.sr, rec.Value)
	if key["timestamp"] != int64(1796378099) {
		t.Errorf("key timestamp %v, want 1796378099", key["timestamp"])
	}
	if value["temperature"] != int32(-3) {
		t.Errorf("temperature %v (%T), want -3", value["temperature"], value["temperature"])
	}
	r, _ := value["readings"].([]any)
	if len(r) != 3 || r[0] != int64(1) || r[1] != int64(2000) || r[2] != int64(0) {
		t.Errorf("readings %v, want [1 2000 0]", value["readings"])
	}
	if m, _ := value["maybe"].(map[string]any); m["long"] != int64(7) {
		t.Errorf("maybe %v, want {long: 7}", value["maybe"])
	}
}

// A number outside a long's range is refused (Jackson reports the overflow)
// and nothing is written.
func TestAvroLongOutOfRangeIsRefusedAndNothingWritten(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	before := e.endOffsets(weatherTopic)
	body := `{"key_schema": ` + quoteJSON(weatherKeySchema) + `, "value_schema": "\"string\"", "records": [
		{"key": {"timestamp": 1e30}, "value": "x"}]}`
	resp := e.post(weatherTopic, "application/vnd.kafka.avro.v2+json", body)
	if resp.status != http.StatusBadRequest || !strings.Contains(string(resp.body), "out of range of long") {
		t.Fatalf("status %d body %s; want 400 naming the long overflow", resp.status, resp.body)
	}
	e.assertUnchanged(weatherTopic, before)
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
