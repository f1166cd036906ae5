package restproxy

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Specs for API v3. Shapes follow the examples of api/v3/openapi.yaml in
// confluentinc/kafka-rest v7.9.0 and
// https://docs.confluent.io/platform/7.9/kafka-rest/api.html#v3-api.

func (e *env) clusterID() string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := e.admin.Metadata(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	return m.Cluster
}

func TestV3ClusterIsTheBrokersClusterWithRelatedLinks(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	base := e.server.URL + "/v3/clusters/" + id
	want := `{"kind":"KafkaCluster","metadata":{"self":"` + base + `","resource_name":"crn:///kafka=` + id + `"},` +
		`"cluster_id":"` + id + `","controller":{"related":"` + base + `/brokers/0"},` +
		`"acls":{"related":"` + base + `/acls"},"brokers":{"related":"` + base + `/brokers"},` +
		`"broker_configs":{"related":"` + base + `/broker-configs"},"consumer_groups":{"related":"` + base + `/consumer-groups"},` +
		`"topics":{"related":"` + base + `/topics"},"partition_reassignments":{"related":"` + base + `/topics/-/partitions/-/reassignment"}}`

	resp := e.do(http.MethodGet, "/v3/clusters/"+id, "", nil)
	if resp.status != 200 || resp.contentType != "application/json" || string(resp.body) != want {
		t.Fatalf("cluster: %d %s\n%s\nwant\n%s", resp.status, resp.contentType, resp.body, want)
	}
	resp = e.do(http.MethodGet, "/v3/clusters", "", nil)
	wantList := `{"kind":"KafkaClusterList","metadata":{"self":"` + e.server.URL + `/v3/clusters","next":null},"data":[` + want + `]}`
	if string(resp.body) != wantList {
		t.Fatalf("clusters: %s", resp.body)
	}

	e.wantError(e.do(http.MethodGet, "/v3/clusters/nope", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/nope/topics", "", nil), 404, 404, "Cluster nope cannot be found.")

	resp = e.do(http.MethodGet, "/v3/clusters/"+id+"/brokers/0", "", nil)
	var broker map[string]any
	resp.json(t, &broker)
	if broker["kind"] != "KafkaBroker" || broker["broker_id"] != float64(0) || broker["host"] == nil || broker["port"] == nil {
		t.Fatalf("broker: %s", resp.body)
	}
}

// v3 resources @Consumes and @Produces application/json only.
func TestV3RefusesOtherMediaTypes(t *testing.T) {
	e := newEnv(t, envOptions{})
	topics := "/v3/clusters/" + e.clusterID() + "/topics"
	e.wantError(e.do(http.MethodPost, topics, "application/vnd.kafka.v2+json", []byte(`{"topic_name":"m"}`)), 415, 415, "HTTP 415 Unsupported Media Type")
	resp := e.do(http.MethodGet, topics, "", nil, "Accept", "application/vnd.kafka.v2+json")
	e.wantError(resp, 406, 406, "HTTP 406 Not Acceptable")
	if resp.contentType != "application/json" {
		t.Fatalf("v3 error content type %q", resp.contentType)
	}
	if resp := e.do(http.MethodGet, "/v3/clusters/x/nothing", "", nil); resp.contentType != "application/json" {
		t.Fatalf("v3 404 content type %q", resp.contentType)
	}
}

// Resources this proxy does not serve answer as api.endpoints.blocklist
// makes the real one answer: GET 404, other methods 405.
func TestV3UnservedResourcesAnswerLikeBlocklistedEndpoints(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := "/v3/clusters/" + e.clusterID()
	e.createTopic("blk", 1)
	e.wantError(e.do(http.MethodGet, c+"/acls", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodPost, c+"/acls", "application/json", []byte(`{}`)), 405, 405, "HTTP 405 Method Not Allowed")
	e.wantError(e.do(http.MethodPatch, c+"/topics/blk", "application/json", []byte(`{"partitions_count":3}`)), 405, 405, "HTTP 405 Method Not Allowed")
	e.wantError(e.do(http.MethodDelete, c+"/brokers/0", "", nil), 405, 405, "HTTP 405 Method Not Allowed")
	e.wantError(e.do(http.MethodGet, c+"/brokers/0/partition-replicas", "", nil), 404, 404, "HTTP 404 Not Found")
	// Served resources next to them still answer.
	if resp := e.do(http.MethodGet, c+"/topics/blk/configs/retention.ms", "", nil); resp.status != 200 {
		t.Fatalf("topic config: %d %s", resp.status, resp.body)
	}
}

func TestV3TopicLifecycle(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	base := "/v3/clusters/" + id + "/topics"
	body := `{"topic_name":"life","partitions_count":3,"replication_factor":1,"configs":[{"name":"cleanup.policy","value":"compact"}]}`
	resp := e.do(http.MethodPost, base, "application/json", []byte(body))
	self := e.server.URL + base + "/life"
	want := `{"kind":"KafkaTopic","metadata":{"self":"` + self + `","resource_name":"crn:///kafka=` + id + `/topic=life"},` +
		`"cluster_id":"` + id + `","topic_name":"life","is_internal":false,"replication_factor":1,"partitions_count":3,` +
		`"partitions":{"related":"` + self + `/partitions"},"configs":{"related":"` + self + `/configs"},` +
		`"partition_reassignments":{"related":"` + self + `/partitions/-/reassignment"},"authorized_operations":[]}`
	if resp.status != http.StatusCreated || string(resp.body) != want {
		t.Fatalf("create: %d %s\nwant %s", resp.status, resp.body, want)
	}

	if resp := e.do(http.MethodGet, base+"/life", "", nil); resp.status != 200 || string(resp.body) != want {
		t.Fatalf("get: %d %s", resp.status, resp.body)
	}
	resp = e.do(http.MethodGet, base, "", nil)
	if resp.status != 200 || !strings.Contains(string(resp.body), want) || !strings.Contains(string(resp.body), `"kind":"KafkaTopicList"`) {
		t.Fatalf("list: %d %s", resp.status, resp.body)
	}

	resp = e.do(http.MethodGet, base+"/life/configs/cleanup.policy", "", nil)
	var cfg map[string]any
	resp.json(t, &cfg)
	if cfg["kind"] != "KafkaTopicConfig" || cfg["value"] != "compact" || cfg["source"] != "DYNAMIC_TOPIC_CONFIG" || cfg["is_default"] != false {
		t.Fatalf("config: %s", resp.body)
	}
	resp = e.do(http.MethodGet, base+"/life/partitions", "", nil)
	var parts struct {
		Kind string           `json:"kind"`
		Data []map[string]any `json:"data"`
	}
	resp.json(t, &parts)
	if parts.Kind != "KafkaPartitionList" || len(parts.Data) != 3 || parts.Data[2]["partition_id"] != float64(2) {
		t.Fatalf("partitions: %s", resp.body)
	}

	resp = e.do(http.MethodGet, base+"/life/partitions/1/replicas/0", "", nil)
	wantReplica := `{"kind":"KafkaReplica","metadata":{"self":"` + self + `/partitions/1/replicas/0","resource_name":"crn:///kafka=` + id + `/topic=life/partition=1/replica=0"},` +
		`"cluster_id":"` + id + `","topic_name":"life","partition_id":1,"broker_id":0,"is_leader":true,"is_in_sync":true,` +
		`"broker":{"related":"` + e.server.URL + `/v3/clusters/` + id + `/brokers/0"}}`
	if resp.status != 200 || string(resp.body) != wantReplica {
		t.Fatalf("replica: %d %s\nwant %s", resp.status, resp.body, wantReplica)
	}

	e.wantError(e.do(http.MethodPost, base, "application/json", []byte(body)), 400, 40002, "Topic 'life' already exists.")
	e.wantError(e.do(http.MethodPost, base, "application/json", []byte(`{"topic_name":"bad name!"}`)), 422, 42206, "Payload error. Invalid topic name.")

	if resp := e.do(http.MethodDelete, base+"/life", "", nil); resp.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", resp.status, resp.body)
	}
	e.wantError(e.do(http.MethodGet, base+"/life", "", nil), 404, 40403, "This server does not host this topic-partition.")
}

// readStream splits a streamed produce answer into its objects.
func readStream(t *testing.T, body []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stream line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func TestV3ProduceStreamAnswersEachRecordInOrder(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("v3rec", 1)
	id := e.clusterID()
	body := `{"partition_id":0,"key":{"type":"BINARY","data":"a2V5"},"value":{"type":"JSON","data":{"n":1}}}
{"partition_id":0,"value":{"type":"BINARY","data":"not base64!"}}
{"partition_id":0,"value":{"type":"STRING","data":"plain text"}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+id+"/topics/v3rec/records", "application/json", []byte(body))
	if resp.status != 200 {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	if !bytes.HasSuffix(resp.body, []byte("}\r\n")) {
		t.Fatalf("objects are not followed by CRLF: %q", resp.body)
	}
	got := readStream(t, resp.body)
	if len(got) != 3 {
		t.Fatalf("want 3 answers, got %s", resp.body)
	}
	first := got[0]
	if first["error_code"] != float64(200) || first["cluster_id"] != id || first["topic_name"] != "v3rec" ||
		first["partition_id"] != float64(0) || first["offset"] != float64(0) {
		t.Fatalf("first: %v", first)
	}
	if _, err := time.Parse(time.RFC3339Nano, first["timestamp"].(string)); err != nil {
		t.Fatalf("timestamp %v: %v", first["timestamp"], err)
	}
	if k := first["key"].(map[string]any); k["type"] != "BINARY" || k["size"] != float64(3) {
		t.Fatalf("key info %v", k)
	}
	if v := first["value"].(map[string]any); v["type"] != "JSON" || v["size"] != float64(len(`{"n":1}`)) {
		t.Fatalf("value info %v", v)
	}
	if got[1]["error_code"] != float64(400) || got[1]["message"] != `Bad Request: data="not base64!" is not a valid base64 string.` {
		t.Fatalf("second: %v", got[1])
	}
	if got[2]["offset"] != float64(1) {
		t.Fatalf("third: %v", got[2])
	}
	recs := e.consume("v3rec", 2)
	if string(recs[0].Key) != "key" || string(recs[0].Value) != `{"n":1}` || recs[1].Key != nil || string(recs[1].Value) != "plain text" {
		t.Fatalf("records %q/%q %q/%q", recs[0].Key, recs[0].Value, recs[1].Key, recs[1].Value)
	}
}

func TestV3ProduceAvroRegistersTheSchemaAndWritesTheWireFormat(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic(weatherTopic, 1)
	id := e.clusterID()
	schema, _ := json.Marshal(weatherValSchema)
	body := `{"value":{"type":"AVRO","schema":` + string(schema) + `,"data":{"temperature":20.5,"status":"windy"}}}`
	resp := e.do(http.MethodPost, "/v3/clusters/"+id+"/topics/"+weatherTopic+"/records", "application/json", []byte(body))
	got := readStream(t, resp.body)
	if len(got) != 1 || got[0]["error_code"] != float64(200) {
		t.Fatalf("produce: %d %s", resp.status, resp.body)
	}
	v := got[0]["value"].(map[string]any)
	if v["type"] != "AVRO" || v["subject"] != weatherTopic+"-value" || v["schema_version"] != float64(1) {
		t.Fatalf("value info %v", v)
	}
	recs := e.consume(weatherTopic, 1)
	schemaID, value := decodeWire(t, e.sr, recs[0].Value)
	if float64(schemaID) != v["schema_id"] || value["status"] != "windy" {
		t.Fatalf("wire schema %d value %v", schemaID, value)
	}

	// Without type or schema, the subject's latest schema is used.
	body = `{"value":{"data":{"temperature":1.0,"status":"sunny"}}}`
	got = readStream(t, e.do(http.MethodPost, "/v3/clusters/"+id+"/topics/"+weatherTopic+"/records", "application/json", []byte(body)).body)
	if len(got) != 1 || got[0]["error_code"] != float64(200) || got[0]["value"].(map[string]any)["schema_id"] != v["schema_id"] {
		t.Fatalf("latest schema produce: %v", got)
	}
}

func TestV3ConsumerGroupsShowMembersAndLag(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("lagged", 1)
	e.produceRaw("lagged", 0, [2][]byte{nil, []byte("1")}, [2][]byte{nil, []byte("2")}, [2][]byte{nil, []byte("3")})
	_, base := e.createConsumer("laggers", `{"name":"l1","auto.offset.reset":"earliest","auto.commit.enable":"false"}`)
	path := strings.TrimPrefix(base, e.server.URL)
	e.do(http.MethodPost, path+"/subscription", ctV2, []byte(`{"topics":["lagged"]}`))
	e.pollRecords(path, ctBinary, 3)
	if resp := e.do(http.MethodPost, path+"/offsets", ctV2, []byte(`{"offsets":[{"topic":"lagged","partition":0,"offset":0}]}`)); resp.status != 200 {
		t.Fatalf("commit: %d %s", resp.status, resp.body)
	}
	id := e.clusterID()
	g := "/v3/clusters/" + id + "/consumer-groups/laggers"

	resp := e.do(http.MethodGet, g, "", nil)
	var group map[string]any
	resp.json(t, &group)
	if group["kind"] != "KafkaConsumerGroup" || group["state"] != "STABLE" || group["is_simple"] != false || group["partition_assignor"] != "range" {
		t.Fatalf("group: %s", resp.body)
	}
	resp = e.do(http.MethodGet, g+"/consumers", "", nil)
	var consumers struct {
		Data []map[string]any `json:"data"`
	}
	resp.json(t, &consumers)
	if len(consumers.Data) != 1 || consumers.Data[0]["client_id"] != "consumer-laggers-l1" {
		t.Fatalf("consumers: %s", resp.body)
	}
	member := consumers.Data[0]["consumer_id"].(string)
	resp = e.do(http.MethodGet, g+"/consumers/"+member+"/assignments/lagged/partitions/0", "", nil)
	self := e.server.URL + g + "/consumers/" + member + "/assignments/lagged/partitions/0"
	wantAssignment := `{"kind":"KafkaConsumerAssignment","metadata":{"self":"` + self + `","resource_name":"crn:///kafka=` + id +
		`/consumer-group=laggers/consumer=` + member + `/assignment=lagged/partition=0"},"cluster_id":"` + id +
		`","consumer_group_id":"laggers","consumer_id":"` + member + `","topic_name":"lagged","partition_id":0,` +
		`"partition":{"related":"` + e.server.URL + `/v3/clusters/` + id + `/topics/lagged/partitions/0"},` +
		`"lag":{"related":"` + e.server.URL + g + `/lags/lagged/partitions/0"}}`
	if resp.status != 200 || string(resp.body) != wantAssignment {
		t.Fatalf("assignment: %d %s\nwant %s", resp.status, resp.body, wantAssignment)
	}

	// Committed offset 1 (after record 0), end offset 3: lag 2.
	resp = e.do(http.MethodGet, g+"/lags", "", nil)
	var lags struct {
		Kind string           `json:"kind"`
		Data []map[string]any `json:"data"`
	}
	resp.json(t, &lags)
	if lags.Kind != "KafkaConsumerLagList" || len(lags.Data) != 1 {
		t.Fatalf("lags: %s", resp.body)
	}
	l := lags.Data[0]
	if l["current_offset"] != float64(1) || l["log_end_offset"] != float64(3) || l["lag"] != float64(2) || l["consumer_id"] != any(member) {
		t.Fatalf("lag: %v", l)
	}
	resp = e.do(http.MethodGet, g+"/lag-summary", "", nil)
	var sum map[string]any
	resp.json(t, &sum)
	if sum["kind"] != "KafkaConsumerGroupLagSummary" || sum["max_lag"] != float64(2) || sum["total_lag"] != float64(2) || sum["max_lag_topic_name"] != "lagged" {
		t.Fatalf("lag summary: %s", resp.body)
	}
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/consumer-groups/nobody", "", nil), 404, 404, "HTTP 404 Not Found")
}

func TestV3ProduceBatchAnswersMultiStatus(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("batch", 1)
	url := "/v3/clusters/" + e.clusterID() + "/topics/batch/records:batch"
	body := `{"entries":[{"id":"first","value":{"type":"JSON","data":"ONE"}},{"id":"bad","value":{"type":"BINARY","data":"%%"}},{"id":"second","value":{"type":"STRING","data":"TWO"}}]}`
	resp := e.do(http.MethodPost, url, "application/json", []byte(body))
	var out struct {
		Successes []map[string]any `json:"successes"`
		Failures  []map[string]any `json:"failures"`
	}
	resp.json(t, &out)
	if resp.status != http.StatusMultiStatus || len(out.Successes) != 2 || len(out.Failures) != 1 {
		t.Fatalf("batch: %d %s", resp.status, resp.body)
	}
	if out.Successes[0]["id"] != "first" || out.Successes[0]["offset"] != float64(0) ||
		out.Successes[1]["id"] != "second" || out.Successes[1]["offset"] != float64(1) {
		t.Fatalf("successes %v", out.Successes)
	}
	if out.Failures[0]["id"] != "bad" || out.Failures[0]["error_code"] != float64(400) {
		t.Fatalf("failures %v", out.Failures)
	}
	e.wantError(e.do(http.MethodPost, url, "application/json", []byte(`{"entries":[]}`)), 422, 42208, "Empty batch.")
	e.wantError(e.do(http.MethodPost, url, "application/json", []byte(`{"entries":[{"id":"a"},{"id":"a"}]}`)), 422, 42208, "Batch entry IDs are not distinct.")
	e.wantError(e.do(http.MethodPost, url, "application/json", []byte(`{"entries":[{"id":1}]}`)), 422, 42208, "Batch entry identifier is not a valid string.")
}

func TestV3ProduceStreamReadsRecordsSentAfterTheFirstAnswer(t *testing.T) {
	// Jetty reads a streamed produce body while the answers are written
	// (kafka-rest v7.9.0 resources/v3/ProduceAction.java answers each
	// record as it is produced), so a body longer than one read still has
	// every record answered.
	e := newEnv(t, envOptions{})
	e.createTopic("v3long", 1)
	var body strings.Builder
	const n = 200
	for i := 0; i < n; i++ {
		fmt.Fprintf(&body, `{"value":{"type":"STRING","data":"%04d %s"}}`+"\n", i, strings.Repeat("x", 1000))
	}
	resp := e.do(http.MethodPost, "/v3/clusters/"+e.clusterID()+"/topics/v3long/records", "application/json", []byte(body.String()))
	got := readStream(t, resp.body)
	if resp.status != http.StatusOK || len(got) != n {
		t.Fatalf("%d, %d answers, last %v", resp.status, len(got), got[len(got)-1])
	}
	for i, a := range got {
		if a["error_code"] != float64(200) || a["offset"] != float64(i) {
			t.Fatalf("answer %d: %v", i, a)
		}
	}
}
