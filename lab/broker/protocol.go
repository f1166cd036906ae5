package broker

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/twmb/franz-go/pkg/kbin"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/topicname"
)

// Partition counts of Kafka's internal topics: the defaults of
// offsets.topic.num.partitions (GroupCoordinatorConfig, apache/kafka 3.9
// group-coordinator/src/main/java/org/apache/kafka/coordinator/group/GroupCoordinatorConfig.java)
// and transaction.state.log.num.partitions (TransactionLogConfigs, 3.9
// transaction-coordinator/src/main/java/org/apache/kafka/coordinator/transaction/TransactionLogConfigs.java).
const (
	ConsumerOffsetsPartitions  = 50
	TransactionStatePartitions = 50
)

// internalTopics are the internal topics a Kafka 3.9 cluster in use holds
// and lists: the group coordinator's and the transaction coordinator's logs.
var internalTopics = []struct {
	name       string
	partitions int32
}{
	{topicname.ConsumerOffsets, ConsumerOffsetsPartitions},
	{topicname.TransactionState, TransactionStatePartitions},
}

func isListedInternal(name string) bool {
	for _, it := range internalTopics {
		if it.name == name {
			return true
		}
	}
	return false
}

// protocol is the broker's own say in a few requests, on top of kfake:
// ApiVersions answers Kafka 3.9's ranges, Metadata lists the internal
// topics and never creates a topic with an invalid or internal name, and
// CreateTopics refuses such names per topic and makes the created topics'
// logs (logfiles.go).
type protocol struct {
	autoCreate bool
	codecs     *topicCodecs
	// maxRecords bounds the decompressed records of a batch the broker
	// reads: socket.request.max.bytes.
	maxRecords int64
	logger     *slog.Logger
	// logDir is the data dir kfake keeps its segments in, where a created
	// topic's log is made (prepareLogsAfter); "" makes none.
	logDir string
	// starts are the log starts of compacted partitions a cleaning moved
	// (logstart.go); nil for none.
	starts *logStarts
	// produceGate, when set, holds Produce requests back until the
	// transactions a crash left open are ended (txnrecovery.go).
	produceGate *produceGate
	// cleanerBackoff is the broker's log.cleaner.backoff.ms, which
	// DescribeConfigs shows in place of the value kfake is given.
	cleanerBackoff string

	mu sync.Mutex
	// legacy holds topics with names Kafka would refuse that an older
	// version left in the data dir; they are served as stored.
	legacy map[string]bool
	// dynamicDefaults are the dynamic broker configs last set cluster-wide
	// (broker ""): kfake keeps one set of dynamic broker configs, which
	// DescribeConfigs splits by the level each was set at (brokerconfigs.go).
	dynamicDefaults map[string]bool
}

func (p *protocol) isLegacy(name string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.legacy[name]
}

func (p *protocol) wants(key int16) bool {
	switch key {
	case 0, 3, 18, 19: // Produce, Metadata, ApiVersions, CreateTopics
		return true
	case 20, 33, 44: // DeleteTopics, AlterConfigs, IncrementalAlterConfigs
		return true
	case 37: // CreatePartitions: refusals (adminerrors.go), the controller's record bound (recordbound.go)
		return true
	case 32: // DescribeConfigs: a topic's every config, the broker's cleaner backoff (configs.go)
		return true
	case 1, 2: // Fetch, ListOffsets: a cleaning may move a log start before kfake answers
		return p.starts != nil
	case 21: // DeleteRecords: Kafka's refusals (adminerrors.go), the kept log starts (logstart.go)
		return true
	}
	return false
}

type reqHeader struct {
	key, version int16
	corr         int32
	clientID     *string
}

func parseRequest(b []byte) (reqHeader, kmsg.Request, error) {
	r := kbin.Reader{Src: b}
	h := reqHeader{key: r.Int16(), version: r.Int16(), corr: r.Int32(), clientID: r.NullableString()}
	kreq := kmsg.RequestForKey(h.key)
	if kreq == nil {
		return h, nil, fmt.Errorf("unknown api key %d", h.key)
	}
	kreq.SetVersion(h.version)
	if kreq.IsFlexible() {
		kmsg.SkipTags(&r)
	}
	if err := kreq.ReadFrom(r.Src); err != nil {
		return h, nil, fmt.Errorf("parse %s v%d: %w", kmsg.NameForKey(h.key), h.version, err)
	}
	return h, kreq, nil
}

func appendRequest(h reqHeader, kreq kmsg.Request) []byte {
	var f *kmsg.RequestFormatter
	if h.clientID != nil {
		f = kmsg.NewRequestFormatter(kmsg.FormatterClientID(*h.clientID))
	} else {
		f = kmsg.NewRequestFormatter()
	}
	return f.AppendRequest(nil, kreq, h.corr)[4:]
}

// parseResponse reads a response body as kfake wrote it after the
// correlation ID: a header tag section for flexible versions (but never
// for ApiVersions), then the body.
func parseResponse(key, version int16, body []byte) (kmsg.Response, error) {
	resp := kmsg.ResponseForKey(key)
	resp.SetVersion(version)
	if resp.IsFlexible() && key != 18 {
		r := kbin.Reader{Src: body}
		kmsg.SkipTags(&r)
		body = r.Src
	}
	if err := resp.ReadFrom(body); err != nil {
		return nil, fmt.Errorf("parse %s v%d response: %w", kmsg.NameForKey(key), version, err)
	}
	return resp, nil
}

func appendResponse(resp kmsg.Response) []byte {
	var out []byte
	if resp.IsFlexible() && resp.Key() != 18 {
		out = append(out, 0)
	}
	return resp.AppendTo(out)
}

func (p *protocol) rewrite(b []byte) ([]byte, responseFix, error) {
	if len(b) >= 2 && binary.BigEndian.Uint16(b) == 1 && p.starts != nil {
		return p.starts.rewriteFetch(b)
	}
	out, fix, err := p.rewriteRequest(b)
	return out, fixing(fix), err
}

// rewriteRequest rewrites the requests other than Fetch.
func (p *protocol) rewriteRequest(b []byte) ([]byte, func([]byte) ([]byte, error), error) {
	h, kreq, err := parseRequest(b)
	if err != nil {
		return nil, nil, err
	}
	switch req := kreq.(type) {
	case *kmsg.ApiVersionsRequest:
		return b, p.fixApiVersions(req), nil
	case *kmsg.MetadataRequest:
		return p.rewriteMetadata(h, req)
	case *kmsg.CreateTopicsRequest:
		out, fix, err := p.rewriteCreateTopics(h, req)
		return out, p.forgetCodecsAfter(chainFixes(p.prepareLogsAfter(req), fix)), err
	case *kmsg.ProduceRequest:
		p.produceGate.wait()
		fix := refuseInternalProduce(req)
		changed := fix != nil
		if p.codecs != nil {
			logger := p.logger
			if logger == nil {
				logger = slog.New(slog.DiscardHandler)
			}
			maxRecords := p.maxRecords
			if maxRecords <= 0 {
				maxRecords = DefaultSocketRequestMaxBytes
			}
			recompressed, refuse := p.codecs.recompressProduce(req, maxRecords, logger)
			changed = changed || recompressed
			fix = chainFixes(fix, refuse)
		}
		if req.Acks == 0 {
			fix = nil // no response comes back
		}
		if changed {
			return appendRequest(h, req), fix, nil
		}
	case *kmsg.DescribeConfigsRequest:
		out, fix := p.rewriteDescribeConfigs(b, h, req)
		return out, fix, nil
	case *kmsg.ListOffsetsRequest:
		return b, p.starts.fixListOffsets(req), nil
	case *kmsg.DeleteRecordsRequest:
		out, fix := p.rewriteDeleteRecords(b, h, req)
		return out, chainFixes(fix, p.recordDeletions(req)), nil
	case *kmsg.DeleteTopicsRequest:
		out, fix := p.rewriteDeleteTopics(b, h, req)
		return out, p.forgetCodecsAfter(chainFixes(p.forgetStartsAfter(req), fix)), nil
	case *kmsg.AlterConfigsRequest:
		out, fix := p.rewriteAlterConfigs(b, h, req)
		return out, p.forgetCodecsAfter(fix), nil
	case *kmsg.IncrementalAlterConfigsRequest:
		out, fix := p.rewriteIncrementalAlterConfigs(b, h, req)
		return out, p.forgetCodecsAfter(fix), nil
	case *kmsg.CreatePartitionsRequest:
		return p.rewriteCreatePartitions(b, h, req)
	}
	return b, nil, nil
}

// chainFixes applies first, then second, to a response; either may be nil.
func chainFixes(first, second func([]byte) ([]byte, error)) func([]byte) ([]byte, error) {
	if first == nil {
		return second
	}
	if second == nil {
		return first
	}
	return func(body []byte) ([]byte, error) {
		body, err := first(body)
		if err != nil {
			return nil, err
		}
		return second(body)
	}
}

// forgetCodecsAfter wraps a response fix so that, once kfake has answered
// a request that may change topics or their configs, the topics'
// compression.type is asked for afresh.
func (p *protocol) forgetCodecsAfter(fix func([]byte) ([]byte, error)) func([]byte) ([]byte, error) {
	if p.codecs == nil {
		return fix
	}
	return func(body []byte) ([]byte, error) {
		p.codecs.forget()
		if fix == nil {
			return body, nil
		}
		return fix(body)
	}
}

// fixApiVersions turns kfake's ApiVersions answer into Kafka 3.9's: every
// API both serve, with 3.9's version range (see kafka39Versions).
func (p *protocol) fixApiVersions(req *kmsg.ApiVersionsRequest) func([]byte) ([]byte, error) {
	return func(body []byte) ([]byte, error) {
		// A version above ours is answered at v0 (KIP-511).
		version := req.Version
		if version > kafka39Versions[18].max {
			version = 0
		}
		kresp, err := parseResponse(18, version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.ApiVersionsResponse)
		keys := resp.ApiKeys[:0]
		for _, k := range resp.ApiKeys {
			r, ok := kafka39Versions[k.ApiKey]
			if !ok {
				continue
			}
			k.MinVersion = r.min
			k.MaxVersion = min(k.MaxVersion, r.max)
			keys = append(keys, k)
		}
		resp.ApiKeys = keys
		return appendResponse(resp), nil
	}
}

type metadataFix struct {
	invalid   []string // names Kafka refuses, taken out of the request
	internals []string // internal topics asked for
	all       bool     // all topics asked for
}

// rewriteMetadata keeps kfake from auto-creating a topic whose name Kafka
// refuses or that is one of Kafka's internal topics, and answers for both
// as Kafka 3.9 does. Requests below v4 are passed to kfake as v4 and
// answered at their own version: before v4 a request always asks for
// auto-creation (KIP-204), which kfake, reading the v4 field, misses.
func (p *protocol) rewriteMetadata(h reqHeader, req *kmsg.MetadataRequest) ([]byte, func([]byte) ([]byte, error), error) {
	version := req.Version
	fix := metadataFix{all: req.Topics == nil || (version == 0 && len(req.Topics) == 0)}
	if !fix.all {
		kept := req.Topics[:0]
		for _, t := range req.Topics {
			switch {
			case t.Topic == nil:
				kept = append(kept, t)
			case isListedInternal(*t.Topic):
				fix.internals = append(fix.internals, *t.Topic)
			case !topicname.Valid(*t.Topic) && !p.isLegacy(*t.Topic):
				fix.invalid = append(fix.invalid, *t.Topic)
			default:
				kept = append(kept, t)
			}
		}
		req.Topics = kept
	} else {
		req.Topics = nil
	}
	if version < 4 {
		req.Version = 4
		req.AllowAutoTopicCreation = true
	}
	// Auto-creation happens only when the client asks and the broker
	// allows it (KafkaApis.getTopicMetadata, 3.9).
	autoCreate := p.autoCreate && req.AllowAutoTopicCreation
	out := appendRequest(h, req)
	return out, func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(3, req.Version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.MetadataResponse)
		resp.SetVersion(version)
		node := resp.ControllerID
		if len(resp.Brokers) > 0 {
			node = resp.Brokers[0].NodeID
		}
		topics := resp.Topics[:0]
		for _, t := range resp.Topics {
			if t.Topic != nil && isListedInternal(*t.Topic) {
				continue // an ordinary topic of that name from an older version
			}
			topics = append(topics, t)
		}
		resp.Topics = topics
		if fix.all {
			for _, it := range internalTopics {
				resp.Topics = append(resp.Topics, internalTopicMetadata(it.name, it.partitions, node))
			}
		}
		for _, name := range fix.internals {
			for _, it := range internalTopics {
				if it.name == name {
					resp.Topics = append(resp.Topics, internalTopicMetadata(it.name, it.partitions, node))
				}
			}
		}
		// AutoTopicCreationManager.filterCreatableTopics answers
		// INVALID_TOPIC_EXCEPTION for an invalid name it was asked to
		// create; without auto-creation the topic is simply unknown.
		code := kerr.UnknownTopicOrPartition.Code
		if autoCreate {
			code = kerr.InvalidTopicException.Code
		}
		for _, name := range fix.invalid {
			t := kmsg.NewMetadataResponseTopic()
			t.Topic = kmsg.StringPtr(name)
			t.ErrorCode = code
			resp.Topics = append(resp.Topics, t)
		}
		return appendResponse(resp), nil
	}, nil
}

// internalTopicMetadata describes an internal topic led by node, with a
// topic ID derived from its name so that it stays the same across restarts.
func internalTopicMetadata(name string, partitions, node int32) kmsg.MetadataResponseTopic {
	t := kmsg.NewMetadataResponseTopic()
	t.Topic = kmsg.StringPtr(name)
	t.IsInternal = true
	sum := sha256.Sum256([]byte("ctalab internal topic " + name))
	copy(t.TopicID[:], sum[:16])
	for i := int32(0); i < partitions; i++ {
		pt := kmsg.NewMetadataResponseTopicPartition()
		pt.Partition = i
		pt.Leader = node
		pt.LeaderEpoch = 0
		pt.Replicas = []int32{node}
		pt.ISR = []int32{node}
		t.Partitions = append(t.Partitions, pt)
	}
	return t
}

// rewriteCreateTopics answers, per topic, what Kafka 3.9 refuses and
// kfake would not, or would without Kafka's message (adminerrors.go):
// names Kafka refuses (INVALID_TOPIC_EXCEPTION with Topic.validate's
// message, or naming the existing topic the name collides with, as
// ReplicationControlManager.validateNewTopicNames answers),
// the internal topics, which already exist, topics whose configs,
// assignment or counts the controller refuses, and a name given twice
// (INVALID_REQUEST "Duplicate topic name.", ControllerApis.createTopics).
// It refuses the whole request when it asks for more records than the
// KRaft controller writes at once (recordbound.go), and lets kfake create
// the rest. The answer lists the topics in the request's order, then the
// duplicates, then __cluster_metadata, as ControllerApis adds them, and
// gives a created topic's every config (effectiveTopicConfigs).
func (p *protocol) rewriteCreateTopics(h reqHeader, req *kmsg.CreateTopicsRequest) ([]byte, func([]byte) ([]byte, error), error) {
	names := make([]string, len(req.Topics))
	times := make(map[string]int, len(req.Topics))
	for i, t := range req.Topics {
		names[i] = t.Topic
		times[t.Topic]++
	}
	refused := map[string]topicRefusal{}
	given := make(map[string][]kmsg.CreateTopicsRequestTopicConfig, len(req.Topics))
	var order, duplicates, checked []string
	var metadataTopic bool
	colliding := p.collidingTopics(names)
	kept := req.Topics[:0]
	for _, t := range req.Topics {
		switch {
		case times[t.Topic] > 1:
			if !slices.Contains(duplicates, t.Topic) {
				duplicates = append(duplicates, t.Topic)
			}
			continue
		case t.Topic == topicname.ClusterMetadata:
			metadataTopic = true
			continue
		}
		order = append(order, t.Topic)
		given[t.Topic] = t.Configs
		if err := topicname.Validate(t.Topic); err != nil {
			refused[t.Topic] = refuse(kerr.InvalidTopicException.Code, err.Error())
			continue
		}
		if r, ok := collisionRefusal(t.Topic, colliding); ok {
			refused[t.Topic] = r
			continue
		}
		if isListedInternal(t.Topic) {
			refused[t.Topic] = topicExists(t.Topic)
			continue
		}
		if r := createTopicRefusal(t); r.code != 0 {
			refused[t.Topic] = r
			checked = append(checked, t.Topic)
			continue
		}
		kept = append(kept, t)
	}
	// An existing topic is answered so before its configs or counts are
	// looked at.
	if len(checked) > 0 {
		existing := p.partitionCounts(checked)
		for _, name := range checked {
			if _, ok := existing[name]; ok {
				refused[name] = topicExists(name)
			}
		}
	}
	if p.createTopicsRecords(kept) > maxRecordsPerUserOp {
		req.Topics = nil // nothing is created (recordbound.go)
		return appendRequest(h, req), refuseExcessiveCreateTopics(req.Version, names), nil
	}
	req.Topics = kept
	return appendRequest(h, req), func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(19, req.Version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.CreateTopicsResponse)
		answered := make(map[string]kmsg.CreateTopicsResponseTopic, len(resp.Topics))
		for _, t := range resp.Topics {
			if t.ErrorCode == kerr.TopicAlreadyExists.Code && t.ErrorMessage == nil {
				t.ErrorMessage = topicExists(t.Topic).msg
			}
			if t.ErrorCode == 0 && req.Version >= 5 {
				t.Configs = effectiveTopicConfigs(given[t.Topic])
			}
			answered[t.Topic] = t
		}
		answer := func(name string, r topicRefusal) {
			t := kmsg.NewCreateTopicsResponseTopic()
			t.Topic, t.ErrorCode, t.ErrorMessage = name, r.code, r.msg
			resp.Topics = append(resp.Topics, t)
		}
		resp.Topics = resp.Topics[:0]
		for _, name := range order {
			if r, ok := refused[name]; ok {
				answer(name, r)
			} else if t, ok := answered[name]; ok {
				resp.Topics = append(resp.Topics, t)
			}
		}
		for _, name := range duplicates {
			answer(name, refuse(kerr.InvalidRequest.Code, "Duplicate topic name."))
		}
		if metadataTopic {
			answer(topicname.ClusterMetadata, refuse(kerr.InvalidRequest.Code,
				fmt.Sprintf("Creation of internal topic %s is prohibited.", topicname.ClusterMetadata)))
		}
		return appendResponse(resp), nil
	}, nil
}

// refuseInternalProduce takes the partitions of internal topics out of a
// produce request and returns the fix that answers them as Kafka does:
// ReplicaManager refuses appends to internal topics from clients with
// INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic <t>" (apache/kafka
// 3.9 core/src/main/scala/kafka/server/ReplicaManager.scala). Without this
// kfake would answer UNKNOWN_TOPIC_OR_PARTITION, which producers retry.
func refuseInternalProduce(req *kmsg.ProduceRequest) func([]byte) ([]byte, error) {
	var refused []kmsg.ProduceRequestTopic
	kept := req.Topics[:0]
	for _, t := range req.Topics {
		if isListedInternal(t.Topic) {
			refused = append(refused, t)
			continue
		}
		kept = append(kept, t)
	}
	if len(refused) == 0 {
		return nil
	}
	req.Topics = kept
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(0, req.Version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.ProduceResponse)
		for _, t := range refused {
			rt := kmsg.NewProduceResponseTopic()
			rt.Topic = t.Topic
			for _, p := range t.Partitions {
				rp := kmsg.NewProduceResponseTopicPartition()
				rp.Partition = p.Partition
				rp.ErrorCode = kerr.InvalidTopicException.Code
				rp.BaseOffset = -1
				rp.LogAppendTime = -1
				rp.LogStartOffset = -1
				rp.ErrorMessage = kmsg.StringPtr("Cannot append to internal topic " + t.Topic)
				rt.Partitions = append(rt.Partitions, rp)
			}
			resp.Topics = append(resp.Topics, rt)
		}
		return appendResponse(resp), nil
	}
}

// forgetStartsAfter drops the kept log starts of the topics a DeleteTopics
// request deletes (by name, or by ID from v6).
func (p *protocol) forgetStartsAfter(req *kmsg.DeleteTopicsRequest) func([]byte) ([]byte, error) {
	if p.starts == nil {
		return nil
	}
	return func(body []byte) ([]byte, error) {
		for _, n := range req.TopicNames {
			p.starts.forget(n)
		}
		for _, t := range req.Topics {
			name := ""
			if t.Topic != nil {
				name = *t.Topic
			} else {
				p.starts.mu.RLock()
				name = p.starts.ids[t.TopicID]
				p.starts.mu.RUnlock()
			}
			if name != "" {
				p.starts.forget(name)
			}
		}
		return body, nil
	}
}

// recordDeletions moves the kept Kafka log starts of the partitions a
// DeleteRecords request moved (its response's low watermarks).
func (p *protocol) recordDeletions(req *kmsg.DeleteRecordsRequest) func([]byte) ([]byte, error) {
	if p.starts == nil {
		return nil
	}
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(req.Key(), req.Version, body)
		if err != nil {
			return nil, err
		}
		changed := false
		for _, t := range kresp.(*kmsg.DeleteRecordsResponse).Topics {
			for _, pt := range t.Partitions {
				if pt.ErrorCode == 0 && p.starts.deleted(t.Topic, pt.Partition, pt.LowWatermark) {
					changed = true
				}
			}
		}
		if changed {
			if err := p.starts.save(); err != nil && p.logger != nil {
				p.logger.Error("cannot keep the compacted partitions' log starts in the data dir", "err", err)
			}
		}
		return body, nil
	}
}
