package broker

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// describeBroker asks for the configs of broker name at DescribeConfigs v4
// with synonyms and documentation, or for keys only.
func describeBroker(t *testing.T, b *Broker, name string, keys ...string) kmsg.DescribeConfigsResponseResource {
	t.Helper()
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.Version = 4
	req.IncludeSynonyms, req.IncludeDocumentation = true, true
	r := kmsg.NewDescribeConfigsRequestResource()
	r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeBroker, name
	r.ConfigNames = keys
	req.Resources = append(req.Resources, r)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.DescribeConfigsResponse)
	if len(resp.Resources) != 1 || resp.Resources[0].ErrorCode != 0 {
		t.Fatalf("DescribeConfigs of broker %q: %+v", name, resp.Resources)
	}
	return resp.Resources[0]
}

// wantEntries checks the entries (entryString) of the configs named in
// want.
func wantEntries(t *testing.T, configs []kmsg.DescribeConfigsResponseResourceConfig, want map[string]string) {
	t.Helper()
	got := map[string]string{}
	for _, c := range configs {
		got[c.Name] = entryString(c)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
}

// nodeID is the broker's node id as Metadata names it.
func nodeID(t *testing.T, b *Broker) string {
	t.Helper()
	resp := dialRaw(t, b).roundTrip(kmsg.NewPtrMetadataRequest()).(*kmsg.MetadataResponse)
	if len(resp.Brokers) != 1 {
		t.Fatalf("metadata lists %d brokers", len(resp.Brokers))
	}
	return strconv.Itoa(int(resp.Brokers[0].NodeID))
}

// A broker's DescribeConfigs answers every config of Kafka 3.9's
// KafkaConfig.configDef but the internal ones (ConfigHelper.describeConfigs
// and createBrokerConfigEntry, allConfigs: nonInternalValues; apache/kafka
// 3.9 core/src/main/scala/kafka/server/ConfigHelper.scala), 314 as its
// generated documentation lists them (kafka-site 39/generated/kafka_config.html):
// the value set in the compose file's server.properties
// (STATIC_BROKER_CONFIG, node.id copied to broker.id by
// KafkaConfig.populateSynonyms), else the default (DEFAULT_CONFIG, null
// for a null default); the synonyms are each synonym name's dynamic, static
// and default values less those before the config's own name
// (DynamicBrokerConfig.brokerConfigSynonyms: log.retention.ms shows none
// for log.retention.hours's default); read-only outside
// DynamicBrokerConfig.AllDynamicConfigs; PASSWORD configs sensitive and
// without value.
func TestDescribeConfigsOfTheBrokerListsEveryKafkaConfig(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	node := nodeID(t, b)
	res := describeBroker(t, b, node)
	docs := map[string]string{}
	for _, c := range res.Configs {
		docs[c.Name] = deref(c.Documentation)
	}
	if len(res.Configs) != 314 || len(docs) != 314 {
		t.Errorf("DescribeConfigs of the broker listed %d configs, want KafkaConfig's 314", len(res.Configs))
	}
	wantEntries(t, res.Configs, map[string]string{
		"broker.id":                        node + " STATIC_BROKER_CONFIG INT ro=true sens=false [broker.id=" + node + "/STATIC_BROKER_CONFIG broker.id=-1/DEFAULT_CONFIG]",
		"node.id":                          node + " STATIC_BROKER_CONFIG INT ro=true sens=false [node.id=" + node + "/STATIC_BROKER_CONFIG node.id=-1/DEFAULT_CONFIG]",
		"auto.create.topics.enable":        "true STATIC_BROKER_CONFIG BOOLEAN ro=true sens=false [auto.create.topics.enable=true/STATIC_BROKER_CONFIG auto.create.topics.enable=true/DEFAULT_CONFIG]",
		"min.insync.replicas":              "1 STATIC_BROKER_CONFIG INT ro=false sens=false [min.insync.replicas=1/STATIC_BROKER_CONFIG min.insync.replicas=1/DEFAULT_CONFIG]",
		"process.roles":                    "broker,controller STATIC_BROKER_CONFIG LIST ro=true sens=false [process.roles=broker,controller/STATIC_BROKER_CONFIG process.roles=/DEFAULT_CONFIG]",
		"log.dirs":                         "/var/lib/kafka/data STATIC_BROKER_CONFIG STRING ro=true sens=false [log.dirs=/var/lib/kafka/data/STATIC_BROKER_CONFIG]",
		"group.initial.rebalance.delay.ms": "0 STATIC_BROKER_CONFIG INT ro=true sens=false [group.initial.rebalance.delay.ms=0/STATIC_BROKER_CONFIG group.initial.rebalance.delay.ms=3000/DEFAULT_CONFIG]",
		"log.retention.hours":              "168 DEFAULT_CONFIG INT ro=true sens=false [log.retention.hours=168/DEFAULT_CONFIG]",
		"log.retention.ms":                 "<null> DEFAULT_CONFIG LONG ro=false sens=false []",
		"log.flush.interval.ms":            "<null> DEFAULT_CONFIG LONG ro=false sens=false []",
		"log.cleaner.backoff.ms":           "15000 DEFAULT_CONFIG LONG ro=false sens=false [log.cleaner.backoff.ms=15000/DEFAULT_CONFIG]",
		"compression.type":                 "producer DEFAULT_CONFIG STRING ro=false sens=false [compression.type=producer/DEFAULT_CONFIG]",
		"controller.quorum.voters":         " DEFAULT_CONFIG LIST ro=true sens=false [controller.quorum.voters=/DEFAULT_CONFIG]",
		"sasl.enabled.mechanisms":          "GSSAPI DEFAULT_CONFIG LIST ro=false sens=false [sasl.enabled.mechanisms=GSSAPI/DEFAULT_CONFIG]",
		"broker.rack":                      "<null> DEFAULT_CONFIG STRING ro=true sens=false []",
		"ssl.key.password":                 "<null> DEFAULT_CONFIG PASSWORD ro=false sens=true []",
	})
	// The documentation is the ConfigKey's: toHtml's <br> is a line break
	// of it, but for min.insync.replicas, whose text holds "<br>".
	for name, w := range map[string]string{
		"background.threads":  "The number of threads to use for various background processing tasks",
		"zookeeper.connect":   "Specifies the ZooKeeper connection string in the form <code>hostname:port</code> where host and port are the host and port of a ZooKeeper server. To allow connecting through other ZooKeeper nodes when that ZooKeeper machine is down you can also specify multiple hosts in the form <code>hostname1:port1,hostname2:port2,hostname3:port3</code>.\nThe server can also have a ZooKeeper chroot path as part of its ZooKeeper connection string which puts its data under some path in the global ZooKeeper namespace. For example to give a chroot path of <code>/chroot/path</code> you would give the connection string as <code>hostname1:port1,hostname2:port2,hostname3:port3/chroot/path</code>.",
		"min.insync.replicas": "When a producer sets acks to \"all\" (or \"-1\"), <code>min.insync.replicas</code> specifies the minimum number of replicas that must acknowledge a write for the write to be considered successful. If this minimum cannot be met, then the producer will raise an exception (either <code>NotEnoughReplicas</code> or <code>NotEnoughReplicasAfterAppend</code>).<br>When used together, <code>min.insync.replicas</code> and acks allow you to enforce greater durability guarantees. A typical scenario would be to create a topic with a replication factor of 3, set <code>min.insync.replicas</code> to 2, and produce with acks of \"all\". This will ensure that the producer raises an exception if a majority of replicas do not receive a write.",
	} {
		if docs[name] != w {
			t.Errorf("%s documentation: %q, want %q", name, docs[name], w)
		}
	}

	// Asked for keys, it answers those it has.
	res = describeBroker(t, b, node, "broker.id", "no.such.config")
	if len(res.Configs) != 1 || res.Configs[0].Name != "broker.id" {
		t.Errorf("DescribeConfigs of two keys answered %+v, want broker.id alone", res.Configs)
	}
}

// setBrokerConfig sets a broker config with IncrementalAlterConfigs, for
// broker name ("" for the cluster-wide default).
func setBrokerConfig(t *testing.T, b *Broker, name, config, value string) {
	t.Helper()
	req := kmsg.NewPtrIncrementalAlterConfigsRequest()
	r := kmsg.NewIncrementalAlterConfigsRequestResource()
	r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeBroker, name
	c := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
	c.Name, c.Value, c.Op = config, kmsg.StringPtr(value), kmsg.IncrementalAlterConfigOpSet
	r.Configs = append(r.Configs, c)
	req.Resources = append(req.Resources, r)
	if resp := dialRaw(t, b).roundTrip(req).(*kmsg.IncrementalAlterConfigsResponse); len(resp.Resources) != 1 || resp.Resources[0].ErrorCode != 0 {
		t.Fatalf("IncrementalAlterConfigs: %+v", resp.Resources)
	}
}

// A dynamic broker config shows first, DYNAMIC_BROKER_CONFIG, before its
// synonyms' defaults; a config it is a synonym of keeps its own
// (ConfigHelper.configSynonyms).
func TestDescribeConfigsOfTheBrokerShowsItsDynamicConfigs(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	node := nodeID(t, b)
	setBrokerConfig(t, b, node, "log.retention.ms", "1000")
	wantEntries(t, describeBroker(t, b, node, "log.retention.ms", "log.retention.hours").Configs, map[string]string{
		"log.retention.ms":    "1000 DYNAMIC_BROKER_CONFIG LONG ro=false sens=false [log.retention.ms=1000/DYNAMIC_BROKER_CONFIG log.retention.hours=168/DEFAULT_CONFIG]",
		"log.retention.hours": "168 DEFAULT_CONFIG INT ro=true sens=false [log.retention.hours=168/DEFAULT_CONFIG]",
	})
}

// A broker run with another compaction interval shows it as its
// log.cleaner.backoff.ms, set in its server.properties.
func TestDescribeConfigsOfTheBrokerShowsItsCleanerInterval(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t, WithCompactionInterval(2*time.Second))
	node := nodeID(t, b)
	res := describeBroker(t, b, node, "log.cleaner.backoff.ms")
	if len(res.Configs) != 1 || !strings.HasPrefix(entryString(res.Configs[0]), "2000 STATIC_BROKER_CONFIG LONG ro=false sens=false [log.cleaner.backoff.ms=2000/STATIC_BROKER_CONFIG log.cleaner.backoff.ms=15000/DEFAULT_CONFIG]") {
		t.Errorf("log.cleaner.backoff.ms: %+v", res.Configs)
	}
}

// The topic configs' table (topicconfigs.go, written from LogConfig and the
// server config classes) and the broker configs' (Kafka's generated
// documentation of KafkaConfig.configDef) agree: every broker config a
// topic config stands for (ServerTopicConfigSynonyms) is one of
// KafkaConfig's, and where the topic table says it has a default, it is
// the topic config's value when unset.
func TestTopicConfigsBrokerSynonymsAreKafkaConfigs(t *testing.T) {
	for _, d := range topicConfigDefs {
		if d.server == "" {
			continue
		}
		bd, ok := brokerConfigDefFor(d.server)
		if !ok {
			t.Errorf("%s: broker config %s is not one of KafkaConfig's", d.name, d.server)
			continue
		}
		if d.serverDefault != (bd.def != nil) {
			t.Errorf("%s: broker config %s has a default: topic table %v, KafkaConfig %v", d.name, d.server, d.serverDefault, bd.def != nil)
		} else if bd.def != nil && canonicalConfigValue(d, *bd.def) != d.value {
			t.Errorf("%s: value when unset %q, KafkaConfig's %s defaults to %q", d.name, d.value, d.server, *bd.def)
		}
	}
	for name := range labStaticBrokerConfigs {
		if _, ok := brokerConfigDefFor(name); !ok {
			t.Errorf("static broker config %s is not one of KafkaConfig's", name)
		}
	}
}

// The cluster-wide defaults (broker "") are the dynamic defaults alone,
// DYNAMIC_DEFAULT_BROKER_CONFIG, their synonyms of that source only
// (ConfigHelper.describeConfigs: currentDynamicDefaultConfigs,
// createBrokerConfigEntry with perBrokerConfig false); the broker shows a
// dynamic default as DYNAMIC_DEFAULT_BROKER_CONFIG, after its own dynamic
// values and before its static ones (configSynonyms).
func TestDescribeConfigsOfTheClusterDefaultsListsTheDynamicDefaults(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	node := nodeID(t, b)
	if res := describeBroker(t, b, ""); len(res.Configs) != 0 {
		t.Errorf("cluster-wide defaults before any was set: %d configs", len(res.Configs))
	}
	setBrokerConfig(t, b, "", "compression.type", "gzip")
	setBrokerConfig(t, b, node, "log.retention.ms", "1000")
	res := describeBroker(t, b, "")
	if len(res.Configs) != 1 || entryString(res.Configs[0]) != "gzip DYNAMIC_DEFAULT_BROKER_CONFIG STRING ro=false sens=false [compression.type=gzip/DYNAMIC_DEFAULT_BROKER_CONFIG]" ||
		deref(res.Configs[0].Documentation) != "Specify the final compression type for a given topic. This configuration accepts the standard compression codecs ('gzip', 'snappy', 'lz4', 'zstd'). It additionally accepts 'uncompressed' which is equivalent to no compression; and 'producer' which means retain the original compression codec set by the producer." {
		t.Errorf("cluster-wide defaults: %+v", res.Configs)
	}
	wantEntries(t, describeBroker(t, b, node, "compression.type", "log.retention.ms").Configs, map[string]string{
		"compression.type": "gzip DYNAMIC_DEFAULT_BROKER_CONFIG STRING ro=false sens=false [compression.type=gzip/DYNAMIC_DEFAULT_BROKER_CONFIG compression.type=producer/DEFAULT_CONFIG]",
		"log.retention.ms": "1000 DYNAMIC_BROKER_CONFIG LONG ro=false sens=false [log.retention.ms=1000/DYNAMIC_BROKER_CONFIG log.retention.hours=168/DEFAULT_CONFIG]",
	})
}

// javaHash is java.lang.String.hashCode of an ASCII name, spread as Scala
// 2.13's mutable.HashMap spreads it (improveHash).
func javaHash(s string) int32 {
	var h int32
	for i := 0; i < len(s); i++ {
		h = 31*h + int32(s[i])
	}
	return h ^ int32(uint32(h)>>16)
}

// inScalaHashMapOrder tells whether names are in the order a Scala 2.13
// mutable.HashMap of table buckets iterates them: by bucket, the spread
// hash's low bits, then by spread hash within a bucket.
func inScalaHashMapOrder(names []string, table int32) bool {
	for i := 1; i < len(names); i++ {
		a, b := javaHash(names[i-1]), javaHash(names[i])
		if a&(table-1) > b&(table-1) || a&(table-1) == b&(table-1) && a > b {
			return false
		}
	}
	return true
}

// The broker answers its configs in the order ConfigHelper's Scala map
// holds them (allConfigs: originals ++ nonInternalValues, a Scala 2.13
// mutable.HashMap, and configs.filter for the keys asked for, a new one):
// by bucket, the spread hash's low bits for a table of 512 (314 configs:
// scala/scala v2.13.14 src/library/scala/collection/mutable/HashMap.scala,
// put0, growTable, tableSizeFor), then by spread hash within a bucket
// (put0 keeps each bucket's nodes in hash order); three keys asked for
// make a table of 16.
func TestDescribeConfigsOfTheBrokerAnswersInScalaHashMapOrder(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	node := nodeID(t, b)
	inOrder := func(configs []kmsg.DescribeConfigsResponseResourceConfig, table int32) bool {
		names := make([]string, len(configs))
		for i, c := range configs {
			names[i] = c.Name
		}
		return inScalaHashMapOrder(names, table)
	}
	if res := describeBroker(t, b, node); len(res.Configs) != 314 || !inOrder(res.Configs, 512) {
		t.Errorf("the broker's configs are not in the order of a 512-bucket Scala HashMap")
	}
	res := describeBroker(t, b, node, "log.dirs", "broker.id", "compression.type")
	if len(res.Configs) != 3 || !inOrder(res.Configs, 16) {
		t.Errorf("three configs asked for are not in the order of a 16-bucket Scala HashMap: %v", res.Configs)
	}
}
