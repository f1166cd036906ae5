package web

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/ctalab/ctalab/lab/console"
)

// TopicSummary is a row of GET /api/topics.
type TopicSummary struct {
	Name       string `json:"name"`
	Internal   bool   `json:"internal"`
	Partitions int    `json:"partitions"`
	// Records is the sum over partitions of end minus start offset.
	Records int64 `json:"records"`
}

// PartitionInfo is one partition of GET /api/topics/{topic}.
type PartitionInfo struct {
	Partition   int32   `json:"partition"`
	Leader      int32   `json:"leader"`
	Replicas    []int32 `json:"replicas"`
	StartOffset int64   `json:"start_offset"`
	EndOffset   int64   `json:"end_offset"`
	// SizeBytes is the partition's log size as DescribeLogDirs reports it;
	// absent when the broker did not say (SizeError tells why).
	SizeBytes *int64 `json:"size_bytes,omitempty"`
}

// TopicDetail is GET /api/topics/{topic}.
type TopicDetail struct {
	Name       string            `json:"name"`
	Partitions []PartitionInfo   `json:"partitions"`
	Configs    map[string]string `json:"configs"`
	SizeError  string            `json:"size_error,omitempty"`
	// Groups are the consumer groups with offsets committed on the topic,
	// at the sampler's last look.
	Groups []string `json:"groups"`
}

func (s *Server) handleTopics(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	topics, err := s.listTopics(ctx)
	if err != nil {
		writeError(w, http.StatusBadGateway, "list topics: %v", err)
		return
	}
	starts, err := s.listOffsets(ctx, s.adm.ListStartOffsets, topics.Names())
	if err != nil {
		writeError(w, http.StatusBadGateway, "list start offsets: %v", err)
		return
	}
	ends, err := s.listOffsets(ctx, s.adm.ListEndOffsets, topics.Names())
	if err != nil {
		writeError(w, http.StatusBadGateway, "list end offsets: %v", err)
		return
	}
	out := []TopicSummary{}
	for _, t := range topics.Sorted() {
		ts := TopicSummary{Name: t.Topic, Internal: t.IsInternal || internalTopic(t.Topic), Partitions: len(t.Partitions)}
		for p := range t.Partitions {
			e, eok := ends.Lookup(t.Topic, p)
			st, sok := starts.Lookup(t.Topic, p)
			if eok && sok && e.Err == nil && st.Err == nil {
				ts.Records += e.Offset - st.Offset
			}
		}
		out = append(out, ts)
	}
	writeJSON(w, http.StatusOK, out)
}

// kafkaStatus maps a Kafka error code to an HTTP status as the REST Proxy
// does for its topic endpoints (unknown topic 404, exists/invalid 400 or
// 409).
func kafkaStatus(err error) int {
	var ke *kerr.Error
	if errors.As(err, &ke) {
		switch ke {
		case kerr.UnknownTopicOrPartition:
			return http.StatusNotFound
		case kerr.TopicAlreadyExists:
			return http.StatusConflict
		case kerr.InvalidTopicException, kerr.InvalidPartitions, kerr.InvalidReplicationFactor, kerr.InvalidConfig, kerr.InvalidRequest:
			return http.StatusBadRequest
		}
	}
	return http.StatusBadGateway
}

// topicOr returns the topic's metadata, or answers the request with the
// Kafka error (404 for an unknown topic) and reports false.
func (s *Server) topicOr(w http.ResponseWriter, r *http.Request, name string) (kadm.TopicDetail, bool) {
	md, err := s.listTopics(r.Context(), name)
	if err == nil {
		err = md.Error()
	}
	if err != nil {
		writeError(w, kafkaStatus(err), "topic %s: %v", name, err)
		return kadm.TopicDetail{}, false
	}
	return md[name], true
}

func (s *Server) handleTopic(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("topic")
	td, ok := s.topicOr(w, r, name)
	if !ok {
		return
	}
	starts, err1 := s.listOffsets(ctx, s.adm.ListStartOffsets, []string{name})
	ends, err2 := s.listOffsets(ctx, s.adm.ListEndOffsets, []string{name})
	if err := errors.Join(err1, err2); err != nil {
		writeError(w, http.StatusBadGateway, "offsets of %s: %v", name, err)
		return
	}
	out := TopicDetail{Name: name, Configs: map[string]string{}, Groups: s.sampler.groupsOf(name)}
	sizes, serr := s.adm.DescribeAllLogDirs(ctx, kadm.TopicsSet{name: {}})
	if serr == nil {
		sizes.Each(func(d kadm.DescribedLogDir) {
			if d.Err != nil && serr == nil {
				serr = fmt.Errorf("log dir %s of broker %d: %w", d.Dir, d.Broker, d.Err)
			}
		})
	}
	if serr != nil {
		out.SizeError = serr.Error()
	}
	for _, p := range td.Partitions.Sorted() {
		pi := PartitionInfo{Partition: p.Partition, Leader: p.Leader, Replicas: p.Replicas, StartOffset: -1, EndOffset: -1}
		if o, ok := starts.Lookup(name, p.Partition); ok && o.Err == nil {
			pi.StartOffset = o.Offset
		}
		if o, ok := ends.Lookup(name, p.Partition); ok && o.Err == nil {
			pi.EndOffset = o.Offset
		}
		if serr == nil {
			var total int64
			found := false
			sizes.Each(func(d kadm.DescribedLogDir) {
				if lp, ok := d.Topics.Lookup(name, p.Partition); ok {
					total += lp.Size
					found = true
				}
			})
			if found {
				pi.SizeBytes = &total
			}
		}
		out.Partitions = append(out.Partitions, pi)
	}
	cfgs, err := s.adm.DescribeTopicConfigs(ctx, name)
	if err == nil {
		var rc kadm.ResourceConfig
		if rc, err = cfgs.On(name, nil); err == nil {
			for _, c := range rc.Configs {
				out.Configs[c.Key] = c.MaybeValue()
			}
		}
	}
	if err != nil {
		writeError(w, http.StatusBadGateway, "configs of %s: %v", name, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// createTopic is the body of POST /api/topics.
type createTopic struct {
	Name              string            `json:"name"`
	Partitions        int32             `json:"partitions"`
	ReplicationFactor int16             `json:"replication_factor"`
	Configs           map[string]string `json:"configs"`
}

func (s *Server) handleCreateTopic(w http.ResponseWriter, r *http.Request) {
	var c createTopic
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&c); err != nil {
		writeError(w, http.StatusBadRequest, "the body is not a topic: %v", err)
		return
	}
	if c.Name == "" {
		writeError(w, http.StatusBadRequest, "the topic needs a name")
		return
	}
	if c.Partitions == 0 {
		c.Partitions = -1 // the broker's num.partitions
	}
	if c.ReplicationFactor == 0 {
		c.ReplicationFactor = -1
	}
	cfg := map[string]*string{}
	for k, v := range c.Configs {
		cfg[k] = kadm.StringPtr(v)
	}
	resp, err := s.adm.CreateTopic(r.Context(), c.Partitions, c.ReplicationFactor, cfg, c.Name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		writeError(w, kafkaStatus(err), "create topic %s: %v", c.Name, err)
		return
	}
	// Forget what the client's metadata cache says about the name (kadm
	// looks topics up through it), so that the topic opens at once.
	s.kafka.PurgeTopicsFromClient(c.Name)
	writeJSON(w, http.StatusCreated, map[string]any{"name": c.Name, "partitions": resp.NumPartitions, "replication_factor": resp.ReplicationFactor})
}

func (s *Server) handleDeleteTopic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("topic")
	resp, err := s.adm.DeleteTopic(r.Context(), name)
	if err == nil {
		err = resp.Err
	}
	if err != nil {
		writeError(w, kafkaStatus(err), "delete topic %s: %v", name, err)
		return
	}
	s.kafka.PurgeTopicsFromClient(name)
	w.WriteHeader(http.StatusNoContent)
}

// Message is one record of the message browser and the live tail.
type Message struct {
	Partition int32     `json:"partition"`
	Offset    int64     `json:"offset"`
	Timestamp time.Time `json:"timestamp"`
	Key       Side      `json:"key"`
	Value     Side      `json:"value"`
	Headers   []Header  `json:"headers"`
}

// Side is a decoded key or value with its raw bytes in hex.
type Side struct {
	console.Decoded
	Raw string `json:"raw"`
	// Error is why the bytes could not be decoded (Decoded is then empty).
	Error string `json:"error,omitempty"`
}

// Header is a record header; Value is the bytes as text when printable.
type Header struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Raw   string `json:"raw"`
}

func (s *Server) message(ctx context.Context, rec *kgo.Record) Message {
	m := Message{Partition: rec.Partition, Offset: rec.Offset, Timestamp: rec.Timestamp.UTC(), Key: s.side(ctx, rec.Key), Value: s.side(ctx, rec.Value), Headers: []Header{}}
	for _, h := range rec.Headers {
		m.Headers = append(m.Headers, Header{Key: h.Key, Value: string(h.Value), Raw: hex.EncodeToString(h.Value)})
	}
	return m
}

func (s *Server) side(ctx context.Context, b []byte) Side {
	sd := Side{Raw: hex.EncodeToString(b)}
	if s.dec == nil {
		if b == nil {
			sd.Decoded = console.Decoded{Format: "null", Value: json.RawMessage("null"), Text: "null"}
		} else {
			sd.Error = "no Schema Registry is configured: the bytes are shown raw"
		}
		return sd
	}
	d, err := s.dec.Decode(ctx, b)
	if err != nil {
		sd.Error = err.Error()
		return sd
	}
	sd.Decoded = d
	return sd
}

func (m Message) matches(filter string) bool {
	if filter == "" {
		return true
	}
	f := strings.ToLower(filter)
	return strings.Contains(strings.ToLower(m.Key.Text), f) || strings.Contains(strings.ToLower(m.Value.Text), f)
}

// Messages is GET /api/topics/{topic}/messages.
type Messages struct {
	Topic    string    `json:"topic"`
	Messages []Message `json:"messages"`
	// Scanned is how many records were read to find Messages.
	Scanned int `json:"scanned"`
}

// browse limits: records shown and records scanned for a filter.
const (
	defaultLimit = 50
	maxLimit     = 500
	maxScan      = 20000
)

// handleMessages reads records from=beginning|end|offset|timestamp
// (offset=N, timestamp=ms since epoch or RFC 3339), in one partition
// (partition=N) or all, keeping those whose key or value text contains
// filter, up to limit.
func (s *Server) handleMessages(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("topic")
	q := r.URL.Query()
	limit := defaultLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxLimit {
			writeError(w, http.StatusBadRequest, "limit %q: want 1 to %d", v, maxLimit)
			return
		}
		limit = n
	}
	partition := int32(-1)
	if v := q.Get("partition"); v != "" {
		n, err := strconv.ParseInt(v, 10, 32)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, "partition %q: want a partition number", v)
			return
		}
		partition = int32(n)
	}
	starts, err1 := s.listOffsets(ctx, s.adm.ListStartOffsets, []string{name})
	ends, err2 := s.listOffsets(ctx, s.adm.ListEndOffsets, []string{name})
	if err := errors.Join(err1, err2, starts.Error(), ends.Error()); err != nil {
		writeError(w, kafkaStatus(err), "topic %s: %v", name, err)
		return
	}
	from := map[int32]int64{}
	end := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if partition < 0 || o.Partition == partition {
			end[o.Partition] = o.Offset
		}
	})
	if len(end) == 0 {
		writeError(w, http.StatusNotFound, "topic %s has no partition %d", name, partition)
		return
	}
	switch mode := q.Get("from"); mode {
	case "", "beginning":
		starts.Each(func(o kadm.ListedOffset) {
			if _, ok := end[o.Partition]; ok {
				from[o.Partition] = o.Offset
			}
		})
	case "end":
		starts.Each(func(o kadm.ListedOffset) {
			if e, ok := end[o.Partition]; ok {
				from[o.Partition] = max(o.Offset, e-int64(limit))
			}
		})
	case "offset":
		off, err := strconv.ParseInt(q.Get("offset"), 10, 64)
		if err != nil || off < 0 {
			writeError(w, http.StatusBadRequest, "offset %q: want an offset", q.Get("offset"))
			return
		}
		starts.Each(func(o kadm.ListedOffset) {
			if _, ok := end[o.Partition]; ok {
				from[o.Partition] = max(o.Offset, off)
			}
		})
	case "timestamp":
		ms, err := parseMillis(q.Get("timestamp"))
		if err != nil {
			writeError(w, http.StatusBadRequest, "timestamp %q: %v", q.Get("timestamp"), err)
			return
		}
		after, err := s.adm.ListOffsetsAfterMilli(ctx, ms, name)
		if err == nil {
			err = after.Error()
		}
		if err != nil {
			writeError(w, kafkaStatus(err), "offsets after %d in %s: %v", ms, name, err)
			return
		}
		after.Each(func(o kadm.ListedOffset) {
			if _, ok := end[o.Partition]; ok {
				from[o.Partition] = o.Offset
			}
		})
	default:
		writeError(w, http.StatusBadRequest, "from %q: want beginning, end, offset or timestamp", mode)
		return
	}
	td, ok := s.topicOr(w, r, name)
	if !ok {
		return
	}
	out := Messages{Topic: name, Messages: []Message{}}
	filter := q.Get("filter")
	partitions := make([]int32, 0, len(from))
	for p := range from {
		partitions = append(partitions, p)
	}
	sort.Slice(partitions, func(i, j int) bool { return partitions[i] < partitions[j] })
	// Each partition is read with Fetch requests to its leader on the
	// console's one client, up to limit matches a partition.
	for _, p := range partitions {
		cur, n := from[p], 0
		for cur < end[p] && n < limit && out.Scanned < maxScan {
			recs, next, err := s.fetch(ctx, name, td.ID, td.Partitions[p].Leader, p, cur)
			if err != nil {
				writeError(w, kafkaStatus(err), "read %s/%d at %d: %v", name, p, cur, err)
				return
			}
			for _, rec := range recs {
				if rec.Offset >= end[p] || n >= limit {
					break
				}
				out.Scanned++
				if m := s.message(ctx, rec); m.matches(filter) {
					out.Messages = append(out.Messages, m)
					n++
				}
			}
			if next <= cur {
				break // nothing more to read below the end offset
			}
			cur = next
		}
	}
	sort.SliceStable(out.Messages, func(i, j int) bool {
		a, b := out.Messages[i], out.Messages[j]
		if !a.Timestamp.Equal(b.Timestamp) {
			return a.Timestamp.Before(b.Timestamp)
		}
		if a.Partition != b.Partition {
			return a.Partition < b.Partition
		}
		return a.Offset < b.Offset
	})
	if len(out.Messages) > limit {
		if q.Get("from") == "end" {
			out.Messages = out.Messages[len(out.Messages)-limit:]
		} else {
			out.Messages = out.Messages[:limit]
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// fetch reads the records of one partition from offset with one Fetch
// request to its leader, and returns them with the offset to read next.
func (s *Server) fetch(ctx context.Context, topic string, id kadm.TopicID, leader, partition int32, offset int64) ([]*kgo.Record, int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req := kmsg.NewPtrFetchRequest()
	req.ReplicaID = -1
	req.MinBytes = 1
	req.MaxBytes = 64 << 10
	rt := kmsg.NewFetchRequestTopic()
	rt.Topic, rt.TopicID = topic, id
	rp := kmsg.NewFetchRequestTopicPartition()
	rp.Partition, rp.FetchOffset, rp.PartitionMaxBytes = partition, offset, 64<<10
	rp.CurrentLeaderEpoch, rp.LogStartOffset = -1, -1
	rt.Partitions = append(rt.Partitions, rp)
	req.Topics = append(req.Topics, rt)
	resp, err := req.RequestWith(ctx, s.kafka.Broker(int(leader)))
	if err != nil {
		return nil, offset, err
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		return nil, offset, err
	}
	for _, t := range resp.Topics {
		for i := range t.Partitions {
			if t.Partitions[i].Partition != partition {
				continue
			}
			fp, last := kgo.ProcessFetchPartition(kgo.ProcessFetchPartitionOpts{Offset: offset, Topic: topic, Partition: partition}, &t.Partitions[i], kgo.DefaultDecompressor(), nil)
			if fp.Err != nil {
				return nil, offset, fp.Err
			}
			return fp.Records, max(last, offset), nil
		}
	}
	return nil, offset, nil
}

func parseMillis(v string) (int64, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return n, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return 0, fmt.Errorf("want milliseconds since the epoch or an RFC 3339 time")
	}
	return t.UnixMilli(), nil
}

// handleTail streams the records written to the topic from now on as
// Server-Sent Events ("record" events whose data is a Message), until the
// client goes away.
func (s *Server) handleTail(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	name := r.PathValue("topic")
	if _, ok := s.topicOr(w, r, name); !ok {
		return
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		writeError(w, http.StatusInternalServerError, "streaming is not supported by this connection")
		return
	}
	cl, err := kgo.NewClient(slices.Concat(s.kafkaOpts, []kgo.Opt{kgo.ConsumeTopics(name), kgo.ConsumeResetOffset(kgo.NewOffset().AtEnd())})...)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "kafka client: %v", err)
		return
	}
	defer cl.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": tailing\n\n")
	fl.Flush()
	for {
		fs := cl.PollFetches(ctx)
		if ctx.Err() != nil {
			return
		}
		for _, fe := range fs.Errors() {
			b, _ := json.Marshal(apiError{ErrorCode: http.StatusBadGateway, Message: fe.Err.Error()})
			fmt.Fprintf(w, "event: error\ndata: %s\n\n", b)
		}
		for _, rec := range fs.Records() {
			b, _ := json.Marshal(s.message(ctx, rec))
			fmt.Fprintf(w, "event: record\ndata: %s\n\n", b)
		}
		fl.Flush()
	}
}
