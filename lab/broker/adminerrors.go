package broker

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/topicname"
)

// The admin requests' refusals, per topic, with Kafka 3.9's KRaft
// controller's codes and messages (apache/kafka 3.9
// metadata/src/main/java/org/apache/kafka/controller/ReplicationControlManager.java,
// core/src/main/scala/kafka/server/ControllerApis.scala). kfake answers
// most of these codes without a message, some not at all, and checks no
// topic config.

// brokerNode is the node ID kfake gives the one broker it runs.
const brokerNode = 0

// brokerCount is how many brokers the cluster registers.
const brokerCount = 1

// topicRefusal is a topic's error in an admin response.
type topicRefusal struct {
	code int16
	msg  *string
}

func refuse(code int16, msg string) topicRefusal { return topicRefusal{code, &msg} }

// topicExists is TOPIC_ALREADY_EXISTS as ReplicationControlManager
// .createTopics answers it.
func topicExists(name string) topicRefusal {
	return refuse(kerr.TopicAlreadyExists.Code, fmt.Sprintf("Topic '%s' already exists.", name))
}

// createTopicRefusal is what the controller answers for a topic it does
// not hold, after its name passed: its configs are checked first
// (computeConfigChanges, then ConfigurationControlManager's validation),
// then its assignment or counts (createTopic). The zero refusal lets it be
// created.
func createTopicRefusal(t kmsg.CreateTopicsRequestTopic) topicRefusal {
	if msg := validateTopicConfigs(t.Configs, nil); msg != "" {
		return refuse(kerr.InvalidConfig.Code, msg)
	}
	if len(t.ReplicaAssignment) > 0 {
		return assignmentRefusal(t)
	}
	switch {
	case t.ReplicationFactor < -1 || t.ReplicationFactor == 0:
		return refuse(kerr.InvalidReplicationFactor.Code, "Replication factor must be larger than 0, or -1 to use the default value.")
	case t.NumPartitions < -1 || t.NumPartitions == 0:
		return refuse(kerr.InvalidPartitions.Code, "Number of partitions was set to an invalid non-positive value.")
	case t.ReplicationFactor > brokerCount:
		// StripedReplicaPlacer.throwInvalidReplicationFactorIfTooFewBrokers
		return refuse(kerr.InvalidReplicationFactor.Code, fmt.Sprintf(
			"Unable to replicate the partition %d time(s): The target replication factor of %d cannot be reached because only %d broker(s) are registered.",
			t.ReplicationFactor, t.ReplicationFactor, brokerCount))
	}
	return topicRefusal{}
}

// assignmentRefusal checks a manual partition assignment as createTopic
// and validateManualPartitionAssignment do.
func assignmentRefusal(t kmsg.CreateTopicsRequestTopic) topicRefusal {
	if t.ReplicationFactor != -1 {
		return refuse(kerr.InvalidRequest.Code, "A manual partition assignment was specified, but replication factor was not set to -1.")
	}
	if t.NumPartitions != -1 {
		return refuse(kerr.InvalidRequest.Code, "A manual partition assignment was specified, but numPartitions was not set to -1.")
	}
	seen := map[int32]bool{}
	replicas := -1
	for _, a := range t.ReplicaAssignment {
		if seen[a.Partition] {
			return refuse(kerr.InvalidReplicaAssignment.Code, fmt.Sprintf("Found multiple manual partition assignments for partition %d", a.Partition))
		}
		if r := replicaListRefusal(a.Replicas, replicas); r.code != 0 {
			return r
		}
		replicas = len(a.Replicas)
		seen[a.Partition] = true
	}
	for i := range int32(len(seen)) {
		if !seen[i] {
			return refuse(kerr.InvalidReplicaAssignment.Code, "partitions should be a consecutive 0-based integer sequence")
		}
	}
	return topicRefusal{}
}

// replicaListRefusal is validateManualPartitionAssignment for one
// partition's replicas; want is the replica count of the partitions before
// it, -1 for none.
func replicaListRefusal(replicas []int32, want int) topicRefusal {
	if len(replicas) == 0 {
		return refuse(kerr.InvalidReplicaAssignment.Code, "The manual partition assignment includes an empty replica list.")
	}
	sorted := slices.Clone(replicas)
	slices.Sort(sorted)
	for i, id := range sorted {
		if id != brokerNode {
			return refuse(kerr.InvalidReplicaAssignment.Code, fmt.Sprintf(
				"The manual partition assignment includes broker %d, but no such broker is registered.", id))
		}
		if i > 0 && sorted[i-1] == id {
			return refuse(kerr.InvalidReplicaAssignment.Code, fmt.Sprintf(
				"The manual partition assignment includes the broker %d more than once.", id))
		}
	}
	if want >= 0 && len(sorted) != want {
		return refuse(kerr.InvalidReplicaAssignment.Code, fmt.Sprintf(
			"The manual partition assignment includes a partition with %d replica(s), but this is not consistent with previous partitions, which have %d replica(s).",
			len(sorted), want))
	}
	return topicRefusal{}
}

// fixDeleteTopicsMessages gives kfake's unknown-topic answers to
// DeleteTopics Kafka's messages: ControllerApis.deleteTopics answers an
// unknown name new ApiError(UNKNOWN_TOPIC_OR_PARTITION) and an unknown ID
// new ApiError(UNKNOWN_TOPIC_ID), each with its code's message, and the
// latter without a name.
func fixDeleteTopicsMessages(version int16) func([]byte) ([]byte, error) {
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(20, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.DeleteTopicsResponse)
		changed := false
		for i := range resp.Topics {
			t := &resp.Topics[i]
			if t.ErrorMessage != nil {
				continue
			}
			switch t.ErrorCode {
			case kerr.UnknownTopicOrPartition.Code:
				t.ErrorMessage = kmsg.StringPtr(kerr.UnknownTopicOrPartition.Description)
				changed = true
			case kerr.UnknownTopicID.Code:
				t.ErrorMessage = kmsg.StringPtr(kerr.UnknownTopicID.Description)
				t.Topic = nil
				changed = true
			}
		}
		if !changed || version < 5 { // ErrorMessage is v5+
			return body, nil
		}
		return appendResponse(resp), nil
	}
}

// createPartitionsRefusal is what ReplicationControlManager
// .createPartitions answers for a topic with current partitions before
// it adds any: no increase, or a manual assignment of another count.
func createPartitionsRefusal(t kmsg.CreatePartitionsRequestTopic, current int32) topicRefusal {
	switch {
	case t.Count == current:
		return refuse(kerr.InvalidPartitions.Code, fmt.Sprintf("Topic already has %d partition(s).", current))
	case t.Count < current:
		return refuse(kerr.InvalidPartitions.Code, fmt.Sprintf(
			"The topic %s currently has %d partition(s); %d would not be an increase.", t.Topic, current, t.Count))
	case t.Assignment != nil && int32(len(t.Assignment)) != t.Count-current:
		return refuse(kerr.InvalidReplicaAssignment.Code, fmt.Sprintf(
			"Attempted to add %d additional partition(s), but only %d assignment(s) were specified.", t.Count-current, len(t.Assignment)))
	}
	return topicRefusal{}
}

// rewriteCreatePartitions answers the topics the controller refuses before
// it adds a partition (createPartitionsRefusal) and those past its record
// bound (boundCreatePartitions), and lets kfake add the rest; the answer
// keeps the request's order, after a name given twice, which
// ControllerApis.createPartitions answers first ("Duplicate topic name.")
// and kfake would refuse the whole request for. It asks the cluster for the topics'
// partition counts first; when it cannot, kfake answers every topic.
func (p *protocol) rewriteCreatePartitions(b []byte, h reqHeader, req *kmsg.CreatePartitionsRequest) ([]byte, func([]byte) ([]byte, error), error) {
	times := map[string]int{}
	for _, t := range req.Topics {
		times[t.Topic]++
	}
	var names, duplicates []string
	for _, t := range req.Topics {
		if times[t.Topic] == 1 {
			names = append(names, t.Topic)
		} else if !slices.Contains(duplicates, t.Topic) {
			duplicates = append(duplicates, t.Topic)
		}
	}
	counts := p.partitionCounts(names)
	refused := map[string]topicRefusal{}
	kept := req.Topics[:0]
	for _, t := range req.Topics {
		if times[t.Topic] > 1 {
			continue
		}
		if current, ok := counts[t.Topic]; ok {
			if r := createPartitionsRefusal(t, current); r.code != 0 {
				refused[t.Topic] = r
				continue
			}
		}
		kept = append(kept, t)
	}
	req.Topics = kept
	failed := boundCreatePartitions(req, counts)
	if len(refused) == 0 && len(failed) == 0 && len(duplicates) == 0 {
		return b, nil, nil
	}
	version := req.Version
	return appendRequest(h, req), func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(37, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.CreatePartitionsResponse)
		byName := map[string]kmsg.CreatePartitionsResponseTopic{}
		for _, t := range resp.Topics {
			byName[t.Topic] = t
		}
		resp.Topics = resp.Topics[:0]
		for _, name := range duplicates {
			t := kmsg.NewCreatePartitionsResponseTopic()
			t.Topic, t.ErrorCode, t.ErrorMessage = name, kerr.InvalidRequest.Code, kmsg.StringPtr("Duplicate topic name.")
			resp.Topics = append(resp.Topics, t)
		}
		for _, name := range names {
			t, ok := byName[name]
			if !ok {
				t = kmsg.NewCreatePartitionsResponseTopic()
				t.Topic = name
			}
			if r, ok := refused[name]; ok {
				t.ErrorCode, t.ErrorMessage = r.code, r.msg
			}
			if failed[name] {
				t.ErrorCode, t.ErrorMessage = kerr.UnknownServerError.Code, nil
			}
			resp.Topics = append(resp.Topics, t)
		}
		return appendResponse(resp), nil
	}, nil
}

// alterTopicRefusal is what the controller answers for new configs of a
// topic before it looks the topic up (ConfigurationControlManager
// .validateAlterConfig: ControllerConfigurationValidator.validate checks
// the name, then LogConfig.validate the configs). set are the configs
// given a value, in the request's order.
func alterTopicRefusal(topic string, set []kmsg.CreateTopicsRequestTopicConfig) topicRefusal {
	if topic == "" {
		return refuse(kerr.InvalidRequest.Code, "Default topic resources are not allowed.")
	}
	if err := topicname.Validate(topic); err != nil {
		return refuse(kerr.InvalidTopicException.Code, err.Error())
	}
	if msg := validateTopicConfigs(set, nil); msg != "" {
		return refuse(kerr.InvalidConfig.Code, msg)
	}
	return topicRefusal{}
}

// configValue is a config name and the value a request gives it.
func configValue(name string, value *string) kmsg.CreateTopicsRequestTopicConfig {
	c := kmsg.NewCreateTopicsRequestTopicConfig()
	c.Name, c.Value = name, value
	return c
}

// incrementalAlterTopicRefusal checks one topic resource of an
// IncrementalAlterConfigs request as incrementalAlterConfigResource does:
// the last operation on each name counts; APPEND and SUBTRACT need a LIST
// config; a SET without a value deletes. The entries APPEND adds are
// checked as the config's values.
func incrementalAlterTopicRefusal(r kmsg.IncrementalAlterConfigsRequestResource) topicRefusal {
	last := map[string]kmsg.IncrementalAlterConfigsRequestResourceConfig{}
	var names []string
	for _, c := range r.Configs {
		if _, ok := last[c.Name]; !ok {
			names = append(names, c.Name)
		}
		last[c.Name] = c
	}
	var set []kmsg.CreateTopicsRequestTopicConfig
	for _, name := range names {
		c := last[name]
		switch c.Op {
		case kmsg.IncrementalAlterConfigOpSet:
			if c.Value != nil {
				set = append(set, configValue(name, c.Value))
			}
		case kmsg.IncrementalAlterConfigOpAppend, kmsg.IncrementalAlterConfigOpSubtract:
			if d, ok := topicConfigDefFor(name); !ok || d.typ != kmsg.ConfigTypeList {
				return refuse(kerr.InvalidConfig.Code, fmt.Sprintf("Can't %s to key %s because its type is not LIST.", c.Op, name))
			}
			if c.Op == kmsg.IncrementalAlterConfigOpAppend && c.Value != nil {
				set = append(set, configValue(name, c.Value))
			}
		}
	}
	return alterTopicRefusal(r.ResourceName, set)
}

// legacyAlterTopicRefusal checks one topic resource of an AlterConfigs
// request (legacyAlterConfigResource): its configs replace the topic's.
func legacyAlterTopicRefusal(r kmsg.AlterConfigsRequestResource) topicRefusal {
	var set []kmsg.CreateTopicsRequestTopicConfig
	for _, c := range r.Configs {
		if c.Value != nil {
			set = append(set, configValue(c.Name, c.Value))
		}
	}
	return alterTopicRefusal(r.ResourceName, set)
}

// alterResult is one resource of an AlterConfigs or IncrementalAlterConfigs
// answer.
type alterResult struct {
	typ  kmsg.ConfigResourceType
	name string
	topicRefusal
}

// fixAlterResults answers refused, which were taken out of the request,
// after kfake's answers (the controller answers from a hash map, in no
// set order), and gives kfake's unknown topics
// ConfigResourceExistenceChecker's message.
func fixAlterResults(answered []alterResult, refused []alterResult) []alterResult {
	for i := range answered {
		a := &answered[i]
		if a.typ == kmsg.ConfigResourceTypeTopic && a.code == kerr.UnknownTopicOrPartition.Code && a.msg == nil {
			a.msg = kmsg.StringPtr(fmt.Sprintf("The topic '%s' does not exist.", a.name))
		}
	}
	return append(answered, refused...)
}

// rewriteAlterResources takes the topic resources the controller refuses
// (check) out of an AlterConfigs or IncrementalAlterConfigs request and
// answers them itself after kfake's answers (fixAlterResults). R is the
// request's resource; read and write carry the answer's resources.
func rewriteAlterResources[R any](b []byte, h reqHeader, req kmsg.Request, resources *[]R,
	ident func(R) (kmsg.ConfigResourceType, string), check func(R) topicRefusal,
	read func(kmsg.Response) []alterResult, write func(kmsg.Response, []alterResult), changed bool,
) ([]byte, func([]byte) ([]byte, error)) {
	var refused []alterResult
	kept := (*resources)[:0]
	for _, r := range *resources {
		if typ, name := ident(r); typ == kmsg.ConfigResourceTypeTopic {
			if no := check(r); no.code != 0 {
				refused = append(refused, alterResult{typ, name, no})
				continue
			}
		}
		kept = append(kept, r)
	}
	*resources = kept
	out := b
	if len(refused) > 0 || changed {
		out = appendRequest(h, req)
	}
	key, version := req.Key(), req.GetVersion()
	return out, func(body []byte) ([]byte, error) {
		resp, err := parseResponse(key, version, body)
		if err != nil {
			return nil, err
		}
		write(resp, fixAlterResults(read(resp), refused))
		return appendResponse(resp), nil
	}
}

func (p *protocol) rewriteIncrementalAlterConfigs(b []byte, h reqHeader, req *kmsg.IncrementalAlterConfigsRequest) ([]byte, func([]byte) ([]byte, error)) {
	changed := p.setListOps(req)
	brokerOps := map[string][]kmsg.IncrementalAlterConfigsRequestResourceConfig{}
	for _, r := range req.Resources {
		if r.ResourceType == kmsg.ConfigResourceTypeBroker && !req.ValidateOnly {
			brokerOps[r.ResourceName] = append(brokerOps[r.ResourceName], r.Configs...)
		}
	}
	return rewriteAlterResources(b, h, req, &req.Resources,
		func(r kmsg.IncrementalAlterConfigsRequestResource) (kmsg.ConfigResourceType, string) {
			return r.ResourceType, r.ResourceName
		},
		incrementalAlterTopicRefusal,
		func(kresp kmsg.Response) []alterResult {
			var out []alterResult
			for _, r := range kresp.(*kmsg.IncrementalAlterConfigsResponse).Resources {
				out = append(out, alterResult{r.ResourceType, r.ResourceName, topicRefusal{r.ErrorCode, r.ErrorMessage}})
				if r.ResourceType == kmsg.ConfigResourceTypeBroker && r.ErrorCode == 0 {
					for _, c := range brokerOps[r.ResourceName] {
						p.noteDynamicLevel(c.Name, r.ResourceName == "", c.Op == kmsg.IncrementalAlterConfigOpDelete)
					}
				}
			}
			return out
		},
		func(kresp kmsg.Response, results []alterResult) {
			resp := kresp.(*kmsg.IncrementalAlterConfigsResponse)
			resp.Resources = resp.Resources[:0]
			for _, a := range results {
				r := kmsg.NewIncrementalAlterConfigsResponseResource()
				r.ResourceType, r.ResourceName, r.ErrorCode, r.ErrorMessage = a.typ, a.name, a.code, a.msg
				resp.Resources = append(resp.Resources, r)
			}
		}, changed)
}

func (p *protocol) rewriteAlterConfigs(b []byte, h reqHeader, req *kmsg.AlterConfigsRequest) ([]byte, func([]byte) ([]byte, error)) {
	brokerSets := map[string][]kmsg.AlterConfigsRequestResourceConfig{}
	for _, r := range req.Resources {
		if r.ResourceType == kmsg.ConfigResourceTypeBroker && !req.ValidateOnly {
			brokerSets[r.ResourceName] = r.Configs
		}
	}
	return rewriteAlterResources(b, h, req, &req.Resources,
		func(r kmsg.AlterConfigsRequestResource) (kmsg.ConfigResourceType, string) {
			return r.ResourceType, r.ResourceName
		},
		legacyAlterTopicRefusal,
		func(kresp kmsg.Response) []alterResult {
			var out []alterResult
			for _, r := range kresp.(*kmsg.AlterConfigsResponse).Resources {
				out = append(out, alterResult{r.ResourceType, r.ResourceName, topicRefusal{r.ErrorCode, r.ErrorMessage}})
				if set, ok := brokerSets[r.ResourceName]; ok && r.ResourceType == kmsg.ConfigResourceTypeBroker && r.ErrorCode == 0 {
					p.replaceDynamicLevels(set, r.ResourceName == "")
				}
			}
			return out
		},
		func(kresp kmsg.Response, results []alterResult) {
			resp := kresp.(*kmsg.AlterConfigsResponse)
			resp.Resources = resp.Resources[:0]
			for _, a := range results {
				r := kmsg.NewAlterConfigsResponseResource()
				r.ResourceType, r.ResourceName, r.ErrorCode, r.ErrorMessage = a.typ, a.name, a.code, a.msg
				resp.Resources = append(resp.Resources, r)
			}
		}, false)
}

// rewriteDeleteRecords answers the partitions Kafka 3.9 answers otherwise
// than kfake (ReplicaManager.deleteRecordsOnLocalLog, Partition
// .deleteRecordsOnLeader, UnifiedLog.maybeIncrementLogStartOffset): an
// internal topic's INVALID_TOPIC_EXCEPTION, POLICY_VIOLATION where the
// topic's cleanup.policy lacks delete, OFFSET_OUT_OF_RANGE below -1, and
// success with the log start unmoved below it, where kfake answers
// OFFSET_OUT_OF_RANGE; it asks the cluster for the topics' cleanup.policy
// and log starts. Every refusal's low watermark is -1, as Kafka's
// LogDeleteRecordsResult(-1, -1, error) gives it; kfake's are 0. The
// answer keeps the request's order.
func (p *protocol) rewriteDeleteRecords(b []byte, h reqHeader, req *kmsg.DeleteRecordsRequest) ([]byte, func([]byte) ([]byte, error)) {
	var names []string
	for _, t := range req.Topics {
		if !isListedInternal(t.Topic) {
			names = append(names, t.Topic)
		}
	}
	policies, starts := p.deletionFacts(names)
	asked := slices.Clone(req.Topics)
	answered := map[string]map[int32]kmsg.DeleteRecordsResponseTopicPartition{}
	answer := func(topic string, partition int32, code int16, lowWatermark int64) {
		if answered[topic] == nil {
			answered[topic] = map[int32]kmsg.DeleteRecordsResponseTopicPartition{}
		}
		a := kmsg.NewDeleteRecordsResponseTopicPartition()
		a.Partition, a.ErrorCode, a.LowWatermark = partition, code, lowWatermark
		answered[topic][partition] = a
	}
	kept := make([]kmsg.DeleteRecordsRequestTopic, 0, len(req.Topics))
	for _, t := range req.Topics {
		var parts []kmsg.DeleteRecordsRequestTopicPartition
		for _, pt := range t.Partitions {
			start, known := starts[t.Topic][pt.Partition]
			policy, withPolicy := policies[t.Topic]
			switch {
			case isListedInternal(t.Topic):
				answer(t.Topic, pt.Partition, kerr.InvalidTopicException.Code, -1)
			case !known: // kfake answers an unknown partition
				parts = append(parts, pt)
			case withPolicy && !slices.Contains(strings.Split(policy, ","), "delete"):
				answer(t.Topic, pt.Partition, kerr.PolicyViolation.Code, -1)
			case pt.Offset < -1:
				answer(t.Topic, pt.Partition, kerr.OffsetOutOfRange.Code, -1)
			case pt.Offset >= 0 && pt.Offset < start:
				answer(t.Topic, pt.Partition, 0, start)
			default:
				parts = append(parts, pt)
			}
		}
		if len(parts) > 0 {
			t.Partitions = parts
			kept = append(kept, t)
		}
	}
	out := b
	if len(answered) > 0 {
		req.Topics = kept
		out = appendRequest(h, req)
	}
	version := req.Version
	return out, func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(21, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.DeleteRecordsResponse)
		for _, t := range resp.Topics {
			for _, pt := range t.Partitions {
				if pt.ErrorCode != 0 {
					pt.LowWatermark = -1
				}
				if answered[t.Topic] == nil {
					answered[t.Topic] = map[int32]kmsg.DeleteRecordsResponseTopicPartition{}
				}
				answered[t.Topic][pt.Partition] = pt
			}
		}
		resp.Topics = resp.Topics[:0]
		for _, t := range asked {
			rt := kmsg.NewDeleteRecordsResponseTopic()
			rt.Topic = t.Topic
			for _, pt := range t.Partitions {
				if a, ok := answered[t.Topic][pt.Partition]; ok {
					rt.Partitions = append(rt.Partitions, a)
				}
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return appendResponse(resp), nil
	}
}

// deletionFacts asks the cluster for topics' cleanup.policy and their
// partitions' log starts; either is nil when it cannot ask.
func (p *protocol) deletionFacts(topics []string) (map[string]string, map[string]map[int32]int64) {
	admin := p.selfAdmin()
	if admin == nil || len(topics) == 0 {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), selfAskTimeout)
	defer cancel()
	policies := map[string]string{}
	if rcs, err := admin.DescribeTopicConfigs(ctx, topics...); err == nil {
		for _, rc := range rcs {
			for _, c := range rc.Configs {
				if c.Key == "cleanup.policy" && c.Value != nil {
					policies[rc.Name] = *c.Value
				}
			}
		}
	}
	listed, err := admin.ListStartOffsets(ctx, topics...)
	if err != nil {
		return policies, nil
	}
	starts := map[string]map[int32]int64{}
	listed.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			return
		}
		if starts[o.Topic] == nil {
			starts[o.Topic] = map[int32]int64{}
		}
		starts[o.Topic][o.Partition] = o.Offset
	})
	return policies, starts
}

// unifyCollisionChars is Topic.unifyCollisionChars: '.' and '_' collide.
func unifyCollisionChars(name string) string { return strings.ReplaceAll(name, ".", "_") }

// collidingTopics maps the unified name of each topic the cluster holds
// (internal ones included) whose name has '.' or '_' to that name, when
// one of names has them too (Topic.hasCollisionChars); nil otherwise or
// when it cannot ask.
func (p *protocol) collidingTopics(names []string) map[string]string {
	if !slices.ContainsFunc(names, func(n string) bool { return strings.ContainsAny(n, "._") }) {
		return nil
	}
	admin := p.selfAdmin()
	if admin == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), selfAskTimeout)
	defer cancel()
	listed, err := admin.ListTopicsWithInternal(ctx)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for _, name := range listed.Names() {
		if strings.ContainsAny(name, "._") {
			out[unifyCollisionChars(name)] = name
		}
	}
	return out
}

// collisionRefusal is validateNewTopicNames's refusal of a name that
// collides with an existing topic's other name.
func collisionRefusal(name string, colliding map[string]string) (topicRefusal, bool) {
	other, ok := colliding[unifyCollisionChars(name)]
	if !ok || other == name {
		return topicRefusal{}, false
	}
	return refuse(kerr.InvalidTopicException.Code, fmt.Sprintf("Topic '%s' collides with existing topic: %s", name, other)), true
}

// setListOps turns the APPEND and SUBTRACT operations on valid topic
// resources into the SET that incrementalAlterConfigResource computes:
// the topic's list, or the config's default when the topic sets none
// (getParts, empty entries dropped), with each entry of the value added
// when missing or removed. kfake would start from the topic's own value
// alone. It reports whether it changed the request.
func (p *protocol) setListOps(req *kmsg.IncrementalAlterConfigsRequest) bool {
	var topics []string
	for _, r := range req.Resources {
		if r.ResourceType != kmsg.ConfigResourceTypeTopic || incrementalAlterTopicRefusal(r).code != 0 {
			continue
		}
		for _, c := range r.Configs {
			if c.Op == kmsg.IncrementalAlterConfigOpAppend || c.Op == kmsg.IncrementalAlterConfigOpSubtract {
				topics = append(topics, r.ResourceName)
				break
			}
		}
	}
	current := p.topicOwnConfigs(topics)
	changed := false
	for i := range req.Resources {
		r := &req.Resources[i]
		own, ok := current[r.ResourceName]
		if r.ResourceType != kmsg.ConfigResourceTypeTopic || !ok {
			continue
		}
		for j := range r.Configs {
			c := &r.Configs[j]
			if (c.Op != kmsg.IncrementalAlterConfigOpAppend && c.Op != kmsg.IncrementalAlterConfigOpSubtract) || c.Value == nil {
				continue
			}
			value, set := own[c.Name]
			if !set {
				d, _ := topicConfigDefFor(c.Name)
				value = d.value
			}
			var parts []string
			for _, e := range strings.Split(value, ",") {
				if e != "" {
					parts = append(parts, e)
				}
			}
			for _, e := range javaSplit(*c.Value) {
				if c.Op == kmsg.IncrementalAlterConfigOpAppend && !slices.Contains(parts, e) {
					parts = append(parts, e)
				} else if c.Op == kmsg.IncrementalAlterConfigOpSubtract {
					parts = slices.DeleteFunc(parts, func(p string) bool { return p == e })
				}
			}
			c.Op, c.Value = kmsg.IncrementalAlterConfigOpSet, kmsg.StringPtr(strings.Join(parts, ","))
			own[c.Name] = *c.Value
			changed = true
		}
	}
	return changed
}

// topicOwnConfigs asks the cluster for the configs topics set themselves
// (DYNAMIC_TOPIC_CONFIG); a topic it does not know is absent.
func (p *protocol) topicOwnConfigs(topics []string) map[string]map[string]string {
	admin := p.selfAdmin()
	if admin == nil || len(topics) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), selfAskTimeout)
	defer cancel()
	rcs, err := admin.DescribeTopicConfigs(ctx, topics...)
	if err != nil {
		return nil
	}
	out := map[string]map[string]string{}
	for _, rc := range rcs {
		if rc.Err != nil {
			continue
		}
		own := map[string]string{}
		for _, c := range rc.Configs {
			if c.Source == kmsg.ConfigSourceDynamicTopicConfig && c.Value != nil {
				own[c.Key] = *c.Value
			}
		}
		out[rc.Name] = own
	}
	return out
}

// javaSplit is Java's String.split(","): trailing empty strings dropped.
func javaSplit(s string) []string {
	parts := strings.Split(s, ",")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// rewriteDeleteTopics answers what ControllerApis.deleteTopics refuses
// before it looks topics up, ahead of the rest as it does: a topic given
// by both name and ID ("You may not specify both topic name and topic
// id."), by neither, and a name given twice ("Duplicate topic name."),
// which is then not deleted. kfake would refuse the whole request for the
// first, and delete a name given twice. It then gives kfake's unknown
// topics Kafka's messages (fixDeleteTopicsMessages).
func (p *protocol) rewriteDeleteTopics(b []byte, h reqHeader, req *kmsg.DeleteTopicsRequest) ([]byte, func([]byte) ([]byte, error)) {
	var first []kmsg.DeleteTopicsResponseTopic
	answer := func(name *string, id [16]byte, msg string) {
		t := kmsg.NewDeleteTopicsResponseTopic()
		t.Topic, t.TopicID, t.ErrorCode, t.ErrorMessage = name, id, kerr.InvalidRequest.Code, kmsg.StringPtr(msg)
		first = append(first, t)
	}
	times := map[string]int{}
	for _, n := range req.TopicNames {
		times[n]++
	}
	for _, t := range req.Topics {
		if t.Topic != nil && t.TopicID == ([16]byte{}) {
			times[*t.Topic]++
		}
	}
	keptTopics := req.Topics[:0]
	for _, t := range req.Topics {
		switch {
		case t.Topic == nil && t.TopicID == ([16]byte{}):
			answer(nil, t.TopicID, "Neither topic name nor id were specified.")
		case t.Topic != nil && t.TopicID != ([16]byte{}):
			answer(t.Topic, t.TopicID, "You may not specify both topic name and topic id.")
		case t.Topic != nil && times[*t.Topic] > 1:
		default:
			keptTopics = append(keptTopics, t)
		}
	}
	var duplicates []string
	keptNames := req.TopicNames[:0]
	for _, n := range req.TopicNames {
		if times[n] <= 1 {
			keptNames = append(keptNames, n)
		}
	}
	for n, k := range times {
		if k > 1 {
			duplicates = append(duplicates, n)
		}
	}
	slices.Sort(duplicates) // Kafka's HashSet has no order either
	for _, n := range duplicates {
		answer(kmsg.StringPtr(n), [16]byte{}, "Duplicate topic name.")
	}
	fixMessages := fixDeleteTopicsMessages(req.Version)
	if len(first) == 0 {
		return b, fixMessages
	}
	req.Topics, req.TopicNames = keptTopics, keptNames
	version := req.Version
	return appendRequest(h, req), func(body []byte) ([]byte, error) {
		body, err := fixMessages(body)
		if err != nil {
			return nil, err
		}
		kresp, err := parseResponse(20, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.DeleteTopicsResponse)
		resp.Topics = append(first, resp.Topics...)
		return appendResponse(resp), nil
	}
}
