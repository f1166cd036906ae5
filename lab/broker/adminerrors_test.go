package broker

import (
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Expectations from apache/kafka 3.9.0:
// metadata/src/main/java/org/apache/kafka/controller/ReplicationControlManager.java
// (createTopics, createTopic, computeConfigChanges, createPartitions),
// metadata/.../placement/StripedReplicaPlacer.java
// (throwInvalidReplicationFactorIfTooFewBrokers),
// core/src/main/scala/kafka/server/ControllerConfigurationValidator.scala,
// storage/.../log/LogConfig.java (validateNames, validateValues, the topic
// ConfigDef, validateRemoteStorageOnlyIfSystemEnabled) and
// clients/.../config/ConfigDef.java (parseType, Range, ValidString) with
// ConfigException's "Invalid value V for configuration N: M".

func withConfigs(ct kmsg.CreateTopicsRequestTopic, kv ...*string) kmsg.CreateTopicsRequestTopic {
	for i := 0; i+1 < len(kv); i += 2 {
		c := kmsg.NewCreateTopicsRequestTopicConfig()
		c.Name = *kv[i]
		c.Value = kv[i+1]
		ct.Configs = append(ct.Configs, c)
	}
	return ct
}

func s(v string) *string { return &v }

func TestCreateTopicsRefusesEachTopicWithKafkasCodeAndMessage(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "exists", "a")

	rf := func(ct kmsg.CreateTopicsRequestTopic, n int16) kmsg.CreateTopicsRequestTopic {
		ct.ReplicationFactor = n
		return ct
	}
	cases := []struct {
		name  string
		topic kmsg.CreateTopicsRequestTopic
		code  int16
		msg   string
	}{
		{"existing topic", newTopic("exists", 1), kerr.TopicAlreadyExists.Code, "Topic 'exists' already exists."},
		{"existing topic with an unknown config", withConfigs(newTopic("exists", 0), s("no.such"), s("1")),
			kerr.TopicAlreadyExists.Code, "Topic 'exists' already exists."},
		{"zero partitions", newTopic("p0", 0), kerr.InvalidPartitions.Code,
			"Number of partitions was set to an invalid non-positive value."},
		{"negative partitions", newTopic("pneg", -5), kerr.InvalidPartitions.Code,
			"Number of partitions was set to an invalid non-positive value."},
		{"zero replication factor", rf(newTopic("rf0", 1), 0), kerr.InvalidReplicationFactor.Code,
			"Replication factor must be larger than 0, or -1 to use the default value."},
		{"more replicas than brokers", rf(newTopic("rf3", 1), 3), kerr.InvalidReplicationFactor.Code,
			"Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered."},
		{"unknown config", withConfigs(newTopic("cfg-unknown", 1), s("no.such.config"), s("1")), kerr.InvalidConfig.Code,
			"Unknown topic config name: no.such.config"},
		{"null config value", withConfigs(newTopic("cfg-null", 1), s("retention.ms"), nil), kerr.InvalidConfig.Code,
			"Null value not supported for topic configs: retention.ms"},
		{"long not a number", withConfigs(newTopic("cfg-long", 1), s("retention.ms"), s("abc")), kerr.InvalidConfig.Code,
			"Invalid value abc for configuration retention.ms: Not a number of type LONG"},
		{"int below its floor", withConfigs(newTopic("cfg-int", 1), s("min.insync.replicas"), s("0")), kerr.InvalidConfig.Code,
			"Invalid value 0 for configuration min.insync.replicas: Value must be at least 1"},
		{"double above its ceiling", withConfigs(newTopic("cfg-double", 1), s("min.cleanable.dirty.ratio"), s("1.5")), kerr.InvalidConfig.Code,
			"Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1"},
		{"list entry not allowed", withConfigs(newTopic("cfg-list", 1), s("cleanup.policy"), s("compact,compacted")), kerr.InvalidConfig.Code,
			"Invalid value compacted for configuration cleanup.policy: String must be one of: compact, delete"},
		{"string not allowed", withConfigs(newTopic("cfg-string", 1), s("compression.type"), s("brotli")), kerr.InvalidConfig.Code,
			"Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer"},
		{"boolean", withConfigs(newTopic("cfg-bool", 1), s("unclean.leader.election.enable"), s("yes")), kerr.InvalidConfig.Code,
			"Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false"},
		{"gzip level", withConfigs(newTopic("cfg-gzip", 1), s("compression.gzip.level"), s("10")), kerr.InvalidConfig.Code,
			"Invalid value 10 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1"},
		{"compaction lags crossed", withConfigs(newTopic("cfg-lags", 1), s("min.compaction.lag.ms"), s("10"), s("max.compaction.lag.ms"), s("5")),
			kerr.InvalidConfig.Code, "conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)"},
		{"tiered storage", withConfigs(newTopic("cfg-remote", 1), s("remote.storage.enable"), s("true")), kerr.InvalidConfig.Code,
			"Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage."},
		{"config checked before partitions", withConfigs(newTopic("cfg-first", 0), s("segment.bytes"), s("1")), kerr.InvalidConfig.Code,
			"Invalid value 1 for configuration segment.bytes: Value must be at least 14"},
	}
	for _, validateOnly := range []bool{true, false} {
		for _, c := range cases {
			got := createTopicsRaw(t, b, 7, validateOnly, c.topic)
			msg := ""
			if got.ErrorMessage != nil {
				msg = *got.ErrorMessage
			}
			if got.Topic != c.topic.Topic || got.ErrorCode != c.code || msg != c.msg {
				t.Errorf("%s (validateOnly=%v): %s answered %s %q, want %s %q", c.name, validateOnly, got.Topic,
					kerr.ErrorForCode(got.ErrorCode), msg, kerr.ErrorForCode(c.code), c.msg)
			}
		}
	}
	resp := dialRaw(t, b).roundTrip(metadataRequest(12, false)).(*kmsg.MetadataResponse)
	for _, c := range cases[2:] {
		if tp := metadataTopic(t, resp, c.topic.Topic); tp != nil {
			t.Errorf("%s: topic %s was created", c.name, c.topic.Topic)
		}
	}
}

// A refused topic leaves the others of its request to be created, each
// answered in the request's order.
func TestCreateTopicsRefusesOneTopicAndCreatesTheNext(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	req := kmsg.NewPtrCreateTopicsRequest()
	req.Version = 7
	req.TimeoutMillis = 5000
	req.Topics = []kmsg.CreateTopicsRequestTopic{
		withConfigs(newTopic("bad-cfg", 1), s("retention.ms"), s("soon")),
		withConfigs(newTopic("good", 2), s("retention.ms"), s(" 1000 ")),
	}
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.CreateTopicsResponse)
	if len(resp.Topics) != 2 || resp.Topics[0].Topic != "bad-cfg" || resp.Topics[0].ErrorCode != kerr.InvalidConfig.Code ||
		resp.Topics[1].Topic != "good" || resp.Topics[1].ErrorCode != 0 || resp.Topics[1].NumPartitions != 2 {
		t.Fatalf("CreateTopics answered %+v, want bad-cfg INVALID_CONFIG then good created with 2 partitions", resp.Topics)
	}
}

func TestDeleteTopicsOfAnUnknownTopicAnswersKafkasMessage(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	req := kmsg.NewPtrDeleteTopicsRequest()
	req.Version = 6
	req.TimeoutMillis = 5000
	dt := kmsg.NewDeleteTopicsRequestTopic()
	dt.Topic = s("never-made")
	req.Topics = append(req.Topics, dt)
	resp := dialRaw(t, b).roundTrip(req).(*kmsg.DeleteTopicsResponse)
	// ControllerApis.deleteTopics: findTopicIds answers new
	// ApiError(UNKNOWN_TOPIC_OR_PARTITION), whose message is the code's own.
	if len(resp.Topics) != 1 || resp.Topics[0].ErrorCode != kerr.UnknownTopicOrPartition.Code ||
		resp.Topics[0].ErrorMessage == nil || *resp.Topics[0].ErrorMessage != "This server does not host this topic-partition." {
		t.Fatalf("DeleteTopics answered %+v, want UNKNOWN_TOPIC_OR_PARTITION with Kafka's message", resp.Topics)
	}
}

func TestCreatePartitionsRefusesNoIncreaseWithKafkasMessage(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	if got := createTopicsRaw(t, b, 7, false, newTopic("three", 3)); got.ErrorCode != 0 {
		t.Fatalf("create: %s", kerr.ErrorForCode(got.ErrorCode))
	}
	cases := []struct {
		topic string
		count int32
		code  int16
		msg   *string
	}{
		{"three", 3, kerr.InvalidPartitions.Code, s("Topic already has 3 partition(s).")},
		{"three", 2, kerr.InvalidPartitions.Code, s("The topic three currently has 3 partition(s); 2 would not be an increase.")},
		{"missing", 4, kerr.UnknownTopicOrPartition.Code, nil},
	}
	for _, c := range cases {
		req := kmsg.NewPtrCreatePartitionsRequest()
		req.Version = 3
		req.TimeoutMillis = 5000
		ct := kmsg.NewCreatePartitionsRequestTopic()
		ct.Topic, ct.Count = c.topic, c.count
		req.Topics = append(req.Topics, ct)
		resp := dialRaw(t, b).roundTrip(req).(*kmsg.CreatePartitionsResponse)
		if len(resp.Topics) != 1 {
			t.Fatalf("%s to %d: %d topics answered", c.topic, c.count, len(resp.Topics))
		}
		got := resp.Topics[0]
		if got.ErrorCode != c.code || (got.ErrorMessage == nil) != (c.msg == nil) || (c.msg != nil && *got.ErrorMessage != *c.msg) {
			t.Errorf("%s to %d partitions: %s %v, want %s %v", c.topic, c.count,
				kerr.ErrorForCode(got.ErrorCode), deref(got.ErrorMessage), kerr.ErrorForCode(c.code), deref(c.msg))
		}
	}
}

func deref(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// ConfigurationControlManager.incrementalAlterConfigResource and
// legacyAlterConfigResource validate a topic's new configs
// (ControllerConfigurationValidator, LogConfig.validate) before
// ConfigResourceExistenceChecker looks the topic up ("The topic 'x' does
// not exist."); APPEND and SUBTRACT need a LIST config.
func TestAlterConfigsRefuseEachTopicWithKafkasCodeAndMessage(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "alter-me", "a")
	type op struct {
		op          kmsg.IncrementalAlterConfigOp
		name, value string
	}
	cases := []struct {
		name  string
		topic string
		ops   []op
		code  int16
		msg   string
	}{
		{"unknown config", "alter-me", []op{{kmsg.IncrementalAlterConfigOpSet, "no.such.config", "1"}}, kerr.InvalidConfig.Code,
			"Unknown topic config name: no.such.config"},
		{"invalid value", "alter-me", []op{{kmsg.IncrementalAlterConfigOpSet, "retention.ms", "-7"}}, kerr.InvalidConfig.Code,
			"Invalid value -7 for configuration retention.ms: Value must be at least -1"},
		{"append to a non-list", "alter-me", []op{{kmsg.IncrementalAlterConfigOpAppend, "retention.ms", "1"}}, kerr.InvalidConfig.Code,
			"Can't APPEND to key retention.ms because its type is not LIST."},
		{"append an invalid entry", "alter-me", []op{{kmsg.IncrementalAlterConfigOpAppend, "cleanup.policy", "shred"}}, kerr.InvalidConfig.Code,
			"Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete"},
		{"unknown topic with an invalid value", "missing", []op{{kmsg.IncrementalAlterConfigOpSet, "retention.ms", "x"}}, kerr.InvalidConfig.Code,
			"Invalid value x for configuration retention.ms: Not a number of type LONG"},
		{"unknown topic", "missing", []op{{kmsg.IncrementalAlterConfigOpSet, "retention.ms", "1000"}}, kerr.UnknownTopicOrPartition.Code,
			"The topic 'missing' does not exist."},
	}
	for _, c := range cases {
		req := kmsg.NewPtrIncrementalAlterConfigsRequest()
		req.Version = 1
		res := kmsg.NewIncrementalAlterConfigsRequestResource()
		res.ResourceType, res.ResourceName = kmsg.ConfigResourceTypeTopic, c.topic
		for _, o := range c.ops {
			rc := kmsg.NewIncrementalAlterConfigsRequestResourceConfig()
			rc.Op, rc.Name, rc.Value = o.op, o.name, s(o.value)
			res.Configs = append(res.Configs, rc)
		}
		req.Resources = append(req.Resources, res)
		resp := dialRaw(t, b).roundTrip(req).(*kmsg.IncrementalAlterConfigsResponse)
		if len(resp.Resources) != 1 || resp.Resources[0].ErrorCode != c.code || deref(resp.Resources[0].ErrorMessage) != c.msg {
			t.Errorf("IncrementalAlterConfigs %s: %+v, want %s %q", c.name, resp.Resources, kerr.ErrorForCode(c.code), c.msg)
		}
		if c.ops[0].op != kmsg.IncrementalAlterConfigOpSet {
			continue
		}
		legacy := kmsg.NewPtrAlterConfigsRequest()
		legacy.Version = 2
		lres := kmsg.NewAlterConfigsRequestResource()
		lres.ResourceType, lres.ResourceName = kmsg.ConfigResourceTypeTopic, c.topic
		for _, o := range c.ops {
			lc := kmsg.NewAlterConfigsRequestResourceConfig()
			lc.Name, lc.Value = o.name, s(o.value)
			lres.Configs = append(lres.Configs, lc)
		}
		legacy.Resources = append(legacy.Resources, lres)
		lresp := dialRaw(t, b).roundTrip(legacy).(*kmsg.AlterConfigsResponse)
		if len(lresp.Resources) != 1 || lresp.Resources[0].ErrorCode != c.code || deref(lresp.Resources[0].ErrorMessage) != c.msg {
			t.Errorf("AlterConfigs %s: %+v, want %s %q", c.name, lresp.Resources, kerr.ErrorForCode(c.code), c.msg)
		}
	}
}

// ReplicaManager.deleteRecordsOnLocalLog and Partition.deleteRecordsOnLeader
// (apache/kafka 3.9 core/src/main/scala/kafka/server/ReplicaManager.scala,
// core/src/main/scala/kafka/cluster/Partition.scala, UnifiedLog
// .maybeIncrementLogStartOffset): an internal topic is refused
// INVALID_TOPIC_EXCEPTION, a topic whose cleanup.policy lacks delete
// POLICY_VIOLATION, an offset below -1 OFFSET_OUT_OF_RANGE, and an offset
// at or below the log start moves nothing and succeeds with the log start
// as the low watermark.
func TestDeleteRecordsAnswersPerPartitionAsKafkaDoes(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "plain", "a", "b", "c", "d")
	if got := createTopicsRaw(t, b, 7, false, withConfigs(newTopic("compacted", 1), s("cleanup.policy"), s("compact"))); got.ErrorCode != 0 {
		t.Fatalf("create: %d", got.ErrorCode)
	}
	produce(ctx, t, b, "compacted", "a", "b")
	deleteRecords := func(topic string, offset int64) kmsg.DeleteRecordsResponseTopicPartition {
		t.Helper()
		req := kmsg.NewPtrDeleteRecordsRequest()
		req.Version = 2
		req.TimeoutMillis = 5000
		rt := kmsg.NewDeleteRecordsRequestTopic()
		rt.Topic = topic
		rp := kmsg.NewDeleteRecordsRequestTopicPartition()
		rp.Partition, rp.Offset = 0, offset
		rt.Partitions = append(rt.Partitions, rp)
		req.Topics = append(req.Topics, rt)
		resp := dialRaw(t, b).roundTrip(req).(*kmsg.DeleteRecordsResponse)
		if len(resp.Topics) != 1 || len(resp.Topics[0].Partitions) != 1 || resp.Topics[0].Topic != topic {
			t.Fatalf("DeleteRecords %s: answered %+v", topic, resp.Topics)
		}
		return resp.Topics[0].Partitions[0]
	}
	cases := []struct {
		name   string
		topic  string
		offset int64
		code   int16
		lw     int64
	}{
		{"move the log start", "plain", 2, 0, 2},
		{"below the log start", "plain", 1, 0, 2},
		{"negative", "plain", -2, kerr.OffsetOutOfRange.Code, -1},
		{"past the high watermark", "plain", 5, kerr.OffsetOutOfRange.Code, -1},
		{"compacted topic", "compacted", 1, kerr.PolicyViolation.Code, -1},
		{"internal topic", "__consumer_offsets", 0, kerr.InvalidTopicException.Code, -1},
		{"unknown topic", "ghost", 0, kerr.UnknownTopicOrPartition.Code, -1},
	}
	for _, c := range cases {
		got := deleteRecords(c.topic, c.offset)
		if got.ErrorCode != c.code || got.LowWatermark != c.lw {
			t.Errorf("%s: %s low watermark %d, want %s %d", c.name, kerr.ErrorForCode(got.ErrorCode), got.LowWatermark,
				kerr.ErrorForCode(c.code), c.lw)
		}
	}
	resp := dialRaw(t, b).roundTrip(metadataRequest(12, false, "ghost")).(*kmsg.MetadataResponse)
	if tp := metadataTopic(t, resp, "ghost"); tp == nil || tp.ErrorCode != kerr.UnknownTopicOrPartition.Code {
		t.Errorf("asking about ghost's records made it: %+v", tp)
	}
}

// ReplicationControlManager.validateNewTopicNames: a name that differs from
// an existing topic's only in '.' against '_' is refused before its
// configs are looked at, naming the topic it collides with.
func TestCreateTopicsNamesTheTopicANameCollidesWith(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	produce(ctx, t, b, "col_lide", "a")
	for _, c := range []struct {
		topic kmsg.CreateTopicsRequestTopic
		msg   string
	}{
		{newTopic("col.lide", 1), "Topic 'col.lide' collides with existing topic: col_lide"},
		{withConfigs(newTopic("col.lide", 1), s("no.such"), s("1")), "Topic 'col.lide' collides with existing topic: col_lide"},
		{newTopic("__consumer.offsets", 1), "Topic '__consumer.offsets' collides with existing topic: __consumer_offsets"},
	} {
		got := createTopicsRaw(t, b, 7, false, c.topic)
		if got.ErrorCode != kerr.InvalidTopicException.Code || deref(got.ErrorMessage) != c.msg {
			t.Errorf("%s: %s %q, want INVALID_TOPIC_EXCEPTION %q", c.topic.Topic, kerr.ErrorForCode(got.ErrorCode), deref(got.ErrorMessage), c.msg)
		}
	}
}

// ControllerApis.deleteTopics and createPartitions answer a name given
// twice INVALID_REQUEST "Duplicate topic name." and leave that topic be;
// deleteTopics answers a topic given by both name and ID, or by neither,
// on its own, and deletes the others.
func TestDeleteTopicsAndCreatePartitionsRefuseADuplicateName(t *testing.T) {
	ctx := testContext(t)
	b := startBroker(ctx, t)
	for _, name := range []string{"twice", "once", "grow"} {
		if got := createTopicsRaw(t, b, 7, false, newTopic(name, 1)); got.ErrorCode != 0 {
			t.Fatalf("create %s: %d", name, got.ErrorCode)
		}
	}
	cp := kmsg.NewPtrCreatePartitionsRequest()
	cp.Version = 3
	cp.TimeoutMillis = 5000
	for _, name := range []string{"grow", "twice", "twice"} {
		ct := kmsg.NewCreatePartitionsRequestTopic()
		ct.Topic, ct.Count = name, 2
		cp.Topics = append(cp.Topics, ct)
	}
	cpResp := dialRaw(t, b).roundTrip(cp).(*kmsg.CreatePartitionsResponse)
	got := map[string]string{}
	for _, tp := range cpResp.Topics {
		got[tp.Topic] = fmt.Sprintf("%d %s", tp.ErrorCode, deref(tp.ErrorMessage))
	}
	if len(cpResp.Topics) != 2 || got["grow"] != "0 <null>" || got["twice"] != "42 Duplicate topic name." {
		t.Errorf("CreatePartitions answered %v, want grow grown and twice INVALID_REQUEST \"Duplicate topic name.\"", got)
	}

	dt := kmsg.NewPtrDeleteTopicsRequest()
	dt.Version = 6
	dt.TimeoutMillis = 5000
	byName := func(name string) kmsg.DeleteTopicsRequestTopic {
		t := kmsg.NewDeleteTopicsRequestTopic()
		t.Topic = s(name)
		return t
	}
	both := byName("once")
	both.TopicID = [16]byte{1}
	dt.Topics = []kmsg.DeleteTopicsRequestTopic{byName("twice"), byName("twice"), both, kmsg.NewDeleteTopicsRequestTopic(), byName("grow")}
	dtResp := dialRaw(t, b).roundTrip(dt).(*kmsg.DeleteTopicsResponse)
	var answers []string
	for _, tp := range dtResp.Topics {
		answers = append(answers, fmt.Sprintf("%s %d %s", deref(tp.Topic), tp.ErrorCode, deref(tp.ErrorMessage)))
	}
	want := []string{
		"once 42 You may not specify both topic name and topic id.",
		"<null> 42 Neither topic name nor id were specified.",
		"twice 42 Duplicate topic name.",
		"grow 0 <null>",
	}
	if strings.Join(answers, "|") != strings.Join(want, "|") {
		t.Errorf("DeleteTopics answered\n%s\nwant\n%s", strings.Join(answers, "\n"), strings.Join(want, "\n"))
	}
	resp := dialRaw(t, b).roundTrip(metadataRequest(12, false, "twice", "once")).(*kmsg.MetadataResponse)
	for _, name := range []string{"twice", "once"} {
		if tp := metadataTopic(t, resp, name); tp == nil || tp.ErrorCode != 0 {
			t.Errorf("%s was deleted: %+v", name, tp)
		}
	}
}
