package connect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/topicname"
)

// The worker's durable state lives in three compacted topics, in the record
// formats of KafkaConfigBackingStore, KafkaStatusBackingStore and
// KafkaOffsetBackingStore (internal JsonConverter, schemas disabled):
//
//	connect-configs  connector-<name>     {"properties":{...}}  (null: deleted)
//	                 target-state-<name>  {"state":"STARTED","state.v2":"STARTED"}
//	                 task-<name>-<n>      {"properties":{...}}
//	                 commit-<name>        {"tasks":n}
//	connect-status   status-connector-<name>, status-task-<name>-<n>
//	                 {"state":"RUNNING","trace":null,"worker_id":"...","generation":n}
//	connect-offsets  ["<name>",{partition}]  {offset}

// Partition counts of the internal topics (Kafka's defaults).
const (
	configsPartitions = 1
	offsetsPartitions = 25
	statusPartitions  = 5
)

// ensureTopics creates the internal topics when they are missing.
func (w *Worker) ensureTopics(ctx context.Context) error {
	want := map[string]int32{
		w.opts.configTopic: configsPartitions,
		w.opts.offsetTopic: offsetsPartitions,
		w.opts.statusTopic: statusPartitions,
	}
	for topic, parts := range want {
		resp, err := w.adm.CreateTopic(ctx, parts, -1, map[string]*string{"cleanup.policy": ptr("compact")}, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
	}
	return nil
}

// ensureDataTopic creates a destination topic with the broker defaults, as
// a broker with auto.create.topics.enable=true would on first produce.
func (w *Worker) ensureDataTopic(ctx context.Context, topic string) error {
	if !topicname.Valid(topic) {
		// Kafka refuses such names; so does this worker, whatever the broker.
		return fmt.Errorf("org.apache.kafka.common.errors.InvalidTopicException: Invalid topics: [%s]", topic)
	}
	w.topicsMu.Lock()
	known := w.knownTopics[topic]
	w.topicsMu.Unlock()
	if known {
		return nil
	}
	resp, err := w.adm.CreateTopic(ctx, -1, -1, nil, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", topic, err)
	}
	w.topicsMu.Lock()
	w.knownTopics[topic] = true
	w.topicsMu.Unlock()
	return nil
}

func ptr[T any](v T) *T { return &v }

// readTopics replays the three internal topics up to their last stable
// offsets (read_committed), calling fn for every record in order.
func (w *Worker) readTopics(ctx context.Context, topics []string, fn func(r *kgo.Record)) error {
	ends, err := w.adm.ListCommittedOffsets(ctx, topics...)
	if err != nil {
		return fmt.Errorf("list offsets: %w", err)
	}
	remaining := map[string]map[int32]int64{}
	assign := map[string]map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil || o.Offset <= 0 {
			return
		}
		if remaining[o.Topic] == nil {
			remaining[o.Topic] = map[int32]int64{}
			assign[o.Topic] = map[int32]kgo.Offset{}
		}
		remaining[o.Topic][o.Partition] = o.Offset
		assign[o.Topic][o.Partition] = kgo.NewOffset().AtStart()
	})
	if err := ends.Error(); err != nil {
		return fmt.Errorf("list offsets: %w", err)
	}
	if len(assign) == 0 {
		return nil
	}
	cl, err := kgo.NewClient(kafkaOpts(w.opts.kafka,
		kgo.SeedBrokers(w.brokers...),
		kgo.ConsumePartitions(assign),
		kgo.FetchIsolationLevel(kgo.ReadCommitted()),
		kgo.KeepControlRecords(),
		kgo.WithLogger(w.kgoLogger()),
	)...)
	if err != nil {
		return fmt.Errorf("create reader: %w", err)
	}
	defer cl.Close()
	pending := 0
	for _, ps := range remaining {
		pending += len(ps)
	}
	for pending > 0 {
		fetches := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read internal topics: %w", err)
		}
		var ferr error
		fetches.EachError(func(t string, p int32, err error) { ferr = fmt.Errorf("read %s/%d: %w", t, p, err) })
		if ferr != nil {
			return ferr
		}
		fetches.EachRecord(func(r *kgo.Record) {
			end, ok := remaining[r.Topic][r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			if !r.Attrs.IsControl() {
				fn(r)
			}
			if r.Offset+1 >= end {
				delete(remaining[r.Topic], r.Partition)
				pending--
			}
		})
	}
	return nil
}

// apply folds one internal-topic record into the worker's state. It runs
// before the worker serves requests.
func (w *Worker) apply(r *kgo.Record) {
	key := string(r.Key)
	switch r.Topic {
	case w.opts.configTopic:
		switch {
		case strings.HasPrefix(key, "connector-"):
			name := strings.TrimPrefix(key, "connector-")
			if r.Value == nil {
				delete(w.connectors, name)
				return
			}
			var v struct {
				Properties map[string]string `json:"properties"`
			}
			if err := json.Unmarshal(r.Value, &v); err != nil {
				w.log.Warn("skip config record", "key", key, "err", err)
				return
			}
			c := w.connectors[name]
			if c == nil {
				c = &connectorState{name: name, target: targetStarted}
				w.connectors[name] = c
			}
			c.props = v.Properties
		case strings.HasPrefix(key, "target-state-"):
			name := strings.TrimPrefix(key, "target-state-")
			c := w.connectors[name]
			if c == nil || r.Value == nil {
				return
			}
			var v struct {
				State   string `json:"state"`
				StateV2 string `json:"state.v2"`
			}
			if err := json.Unmarshal(r.Value, &v); err != nil {
				return
			}
			if v.StateV2 != "" {
				c.target = v.StateV2
			} else if v.State != "" {
				c.target = v.State
			}
		}
	case w.opts.statusTopic:
		w.applyStatus(key, r.Value)
	case w.opts.offsetTopic:
		k, err := canonicalOffsetKey(r.Key)
		if err != nil {
			w.log.Warn("skip offset record", "key", key, "err", err)
			return
		}
		if r.Value == nil {
			delete(w.offsets, k)
			return
		}
		w.offsets[k] = append([]byte(nil), r.Value...)
	}
}

func (w *Worker) applyStatus(key string, value []byte) {
	var v struct {
		State    string  `json:"state"`
		Trace    *string `json:"trace"`
		WorkerID string  `json:"worker_id"`
	}
	if value != nil && !strings.HasPrefix(key, topicStatusPrefix) {
		if err := json.Unmarshal(value, &v); err != nil {
			return
		}
	}
	switch {
	case strings.HasPrefix(key, topicStatusPrefix):
		w.applyTopicStatus(key, value)
	case strings.HasPrefix(key, "status-connector-"):
		name := strings.TrimPrefix(key, "status-connector-")
		if value == nil {
			delete(w.statuses, name)
			return
		}
		st := w.statusFor(name)
		st.connector = &stateInfo{State: v.State, WorkerID: v.WorkerID, Trace: deref(v.Trace)}
	case strings.HasPrefix(key, "status-task-"):
		rest := strings.TrimPrefix(key, "status-task-")
		i := strings.LastIndexByte(rest, '-')
		if i < 0 {
			return
		}
		id, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			return
		}
		name := rest[:i]
		if value == nil {
			if st := w.statuses[name]; st != nil {
				delete(st.tasks, id)
			}
			return
		}
		st := w.statusFor(name)
		st.tasks[id] = &stateInfo{State: v.State, WorkerID: v.WorkerID, Trace: deref(v.Trace)}
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// produceInternal writes one record to an internal topic and waits for it.
func (w *Worker) produceInternal(ctx context.Context, topic, key string, value []byte) error {
	rec := &kgo.Record{Topic: topic, Key: []byte(key), Value: value}
	if err := w.kcl.ProduceSync(ctx, rec).FirstErr(); err != nil {
		return fmt.Errorf("write %s %s: %w", topic, key, err)
	}
	return nil
}

// produceInternalAsync writes a status record without waiting; records to
// one key keep their order.
func (w *Worker) produceInternalAsync(topic, key string, value []byte) {
	rec := &kgo.Record{Topic: topic, Key: []byte(key), Value: value}
	w.kcl.Produce(context.Background(), rec, func(_ *kgo.Record, err error) {
		if err != nil && !errors.Is(err, kgo.ErrClientClosed) {
			w.log.Warn("write status", "key", key, "err", err)
		}
	})
}

func configRecord(props map[string]string) []byte {
	return compactJSON(orderedMap{{"properties", props}})
}

func targetStateRecord(state string) []byte {
	v1 := state
	if v1 == targetStopped {
		v1 = targetPaused // workers older than 3.5 only know STARTED and PAUSED
	}
	return compactJSON(orderedMap{{"state", v1}, {"state.v2", state}})
}

func statusRecord(s *stateInfo, generation int) []byte {
	var trace any
	if s.Trace != "" {
		trace = s.Trace
	}
	return compactJSON(orderedMap{{"state", s.State}, {"trace", trace}, {"worker_id", s.WorkerID}, {"generation", generation}})
}

// refreshOffsets replays connect-offsets (read_committed) so that a task
// starts from what Kafka committed, whatever happened to earlier instances.
func (w *Worker) refreshOffsets(ctx context.Context) error {
	var recs []*kgo.Record
	if err := w.readTopics(ctx, []string{w.opts.offsetTopic}, func(r *kgo.Record) { recs = append(recs, r) }); err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range recs {
		w.apply(r)
	}
	return nil
}

// tableOffset returns the stored offset of a table for a connector,
// protocol v1 first, then the legacy v0 partition.
func (w *Worker) tableOffset(connector string, t tableID) (tableOffset, error) {
	w.mu.Lock()
	raw, ok := w.offsets[lookupKey(connector, orderedToMap(partitionV1(t.fqn())))]
	if !ok {
		raw, ok = w.offsets[lookupKey(connector, orderedToMap(partitionV0(t.Name)))]
	}
	w.mu.Unlock()
	if !ok {
		return tableOffset{}, nil
	}
	return w.storedOffsetValue(connector, raw)
}

// partitionOffset returns the stored offset of a source partition.
func (w *Worker) partitionOffset(connector string, partition orderedMap) (tableOffset, error) {
	w.mu.Lock()
	raw, ok := w.offsets[lookupKey(connector, orderedToMap(partition))]
	w.mu.Unlock()
	if !ok {
		return tableOffset{}, nil
	}
	return w.storedOffsetValue(connector, raw)
}

// storedOffsetValue reads a stored offset. One that is not an offset map
// at all is no offset: Kafka's worker logs "CRITICAL: Failed to
// deserialize offset data" and returns no value for it
// (OffsetStorageReaderImpl.offsets, apache/kafka 3.9); one of the right
// shape with fields of the wrong type fails the task, as the JDBC
// connector's TimestampIncrementingOffset.fromMap does.
func (w *Worker) storedOffsetValue(connector string, raw []byte) (tableOffset, error) {
	if !validOffsetData(raw, true) {
		w.log.Error("CRITICAL: Failed to deserialize offset data; no value for it will be returned",
			"connector", connector, "offset", string(raw))
		return tableOffset{}, nil
	}
	return parseOffsetValue(raw)
}

// storeOffset records a committed offset.
func (w *Worker) storeOffset(key, value []byte) {
	k, err := canonicalOffsetKey(key)
	if err != nil {
		return
	}
	w.mu.Lock()
	w.offsets[k] = value
	w.mu.Unlock()
}
