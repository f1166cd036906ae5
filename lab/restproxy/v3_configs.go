package restproxy

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// v3 topic, broker and cluster-wide broker configs (kafka-rest v7.9.0
// resources/v3 TopicConfigsResource.java, AlterTopicConfigBatchAction.java,
// ListAllTopicsConfigsAction.java, BrokerConfigsResource.java,
// AlterBrokerConfigBatchAction.java, ListAllBrokersConfigsAction.java,
// ClusterConfigsResource.java, AlterClusterConfigBatchAction.java), made as
// their managers (controllers/AbstractConfigManager.java and its
// Topic/Broker/ClusterConfigManagerImpl) make them with Kafka's Admin:
// DescribeConfigs with synonyms to read, IncrementalAlterConfigs to write.

func (p *Proxy) v3ConfigRoutes(mux *http.ServeMux) {
	const c = "/v3/clusters/{cluster}"
	p.configRoutes(mux, c+"/topics/{topic}/configs", p.listTopicConfigs, p.getTopicConfig, topicConfigResource, "UpdateTopicConfigRequest", true)
	mux.HandleFunc("GET "+c+"/topics/-/configs", p.v3(p.listAllTopicsConfigs))
	p.configRoutes(mux, c+"/brokers/{broker}/configs", p.listBrokerConfigs, p.getBrokerConfig, brokerConfigResource, "UpdateBrokerConfigRequest", true)
	mux.HandleFunc("GET "+c+"/brokers/-/configs", p.v3(p.listAllBrokersConfigs))
	p.configRoutes(mux, c+"/broker-configs", p.listClusterConfigs, p.getClusterConfig, clusterConfigResource, "UpdateClusterConfigRequest", false)
}

// configRoutes are one config resource's list and get, PUT and DELETE of a
// config named by the path, and configs:alter; safe is whether its manager
// checks each written config exists.
func (p *Proxy) configRoutes(mux *http.ServeMux, base string, list, get func(w http.ResponseWriter, c v3ctx),
	resource func(*http.Request) *configResource, updateRequest string, safe bool) {
	mux.HandleFunc("GET "+base, p.v3Config(list))
	mux.HandleFunc("GET "+base+"/{name}", p.v3Config(get))
	mux.HandleFunc("PUT "+base+"/{name}", p.v3Update(resource, updateRequest))
	mux.HandleFunc("DELETE "+base+"/{name}", p.v3Config(p.safeReset(resource)))
	mux.HandleFunc("POST "+base+":alter", p.v3AlterBatch(resource, safe))
}

type configSynonym struct {
	Name   string  `json:"name"`
	Value  *string `json:"value"`
	Source string  `json:"source"`
}

// configEntry is an Admin ConfigEntry as AbstractConfigData prints it,
// after the owner's fields.
type configEntry struct {
	Name        string          `json:"name"`
	Value       *string         `json:"value"`
	IsDefault   bool            `json:"is_default"`
	IsReadOnly  bool            `json:"is_read_only"`
	IsSensitive bool            `json:"is_sensitive"`
	Source      string          `json:"source"`
	Synonyms    []configSynonym `json:"synonyms"`
}

type topicConfigData struct {
	Kind      string       `json:"kind"`
	Metadata  resourceMeta `json:"metadata"`
	ClusterID string       `json:"cluster_id"`
	TopicName string       `json:"topic_name"`
	configEntry
}

type brokerConfigData struct {
	Kind      string       `json:"kind"`
	Metadata  resourceMeta `json:"metadata"`
	ClusterID string       `json:"cluster_id"`
	BrokerID  int32        `json:"broker_id"`
	configEntry
}

type clusterConfigData struct {
	Kind       string       `json:"kind"`
	Metadata   resourceMeta `json:"metadata"`
	ClusterID  string       `json:"cluster_id"`
	ConfigType string       `json:"config_type"`
	configEntry
}

func (c v3ctx) topicConfig(topic string, e configEntry) topicConfigData {
	return topicConfigData{
		Kind:        "KafkaTopicConfig",
		Metadata:    resourceMeta{Self: c.url("topics", topic, "configs", e.Name), ResourceName: c.crn("topic", topic, "config", e.Name)},
		ClusterID:   c.cluster,
		TopicName:   topic,
		configEntry: e,
	}
}

func (c v3ctx) brokerConfig(broker int32, e configEntry) brokerConfigData {
	id := strconv.Itoa(int(broker))
	return brokerConfigData{
		Kind:        "KafkaBrokerConfig",
		Metadata:    resourceMeta{Self: c.url("brokers", id, "configs", e.Name), ResourceName: c.crn("broker", id, "config", e.Name)},
		ClusterID:   c.cluster,
		BrokerID:    broker,
		configEntry: e,
	}
}

// clusterConfig is a ClusterConfig of type BROKER, the only type
// ClusterConfig.Type has.
func (c v3ctx) clusterConfig(e configEntry) clusterConfigData {
	return clusterConfigData{
		Kind:        "KafkaClusterConfig",
		Metadata:    resourceMeta{Self: c.url("broker-configs", e.Name), ResourceName: c.crn("broker-config", e.Name)},
		ClusterID:   c.cluster,
		ConfigType:  "BROKER",
		configEntry: e,
	}
}

func configSourceName(s kmsg.ConfigSource) string {
	switch s {
	case kmsg.ConfigSourceDynamicTopicConfig:
		return "DYNAMIC_TOPIC_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerConfig:
		return "DYNAMIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDynamicDefaultBrokerConfig:
		return "DYNAMIC_DEFAULT_BROKER_CONFIG"
	case kmsg.ConfigSourceStaticBrokerConfig:
		return "STATIC_BROKER_CONFIG"
	case kmsg.ConfigSourceDefaultConfig:
		return "DEFAULT_CONFIG"
	case kmsg.ConfigSourceDynamicBrokerLoggerConfig:
		return "DYNAMIC_BROKER_LOGGER_CONFIG"
	}
	return "UNKNOWN"
}

// configResource is an Admin ConfigResource.
type configResource struct {
	typ  kmsg.ConfigResourceType
	name string
}

// String is ConfigResource.Type's name, as the managers' messages print it.
func (r configResource) typeName() string {
	if r.typ == kmsg.ConfigResourceTypeTopic {
		return "TOPIC"
	}
	return "BROKER"
}

// topicConfigResource, brokerConfigResource and clusterConfigResource are
// the resource a request's path names: a topic, a broker (nil and a bare
// 404 for an id Jersey cannot convert to an int), or the cluster-wide
// broker default (BROKER "").
func topicConfigResource(r *http.Request) *configResource {
	return &configResource{kmsg.ConfigResourceTypeTopic, r.PathValue("topic")}
}

func brokerConfigResource(r *http.Request) *configResource {
	id, err := strconv.ParseInt(r.PathValue("broker"), 10, 32)
	if err != nil {
		return nil
	}
	return &configResource{kmsg.ConfigResourceTypeBroker, strconv.Itoa(int(id))}
}

// configTypeKey holds, in a request's context, the {config_type} its
// /v3/clusters/{cluster}/{config_type}-configs path gave.
type configTypeKey struct{}

// clusterConfigsPath routes a /v3/clusters/{cluster}/{config_type}-configs
// path (ClusterConfigsResource, AlterClusterConfigBatchAction) whose type
// is not spelled "broker": it returns the request with the type spelled so,
// as the routes spell it, and the type as given in its context for
// refuseConfigType; nil for any other path.
func clusterConfigsPath(r *http.Request) *http.Request {
	segs := strings.Split(r.URL.EscapedPath(), "/")
	if len(segs) < 5 || segs[1] != "v3" || segs[2] != "clusters" {
		return nil
	}
	i := strings.LastIndex(segs[4], "-configs")
	if i <= 0 {
		return nil
	}
	typ, suffix := segs[4][:i], segs[4][i+len("-configs"):]
	if suffix != "" && suffix != ":alter" || typ == "broker" {
		return nil
	}
	given, err := url.PathUnescape(typ)
	if err != nil {
		return nil
	}
	segs[4] = "broker-configs" + suffix
	escaped := strings.Join(segs, "/")
	path, err := url.PathUnescape(escaped)
	if err != nil {
		return nil
	}
	r2 := r.Clone(context.WithValue(r.Context(), configTypeKey{}, given))
	r2.URL.Path, r2.URL.RawPath = path, escaped
	return r2
}

// refuseConfigType is EnumConverterProvider's conversion of {config_type}
// to ClusterConfig.Type, whose one constant is BROKER, matched in any case:
// another type is a WebApplicationException of status 404 with its
// message, met once Jersey has picked the resource method and before it
// reads the body or the manager looks the cluster up.
func refuseConfigType(r *http.Request) *apiError {
	given, ok := r.Context().Value(configTypeKey{}).(string)
	if !ok || strings.ToUpper(given) == "BROKER" {
		return nil
	}
	return newAPIError(http.StatusNotFound, http.StatusNotFound, "The valid values for Type do not include '%s'", given)
}

func clusterConfigResource(*http.Request) *configResource {
	return &configResource{kmsg.ConfigResourceTypeBroker, ""}
}

// v3Config is v3 for the resources whose manager looks the cluster up in
// AbstractConfigManager.listConfigs: its exceptionally rewraps the
// NotFoundException as NotFoundException(cause), whose message is Jersey's
// "HTTP 404 Not Found".
func (p *Proxy) v3Config(h func(w http.ResponseWriter, c v3ctx)) http.HandlerFunc {
	return p.v3Missing(bareNotFound, h)
}

func bareNotFound(*http.Request, string) *apiError { return notFound() }

// configNotFound is the managers' NotFoundException for a config the
// resource does not describe.
func configNotFound(c v3ctx, r configResource, name string) *apiError {
	return newAPIError(http.StatusNotFound, http.StatusNotFound, "Config %s cannot be found for %s %s in cluster %s.", name, r.typeName(), r.name, c.cluster)
}

// brokerUnknown is what Admin answers a call to a broker id the cluster
// does not have, once it has waited default.api.timeout.ms for it: a
// TimeoutException, retriable (500/50003).
func brokerUnknown(c v3ctx, r configResource, call string) *apiError {
	if r.typ != kmsg.ConfigResourceTypeBroker || r.name == "" {
		return nil
	}
	for _, b := range c.meta.Brokers {
		if strconv.Itoa(int(b.NodeID)) == r.name {
			return nil
		}
	}
	return kafkaAPIError(kerr.RequestTimedOut, "Timed out waiting for a node assignment. Call: "+call)
}

// describeConfigs is Admin.describeConfigs(resources, includeSynonyms) as
// AbstractConfigManager.listConfigs calls it: each resource's configs in
// the broker's order; an unknown topic is rethrown as
// UnknownTopicOrPartitionException("This server does not host this
// topic-partition.").
func (p *Proxy) describeConfigs(c v3ctx, rs ...configResource) ([][]configEntry, *apiError) {
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.IncludeSynonyms = true
	for _, r := range rs {
		if e := brokerUnknown(c, r, "describeConfigs"); e != nil {
			return nil, e
		}
		rr := kmsg.NewDescribeConfigsRequestResource()
		rr.ResourceType, rr.ResourceName = r.typ, r.name
		req.Resources = append(req.Resources, rr)
	}
	out := make([][]configEntry, len(rs))
	if len(rs) == 0 {
		return out, nil
	}
	resp, err := req.RequestWith(requestContext(c), p.client)
	if err != nil {
		return nil, kafkaAPIError(err, "")
	}
	for _, res := range resp.Resources {
		i := slices.Index(rs, configResource{res.ResourceType, res.ResourceName})
		if i < 0 {
			continue
		}
		if err := kerr.ErrorForCode(res.ErrorCode); err != nil {
			if errors.Is(err, kerr.UnknownTopicOrPartition) {
				return nil, kafkaAPIError(err, "This server does not host this topic-partition.")
			}
			return nil, kafkaAPIError(err, derefString(res.ErrorMessage))
		}
		entries := []configEntry{}
		for _, cfg := range res.Configs {
			en := configEntry{
				Name:        cfg.Name,
				Value:       cfg.Value,
				IsDefault:   cfg.Source == kmsg.ConfigSourceDefaultConfig, // ConfigEntry.isDefault
				IsReadOnly:  cfg.ReadOnly,
				IsSensitive: cfg.IsSensitive,
				Source:      configSourceName(cfg.Source),
				Synonyms:    []configSynonym{},
			}
			for _, s := range cfg.ConfigSynonyms {
				en.Synonyms = append(en.Synonyms, configSynonym{Name: s.Name, Value: s.Value, Source: configSourceName(s.Source)})
			}
			entries = append(entries, en)
		}
		out[i] = entries
	}
	return out, nil
}

func derefString(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// configsOf describes one resource's configs sorted by name, as the list
// and get resources use them.
func (p *Proxy) configsOf(c v3ctx, r configResource) ([]configEntry, *apiError) {
	all, e := p.describeConfigs(c, r)
	if e != nil {
		return nil, e
	}
	entries := all[0]
	slices.SortStableFunc(entries, func(a, b configEntry) int { return cmp.Compare(a.Name, b.Name) })
	return entries, nil
}

// configNamed is the config named by the path, or JAX-RS's bare
// NotFoundException.
func (p *Proxy) configNamed(c v3ctx, r configResource) (configEntry, *apiError) {
	entries, e := p.configsOf(c, r)
	if e != nil {
		return configEntry{}, e
	}
	for _, en := range entries {
		if en.Name == c.r.PathValue("name") {
			return en, nil
		}
	}
	return configEntry{}, notFound()
}

// alterConfigs is Admin.incrementalAlterConfigs of one resource, each
// entry a SET (its value, null when none) or a DELETE.
func (p *Proxy) alterConfigs(c v3ctx, r configResource, entries []alterEntry, validateOnly bool) *apiError {
	if e := brokerUnknown(c, r, "incrementalAlterConfigs"); e != nil {
		return e
	}
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	req.ValidateOnly = validateOnly
	rr := kmsg.NewIncrementalAlterConfigsRequestResource()
	rr.ResourceType, rr.ResourceName = r.typ, r.name
	for _, en := range entries {
		cfg := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		cfg.Name, cfg.Op = en.name, kmsg.IncrementalAlterConfigOpSet
		if en.operation == "DELETE" {
			cfg.Op = kmsg.IncrementalAlterConfigOpDelete
		} else {
			cfg.Value = en.value
		}
		rr.Configs = append(rr.Configs, cfg)
	}
	req.Resources = append(req.Resources, rr)
	resp, err := req.RequestWith(requestContext(c), p.client)
	if err != nil {
		return kafkaAPIError(err, "")
	}
	for _, res := range resp.Resources {
		if err := kerr.ErrorForCode(res.ErrorCode); err != nil {
			return kafkaAPIError(err, derefString(res.ErrorMessage))
		}
	}
	return nil
}

// safeAlter is AbstractConfigManager's safe writes: every entry must name
// a config the resource describes, missing answering the first that does
// not, before anything is altered.
func (p *Proxy) safeAlter(c v3ctx, r configResource, entries []alterEntry, validateOnly bool, missing func(name string) *apiError) *apiError {
	described, e := p.describeConfigs(c, r)
	if e != nil {
		return e
	}
	for _, en := range entries {
		if !slices.ContainsFunc(described[0], func(d configEntry) bool { return d.Name == en.name }) {
			return missing(en.name)
		}
	}
	return p.alterConfigs(c, r, entries, validateOnly)
}

// safeReset handles DELETE …/configs/{name}: safeResetConfig, a DELETE of
// a config the resource describes, 204.
func (p *Proxy) safeReset(resource func(*http.Request) *configResource) func(w http.ResponseWriter, c v3ctx) {
	return func(w http.ResponseWriter, c v3ctx) {
		r := resource(c.r)
		if r == nil {
			writeV3Error(w, notFound())
			return
		}
		name := c.r.PathValue("name")
		e := p.safeAlter(c, *r, []alterEntry{{name: name, operation: "DELETE"}}, false, func(name string) *apiError {
			return configNotFound(c, *r, name)
		})
		writeNoContent(w, e)
	}
}

func writeNoContent(w http.ResponseWriter, e *apiError) {
	if e != nil {
		writeV3Error(w, e)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// v3Update handles PUT …/configs/{name}: a broker id Jersey cannot
// convert is a bare 404, then the body is bound before the resource runs; the topic and broker managers' safeUpdateConfig then
// checks the config exists, the cluster manager's upsertClusterConfig
// (unsafeUpdateConfig) only that the cluster does, with its own
// "Cluster %s cannot be found.".
func (p *Proxy) v3Update(resource func(*http.Request) *configResource, javaType string) http.HandlerFunc {
	javaType = "io.confluent.kafkarest.entities.v3." + javaType
	return v3Media(func(w http.ResponseWriter, r *http.Request) {
		res := resource(r)
		if res == nil {
			writeV3Error(w, notFound())
			return
		}
		var value *string
		if e := p.readConfigBody(w, r, func(raw json.RawMessage) *apiError {
			return bindUpdateConfig(raw, javaType, &value)
		}); e != nil {
			writeV3Error(w, e)
			return
		}
		set := []alterEntry{{name: r.PathValue("name"), value: value, operation: "SET"}}
		if res.typ == kmsg.ConfigResourceTypeBroker && res.name == "" {
			c, e := p.clusterFor(r, clusterCannotBeFound)
			if e == nil {
				e = p.alterConfigs(c, *res, set, false)
			}
			writeNoContent(w, e)
			return
		}
		c, e := p.clusterFor(r, bareNotFound)
		if e == nil {
			e = p.safeAlter(c, *res, set, false, func(name string) *apiError { return configNotFound(c, *res, name) })
		}
		writeNoContent(w, e)
	})
}

// v3AlterBatch handles POST …/configs:alter: the topic and broker
// managers' safeAlterConfigs (a config the resource does not describe is
// the bare NotFoundException its exceptionally rewraps), the cluster
// manager's unsafeAlterConfigs. Only the topic action reads validate_only.
func (p *Proxy) v3AlterBatch(resource func(*http.Request) *configResource, safe bool) http.HandlerFunc {
	return v3Media(func(w http.ResponseWriter, r *http.Request) {
		res := resource(r)
		if res == nil {
			writeV3Error(w, notFound())
			return
		}
		var batch alterBatch
		bind := func(raw json.RawMessage) *apiError { return bindAlterBatch(raw, &batch) }
		if e := p.readConfigBody(w, r, bind, "data"); e != nil {
			writeV3Error(w, e)
			return
		}
		validateOnly := batch.validateOnly && res.typ == kmsg.ConfigResourceTypeTopic
		if !safe {
			c, e := p.clusterFor(r, clusterCannotBeFound)
			if e == nil {
				e = p.alterConfigs(c, *res, batch.entries, validateOnly)
			}
			writeNoContent(w, e)
			return
		}
		c, e := p.clusterFor(r, bareNotFound)
		if e == nil {
			e = p.safeAlter(c, *res, batch.entries, validateOnly, func(string) *apiError { return notFound() })
		}
		writeNoContent(w, e)
	})
}

func (p *Proxy) listTopicConfigs(w http.ResponseWriter, c v3ctx) {
	topic := c.r.PathValue("topic")
	entries, e := p.configsOf(c, *topicConfigResource(c.r))
	if e != nil {
		writeV3Error(w, e)
		return
	}
	data := make([]topicConfigData, 0, len(entries))
	for _, en := range entries {
		data = append(data, c.topicConfig(topic, en))
	}
	writeV3(w, http.StatusOK, c.list("KafkaTopicConfigList", data, "topics", topic, "configs"))
}

func (p *Proxy) getTopicConfig(w http.ResponseWriter, c v3ctx) {
	en, e := p.configNamed(c, *topicConfigResource(c.r))
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.topicConfig(c.r.PathValue("topic"), en))
}

// listAllTopicsConfigs handles GET …/topics/-/configs: every topic
// Admin.listTopics lists, its configs sorted by name, the topics in the
// order of the HashMap TopicConfigManagerImpl collects them in.
func (p *Proxy) listAllTopicsConfigs(w http.ResponseWriter, c v3ctx) {
	details, err := p.fetchTopics(requestContext(c))
	if err != nil {
		writeV3Error(w, kafkaAPIError(err, ""))
		return
	}
	var topics []string
	var rs []configResource
	for _, td := range details.Sorted() {
		if td.Err == nil {
			topics = append(topics, td.Topic)
			rs = append(rs, configResource{kmsg.ConfigResourceTypeTopic, td.Topic})
		}
	}
	all, e := p.describeConfigs(c, rs...)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	order := javaHashMapOrder(len(topics), func(i int) int32 { return javaStringHash(topics[i]) })
	data := []topicConfigData{}
	for _, i := range order {
		entries := all[i]
		slices.SortStableFunc(entries, func(a, b configEntry) int { return cmp.Compare(a.Name, b.Name) })
		for _, en := range entries {
			data = append(data, c.topicConfig(topics[i], en))
		}
	}
	writeV3(w, http.StatusOK, c.list("KafkaTopicConfigList", data, "topics", "-", "configs"))
}

func (p *Proxy) listBrokerConfigs(w http.ResponseWriter, c v3ctx) {
	r := brokerConfigResource(c.r)
	if r == nil {
		writeV3Error(w, notFound())
		return
	}
	entries, e := p.configsOf(c, *r)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	id, _ := strconv.Atoi(r.name)
	data := make([]brokerConfigData, 0, len(entries))
	for _, en := range entries {
		data = append(data, c.brokerConfig(int32(id), en))
	}
	writeV3(w, http.StatusOK, c.list("KafkaBrokerConfigList", data, "brokers", r.name, "configs"))
}

func (p *Proxy) getBrokerConfig(w http.ResponseWriter, c v3ctx) {
	r := brokerConfigResource(c.r)
	if r == nil {
		writeV3Error(w, notFound())
		return
	}
	en, e := p.configNamed(c, *r)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	id, _ := strconv.Atoi(r.name)
	writeV3(w, http.StatusOK, c.brokerConfig(int32(id), en))
}

// listAllBrokersConfigs handles GET …/brokers/-/configs: every broker's
// configs, the brokers in the order of the HashMap BrokerConfigManagerImpl
// collects them in (an Integer hashes to itself) and each broker's configs
// in the order of the HashMap Admin's Config keeps them in.
func (p *Proxy) listAllBrokersConfigs(w http.ResponseWriter, c v3ctx) {
	var rs []configResource
	for _, b := range c.meta.Brokers {
		rs = append(rs, configResource{kmsg.ConfigResourceTypeBroker, strconv.Itoa(int(b.NodeID))})
	}
	all, e := p.describeConfigs(c, rs...)
	if e != nil {
		writeV3Error(w, e)
		return
	}
	data := []brokerConfigData{}
	for _, i := range javaHashMapOrder(len(rs), func(i int) int32 { return c.meta.Brokers[i].NodeID }) {
		entries := all[i]
		for _, j := range javaHashMapOrder(len(entries), func(j int) int32 { return javaStringHash(entries[j].Name) }) {
			data = append(data, c.brokerConfig(c.meta.Brokers[i].NodeID, entries[j]))
		}
	}
	writeV3(w, http.StatusOK, c.list("KafkaBrokerConfigList", data, "brokers", "-", "configs"))
}

func (p *Proxy) listClusterConfigs(w http.ResponseWriter, c v3ctx) {
	entries, e := p.configsOf(c, *clusterConfigResource(c.r))
	if e != nil {
		writeV3Error(w, e)
		return
	}
	data := make([]clusterConfigData, 0, len(entries))
	for _, en := range entries {
		data = append(data, c.clusterConfig(en))
	}
	writeV3(w, http.StatusOK, c.list("KafkaClusterConfigList", data, "broker-configs"))
}

func (p *Proxy) getClusterConfig(w http.ResponseWriter, c v3ctx) {
	en, e := p.configNamed(c, *clusterConfigResource(c.r))
	if e != nil {
		writeV3Error(w, e)
		return
	}
	writeV3(w, http.StatusOK, c.clusterConfig(en))
}

// javaHashMapOrder is the order a java.util.HashMap made with its default
// capacity iterates n keys put in index order, each hashing (hashCode) to
// hash(i): by bucket, the hash spread (h ^ h>>>16) and masked to the
// table's size, then in the order put. Buckets of eight keys or more in a
// table of 64 or more, which HashMap makes trees of, are not modelled.
func javaHashMapOrder(n int, hash func(i int) int32) []int {
	size := 16
	for n > size*3/4 {
		size *= 2
	}
	bucket := func(i int) int {
		h := hash(i)
		return int((h ^ int32(uint32(h)>>16)) & int32(size-1))
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(bucket(a), bucket(b)) })
	return order
}

// javaStringHash is String.hashCode, over the string's UTF-16 units.
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}
