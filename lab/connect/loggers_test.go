package connect

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"
)

// captureHandler keeps the messages of every record, at every level.
type captureHandler struct {
	mu   sync.Mutex
	msgs []string
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.msgs = append(h.msgs, r.Message)
	return nil
}
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func (h *captureHandler) has(msg string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.msgs {
		if m == msg {
			return true
		}
	}
	return false
}

// KIP-495/KIP-976 as Kafka 3.9's LoggingResource and Loggers answer them:
// GET /admin/loggers lists loggers with a level of their own (Kafka's
// config/connect-log4j.properties: root INFO, org.reflections ERROR), with
// last_modified null until the API changes them.
func TestAdminLoggersListAndGet(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.do(t, "GET", "/admin/loggers", nil)
	if want := `{"org.reflections":{"level":"ERROR","last_modified":null},"root":{"level":"INFO","last_modified":null}}`; r.code != 200 || string(r.body) != want {
		t.Errorf("GET /admin/loggers = %d %s, want %s", r.code, r.body, want)
	}
	r = wk.do(t, "GET", "/admin/loggers/"+workerLoggerName, nil)
	if r.code != 200 || string(r.body) != `{"level":"INFO","last_modified":null}` {
		t.Errorf("GET worker logger = %d %s", r.code, r.body)
	}
	expectError(t, wk.do(t, "GET", "/admin/loggers/com.example.Nope", nil), 404, "Logger com.example.Nope not found.")
	expectError(t, wk.do(t, "PUT", "/admin/loggers/org.apache.kafka.connect", map[string]string{"lvl": "DEBUG"}), 400,
		"Desired 'level' parameter was not specified in request.")
	expectError(t, wk.do(t, "PUT", "/admin/loggers/org.apache.kafka.connect", map[string]string{"level": "LOUD"}), 404,
		"invalid log level 'LOUD'.")
}

// Setting a namespace sets the namespace's logger (created if missing) and
// every current logger whose name starts with it, answers their sorted
// names, and gates the worker's own log output.
func TestAdminLoggersSetLevelActsOnTheWorkerLog(t *testing.T) {
	b := startBroker(t)
	sink := &captureHandler{}
	wk := startWorker(t, b, WithLogger(slog.New(sink)))
	ctx := context.Background()
	wk.w.log.Debug("probe 1")
	if sink.has("probe 1") {
		t.Fatalf("debug record written at the default INFO level")
	}
	r := wk.do(t, "PUT", "/admin/loggers/org.apache.kafka.connect", map[string]string{"level": "debug"})
	if want := `["org.apache.kafka.connect","org.apache.kafka.connect.runtime.Worker"]`; r.code != 200 || string(r.body) != want {
		t.Fatalf("PUT = %d %s, want %s", r.code, r.body, want)
	}
	var got loggerLevel
	r = wk.do(t, "GET", "/admin/loggers/"+workerLoggerName, nil)
	if err := json.Unmarshal(r.body, &got); err != nil || got.Level != "DEBUG" || got.LastModified == nil {
		t.Errorf("GET after PUT = %s", r.body)
	}
	wk.w.log.Debug("probe 2")
	if !sink.has("probe 2") {
		t.Errorf("debug record dropped after setting DEBUG")
	}
	// The root namespace reaches every logger.
	r = wk.do(t, "PUT", "/admin/loggers/root", map[string]string{"level": "ERROR"})
	if want := `["org.apache.kafka.clients.producer.KafkaProducer","org.apache.kafka.connect","org.apache.kafka.connect.runtime.Worker","org.reflections","root"]`; r.code != 200 || string(r.body) != want {
		t.Fatalf("PUT root = %d %s, want %s", r.code, r.body, want)
	}
	wk.w.log.Warn("probe 3")
	if sink.has("probe 3") || wk.w.log.Enabled(ctx, slog.LevelWarn) {
		t.Errorf("warn record written after setting ERROR on root")
	}
}

// scope=cluster answers 204 and writes logger-cluster-<namespace> to the
// config topic (DistributedHerder.setClusterLoggerLevel); a worker started
// later ignores it (KafkaConfigBackingStore.processLoggerLevelRecord).
func TestAdminLoggersClusterScope(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	r := wk.do(t, "PUT", "/admin/loggers/io.confluent.connect.jdbc?scope=cluster", map[string]string{"level": "TRACE"})
	if r.code != 204 || len(r.body) != 0 {
		t.Fatalf("PUT cluster = %d %s", r.code, r.body)
	}
	if r := wk.do(t, "GET", "/admin/loggers/io.confluent.connect.jdbc", nil); r.code != 200 {
		t.Errorf("GET after cluster PUT = %d %s", r.code, r.body)
	}
	found := false
	for _, rec := range readTopic(t, b, "connect-configs") {
		if string(rec.Key) == "logger-cluster-io.confluent.connect.jdbc" && string(rec.Value) == `{"level":"TRACE"}` {
			found = true
		}
	}
	if !found {
		t.Errorf("no logger-cluster-io.confluent.connect.jdbc record")
	}
	wk.close()
	wk2 := startWorker(t, b)
	expectError(t, wk2.do(t, "GET", "/admin/loggers/io.confluent.connect.jdbc", nil), 404, "Logger io.confluent.connect.jdbc not found.")
}
