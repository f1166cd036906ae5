package restproxy

import (
	"net/http"
	"strings"
	"testing"
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
	e := newEnv(t, envOptions{})
	e.createTopic("topic-1", 1)
	base := "/v3/clusters/" + e.clusterID() + "/topics/topic-1/configs"
	put := func(body string) response {
		return e.do(http.MethodPut, base+"/cleanup.policy", "application/json", []byte(body))
	}
	alter := func(body string) response {
		return e.do(http.MethodPost, base+":alter", "application/json", []byte(body))
	}
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
	resp := e.do(http.MethodGet, "/v3/clusters/"+id+"/topics/-/configs", "", nil)
	var list struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Self string  `json:"self"`
			Next *string `json:"next"`
		} `json:"metadata"`
		Data []map[string]any `json:"data"`
	}
	resp.json(t, &list)
	if resp.status != 200 || list.Kind != "KafkaTopicConfigList" || list.Metadata.Self != e.server.URL+"/v3/clusters/"+id+"/topics/-/configs" {
		t.Fatalf("all topics configs: %d %s", resp.status, resp.body)
	}
	var order []string
	last := map[string]string{}
	for _, d := range list.Data {
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
