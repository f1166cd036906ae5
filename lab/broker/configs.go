package broker

import (
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// labStaticBrokerConfigs are the broker configs the compose file's
// cp-kafka sets in its server.properties (the kafka service's KAFKA_*
// environment, KAFKA_FOO_BAR written as foo.bar), but for the listeners,
// which name the containers: DescribeConfigs shows them as
// STATIC_BROKER_CONFIG (ConfigHelper.configSynonyms).
var labStaticBrokerConfigs = map[string]string{
	"node.id":                                  "1",
	"process.roles":                            "broker,controller",
	"log.dirs":                                 "/var/lib/kafka/data",
	"auto.create.topics.enable":                "true",
	"default.replication.factor":               "1",
	"min.insync.replicas":                      "1",
	"offsets.topic.replication.factor":         "1",
	"transaction.state.log.replication.factor": "1",
	"transaction.state.log.min.isr":            "1",
	"group.initial.rebalance.delay.ms":         "0",
}

// canonicalConfigValue is a topic config's value as DescribeConfigs shows
// it: parsed by its type and printed back (ConfigDef.convertToString), so
// " 1000 " shows as 1000 and "compact , delete" as compact,delete. A value
// that does not parse, which an older version may have stored, shows as
// stored.
func canonicalConfigValue(d topicConfigDef, raw string) string {
	v, err := parseConfigValue(d.name, raw, d.typ)
	if err != nil {
		return raw
	}
	if list, ok := v.([]string); ok {
		return strings.Join(list, ",")
	}
	return javaString(v)
}

func configSynonym(name, value string, src kmsg.ConfigSource) kmsg.DescribeConfigsResponseResourceConfigConfigSynonym {
	s := kmsg.NewDescribeConfigsResponseResourceConfigConfigSynonym()
	s.Name, s.Value, s.Source = name, kmsg.StringPtr(value), src
	return s
}

// describeTopicConfig is one entry of a topic's DescribeConfigs answer as
// ConfigHelper.createTopicConfigEntry builds it (apache/kafka 3.9
// core/src/main/scala/kafka/server/ConfigHelper.scala): the topic's own
// value first among the synonyms, then its broker config's static and
// default values (configSynonyms, which drops the synonyms before the
// broker config's own name: log.retention.hours's default is not listed
// for retention.ms); the source is the first synonym's, DEFAULT_CONFIG
// without one. set is the topic's own value, nil for none; the
// documentation is LogConfig's (topicConfigDocs).
func describeTopicConfig(d topicConfigDef, set *string, withSynonyms, withDocs bool) kmsg.DescribeConfigsResponseResourceConfig {
	value := d.value
	var synonyms []kmsg.DescribeConfigsResponseResourceConfigConfigSynonym
	if set != nil {
		value = canonicalConfigValue(d, *set)
		synonyms = append(synonyms, configSynonym(d.name, value, kmsg.ConfigSourceDynamicTopicConfig))
	}
	if d.server != "" {
		if static, ok := labStaticBrokerConfigs[d.server]; ok {
			if set == nil {
				value = static
			}
			synonyms = append(synonyms, configSynonym(d.server, static, kmsg.ConfigSourceStaticBrokerConfig))
		}
		if d.serverDefault {
			synonyms = append(synonyms, configSynonym(d.server, d.value, kmsg.ConfigSourceDefaultConfig))
		}
	}
	c := kmsg.NewDescribeConfigsResponseResourceConfig()
	c.Name, c.Value, c.ConfigType = d.name, kmsg.StringPtr(value), d.typ
	c.Source = kmsg.ConfigSourceDefaultConfig
	if len(synonyms) > 0 {
		c.Source = synonyms[0].Source
	}
	c.IsDefault = c.Source == kmsg.ConfigSourceDefaultConfig // v0
	if withSynonyms {
		c.ConfigSynonyms = synonyms
	}
	if withDocs {
		c.Documentation = kmsg.StringPtr(topicConfigDocs[d.name])
	}
	return c
}

// describeTopicConfigs rebuilds a topic's DescribeConfigs entries from
// kfake's answer, which lists a few configs: every config of LogConfig,
// with the topic's own values (kfake's DYNAMIC_TOPIC_CONFIG entries);
// keys, when given, keep those asked for. They come in the order of the
// Scala map ConfigHelper.describeConfigs builds (scalaHashMapOrder):
// allConfigs(logConfig) concatenates LogConfig's originals, the 31 configs
// KafkaConfig.extractLogConfigMap fills and the topic's own, with its
// values; the concatenation's builder is sized for the originals
// (HashMap.addAll's sizeHint), 64 buckets, the table its 36 configs grow
// to anyway.
func describeTopicConfigs(kfake []kmsg.DescribeConfigsResponseResourceConfig, keys []string, withSynonyms, withDocs bool) []kmsg.DescribeConfigsResponseResourceConfig {
	set := map[string]*string{}
	for _, c := range kfake {
		if c.Source == kmsg.ConfigSourceDynamicTopicConfig && c.Value != nil {
			set[c.Name] = c.Value
		}
	}
	var out []kmsg.DescribeConfigsResponseResourceConfig
	for _, d := range topicConfigDefs {
		if len(keys) > 0 && !slices.Contains(keys, d.name) {
			continue
		}
		out = append(out, describeTopicConfig(d, set[d.name], withSynonyms, withDocs))
	}
	scalaHashMapOrder(out)
	return out
}

// rewriteDescribeConfigs asks kfake for every config of the topics and
// brokers asked about, to answer them as Kafka does (describeTopicConfigs,
// describeBrokerConfigs).
func (p *protocol) rewriteDescribeConfigs(b []byte, h reqHeader, req *kmsg.DescribeConfigsRequest) ([]byte, func([]byte) ([]byte, error)) {
	keys := map[string][]string{}
	out := b
	for i := range req.Resources {
		r := &req.Resources[i]
		if r.ResourceType != kmsg.ConfigResourceTypeTopic && r.ResourceType != kmsg.ConfigResourceTypeBroker {
			continue
		}
		keys[resourceKey(r.ResourceType, r.ResourceName)] = r.ConfigNames
		if r.ConfigNames != nil {
			r.ConfigNames = nil
			out = nil
		}
	}
	if out == nil {
		out = appendRequest(h, req)
	}
	return out, func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(req.Key(), req.Version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.DescribeConfigsResponse)
		for i := range resp.Resources {
			r := &resp.Resources[i]
			switch r.ResourceType {
			case kmsg.ConfigResourceTypeTopic:
				if r.ErrorCode == 0 {
					r.Configs = describeTopicConfigs(r.Configs, keys[resourceKey(r.ResourceType, r.ResourceName)], req.IncludeSynonyms, req.IncludeDocumentation)
				}
			case kmsg.ConfigResourceTypeBroker:
				if r.ErrorCode == 0 {
					r.Configs = p.describeBrokerConfigs(r.ResourceName, r.Configs, keys[resourceKey(r.ResourceType, r.ResourceName)], req.IncludeSynonyms, req.IncludeDocumentation)
				}
			}
		}
		return appendResponse(resp), nil
	}
}

// resourceKey names a config resource of a request.
func resourceKey(t kmsg.ConfigResourceType, name string) string {
	return fmt.Sprintf("%d/%s", t, name)
}

// effectiveTopicConfigs are a created topic's configs as CreateTopics v5+
// answers them (ReplicationControlManager.createTopic with
// ConfigurationControlManager.computeEffectiveTopicConfigs, which
// KafkaConfigSchema.resolveEffectiveTopicConfig resolves, apache/kafka 3.9
// metadata/src/main/java/org/apache/kafka/metadata/KafkaConfigSchema.java):
// every LogConfig config sorted by name, a given value as given, else the
// static broker config, else LogConfig's default, never read-only.
func effectiveTopicConfigs(given []kmsg.CreateTopicsRequestTopicConfig) []kmsg.CreateTopicsResponseTopicConfig {
	set := map[string]*string{}
	for _, c := range given {
		set[c.Name] = c.Value
	}
	out := make([]kmsg.CreateTopicsResponseTopicConfig, 0, len(topicConfigDefs))
	for _, d := range topicConfigDefs {
		c := kmsg.NewCreateTopicsResponseTopicConfig()
		c.Name = d.name
		c.Value, c.Source = kmsg.StringPtr(d.value), int8(kmsg.ConfigSourceDefaultConfig)
		if v, ok := set[d.name]; ok {
			c.Value, c.Source = v, int8(kmsg.ConfigSourceDynamicTopicConfig)
		} else if static, ok := labStaticBrokerConfigs[d.server]; ok && d.server != "" {
			c.Value, c.Source = kmsg.StringPtr(static), int8(kmsg.ConfigSourceStaticBrokerConfig)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b kmsg.CreateTopicsResponseTopicConfig) int { return strings.Compare(a.Name, b.Name) })
	return out
}
