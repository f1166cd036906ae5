package restproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Consumer instances of API v2, as kafka-rest's KafkaConsumerManager and
// KafkaConsumerState keep them (kafka-rest/src/main/java/io/confluent/
// kafkarest/v2/KafkaConsumerManager.java, KafkaConsumerState.java): one Kafka
// consumer per instance, in a real consumer group, idle instances destroyed
// after consumer.instance.timeout.ms.

// Defaults of kafka-rest's KafkaRestConfig.
const (
	defaultConsumerInstanceTimeout = 300000 * time.Millisecond // consumer.instance.timeout.ms
	defaultConsumerRequestTimeout  = 1000 * time.Millisecond   // consumer.request.timeout.ms
	defaultConsumerRequestMaxBytes = 64 << 20                  // consumer.request.max.bytes
	maxProxyFetchMinBytes          = 10000000                  // upper bound of fetch.min.bytes
)

type instanceKey struct{ group, name string }

// consumerManager holds every consumer instance of the proxy.
type consumerManager struct {
	brokers []string
	kafka   []kgo.Opt // TLS and SASL of a secured cluster
	admin   *kadm.Client
	timeout time.Duration
	max     int
	now     func() time.Time
	log     *slog.Logger

	mu        sync.Mutex
	instances map[instanceKey]*consumerInstance
}

func newConsumerManager(brokers []string, admin *kadm.Client, timeout time.Duration, max int, log *slog.Logger) *consumerManager {
	return &consumerManager{
		brokers:   brokers,
		admin:     admin,
		timeout:   timeout,
		max:       max,
		now:       time.Now,
		log:       log,
		instances: make(map[instanceKey]*consumerInstance),
	}
}

// instanceConfig is a validated create-instance request.
type instanceConfig struct {
	format      embeddedFormat
	autoCommit  bool
	resetOffset kgo.Offset
	noReset     bool
	minBytes    int64         // -1: wait for the request timeout
	requestWait time.Duration // 0: the proxy default
}

// consumerInstance is one v2 consumer. Its Kafka client exists from the first
// subscribe or assign until unsubscribe or deletion.
type consumerInstance struct {
	key     instanceKey
	cfg     instanceConfig
	manager *consumerManager

	mu       sync.Mutex // serialises every operation on the instance
	client   *kgo.Client
	topics   []string // subscribed topics, sorted
	pattern  string   // subscribed pattern
	assigned bool     // partitions assigned by hand
	buffer   []*kgo.Record
	consumed map[string]map[int32]int64 // offset of the last record returned
	closed   bool

	amu        sync.Mutex // guards assignment and expires
	assignment map[string]map[int32]bool
	expires    time.Time
}

// create adds an instance, or answers 40902 if the name is taken in the group.
func (m *consumerManager) create(group, name string, cfg instanceConfig) (*consumerInstance, *apiError) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := instanceKey{group, name}
	if _, ok := m.instances[k]; ok {
		return nil, newAPIError(http.StatusConflict, 40902, "Consumer with specified consumer ID already exists in the specified consumer group.")
	}
	if len(m.instances) >= m.max {
		// The real proxy has no such bound; the answer takes rest-utils'
		// shape for too many requests.
		return nil, newAPIError(http.StatusTooManyRequests, 42901,
			"Too many consumer instances: this REST Proxy allows %d at once; delete unused instances", m.max)
	}
	inst := &consumerInstance{
		key: k, cfg: cfg, manager: m,
		consumed:   map[string]map[int32]int64{},
		assignment: map[string]map[int32]bool{},
		expires:    m.now().Add(m.timeout),
	}
	m.instances[k] = inst
	return inst, nil
}

// get returns a live instance and pushes its expiry back, or 404/40403.
func (m *consumerManager) get(group, name string) (*consumerInstance, *apiError) {
	m.mu.Lock()
	inst := m.instances[instanceKey{group, name}]
	m.mu.Unlock()
	if inst == nil {
		return nil, instanceNotFound()
	}
	inst.touch()
	return inst, nil
}

// remove deletes and closes an instance, or answers 404/40403.
func (m *consumerManager) remove(ctx context.Context, group, name string) *apiError {
	m.mu.Lock()
	k := instanceKey{group, name}
	inst := m.instances[k]
	delete(m.instances, k)
	m.mu.Unlock()
	if inst == nil {
		return instanceNotFound()
	}
	inst.close(ctx)
	return nil
}

// expire closes every instance idle for longer than the instance timeout.
func (m *consumerManager) expire(ctx context.Context) {
	now := m.now()
	var dead []*consumerInstance
	m.mu.Lock()
	for k, inst := range m.instances {
		if inst.expired(now) {
			delete(m.instances, k)
			dead = append(dead, inst)
		}
	}
	m.mu.Unlock()
	for _, inst := range dead {
		inst.close(ctx)
	}
}

// closeAll closes every instance; used when the proxy shuts down.
func (m *consumerManager) closeAll(ctx context.Context) {
	m.mu.Lock()
	all := make([]*consumerInstance, 0, len(m.instances))
	for _, inst := range m.instances {
		all = append(all, inst)
	}
	m.instances = map[instanceKey]*consumerInstance{}
	m.mu.Unlock()
	for _, inst := range all {
		inst.close(ctx)
	}
}

func instanceNotFound() *apiError {
	return newAPIError(http.StatusNotFound, 40403, "Consumer instance not found.")
}

// illegalState is kafka-rest's answer to the Java consumer's
// IllegalStateException: 409/40903 "Illegal state: <message>".
func illegalState(format string, a ...any) *apiError {
	return newAPIError(http.StatusConflict, 40903, "Illegal state: "+format, a...)
}

func (c *consumerInstance) touch() {
	c.amu.Lock()
	c.expires = c.manager.now().Add(c.manager.timeout)
	c.amu.Unlock()
}

func (c *consumerInstance) expired(now time.Time) bool {
	c.amu.Lock()
	defer c.amu.Unlock()
	return !c.expires.After(now)
}

// close leaves the group, committing what was returned first when
// auto-commit is on, as the Java consumer does on close.
func (c *consumerInstance) close(ctx context.Context) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	c.stopClient(ctx)
}

// stopClient commits (with auto-commit) and closes the Kafka client.
func (c *consumerInstance) stopClient(ctx context.Context) {
	if c.client == nil {
		return
	}
	if c.cfg.autoCommit {
		if err := c.commitConsumed(ctx); err != nil {
			c.manager.logCommitFailure(c.key, err)
		}
	}
	c.client.Close()
	c.client = nil
	c.topics, c.pattern, c.assigned = nil, "", false
	c.buffer = nil
	c.consumed = map[string]map[int32]int64{}
	c.amu.Lock()
	c.assignment = map[string]map[int32]bool{}
	c.amu.Unlock()
}

func (m *consumerManager) logCommitFailure(k instanceKey, err error) {
	m.log.Warn("commit on close failed", "group", k.group, "instance", k.name, "err", err)
}

// commitResponseErr is the first partition error of a commit response.
func commitResponseErr(resp *kmsg.OffsetCommitResponse) error {
	for _, t := range resp.Topics {
		for _, p := range t.Partitions {
			if err := kerr.ErrorForCode(p.ErrorCode); err != nil {
				return fmt.Errorf("commit %s-%d: %w", t.Topic, p.Partition, err)
			}
		}
	}
	return nil
}

// baseOpts are the client options every instance uses.
func (c *consumerInstance) baseOpts() []kgo.Opt {
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.manager.brokers...),
		kgo.ClientID("consumer-" + c.key.group + "-" + c.key.name),
		kgo.MetadataMinAge(250 * time.Millisecond),
	}
	if c.cfg.noReset {
		opts = append(opts, kgo.ConsumeResetOffset(kgo.NoResetOffset()))
	} else {
		opts = append(opts, kgo.ConsumeResetOffset(c.cfg.resetOffset))
	}
	return kafkaOpts(c.manager.kafka, opts...)
}

// subscribe joins the group for the topics, or the pattern when topics is
// nil. A new subscription replaces an older one of the same kind; mixing it
// with a manual assignment is the Java consumer's IllegalStateException.
func (c *consumerInstance) subscribe(topics []string, pattern *string) *apiError {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return instanceNotFound()
	}
	if topics == nil && pattern == nil {
		return nil
	}
	if c.assigned || (c.pattern != "" && topics != nil) || (len(c.topics) > 0 && topics == nil) {
		return illegalState("Subscription to topics, partitions and pattern are mutually exclusive")
	}
	var re *regexp.Regexp
	if topics == nil {
		var err error
		if re, err = regexp.Compile(*pattern); err != nil {
			return newAPIError(http.StatusInternalServerError, http.StatusInternalServerError, "%s", err.Error())
		}
	}
	c.stopClient(context.Background())
	opts := append(c.baseOpts(),
		kgo.ConsumerGroup(c.key.group),
		// The Java consumer's default assignors are [range, cooperative-sticky];
		// the group settles on range, which this member offers alone.
		kgo.Balancers(kgo.RangeBalancer()),
		kgo.OnPartitionsAssigned(c.onAssigned),
		kgo.OnPartitionsRevoked(c.onRevoked),
		kgo.OnPartitionsLost(c.onRevoked),
	)
	if c.cfg.autoCommit {
		opts = append(opts, kgo.AutoCommitMarks())
	} else {
		opts = append(opts, kgo.DisableAutoCommit())
	}
	if topics != nil {
		ts := append([]string(nil), topics...)
		sort.Strings(ts)
		ts = dedupe(ts)
		if len(ts) == 0 {
			return nil
		}
		opts = append(opts, kgo.ConsumeTopics(ts...))
		c.topics = ts
	} else {
		opts = append(opts, kgo.ConsumeRegex(), kgo.ConsumeTopics("^(?:"+re.String()+")$"))
		c.pattern = *pattern
	}
	cl, err := kgo.NewClient(opts...)
	if err != nil {
		c.topics, c.pattern = nil, ""
		return kafkaError(err)
	}
	c.client = cl
	return nil
}

// assign consumes the partitions directly, without group membership; the
// group id is still used for commits.
func (c *consumerInstance) assign(parts []topicPartition) *apiError {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return instanceNotFound()
	}
	if len(c.topics) > 0 || c.pattern != "" {
		return illegalState("Subscription to topics, partitions and pattern are mutually exclusive")
	}
	c.stopClient(context.Background())
	if len(parts) == 0 {
		return nil
	}
	ctx := context.Background()
	committed, err := c.manager.admin.FetchOffsets(ctx, c.key.group)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return kafkaError(err)
	}
	start := map[string]map[int32]kgo.Offset{}
	assignment := map[string]map[int32]bool{}
	for _, tp := range parts {
		if start[tp.Topic] == nil {
			start[tp.Topic] = map[int32]kgo.Offset{}
			assignment[tp.Topic] = map[int32]bool{}
		}
		o := c.cfg.resetOffset
		if c.cfg.noReset {
			o = kgo.NewOffset().AtCommitted()
		}
		if off, ok := committed.Lookup(tp.Topic, tp.Partition); ok && off.Err == nil && off.At >= 0 {
			o = kgo.NewOffset().At(off.At)
		}
		start[tp.Topic][tp.Partition] = o
		assignment[tp.Topic][tp.Partition] = true
	}
	cl, err := kgo.NewClient(append(c.baseOpts(), kgo.ConsumePartitions(start))...)
	if err != nil {
		return kafkaError(err)
	}
	c.client = cl
	c.assigned = true
	c.amu.Lock()
	c.assignment = assignment
	c.amu.Unlock()
	return nil
}

func (c *consumerInstance) onAssigned(_ context.Context, _ *kgo.Client, added map[string][]int32) {
	c.amu.Lock()
	defer c.amu.Unlock()
	for t, ps := range added {
		if c.assignment[t] == nil {
			c.assignment[t] = map[int32]bool{}
		}
		for _, p := range ps {
			c.assignment[t][p] = true
		}
	}
}

func (c *consumerInstance) onRevoked(ctx context.Context, cl *kgo.Client, lost map[string][]int32) {
	c.amu.Lock()
	for t, ps := range lost {
		for _, p := range ps {
			delete(c.assignment[t], p)
		}
		if len(c.assignment[t]) == 0 {
			delete(c.assignment, t)
		}
	}
	c.amu.Unlock()
	if c.cfg.autoCommit {
		// What was returned to the client is committed before the
		// partitions move, as the Java consumer does with auto-commit.
		_ = cl.CommitMarkedOffsets(ctx)
	}
}

// unsubscribe leaves the group and forgets the subscription or assignment.
func (c *consumerInstance) unsubscribe() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopClient(context.Background())
}

// subscription lists the subscribed topics (those matching a pattern once
// the group has assigned them).
func (c *consumerInstance) subscription() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pattern == "" {
		return append([]string{}, c.topics...)
	}
	var ts []string
	for _, tp := range c.currentAssignment() {
		if len(ts) == 0 || ts[len(ts)-1] != tp.Topic {
			ts = append(ts, tp.Topic)
		}
	}
	if ts == nil {
		ts = []string{}
	}
	return ts
}

// currentAssignment is the sorted list of assigned partitions.
func (c *consumerInstance) currentAssignment() []topicPartition {
	c.amu.Lock()
	defer c.amu.Unlock()
	out := []topicPartition{}
	for t, ps := range c.assignment {
		for p := range ps {
			out = append(out, topicPartition{Topic: t, Partition: p})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Topic != out[j].Topic {
			return out[i].Topic < out[j].Topic
		}
		return out[i].Partition < out[j].Partition
	})
	return out
}

func (c *consumerInstance) isAssigned(tp topicPartition) bool {
	c.amu.Lock()
	defer c.amu.Unlock()
	return c.assignment[tp.Topic][tp.Partition]
}

// read returns the next records, waiting up to timeout (bounded by the
// instance's request timeout) until more than fetch.min.bytes of keys and
// values are gathered, and never more than maxBytes.
//
// render converts the records for the response before they count as
// consumed: when it fails (a record the format cannot read), they stay at
// the head of the instance's buffer instead of being skipped.
func (c *consumerInstance) read(ctx context.Context, timeout time.Duration, maxBytes int64, render func([]*kgo.Record) *apiError) ([]*kgo.Record, *apiError) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, instanceNotFound()
	}
	if c.client == nil {
		return nil, newAPIError(http.StatusInternalServerError, http.StatusInternalServerError,
			"Consumer is not subscribed to any topics or assigned any partitions")
	}
	wait := defaultConsumerRequestTimeout
	if c.cfg.requestWait > 0 {
		wait = c.cfg.requestWait
	}
	if timeout > 0 && timeout < wait {
		wait = timeout
	}
	if maxBytes <= 0 || maxBytes > defaultConsumerRequestMaxBytes {
		maxBytes = defaultConsumerRequestMaxBytes
	}
	minBytes := c.cfg.minBytes
	if minBytes < 0 {
		minBytes = 1<<63 - 1
	}
	deadline := time.Now().Add(wait)
	var out []*kgo.Record
	var size int64
	full := false
	take := func() {
		for len(c.buffer) > 0 {
			r := c.buffer[0]
			n := int64(len(r.Key) + len(r.Value))
			if size+n >= maxBytes {
				full = true
				return
			}
			out = append(out, r)
			c.buffer = c.buffer[1:]
			size += n
			if size > minBytes {
				return
			}
		}
	}
	for {
		take()
		if full || size > minBytes {
			break
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			break
		}
		pctx, cancel := context.WithTimeout(ctx, remaining)
		fs := c.client.PollFetches(pctx)
		cancel()
		var ferr error
		fs.EachError(func(t string, p int32, err error) {
			if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) && ferr == nil {
				ferr = fmt.Errorf("fetch %s-%d: %w", t, p, err)
			}
		})
		fs.EachRecord(func(r *kgo.Record) {
			if c.isAssigned(topicPartition{r.Topic, r.Partition}) {
				c.buffer = append(c.buffer, r)
			}
		})
		if ferr != nil && len(out) == 0 && len(c.buffer) == 0 {
			return nil, kafkaError(ferr)
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		// The client is gone: keep its records for the next read rather
		// than count them as consumed.
		c.buffer = append(out, c.buffer...)
		return nil, newAPIError(http.StatusRequestTimeout, http.StatusRequestTimeout, "request abandoned: %s", err)
	}
	if e := render(out); e != nil {
		c.buffer = append(out, c.buffer...)
		return nil, e
	}
	for _, r := range out {
		if c.consumed[r.Topic] == nil {
			c.consumed[r.Topic] = map[int32]int64{}
		}
		c.consumed[r.Topic][r.Partition] = r.Offset
	}
	if c.cfg.autoCommit && len(out) > 0 {
		if c.assigned {
			if err := c.commitConsumed(ctx); err != nil {
				return nil, kafkaError(err)
			}
		} else {
			c.client.MarkCommitRecords(out...)
		}
	}
	return out, nil
}

// commitConsumed commits, for every partition, the offset after the last
// record returned to the client.
func (c *consumerInstance) commitConsumed(ctx context.Context) error {
	var offs []commitOffset
	for t, ps := range c.consumed {
		for p, o := range ps {
			offs = append(offs, commitOffset{Topic: t, Partition: p, Offset: o + 1})
		}
	}
	return c.commit(ctx, offs)
}

type commitOffset struct {
	Topic     string
	Partition int32
	Offset    int64 // the next offset to read
	Metadata  string
}

// commit stores offsets for the instance's group: through the group
// member when subscribed, otherwise as a simple (generation-less) commit.
func (c *consumerInstance) commit(ctx context.Context, offs []commitOffset) error {
	if len(offs) == 0 {
		return nil
	}
	if c.client != nil && !c.assigned {
		// A member's commit carries its generation; the metadata is the
		// client's own ("" unless given), as the Java consumer writes it.
		member, gen := c.client.GroupMetadata()
		names := make([]string, 0, len(offs))
		for _, o := range offs {
			names = append(names, o.Topic)
		}
		details, err := c.manager.admin.ListTopics(ctx, names...)
		if err != nil {
			return err
		}
		req := kmsg.NewPtrOffsetCommitRequest()
		req.Group, req.MemberID, req.Generation = c.key.group, member, gen
		byTopic := map[string]int{}
		for _, o := range offs {
			i, ok := byTopic[o.Topic]
			if !ok {
				i = len(req.Topics)
				byTopic[o.Topic] = i
				t := kmsg.NewOffsetCommitRequestTopic()
				t.Topic = o.Topic
				t.TopicID = details[o.Topic].ID // v10+ names topics by id
				req.Topics = append(req.Topics, t)
			}
			pp := kmsg.NewOffsetCommitRequestTopicPartition()
			pp.Partition, pp.Offset, pp.LeaderEpoch = o.Partition, o.Offset, -1
			md := o.Metadata
			pp.Metadata = &md
			req.Topics[i].Partitions = append(req.Topics[i].Partitions, pp)
		}
		resp, err := req.RequestWith(ctx, c.client)
		if err != nil {
			return err
		}
		return commitResponseErr(resp)
	}
	var os kadm.Offsets
	for _, o := range offs {
		os.Add(kadm.Offset{Topic: o.Topic, Partition: o.Partition, At: o.Offset, LeaderEpoch: -1, Metadata: o.Metadata})
	}
	resp, err := c.manager.admin.CommitOffsets(ctx, c.key.group, os)
	if err != nil {
		return err
	}
	return resp.Error()
}

// commitRequested commits the offsets a client names: each is the last
// record it processed, so offset+1 is stored, as kafka-rest does.
func (c *consumerInstance) commitRequested(ctx context.Context, offs []commitOffset) *apiError {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	if offs == nil {
		err = c.commitConsumed(ctx)
	} else {
		for i := range offs {
			offs[i].Offset++
		}
		err = c.commit(ctx, offs)
	}
	if err != nil {
		return kafkaError(err)
	}
	return nil
}

// seek moves the fetch position of assigned partitions.
func (c *consumerInstance) seek(ctx context.Context, to map[topicPartition]int64) *apiError {
	c.mu.Lock()
	defer c.mu.Unlock()
	for tp := range to {
		if c.client == nil || !c.isAssigned(tp) {
			return illegalState("No current assignment for partition %s-%d", tp.Topic, tp.Partition)
		}
	}
	if len(to) == 0 {
		return nil
	}
	m := map[string]map[int32]kgo.EpochOffset{}
	for tp, o := range to {
		if m[tp.Topic] == nil {
			m[tp.Topic] = map[int32]kgo.EpochOffset{}
		}
		m[tp.Topic][tp.Partition] = kgo.EpochOffset{Epoch: -1, Offset: o}
	}
	c.client.SetOffsets(m)
	// Records already fetched for these partitions are from the old position.
	kept := c.buffer[:0]
	for _, r := range c.buffer {
		if _, moved := to[topicPartition{r.Topic, r.Partition}]; !moved {
			kept = append(kept, r)
		}
	}
	c.buffer = kept
	return nil
}

// seekEdge moves assigned partitions to their start or end offset.
func (c *consumerInstance) seekEdge(ctx context.Context, parts []topicPartition, end bool) *apiError {
	for _, tp := range parts {
		if !c.isAssigned(tp) {
			return illegalState("No current assignment for partition %s-%d", tp.Topic, tp.Partition)
		}
	}
	topics := map[string]bool{}
	for _, tp := range parts {
		topics[tp.Topic] = true
	}
	names := make([]string, 0, len(topics))
	for t := range topics {
		names = append(names, t)
	}
	var listed kadm.ListedOffsets
	var err error
	if end {
		listed, err = c.manager.admin.ListEndOffsets(ctx, names...)
	} else {
		listed, err = c.manager.admin.ListStartOffsets(ctx, names...)
	}
	if err != nil {
		return kafkaError(err)
	}
	to := map[topicPartition]int64{}
	for _, tp := range parts {
		lo, ok := listed.Lookup(tp.Topic, tp.Partition)
		if !ok {
			return kafkaError(fmt.Errorf("list offsets of %s-%d: no answer for the partition", tp.Topic, tp.Partition))
		}
		if lo.Err != nil {
			return kafkaError(fmt.Errorf("list offsets of %s-%d: %w", tp.Topic, tp.Partition, lo.Err))
		}
		to[tp] = lo.Offset
	}
	return c.seek(ctx, to)
}

// committed answers the committed offsets of the named partitions; those
// without one are left out.
func (c *consumerInstance) committed(ctx context.Context, parts []topicPartition) ([]committedOffset, *apiError) {
	resp, err := c.manager.admin.FetchOffsets(ctx, c.key.group)
	if err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
		return nil, kafkaError(err)
	}
	out := []committedOffset{}
	for _, tp := range parts {
		o, ok := resp.Lookup(tp.Topic, tp.Partition)
		if !ok || o.Err != nil || o.At < 0 {
			continue
		}
		out = append(out, committedOffset{Topic: tp.Topic, Partition: tp.Partition, Offset: o.At, Metadata: o.Metadata})
	}
	return out, nil
}

func dedupe(sorted []string) []string {
	out := sorted[:0]
	for i, s := range sorted {
		if i == 0 || s != sorted[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// kafkaError is an unexpected Kafka failure: 500/50002 "Kafka error: …".
func kafkaError(err error) *apiError {
	return newAPIError(http.StatusInternalServerError, codeKafkaError, "Kafka error: %s", err.Error())
}
