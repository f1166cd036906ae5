package connect

import (
	"encoding/binary"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// replayRecord is one record of an internal topic: topic 0 is
// connect-configs, 1 connect-status, 2 connect-offsets.
type replayRecord struct {
	topic int
	key   []byte
	value []byte // nil: a tombstone
}

// encodeReplay frames records for the fuzz input: per record a topic
// byte, a key length byte and the key, a 2-byte value length (0xffff: a
// tombstone) and the value.
func encodeReplay(recs ...replayRecord) []byte {
	var out []byte
	for _, r := range recs {
		out = append(out, byte(r.topic), byte(len(r.key)))
		out = append(out, r.key...)
		if r.value == nil {
			out = binary.BigEndian.AppendUint16(out, 0xffff)
			continue
		}
		out = binary.BigEndian.AppendUint16(out, uint16(len(r.value)))
		out = append(out, r.value...)
	}
	return out
}

// decodeReplay reads what encodeReplay writes, as far as the bytes go.
func decodeReplay(b []byte) []replayRecord {
	var recs []replayRecord
	for len(b) >= 2 {
		r := replayRecord{topic: int(b[0]) % 3}
		kl := int(b[1])
		b = b[2:]
		if len(b) < kl+2 {
			break
		}
		r.key, b = b[:kl], b[kl:]
		vl := int(binary.BigEndian.Uint16(b))
		b = b[2:]
		if vl != 0xffff {
			vl = min(vl, len(b))
			r.value, b = b[:vl], b[vl:]
		}
		recs = append(recs, r)
	}
	return recs
}

// replayInto applies records to a fresh worker as start does, without
// starting connectors, and returns it with its connectors' names and its
// stored offset values.
func replayInto(kcl *kgo.Client, recs []replayRecord) (*Worker, []string, [][]byte) {
	w := &Worker{
		opts:         defaultOptions(),
		loggers:      newLoggerRegistry(),
		log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		kcl:          kcl,
		connectors:   map[string]*connectorState{},
		statuses:     map[string]*connStatus{},
		activeTopics: map[string]map[string]topicStatus{},
		offsets:      map[string][]byte{},
		knownTopics:  map[string]bool{},
		closed:       make(chan struct{}),
	}
	topics := []string{w.opts.configTopic, w.opts.statusTopic, w.opts.offsetTopic}
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, r := range recs {
		w.apply(&kgo.Record{Topic: topics[r.topic], Key: r.key, Value: r.value, Offset: int64(i)})
	}
	w.settleReplayLocked()
	names := make([]string, 0, len(w.connectors))
	for name := range w.connectors {
		names = append(names, name)
	}
	offsets := make([][]byte, 0, len(w.offsets))
	for _, v := range w.offsets {
		offsets = append(offsets, v)
	}
	return w, names, offsets
}

// The replay harness serves what the internal topics hold: a connector
// config, its paused target state and its stored offset.
func TestReplayHarnessServesTheStoredConnector(t *testing.T) {
	inc := int64(12)
	w, names, offsets := replayInto(nil, []replayRecord{
		{0, []byte("connector-stations"), configRecord(map[string]string{"tasks.max": "1"})},
		{0, []byte("target-state-stations"), targetStateRecord(targetPaused)},
		{2, offsetKey("stations", partitionV1("cta.public.stations")), offsetValue(tableOffset{Incrementing: &inc})},
	})
	if len(names) != 1 || names[0] != "stations" || len(offsets) != 1 {
		t.Fatalf("replayed connectors %v and %d offsets, want [stations] and 1", names, len(offsets))
	}
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/connectors/stations/config", nil))
	var got map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got["tasks.max"] != "1" {
		t.Fatalf("GET config: %d %s, want the replayed properties", rec.Code, rec.Body)
	}
	if o, err := parseOffsetValue(offsets[0]); err != nil || o.Incrementing == nil || *o.Incrementing != 12 {
		t.Fatalf("replayed offset %s: %+v %v, want incrementing 12", offsets[0], o, err)
	}
}

// FuzzInternalTopicReplay replays arbitrary records of connect-configs,
// connect-status and connect-offsets into a worker, as it does at start,
// then reads its state back through the REST API: whatever another worker
// (or anyone with write access) left in those topics must not take the
// worker down, and every answer must be JSON.
func FuzzInternalTopicReplay(f *testing.F) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation())
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(cluster.Close)
	kcl, err := kgo.NewClient(kgo.SeedBrokers(cluster.ListenAddrs()...), kgo.ProducerLinger(0))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(kcl.Close)

	props := map[string]string{
		"connector.class": "io.confluent.connect.jdbc.JdbcSourceConnector", "tasks.max": "1",
		"connection.url": "jdbc:postgresql://localhost:5432/cta", "mode": "incrementing",
		"incrementing.column.name": "stop_id", "table.whitelist": "stations", "topic.prefix": "org.chicago.cta.",
	}
	inc := int64(40380)
	f.Add(encodeReplay(
		replayRecord{0, []byte("connector-stations"), configRecord(props)},
		replayRecord{0, []byte("target-state-stations"), targetStateRecord(targetPaused)},
		replayRecord{1, []byte("status-connector-stations"), statusRecord(&stateInfo{State: stateRunning, WorkerID: "127.0.0.1:8083"}, 1)},
		replayRecord{1, []byte("status-task-stations-0"), statusRecord(&stateInfo{State: stateFailed, WorkerID: "127.0.0.1:8083", Trace: "boom"}, 1)},
		replayRecord{1, []byte(topicStatusKey("org.chicago.cta.stations", "stations")), []byte(`{"topic":{"name":"org.chicago.cta.stations","connector":"stations","task":0,"discoverTimestamp":1700000000000}}`)},
		replayRecord{2, offsetKey("stations", partitionV1("cta.public.stations")), offsetValue(tableOffset{Incrementing: &inc})},
		replayRecord{2, offsetKey("stations", partitionV0("stations")), []byte(`{"incrementing":7,"timestamp":1,"timestamp_nanos":5}`)},
	))
	f.Add(encodeReplay(
		replayRecord{0, []byte("target-state-ghost"), targetStateRecord(targetStopped)},
		replayRecord{1, []byte("status-task-ghost-x"), []byte(`{"state":"RUNNING"}`)},
		replayRecord{1, []byte("status-topic-t:connector-ghost"), nil},
		replayRecord{2, []byte(`["ghost",{"table":null}]`), []byte(`{"incrementing":"x"}`)},
		replayRecord{0, []byte("connector-a/b"), []byte(`{"properties":{"tasks.max":"-3"}}`)},
		replayRecord{0, []byte("connector-a/b"), nil},
	))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, names, offsets := replayInto(kcl, decodeReplay(data))
		for _, raw := range offsets {
			_, _ = parseOffsetValue(raw) // an error is the answer for an unreadable offset
		}
		paths := []string{"/connectors", "/connectors?expand=status&expand=info"}
		for _, name := range names {
			base := "/connectors/" + url.PathEscape(name)
			for _, sub := range []string{"", "/config", "/status", "/tasks", "/offsets", "/topics", "/tasks/0/status"} {
				paths = append(paths, base+sub)
			}
		}
		for _, p := range paths {
			rec := httptest.NewRecorder()
			w.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
			if rec.Code >= 500 {
				t.Fatalf("GET %s after replay: %d %s", p, rec.Code, rec.Body)
			}
			if !json.Valid(rec.Body.Bytes()) {
				t.Fatalf("GET %s after replay: body is not JSON: %q", p, rec.Body)
			}
		}
	})
}

// An offset record that is not an offset map is left out of GET
// .../offsets, as Kafka's OffsetStorageReaderImpl.offsets leaves out what
// it cannot deserialize or what fails OffsetUtils.validateFormat; the
// readable ones are still listed.
func TestUnreadableStoredOffsetsAreLeftOutOfTheOffsetsEndpoint(t *testing.T) {
	w, _, _ := replayInto(nil, []replayRecord{
		{0, []byte("connector-src"), configRecord(map[string]string{"tasks.max": "1"})},
		{2, offsetKey("src", partitionV0("a")), []byte("\x16not json")},
		{2, offsetKey("src", partitionV0("b")), []byte(`{"incrementing":{"nested":1}}`)},
		{2, offsetKey("src", partitionV0("c")), []byte(`{"incrementing":3} trailing`)},
		{2, offsetKey("src", partitionV0("d")), []byte(`{"incrementing":4}`)},
	})
	rec := httptest.NewRecorder()
	w.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/connectors/src/offsets", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET offsets: %d %s", rec.Code, rec.Body)
	}
	var got struct {
		Offsets []connectorOffset `json:"offsets"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("GET offsets body %s: %v", rec.Body, err)
	}
	if len(got.Offsets) != 1 || got.Offsets[0].Partition["table"] != "d" {
		t.Fatalf("GET offsets listed %+v, want only table d's", got.Offsets)
	}
	if o, err := w.tableOffset("src", tableID{Name: "a"}); err != nil || o.Incrementing != nil {
		t.Fatalf("task offset for an unreadable record: %+v %v, want none and no error", o, err)
	}
}
