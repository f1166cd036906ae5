package connect

import (
	"net/http"
	"sort"
	"strings"
	"time"
)

// Active topics (KIP-558) as Kafka 3.9 tracks them: a task records a topic
// the first time one of its records to it is acknowledged
// (WorkerTask.recordActiveTopic), as the connect-status record
//
//	status-topic-<topic>:connector-<name>
//	{"topic":{"name":"<topic>","connector":"<name>","task":n,"discoverTimestamp":ms}}
//
// (KafkaStatusBackingStore); a reset, or the deletion of the connector,
// writes tombstones for them.

const (
	topicStatusPrefix    = "status-topic-"
	topicStatusSeparator = ":connector-"
)

type topicStatus struct {
	Task     int
	Discover int64
}

func topicStatusKey(topic, connector string) string {
	return topicStatusPrefix + topic + topicStatusSeparator + connector
}

// recordActiveTopic marks topic active for the connector unless it already is.
func (w *Worker) recordActiveTopic(connector string, task int, topic string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.activeTopics[connector][topic]; ok {
		return
	}
	st := topicStatus{Task: task, Discover: time.Now().UnixMilli()}
	w.putActiveTopicLocked(connector, topic, st)
	w.produceInternalAsync(w.opts.statusTopic, topicStatusKey(topic, connector), compactJSON(orderedMap{{"topic", orderedMap{
		{"name", topic}, {"connector", connector}, {"task", task}, {"discoverTimestamp", st.Discover},
	}}}))
}

func (w *Worker) putActiveTopicLocked(connector, topic string, st topicStatus) {
	m := w.activeTopics[connector]
	if m == nil {
		m = map[string]topicStatus{}
		w.activeTopics[connector] = m
	}
	m[topic] = st
}

// resetActiveTopicsLocked is AbstractHerder.resetConnectorActiveTopics. w.mu held.
func (w *Worker) resetActiveTopicsLocked(connector string) {
	for _, topic := range w.activeTopicsLocked(connector) {
		w.produceInternalAsync(w.opts.statusTopic, topicStatusKey(topic, connector), nil)
	}
	delete(w.activeTopics, connector)
}

// activeTopicsLocked lists a connector's active topics, sorted. w.mu held.
func (w *Worker) activeTopicsLocked(connector string) []string {
	out := []string{}
	for topic := range w.activeTopics[connector] {
		out = append(out, topic)
	}
	sort.Strings(out)
	return out
}

// applyTopicStatus folds a status-topic-... record into the worker's state.
func (w *Worker) applyTopicStatus(key string, value []byte) {
	rest := strings.TrimPrefix(key, topicStatusPrefix)
	i := strings.Index(rest, topicStatusSeparator)
	if i < 0 {
		w.log.Warn("skip topic status record", "key", key)
		return
	}
	topic, connector := rest[:i], rest[i+len(topicStatusSeparator):]
	if value == nil {
		if m := w.activeTopics[connector]; m != nil {
			delete(m, topic)
			if len(m) == 0 {
				delete(w.activeTopics, connector)
			}
		}
		return
	}
	var v struct {
		Topic *struct {
			Task     int   `json:"task"`
			Discover int64 `json:"discoverTimestamp"`
		} `json:"topic"`
	}
	if err := decodeNumbers(value, &v); err != nil || v.Topic == nil {
		w.log.Warn("skip topic status record", "key", key, "err", err)
		return
	}
	w.putActiveTopicLocked(connector, topic, topicStatus{Task: v.Topic.Task, Discover: v.Topic.Discover})
}

// handleTopics is GET /connectors/{name}/topics. Like Kafka, it does not
// check that the connector exists.
func (w *Worker) handleTopics(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	topics := w.activeTopicsLocked(name)
	w.mu.Unlock()
	writeJSON(rw, http.StatusOK, map[string]any{name: map[string]any{"topics": topics}})
}

// handleResetTopics is PUT /connectors/{name}/topics/reset.
func (w *Worker) handleResetTopics(rw http.ResponseWriter, _ *http.Request, name string) {
	w.mu.Lock()
	w.resetActiveTopicsLocked(name)
	w.mu.Unlock()
	rw.WriteHeader(http.StatusAccepted)
}
