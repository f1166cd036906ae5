package broker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// describeTopic asks for every config of topic at DescribeConfigs v4 with
// synonyms, or for keys only.
func describeTopic(t *testing.T, b *Broker, topic string, keys ...string) kmsg.DescribeConfigsResponseResource {
	t.Helper()
	req := kmsg.NewPtrDescribeConfigsRequest()
	req.Version = 4
	req.IncludeSynonyms = true
	r := kmsg.NewDescribeConfigsRequestResource()
	r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, topic
	r.ConfigNames = keys
	req.Resources = append(req.Resources, r)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.DescribeConfigsResponse)
	if len(resp.Resources) != 1 {
		t.Fatalf("DescribeConfigs %s: %d resources answered", topic, len(resp.Resources))
	}
	return resp.Resources[0]
}

// entryString prints a config entry as "value source type [synonyms]".
func entryString(c kmsg.DescribeConfigsResponseResourceConfig) string {
	var syn []string
	for _, s := range c.ConfigSynonyms {
		syn = append(syn, fmt.Sprintf("%s=%s/%s", s.Name, deref(s.Value), s.Source))
	}
	return fmt.Sprintf("%s %s %s ro=%v sens=%v [%s]", deref(c.Value), c.Source, c.ConfigType, c.ReadOnly, c.IsSensitive, strings.Join(syn, " "))
}

// A topic's DescribeConfigs lists every config of Kafka 3.9's LogConfig
// with its value (the broker's where the topic sets none), source and
// synonyms, as ConfigHelper.createTopicConfigEntry builds them (apache/kafka
// 3.9 core/src/main/scala/kafka/server/ConfigHelper.scala; configSynonyms
// drops the synonyms before the broker config's own name, so retention.ms
// shows none for log.retention.hours). The broker's settings are the
// compose file's cp-kafka's (KAFKA_MIN_INSYNC_REPLICAS: "1" is static).
func TestDescribeConfigsOfATopicListsEveryLogConfig(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	ct := withConfigs(newTopic("described", 1), s("retention.ms"), s(" 1000 "), s("cleanup.policy"), s("compact , delete"),
		s("min.cleanable.dirty.ratio"), s("0.50"))
	if got := createTopicsRaw(t, b, 7, false, ct); got.ErrorCode != 0 {
		t.Fatalf("create: %d", got.ErrorCode)
	}
	res := describeTopic(t, b, "described")
	got := map[string]string{}
	for _, c := range res.Configs {
		got[c.Name] = entryString(c)
	}
	if len(got) != len(topicConfigDefs) || len(res.Configs) != 36 {
		t.Errorf("DescribeConfigs listed %d configs, want LogConfig's 36", len(res.Configs))
	}
	want := map[string]string{
		"retention.ms":                          "1000 DYNAMIC_TOPIC_CONFIG LONG ro=false sens=false [retention.ms=1000/DYNAMIC_TOPIC_CONFIG]",
		"cleanup.policy":                        "compact,delete DYNAMIC_TOPIC_CONFIG LIST ro=false sens=false [cleanup.policy=compact,delete/DYNAMIC_TOPIC_CONFIG log.cleanup.policy=delete/DEFAULT_CONFIG]",
		"min.cleanable.dirty.ratio":             "0.5 DYNAMIC_TOPIC_CONFIG DOUBLE ro=false sens=false [min.cleanable.dirty.ratio=0.5/DYNAMIC_TOPIC_CONFIG log.cleaner.min.cleanable.ratio=0.5/DEFAULT_CONFIG]",
		"min.insync.replicas":                   "1 STATIC_BROKER_CONFIG INT ro=false sens=false [min.insync.replicas=1/STATIC_BROKER_CONFIG min.insync.replicas=1/DEFAULT_CONFIG]",
		"segment.bytes":                         "1073741824 DEFAULT_CONFIG INT ro=false sens=false [log.segment.bytes=1073741824/DEFAULT_CONFIG]",
		"segment.ms":                            "604800000 DEFAULT_CONFIG LONG ro=false sens=false []",
		"flush.ms":                              "9223372036854775807 DEFAULT_CONFIG LONG ro=false sens=false []",
		"max.message.bytes":                     "1048588 DEFAULT_CONFIG INT ro=false sens=false [message.max.bytes=1048588/DEFAULT_CONFIG]",
		"message.format.version":                "3.0-IV1 DEFAULT_CONFIG STRING ro=false sens=false [log.message.format.version=3.0-IV1/DEFAULT_CONFIG]",
		"leader.replication.throttled.replicas": " DEFAULT_CONFIG LIST ro=false sens=false []",
		"local.retention.bytes":                 "-2 DEFAULT_CONFIG LONG ro=false sens=false [log.local.retention.bytes=-2/DEFAULT_CONFIG]",
		"remote.storage.enable":                 "false DEFAULT_CONFIG BOOLEAN ro=false sens=false []",
		"compression.zstd.level":                "3 DEFAULT_CONFIG INT ro=false sens=false [compression.zstd.level=3/DEFAULT_CONFIG]",
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %q, want %q", name, got[name], w)
		}
	}
	// Asked for keys, it answers those it has.
	res = describeTopic(t, b, "described", "retention.ms", "no.such.config")
	if len(res.Configs) != 1 || res.Configs[0].Name != "retention.ms" {
		t.Errorf("DescribeConfigs of two keys answered %+v, want retention.ms alone", res.Configs)
	}
}

// CreateTopics v5+ answers a created topic's every config, sorted by name,
// as ConfigurationControlManager.computeEffectiveTopicConfigs resolves them
// (KafkaConfigSchema.resolveEffectiveTopicConfig, apache/kafka 3.9
// metadata/src/main/java/org/apache/kafka/metadata/KafkaConfigSchema.java):
// a given value as given, else the static broker config, else LogConfig's
// default; never read-only.
func TestCreateTopicsAnswersEveryEffectiveConfig(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	got := createTopicsRaw(t, b, 7, false, withConfigs(newTopic("effective", 1), s("retention.ms"), s(" 1000 ")))
	if got.ErrorCode != 0 || len(got.Configs) != 36 {
		t.Fatalf("CreateTopics answered code %d with %d configs, want 36", got.ErrorCode, len(got.Configs))
	}
	byName := map[string]string{}
	for i, c := range got.Configs {
		if i > 0 && got.Configs[i-1].Name >= c.Name {
			t.Errorf("config %s after %s: not sorted by name", c.Name, got.Configs[i-1].Name)
		}
		byName[c.Name] = fmt.Sprintf("%s %s ro=%v sens=%v", deref(c.Value), kmsg.ConfigSource(c.Source), c.ReadOnly, c.IsSensitive)
	}
	for name, want := range map[string]string{
		"retention.ms":           " 1000  DYNAMIC_TOPIC_CONFIG ro=false sens=false",
		"min.insync.replicas":    "1 STATIC_BROKER_CONFIG ro=false sens=false",
		"segment.bytes":          "1073741824 DEFAULT_CONFIG ro=false sens=false",
		"message.format.version": "3.0-IV1 DEFAULT_CONFIG ro=false sens=false",
		"cleanup.policy":         "delete DEFAULT_CONFIG ro=false sens=false",
	} {
		if byName[name] != want {
			t.Errorf("%s: %q, want %q", name, byName[name], want)
		}
	}
}

// DescribeConfigs v3+ with IncludeDocumentation gives each topic config
// LogConfig's documentation of it (ConfigHelper.createTopicConfigEntry:
// logConfig.documentationOf), TopicConfig's *_DOC text; none unasked.
func TestDescribeConfigsOfATopicDocumentsEachConfig(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "documented", "a")
	for _, withDocs := range []bool{true, false} {
		req := kmsg.NewPtrDescribeConfigsRequest()
		req.Version = 4
		req.IncludeDocumentation = withDocs
		r := kmsg.NewDescribeConfigsRequestResource()
		r.ResourceType, r.ResourceName = kmsg.ConfigResourceTypeTopic, "documented"
		r.ConfigNames = []string{"segment.jitter.ms"}
		req.Resources = append(req.Resources, r)
		resp := dialRaw(t, b).roundTrip(req).(*kmsg.DescribeConfigsResponse)
		want := "<null>"
		if withDocs {
			want = "The maximum random jitter subtracted from the scheduled segment roll time to avoid thundering herds of segment rolling"
		}
		if len(resp.Resources) != 1 || len(resp.Resources[0].Configs) != 1 || deref(resp.Resources[0].Configs[0].Documentation) != want {
			t.Errorf("IncludeDocumentation=%v: %+v, want documentation %q", withDocs, resp.Resources, want)
		}
	}
}

// ConfigurationControlManager.incrementalAlterConfigResource: APPEND and
// SUBTRACT start from the topic's value, or from the config's default
// when the topic sets none (getParts), so appending compact to a new
// topic's cleanup.policy gives delete,compact.
func TestIncrementalAlterConfigsAppendsToTheDefault(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "appended", "a")
	alter := func(op kmsg.IncrementalAlterConfigOp, value string) {
		t.Helper()
		req := kmsg.NewPtrIncrementalAlterConfigsRequest()
		req.Version = 1
		res := kmsg.NewIncrementalAlterConfigsRequestResource()
		res.ResourceType, res.ResourceName = kmsg.ConfigResourceTypeTopic, "appended"
		rc := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
		rc.Op, rc.Name, rc.Value = op, "cleanup.policy", s(value)
		res.Configs = append(res.Configs, rc)
		req.Resources = append(req.Resources, res)
		resp := dialRaw(t, b).roundTrip(req).(*kmsg.IncrementalAlterConfigsResponse)
		if len(resp.Resources) != 1 || resp.Resources[0].ErrorCode != 0 {
			t.Fatalf("%s %s: %+v", op, value, resp.Resources)
		}
	}
	for _, step := range []struct {
		op    kmsg.IncrementalAlterConfigOp
		value string
		want  string
	}{
		{kmsg.IncrementalAlterConfigOpAppend, "compact", "delete,compact"},
		{kmsg.IncrementalAlterConfigOpSubtract, "delete", "compact"},
		{kmsg.IncrementalAlterConfigOpAppend, "compact", "compact"},
	} {
		alter(step.op, step.value)
		res := describeTopic(t, b, "appended", "cleanup.policy")
		if len(res.Configs) != 1 || deref(res.Configs[0].Value) != step.want {
			t.Fatalf("after %s %s: cleanup.policy %+v, want %s", step.op, step.value, res.Configs, step.want)
		}
	}
}

// A topic's configs come in the order of the Scala map ConfigHelper builds
// (apache/kafka 3.9 core/src/main/scala/kafka/server/ConfigHelper.scala,
// allConfigs: logConfig.originals.filter(...) ++ nonInternalValues, a
// Scala 2.13 mutable.HashMap; configs.filter for the keys asked for, a new
// one): LogConfig.fromProps makes the originals the 31 configs
// KafkaConfig.extractLogConfigMap fills plus the topic's own, and the
// concatenation's builder is sized for them (HashMap.addAll's sizeHint:
// tableSizeFor(32/0.75) = 64 buckets), which its 36 configs do not
// outgrow (scala/scala v2.13.14 mutable/HashMap.scala, sizeHint, put0,
// growTable); three keys asked for make a table of 16.
func TestDescribeConfigsOfATopicAnswersInScalaHashMapOrder(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	ct := withConfigs(newTopic("ordered", 1), s("retention.ms"), s("1000"), s("remote.storage.enable"), s("false"))
	if got := createTopicsRaw(t, b, 7, false, ct); got.ErrorCode != 0 {
		t.Fatalf("create: %d", got.ErrorCode)
	}
	names := func(res kmsg.DescribeConfigsResponseResource) []string {
		var out []string
		for _, c := range res.Configs {
			out = append(out, c.Name)
		}
		return out
	}
	if got := names(describeTopic(t, b, "ordered")); len(got) != 36 || !inScalaHashMapOrder(got, 64) {
		t.Errorf("the topic's configs are not in the order of a 64-bucket Scala HashMap: %v", got)
	}
	if got := names(describeTopic(t, b, "ordered", "segment.ms", "retention.ms", "cleanup.policy")); len(got) != 3 || !inScalaHashMapOrder(got, 16) {
		t.Errorf("three configs asked for are not in the order of a 16-bucket Scala HashMap: %v", got)
	}
}
