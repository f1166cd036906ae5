package restproxy

import (
	"net/http"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
)

// The v3 config resources, as kafka-rest v7.9.0 serves them
// (resources/v3/TopicConfigsResource.java, AlterTopicConfigBatchAction.java,
// ListAllTopicsConfigsAction.java, BrokerConfigsResource.java,
// AlterBrokerConfigBatchAction.java, ListAllBrokersConfigsAction.java,
// ClusterConfigsResource.java, AlterClusterConfigBatchAction.java, through
// controllers/AbstractConfigManager.java).

// configAt GETs one config resource and decodes it.
func (e *env) configAt(path string) map[string]any {
	e.t.Helper()
	resp := e.do(http.MethodGet, path, "", nil)
	if resp.status != http.StatusOK {
		e.t.Fatalf("GET %s: %d %s", path, resp.status, resp.body)
	}
	var m map[string]any
	resp.json(e.t, &m)
	return m
}

// configList GETs a config collection, checks its kind and self link, and
// returns its data.
func (e *env) configList(path, kind string) []map[string]any {
	e.t.Helper()
	resp := e.do(http.MethodGet, path, "", nil)
	var list struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Self string  `json:"self"`
			Next *string `json:"next"`
		} `json:"metadata"`
		Data []map[string]any `json:"data"`
	}
	resp.json(e.t, &list)
	if resp.status != http.StatusOK || list.Kind != kind || list.Metadata.Self != e.server.URL+path || list.Metadata.Next != nil {
		e.t.Fatalf("GET %s: %d %s", path, resp.status, resp.body)
	}
	return list.Data
}

// wantNoContent checks a write answered 204 with no body.
func (e *env) wantNoContent(resp response) {
	e.t.Helper()
	if resp.status != http.StatusNoContent || len(resp.body) != 0 {
		e.t.Fatalf("got %d %s, want 204 and no body", resp.status, resp.body)
	}
}

// wantConfig checks the fields a config write changes.
func wantConfig(t *testing.T, got map[string]any, value, source string, isDefault bool) {
	t.Helper()
	if got["value"] != value || got["source"] != source || got["is_default"] != isDefault {
		t.Fatalf("config %v: want value %q source %s is_default %v", got, value, source, isDefault)
	}
}

// TopicConfigsResourceIntegrationTest.getUpdateReset_withExistingConfig:
// PUT {"value":"compact"} answers 204 and the config is then the topic's
// own (DYNAMIC_TOPIC_CONFIG, not default); DELETE answers 204 and the
// broker's default is back.
func TestV3TopicConfigPutSetsTheTopicsValueAndDeleteResetsIt(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("topic-1", 1)
	cfg := "/v3/clusters/" + e.clusterID() + "/topics/topic-1/configs/cleanup.policy"
	wantConfig(t, e.configAt(cfg), "delete", "DEFAULT_CONFIG", true)

	e.wantNoContent(e.do(http.MethodPut, cfg, "application/json", []byte(`{"value":"compact"}`)))
	got := e.configAt(cfg)
	wantConfig(t, got, "compact", "DYNAMIC_TOPIC_CONFIG", false)
	if got["kind"] != "KafkaTopicConfig" || got["topic_name"] != "topic-1" || got["name"] != "cleanup.policy" {
		t.Fatalf("config after PUT: %v", got)
	}

	e.wantNoContent(e.do(http.MethodDelete, cfg, "", nil))
	wantConfig(t, e.configAt(cfg), "delete", "DEFAULT_CONFIG", true)
}

// TopicConfigsResourceIntegrationTest.alterConfigBatch_withExistingConfig:
// every entry of configs:alter is applied (operation SET when left out,
// DELETE resets), 204; AlterTopicConfigBatchAction: validate_only true
// answers 204 and changes nothing.
func TestV3TopicConfigsAlterAppliesEveryEntryAndValidateOnlyChangesNothing(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("topic-1", 1)
	base := "/v3/clusters/" + e.clusterID() + "/topics/topic-1/configs"
	e.wantNoContent(e.do(http.MethodPost, base+":alter", "application/json", []byte(
		`{"data":[{"name": "cleanup.policy","value":"compact"},{"name": "compression.type","value":"gzip"}]}`)))
	wantConfig(t, e.configAt(base+"/cleanup.policy"), "compact", "DYNAMIC_TOPIC_CONFIG", false)
	wantConfig(t, e.configAt(base+"/compression.type"), "gzip", "DYNAMIC_TOPIC_CONFIG", false)

	e.wantNoContent(e.do(http.MethodPost, base+":alter", "application/json", []byte(
		`{"data":[{"name":"cleanup.policy","operation":"DELETE"},{"name":"retention.ms","value":"1000","operation":"SET"}]}`)))
	wantConfig(t, e.configAt(base+"/cleanup.policy"), "delete", "DEFAULT_CONFIG", true)
	wantConfig(t, e.configAt(base+"/retention.ms"), "1000", "DYNAMIC_TOPIC_CONFIG", false)

	e.wantNoContent(e.do(http.MethodPost, base+":alter", "application/json", []byte(
		`{"data":[{"name":"retention.ms","value":"5"},{"name":"compression.type","operation":"DELETE"}],"validate_only":true}`)))
	wantConfig(t, e.configAt(base+"/retention.ms"), "1000", "DYNAMIC_TOPIC_CONFIG", false)
	wantConfig(t, e.configAt(base+"/compression.type"), "gzip", "DYNAMIC_TOPIC_CONFIG", false)
}

// AbstractConfigManager: a write to a config the topic does not describe
// is NotFoundException("Config %s cannot be found for %s %s in cluster
// %s."), which configs:alter rewraps as a bare NotFoundException(cause)
// ("HTTP 404 Not Found"); an unknown topic is 40403 "This server does not
// host this topic-partition."; a cluster other than the broker's fails
// listConfigs' cluster check and is rewrapped the same bare way.
// (TopicConfigsResourceIntegrationTest.*_nonExisting*_throwsNotFound.)
func TestV3TopicConfigWritesAnswerNotFoundAsKafkaRest(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.createTopic("topic-1", 1)
	id := e.clusterID()
	base := "/v3/clusters/" + id + "/topics/"
	body := []byte(`{"value":"compact"}`)
	missing := "Config foobar cannot be found for TOPIC topic-1 in cluster " + id + "."
	e.wantError(e.do(http.MethodPut, base+"topic-1/configs/foobar", "application/json", body), 404, 404, missing)
	e.wantError(e.do(http.MethodDelete, base+"topic-1/configs/foobar", "", nil), 404, 404, missing)
	e.wantError(e.do(http.MethodPost, base+"topic-1/configs:alter", "application/json",
		[]byte(`{"data":[{"name":"cleanup.policy","value":"compact"},{"name":"foobar","value":"x"}]}`)), 404, 404, "HTTP 404 Not Found")
	// nothing of a refused batch is applied
	wantConfig(t, e.configAt(base+"topic-1/configs/cleanup.policy"), "delete", "DEFAULT_CONFIG", true)

	unknownTopic := "This server does not host this topic-partition."
	e.wantError(e.do(http.MethodPut, base+"foobar/configs/cleanup.policy", "application/json", body), 404, 40403, unknownTopic)
	e.wantError(e.do(http.MethodDelete, base+"foobar/configs/cleanup.policy", "", nil), 404, 40403, unknownTopic)
	e.wantError(e.do(http.MethodPost, base+"foobar/configs:alter", "application/json",
		[]byte(`{"data":[{"name":"cleanup.policy","value":"compact"}]}`)), 404, 40403, unknownTopic)

	other := "/v3/clusters/foobar/topics/topic-1/configs"
	e.wantError(e.do(http.MethodPut, other+"/cleanup.policy", "application/json", body), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodDelete, other+"/cleanup.policy", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodPost, other+":alter", "application/json", []byte(`{"data":[]}`)), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, other, "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, other+"/cleanup.policy", "", nil), 404, 404, "HTTP 404 Not Found")
}

// topicConfigWriters starts a proxy with topic-1 and answers its configs'
// base path and writers of a body: PUT of cleanup.policy and configs:alter.
func topicConfigWriters(t *testing.T) (e *env, base string, put, alter func(body string) response) {
	e = newEnv(t, envOptions{})
	e.createTopic("topic-1", 1)
	base = "/v3/clusters/" + e.clusterID() + "/topics/topic-1/configs"
	put = func(body string) response {
		return e.do(http.MethodPut, base+"/cleanup.policy", "application/json", []byte(body))
	}
	alter = func(body string) response {
		return e.do(http.MethodPost, base+":alter", "application/json", []byte(body))
	}
	return e, base, put, alter
}

// The write bodies are bound as Jackson binds kafka-rest's
// UpdateTopicConfigRequest (a creator taking "value") and
// AlterTopicConfigBatchRequest (delegating to AlterConfigBatchRequestData:
// a creator taking "data" and "validate_only", each entry an AlterEntry
// creator taking "name", "value" and "operation" built through its AutoValue
// builder), and refusals answered as rest-utils answers them: 422
// "Unrecognized field: …" for a member the class lacks, 400 and Jackson's
// sanitised message otherwise. A missing body reaches the resource as null
// and fails it with a NullPointerException (GenericExceptionMapper, 500).
func TestV3ConfigWriteBodiesAreBoundAsJacksonBindsThem(t *testing.T) {
	e, base, put, alter := topicConfigWriters(t)
	e.wantError(put(`{"valu":"compact"}`), 422, 422, "Unrecognized field: valu")
	e.wantError(put(`{"value":"compact","x":1}`), 422, 422, "Unrecognized field: x")
	e.wantError(put(`[]`), 400, 400, "Cannot deserialize value of type `UpdateTopicConfigRequest` from Array value (token `JsonToken.START_ARRAY`)")
	e.wantError(put(`{"value":{}}`), 400, 400, "Cannot deserialize value of type `String` from Object value (token `JsonToken.START_OBJECT`)")
	// a creator member again, once the creator has built the request, is
	// unknown to the AutoValue class that takes the rest (as v3_bind.go's
	// builders find)
	e.wantError(put(`{"value":"compact","value":"delete"}`), 422, 422, "Unrecognized field: value")
	e.wantError(put(``), 500, 500, "Internal Server Error")
	e.wantError(put(`{"value":"compact"`), 400, 400,
		"Unexpected end-of-input: expected close marker for Object (start marker at "+locRaw+"line: 1, column: 1])")

	e.wantError(alter(`{"data":[{"value":"x"}]}`), 400, 400, "Cannot construct instance of `AlterEntry`, problem: Null name")
	e.wantError(alter(`{"data":[{"name":"cleanup.policy","operation":"APPEND"}]}`), 400, 400,
		"Cannot deserialize value of type `AlterOperation` from String \"APPEND\": not one of the values accepted for Enum class: [SET, DELETE]")
	e.wantError(alter(`{}`), 400, 400,
		"Cannot construct instance of `AlterConfigBatchRequestData`, problem: Cannot invoke \"java.util.Collection.toArray()\" because \"elements\" is null")
	e.wantError(alter(`{"data":[null]}`), 400, 400, "Cannot construct instance of `AlterConfigBatchRequestData`, problem: at index 0")
	e.wantError(alter(`{"data":{}}`), 400, 400, "Cannot deserialize value of type `AlterEntry>` from Object value (token `JsonToken.START_OBJECT`)")
	e.wantError(alter(`{"data":[],"validate":true}`), 422, 422, "Unrecognized field: validate")
	e.wantError(alter(`{"data":[{"name":"a","vlue":"b"}]}`), 422, 422, "Unrecognized field: vlue")
	e.wantError(alter(`{"data":[],"validate_only":"maybe"}`), 400, 400,
		"Cannot deserialize value of type `Boolean` from String \"maybe\": only \"true\" or \"false\" recognized")
	e.wantError(alter(`null`), 500, 500, "Internal Server Error")
	// an operation given by its index, and an empty batch, are accepted
	e.wantNoContent(alter(`{"data":[{"name":"cleanup.policy","value":"compact","operation":0}]}`))
	e.wantNoContent(alter(`{"data":[]}`))
	wantConfig(t, e.configAt(base+"/cleanup.policy"), "compact", "DYNAMIC_TOPIC_CONFIG", false)
	if resp := e.do(http.MethodPut, base+"/cleanup.policy", "text/plain", []byte(`{"value":"x"}`)); resp.status != 415 {
		t.Fatalf("PUT text/plain: %d %s", resp.status, resp.body)
	}
}

// A config write body with a syntax error is answered as Jackson 2.16
// meets it: what it checks as an object it finished reading ends (an
// AlterEntry's unknown member, its creator's "Null name") before the
// syntax error after that object; an object still open at the syntax error
// unchecked (no unknown member, no ImmutableList.copyOf of data), nor a
// creator built whose last member is followed by the refused token
// (BeanDeserializer._deserializeUsingPropertyBased reads that token before
// it builds). Answers found running Jackson 2.16.0 over stand-ins of
// kafka-rest v7.9.0's UpdateTopicConfigRequest and
// AlterConfigBatchRequestData.
func TestV3ConfigWriteBodyRefusedBeforeItsSyntaxErrorOnlyForObjectsJacksonFinished(t *testing.T) {
	e, _, put, alter := topicConfigWriters(t)
	const (
		objectComma = "Unexpected character ('x' (code 120)): was expecting comma to separate Object entries"
		arrayComma  = "Unexpected character ('x' (code 120)): was expecting comma to separate Array entries"
		fieldQuote  = "Unexpected character ('x' (code 120)): was expecting double-quote to start field name"
	)
	// finished entries are checked before the syntax error after them
	e.wantError(alter(`{"data":[{"name":"a","bogus":1}] x`), 422, 422, "Unrecognized field: bogus")
	e.wantError(alter(`{"data":[{"name":"a","bogus":1},`), 422, 422, "Unrecognized field: bogus")
	e.wantError(alter(`{"data":[{"value":"1","operation":"SET","name":null} x`), 400, 400,
		"Cannot construct instance of `AlterEntry`, problem: Null name")
	// objects still open are not
	e.wantError(alter(`{"data":[], x`), 400, 400, fieldQuote)
	e.wantError(put(`{"bogus":1,"value":"compact" x}`), 400, 400, objectComma)
	e.wantError(alter(`{"data":[{"value":"1","operation":"SET","name":null x`), 400, 400, objectComma)
	e.wantError(alter(`{"validate_only":false,"data":[null x`), 400, 400, arrayComma)
	e.wantError(alter(`{"data":null,"validate_only":true x`), 400, 400, objectComma)
}

// ListAllTopicsConfigsAction: every topic's configs, each topic's sorted by
// name, the topics in the order of the java.util.HashMap
// TopicConfigManagerImpl collects them in; ListAllTopicsConfigsActionIntegrationTest.
func TestV3AllTopicsConfigsListsEveryTopicsConfigs(t *testing.T) {
	e := newEnv(t, envOptions{})
	// String.hashCode, spread (h ^ h>>>16) and masked to the 16 buckets of
	// the HashMap, puts "payments" in bucket 7, "orders" in 10 and "users"
	// in 14
	for _, name := range []string{"orders", "payments", "users"} {
		e.createTopic(name, 1)
	}
	id := e.clusterID()
	data := e.configList("/v3/clusters/"+id+"/topics/-/configs", "KafkaTopicConfigList")
	var order []string
	last := map[string]string{}
	for _, d := range data {
		topic, name := d["topic_name"].(string), d["name"].(string)
		if len(order) == 0 || order[len(order)-1] != topic {
			order = append(order, topic)
		}
		if name < last[topic] {
			t.Fatalf("%s: %s listed after %s", topic, name, last[topic])
		}
		last[topic] = name
		meta := d["metadata"].(map[string]any)
		if meta["self"] != e.server.URL+"/v3/clusters/"+id+"/topics/"+topic+"/configs/"+name ||
			meta["resource_name"] != "crn:///kafka="+id+"/topic="+topic+"/config="+name {
			t.Fatalf("config metadata %v", meta)
		}
	}
	if strings.Join(order, ",") != "payments,orders,users" {
		t.Fatalf("topics in order %v", order)
	}
	e.wantError(e.do(http.MethodGet, "/v3/clusters/foobar/topics/-/configs", "", nil), 404, 404, "Cluster foobar cannot be found.")
}

// BrokerConfigsResourceIntegrationTest.listBrokerConfigs_existingBroker_returnsConfigs,
// getBrokerConfig_existingConfig_returnsConfig and the *_nonExisting*
// cases: a broker's configs sorted by name, each a KafkaBrokerConfig under
// brokers/{id}/configs; an id that is not an int, a config the broker does
// not describe and another cluster are bare 404s.
func TestV3BrokerConfigsListAndGetTheBrokersConfigs(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	base := "/v3/clusters/" + id + "/brokers/0/configs"
	data := e.configList(base, "KafkaBrokerConfigList")
	for i, d := range data {
		name := d["name"].(string)
		if i > 0 && name < data[i-1]["name"].(string) {
			t.Fatalf("%s listed after %s", name, data[i-1]["name"])
		}
		meta := d["metadata"].(map[string]any)
		if d["kind"] != "KafkaBrokerConfig" || d["broker_id"] != float64(0) || d["cluster_id"] != id ||
			meta["self"] != e.server.URL+base+"/"+name || meta["resource_name"] != "crn:///kafka="+id+"/broker=0/config="+name {
			t.Fatalf("broker config %v", d)
		}
	}
	resp := e.do(http.MethodGet, base+"/compression.type", "", nil)
	want := `{"kind":"KafkaBrokerConfig","metadata":{"self":"` + e.server.URL + base + `/compression.type","resource_name":"crn:///kafka=` + id + `/broker=0/config=compression.type"},` +
		`"cluster_id":"` + id + `","broker_id":0,"name":"compression.type","value":"producer","is_default":true,"is_read_only":false,"is_sensitive":false,"source":"DEFAULT_CONFIG","synonyms":`
	// the synonyms are the broker's to give
	if resp.status != 200 || !strings.HasPrefix(string(resp.body), want) {
		t.Fatalf("broker config: %d %s\nwant %s", resp.status, resp.body, want)
	}
	e.wantError(e.do(http.MethodGet, base+"/foobar", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/brokers/foobar/configs", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/brokers/foobar/configs/compression.type", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/foobar/brokers/0/configs", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/foobar/brokers/0/configs/compression.type", "", nil), 404, 404, "HTTP 404 Not Found")
	// Admin waits for a node the cluster does not have until its call
	// times out (KafkaAdminClient's TimeoutException, retriable)
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/brokers/7/configs", "", nil), 500, 50003,
		"Timed out waiting for a node assignment. Call: describeConfigs")
}

// BrokerConfigsResourceIntegrationTest.updateAndReset_existingConfig_returnsDefaultUpdatedAndDefaultAgain,
// alterConfigBatch_withExistingConfig and the *_nonExistingConfig cases:
// PUT, DELETE and configs:alter of a broker's config answer 204; a config
// the broker does not describe is 404 (PUT and DELETE with the manager's
// message, configs:alter bare); AlterBrokerConfigBatchAction does not read
// validate_only.
func TestV3BrokerConfigWritesUpdateAndResetTheBrokersConfig(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	base := "/v3/clusters/" + id + "/brokers/0/configs"
	e.wantNoContent(e.do(http.MethodPut, base+"/compression.type", "application/json", []byte(`{"value":"gzip"}`)))
	wantConfig(t, e.configAt(base+"/compression.type"), "gzip", "DYNAMIC_BROKER_CONFIG", false)
	e.wantNoContent(e.do(http.MethodDelete, base+"/compression.type", "", nil))
	wantConfig(t, e.configAt(base+"/compression.type"), "producer", "DEFAULT_CONFIG", true)

	e.wantNoContent(e.do(http.MethodPost, base+":alter", "application/json", []byte(
		`{"data":[{"name": "log.retention.ms","value":"1000"},{"name": "compression.type","value":"gzip"}],"validate_only":true}`)))
	wantConfig(t, e.configAt(base+"/log.retention.ms"), "1000", "DYNAMIC_BROKER_CONFIG", false)
	wantConfig(t, e.configAt(base+"/compression.type"), "gzip", "DYNAMIC_BROKER_CONFIG", false)

	missing := "Config foobar cannot be found for BROKER 0 in cluster " + id + "."
	e.wantError(e.do(http.MethodPut, base+"/foobar", "application/json", []byte(`{"value":"producer"}`)), 404, 404, missing)
	e.wantError(e.do(http.MethodDelete, base+"/foobar", "", nil), 404, 404, missing)
	e.wantError(e.do(http.MethodPost, base+":alter", "application/json", []byte(`{"data":[{"name":"foobar","value":"x"}]}`)), 404, 404, "HTTP 404 Not Found")
	// the broker id is converted before the body is read
	e.wantError(e.do(http.MethodPut, "/v3/clusters/"+id+"/brokers/foobar/configs/compression.type", "application/json",
		[]byte(`{"data":{"attributes":{"value":"producer"}}}`)), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodPut, base+"/compression.type", "application/json", []byte(`{"data":{}}`)), 422, 422, "Unrecognized field: data")
	e.wantError(e.do(http.MethodPut, "/v3/clusters/foobar/brokers/0/configs/compression.type", "application/json", []byte(`{"value":"producer"}`)),
		404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodDelete, "/v3/clusters/foobar/brokers/0/configs/compression.type", "", nil), 404, 404, "HTTP 404 Not Found")
}

// ListAllBrokersConfigsAction: every broker's configs under
// brokers/-/configs, each a KafkaBrokerConfig of its broker.
func TestV3AllBrokersConfigsListsEveryBrokersConfigs(t *testing.T) {
	e := newEnv(t, envOptions{broker: []kfake.Opt{kfake.NumBrokers(2)}})
	id := e.clusterID()
	data := e.configList("/v3/clusters/"+id+"/brokers/-/configs", "KafkaBrokerConfigList")
	var brokers []float64
	for _, d := range data {
		b := d["broker_id"].(float64)
		if len(brokers) == 0 || brokers[len(brokers)-1] != b {
			brokers = append(brokers, b)
		}
		if d["kind"] != "KafkaBrokerConfig" {
			t.Fatalf("config %v", d)
		}
	}
	// an Integer key hashes to itself: brokers 0 and 1 in that order
	if len(brokers) != 2 || brokers[0] != 0 || brokers[1] != 1 {
		t.Fatalf("brokers in order %v", brokers)
	}
	e.wantError(e.do(http.MethodGet, "/v3/clusters/foobar/brokers/-/configs", "", nil), 404, 404, "Cluster foobar cannot be found.")
}

// ClusterConfigsResourceIntegrationTest: the cluster-wide broker defaults
// (Admin's BROKER resource ""), KafkaClusterConfig of config_type BROKER
// under broker-configs; a PUT or configs:alter writes without checking the
// config exists (upsertClusterConfig, unsafeAlterConfigs), and there a
// cluster other than the broker's is the manager's "Cluster %s cannot be
// found."; a broker shows the default it inherits.
func TestV3ClusterBrokerConfigsWriteTheClusterWideDefaults(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	base := "/v3/clusters/" + id + "/broker-configs"
	e.wantNoContent(e.do(http.MethodPut, base+"/compression.type", "application/json", []byte(`{"value":"gzip"}`)))
	got := e.configAt(base + "/compression.type")
	meta := got["metadata"].(map[string]any)
	if got["kind"] != "KafkaClusterConfig" || got["config_type"] != "BROKER" || got["cluster_id"] != id || got["value"] != "gzip" ||
		meta["self"] != e.server.URL+base+"/compression.type" || meta["resource_name"] != "crn:///kafka="+id+"/broker-config=compression.type" {
		t.Fatalf("cluster config %v", got)
	}
	if v := e.configAt("/v3/clusters/" + id + "/brokers/0/configs/compression.type")["value"]; v != "gzip" {
		t.Fatalf("broker 0 compression.type %v after the cluster default was set", v)
	}
	listed := false
	for _, d := range e.configList(base, "KafkaClusterConfigList") {
		listed = listed || d["name"] == "compression.type" && d["value"] == "gzip" && d["kind"] == "KafkaClusterConfig"
	}
	if !listed {
		t.Fatalf("broker-configs does not list compression.type=gzip")
	}

	e.wantNoContent(e.do(http.MethodDelete, base+"/compression.type", "", nil))
	if v := e.configAt("/v3/clusters/" + id + "/brokers/0/configs/compression.type")["value"]; v != "producer" {
		t.Fatalf("broker 0 compression.type %v after the cluster default was reset", v)
	}
	e.wantNoContent(e.do(http.MethodPost, base+":alter", "application/json", []byte(`{"data":[{"name":"compression.type","value":"lz4"}]}`)))
	if v := e.configAt("/v3/clusters/" + id + "/brokers/0/configs/compression.type")["value"]; v != "lz4" {
		t.Fatalf("broker 0 compression.type %v after configs:alter", v)
	}

	e.wantError(e.do(http.MethodDelete, base+"/foobar", "", nil), 404, 404, "Config foobar cannot be found for BROKER  in cluster "+id+".")
	e.wantError(e.do(http.MethodGet, base+"/foobar", "", nil), 404, 404, "HTTP 404 Not Found")
	other := "/v3/clusters/foobar/broker-configs"
	e.wantError(e.do(http.MethodGet, other, "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodGet, other+"/compression.type", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodDelete, other+"/compression.type", "", nil), 404, 404, "HTTP 404 Not Found")
	e.wantError(e.do(http.MethodPut, other+"/compression.type", "application/json", []byte(`{"value":"gzip"}`)), 404, 404, "Cluster foobar cannot be found.")
	e.wantError(e.do(http.MethodPost, other+":alter", "application/json", []byte(`{"data":[]}`)), 404, 404, "Cluster foobar cannot be found.")
}

// ClusterConfigsResource and AlterClusterConfigBatchAction (kafka-rest
// v7.9.0) take {config_type}-configs as a ClusterConfig.Type path
// parameter, converted by extension/EnumConverterProvider: the type's name
// in any case names it, and any other type is a WebApplicationException
// of status 404 whose message rest-utils' WebApplicationExceptionMapper
// keeps, raised before the cluster is looked up. A method the resource
// does not have is Jersey's 405 first.
func TestV3ClusterConfigsOfAnUnknownTypeAreRefusedByTheEnumConverter(t *testing.T) {
	e := newEnv(t, envOptions{})
	id := e.clusterID()
	for _, path := range []string{
		"/v3/clusters/" + id + "/topic-configs",
		"/v3/clusters/foobar/topic-configs",
		"/v3/clusters/" + id + "/topic-configs/compression.type",
	} {
		e.wantError(e.do(http.MethodGet, path, "", nil), 404, 404, "The valid values for Type do not include 'topic'")
	}
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/a-b-configs", "", nil), 404, 404, "The valid values for Type do not include 'a-b'")
	e.wantError(e.do(http.MethodPut, "/v3/clusters/"+id+"/Topic-configs/compression.type", "application/json", []byte(`{"value":"gzip"}`)),
		404, 404, "The valid values for Type do not include 'Topic'")
	e.wantError(e.do(http.MethodDelete, "/v3/clusters/"+id+"/x-configs/compression.type", "", nil), 404, 404, "The valid values for Type do not include 'x'")
	e.wantError(e.do(http.MethodPost, "/v3/clusters/"+id+"/x-configs:alter", "application/json", []byte(`{"data":[]}`)),
		404, 404, "The valid values for Type do not include 'x'")
	e.wantError(e.do(http.MethodPost, "/v3/clusters/"+id+"/x-configs", "application/json", []byte(`{}`)), 405, 405, "HTTP 405 Method Not Allowed")
	e.wantError(e.do(http.MethodGet, "/v3/clusters/"+id+"/-configs", "", nil), 404, 404, "HTTP 404 Not Found")

	// The list's self link names the type in lower case (configType.name()
	// .toLowerCase()).
	for _, typ := range []string{"BROKER", "Broker"} {
		var list struct {
			Kind     string         `json:"kind"`
			Metadata map[string]any `json:"metadata"`
		}
		resp := e.do(http.MethodGet, "/v3/clusters/"+id+"/"+typ+"-configs", "", nil)
		resp.json(t, &list)
		if resp.status != http.StatusOK || list.Kind != "KafkaClusterConfigList" || list.Metadata["self"] != e.server.URL+"/v3/clusters/"+id+"/broker-configs" {
			t.Fatalf("GET %s-configs: %d %s", typ, resp.status, resp.body)
		}
	}
	e.wantNoContent(e.do(http.MethodPut, "/v3/clusters/"+id+"/BROKER-configs/compression.type", "application/json", []byte(`{"value":"gzip"}`)))
	got := e.configAt("/v3/clusters/" + id + "/Broker-configs/compression.type")
	if got["value"] != "gzip" || got["metadata"].(map[string]any)["self"] != e.server.URL+"/v3/clusters/"+id+"/broker-configs/compression.type" {
		t.Fatalf("Broker-configs/compression.type %v", got)
	}
}
