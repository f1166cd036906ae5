package broker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Log start offsets of compacted partitions.
//
// Kafka's cleaner removes records but never moves a partition's log start
// offset: a fetch from an offset it removed returns the next batch kept,
// and ListOffsets for the earliest offset answers the log start as before
// (only retention of a "delete" topic and DeleteRecords move it; LogCleaner
// and UnifiedLog, apache/kafka 3.9). kfake's cleaner moves the log start
// to the first batch it keeps, so a consumer positioned before it, or one
// that listed the earliest offset before a cleaning, is answered
// OFFSET_OUT_OF_RANGE: kafka-go's Conn fails, other clients reset their
// position by auto.offset.reset, perhaps to the end, skipping every kept
// record.
//
// So the broker keeps, per compacted partition whose log start a cleaning
// moved, the log start Kafka would report (kafka) and kfake's (kfake):
// ListOffsets for the earliest offset answers kafka, and a fetch from an
// offset between the two is sent to kfake as a fetch from kfake, where the
// next kept batch is. The starts are kept in the data dir (logStartsFile),
// since kfake loads its own after a restart. DeleteRecords moves kafka as
// Kafka moves the log start; a deleted or re-created topic forgets them.

// logStartsFile holds the starts in the data dir.
const logStartsFile = "compacted-log-starts.json"

// movedStart is a compacted partition's log start as Kafka reports it, and
// kfake's, which a cleaning moved past it.
type movedStart struct {
	Kafka int64 `json:"kafka"`
	Kfake int64 `json:"kfake"`
}

// logStarts is the moved log starts of compacted partitions, by topic name
// and partition, and the topics' IDs (Fetch v13+ names topics by ID).
type logStarts struct {
	path string

	mu       sync.RWMutex
	starts   map[string]map[int32]movedStart
	ids      map[[16]byte]string
	nonEmpty atomic.Bool // starts is not empty: Fetch requests are rewritten
	// gen counts the moves: the answer to a fetch read before a move is
	// looked at (guardFetch); others pass as kfake writes them
	gen atomic.Uint64
	// waiting is the fetches kfake may hold back while a cleaning moves a
	// start (waitingfetch.go)
	waiting waitingFetches
}

type logStartsFileData struct {
	Topics map[string]struct {
		ID         [16]byte             `json:"id"`
		Partitions map[int32]movedStart `json:"partitions"`
	} `json:"topics"`
}

// loadLogStarts reads the starts kept in dataDir.
func loadLogStarts(dataDir string) (*logStarts, error) {
	s := &logStarts{path: filepath.Join(dataDir, logStartsFile), starts: map[string]map[int32]movedStart{}, ids: map[[16]byte]string{}}
	raw, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the compacted partitions' log starts: %w", err)
	}
	var f logStartsFileData
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("read the compacted partitions' log starts in %s: %w", s.path, err)
	}
	for topic, t := range f.Topics {
		s.starts[topic] = t.Partitions
		s.ids[t.ID] = topic
	}
	s.nonEmpty.Store(len(s.starts) > 0)
	return s, nil
}

// idOf is the ID kept for topic; called with mu held.
func (s *logStarts) idOf(topic string) [16]byte {
	for id, name := range s.ids {
		if name == topic {
			return id
		}
	}
	return [16]byte{}
}

// moved records that a cleaning moved topic's partition log start from
// before to after; the ID is the topic's. It reports whether anything
// changed.
func (s *logStarts) moved(topic string, id [16]byte, partition int32, before, after int64) bool {
	if after <= before {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.idOf(topic); old != id {
		delete(s.ids, old)
		delete(s.starts, topic)
	}
	s.ids[id] = topic
	ps := s.starts[topic]
	if ps == nil {
		ps = map[int32]movedStart{}
		s.starts[topic] = ps
	}
	m, ok := ps[partition]
	if !ok { // the log start kfake had was Kafka's
		m.Kafka = before
	}
	m.Kfake = after
	ps[partition] = m
	s.nonEmpty.Store(true)
	s.gen.Add(1)
	return true
}

// deleted records that DeleteRecords moved a partition's log start to
// offset, as it moves Kafka's; it reports whether anything changed.
func (s *logStarts) deleted(topic string, partition int32, offset int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.starts[topic][partition]
	if !ok || offset <= m.Kafka {
		return false
	}
	m.Kafka = offset
	if m.Kafka >= m.Kfake {
		delete(s.starts[topic], partition)
	} else {
		s.starts[topic][partition] = m
	}
	return true
}

// forget drops a topic's starts (it was deleted or created).
func (s *logStarts) forget(topic string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.ids, s.idOf(topic))
	delete(s.starts, topic)
	s.nonEmpty.Store(len(s.starts) > 0)
}

// save writes the starts to the data dir (a temporary file renamed over
// the old one).
func (s *logStarts) save() error {
	s.mu.RLock()
	f := logStartsFileData{Topics: map[string]struct {
		ID         [16]byte             `json:"id"`
		Partitions map[int32]movedStart `json:"partitions"`
	}{}}
	for topic, ps := range s.starts {
		t := f.Topics[topic]
		t.ID, t.Partitions = s.idOf(topic), ps
		f.Topics[topic] = t
	}
	raw, err := json.Marshal(f)
	s.mu.RUnlock()
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

// lookup is the moved start of a partition, by topic name or, where the
// name is "", by ID.
func (s *logStarts) lookup(topic string, id [16]byte, partition int32) (movedStart, bool) {
	if topic == "" {
		topic = s.ids[id]
	}
	m, ok := s.starts[topic][partition]
	return m, ok
}

// fixFetch sends a fetch from an offset between a partition's Kafka and
// kfake log starts to kfake's; it reports whether it changed req.
func (s *logStarts) fixFetch(req *kmsg.FetchRequest) bool {
	if !s.nonEmpty.Load() {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	changed := false
	for i := range req.Topics {
		t := &req.Topics[i]
		for j := range t.Partitions {
			p := &t.Partitions[j]
			if m, ok := s.lookup(t.Topic, t.TopicID, p.Partition); ok && p.FetchOffset >= m.Kafka && p.FetchOffset < m.Kfake {
				p.FetchOffset, changed = m.Kfake, true
			}
		}
	}
	return changed
}

// fetchRead moves req past the offsets a cleaning removed and keeps it
// if kfake may hold it back; called by the control function, in the
// cluster's event loop.
func (s *logStarts) fetchRead(req *kmsg.FetchRequest) {
	s.fixFetch(req)
	s.waiting.keep(req, time.Now())
}

// cleaned moves the fetches kfake holds back past what the cleaning that
// just ran removed, and forgets those whose wait is over; called by the
// cleaner's control function, in the cluster's event loop.
func (s *logStarts) cleaned() {
	s.waiting.each(time.Now(), func(req *kmsg.FetchRequest) { s.fixFetch(req) })
}

// fixListOffsets answers Kafka's log start where a ListOffsets request
// asked for the earliest offset (timestamp -2) of a partition whose log
// start kfake moved, also where the move came after the request was read.
func (s *logStarts) fixListOffsets(req *kmsg.ListOffsetsRequest) func([]byte) ([]byte, error) {
	// looked at also before any start moved: a cleaning may move one
	// before kfake answers
	earliest := map[string]map[int32]bool{}
	for _, t := range req.Topics {
		for _, p := range t.Partitions {
			if p.Timestamp == -2 {
				if earliest[t.Topic] == nil {
					earliest[t.Topic] = map[int32]bool{}
				}
				earliest[t.Topic][p.Partition] = true
			}
		}
	}
	if len(earliest) == 0 {
		return nil
	}
	return func(body []byte) ([]byte, error) {
		kresp, err := parseResponse(req.Key(), req.Version, body)
		if err != nil {
			return nil, err
		}
		resp := kresp.(*kmsg.ListOffsetsResponse)
		s.mu.RLock()
		changed := false
		for i := range resp.Topics {
			t := &resp.Topics[i]
			for j := range t.Partitions {
				p := &t.Partitions[j]
				if !earliest[t.Topic][p.Partition] || p.ErrorCode != 0 {
					continue
				}
				if m, ok := s.lookup(t.Topic, [16]byte{}, p.Partition); ok && p.Offset == m.Kfake {
					p.Offset, changed = m.Kafka, true
					if req.Version == 0 && len(p.OldStyleOffsets) > 0 {
						p.OldStyleOffsets[0] = m.Kafka
					}
				}
			}
		}
		s.mu.RUnlock()
		if !changed {
			return body, nil
		}
		return appendResponse(resp), nil
	}
}

// rewriteFetch guards the answer of a fetch against a cleaning that comes
// while kfake holds it back (a fetch waiting for records, which kfake
// serves again without its control functions). Its offsets are moved
// past what a cleaning removed in the cluster's event loop
// (answerOldVersions), never here: a cleaning could fall between.
func (s *logStarts) rewriteFetch(b []byte) ([]byte, responseFix, error) {
	return b, s.guardFetch(b, s.gen.Load()), nil
}

// guardFetch covers a fetch kfake held back waiting for records and
// served after a cleaning, without the control function that moves its
// offsets, that the cleaning did not move (logStarts.cleaned: one served
// more than waitSlack after its wait): from an offset the cleaning took
// below kfake's log start,
// kfake answers OFFSET_OUT_OF_RANGE, where Kafka would read the next
// batch kept. Such a partition is answered with no records and no error,
// and the client's next fetch, moved in the event loop, reads that batch
// (a client that takes an empty answer below the high watermark for a
// broken one, as kafka-go's Conn does, fails that read; a fetch waits
// only while fewer than its MinBytes follow its offset, so the cleaning
// must fall within that wait and remove the offset it waits at).
// The answer is looked at only when a start moved since gen, the moves
// counted when the broker read raw; any other passes through as kfake
// writes it, so the broker holds no fetch answer back. raw is copied: the
// frame it was read into goes back to its pool once kfake has read it.
func (s *logStarts) guardFetch(raw []byte, gen uint64) responseFix {
	req := bytes.Clone(raw)
	return responseFix{
		unless: func() bool { return s.gen.Load() == gen },
		apply:  func(body []byte) ([]byte, error) { return s.unremoveFetch(req, body) },
		copied: true,
	}
}

// unremoveFetch answers no error, and no records, for each partition of
// raw's fetch that kfake answered OFFSET_OUT_OF_RANGE from an offset a
// cleaning removed.
func (s *logStarts) unremoveFetch(raw, body []byte) ([]byte, error) {
	_, kreq, err := parseRequest(raw)
	if err != nil {
		return body, nil // kfake answered what it could parse
	}
	req := kreq.(*kmsg.FetchRequest)
	type at struct {
		topic     string
		id        [16]byte
		partition int32
	}
	from := map[at]int64{}
	for _, t := range req.Topics {
		for _, p := range t.Partitions {
			from[at{t.Topic, t.TopicID, p.Partition}] = p.FetchOffset
		}
	}
	kresp, err := parseResponse(req.Key(), req.Version, body)
	if err != nil {
		return nil, err
	}
	resp := kresp.(*kmsg.FetchResponse)
	changed := false
	s.mu.RLock()
	for i := range resp.Topics {
		t := &resp.Topics[i]
		for j := range t.Partitions {
			p := &t.Partitions[j]
			if p.ErrorCode != kerr.OffsetOutOfRange.Code {
				continue
			}
			off, ok := from[at{t.Topic, t.TopicID, p.Partition}]
			m, moved := s.lookup(t.Topic, t.TopicID, p.Partition)
			if ok && moved && off >= m.Kafka && off < m.Kfake {
				p.ErrorCode, changed = 0, true
			}
		}
	}
	s.mu.RUnlock()
	if !changed {
		return body, nil
	}
	return appendResponse(resp), nil
}
