package connect

import (
	"context"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Logger levels (KIP-495, with KIP-976's last_modified and scope) as Kafka
// 3.9's LoggingResource and Loggers serve them over log4j. The worker's
// "current loggers" are the names its own log output goes to:
//
//	org.apache.kafka.connect.runtime.Worker        the worker, its connectors and tasks
//	org.apache.kafka.clients.producer.KafkaProducer the Kafka clients
//
// plus org.reflections, which Kafka's config/connect-log4j.properties sets
// to ERROR next to the INFO root logger. A level set here gates the
// worker's slog output for that logger name (TRACE and DEBUG are
// slog.LevelDebug and below, FATAL is slog.LevelError, OFF silences it).

const (
	rootLoggerName   = "root"
	workerLoggerName = "org.apache.kafka.connect.runtime.Worker"
	clientLoggerName = "org.apache.kafka.clients.producer.KafkaProducer"
)

// log4jLevels are the names log4j's Level.toLevel accepts.
var log4jLevels = map[string]slog.Level{
	"ALL":   slog.LevelDebug - 8,
	"TRACE": slog.LevelDebug - 4,
	"DEBUG": slog.LevelDebug,
	"INFO":  slog.LevelInfo,
	"WARN":  slog.LevelWarn,
	"ERROR": slog.LevelError,
	"FATAL": slog.LevelError + 4,
	"OFF":   slog.LevelError + 1000,
}

type loggerEntry struct {
	level        string // "" when unset (the effective level is inherited)
	lastModified *int64
}

// loggerRegistry is the worker's log4j hierarchy in miniature.
type loggerRegistry struct {
	mu      sync.Mutex
	root    loggerEntry
	loggers map[string]*loggerEntry // current loggers other than root
}

func newLoggerRegistry() *loggerRegistry {
	return &loggerRegistry{
		root: loggerEntry{level: "INFO"},
		loggers: map[string]*loggerEntry{
			workerLoggerName:  {},
			clientLoggerName:  {},
			"org.reflections": {level: "ERROR"},
		},
	}
}

// effectiveLocked is log4j's getEffectiveLevel: the nearest dotted
// ancestor with a level, else root's. r.mu held.
func (r *loggerRegistry) effectiveLocked(name string) string {
	for n := name; n != ""; {
		if e, ok := r.loggers[n]; ok && e.level != "" {
			return e.level
		}
		i := strings.LastIndexByte(n, '.')
		if i < 0 {
			break
		}
		n = n[:i]
	}
	return r.root.level
}

func (r *loggerRegistry) slogLevel(name string) slog.Level {
	r.mu.Lock()
	defer r.mu.Unlock()
	return log4jLevels[r.effectiveLocked(name)]
}

type loggerLevel struct {
	Level        string `json:"level"`
	LastModified *int64 `json:"last_modified"`
}

// level is Loggers.level: nil when no such logger exists.
func (r *loggerRegistry) level(name string) *loggerLevel {
	r.mu.Lock()
	defer r.mu.Unlock()
	if strings.EqualFold(name, rootLoggerName) {
		return &loggerLevel{Level: r.root.level, LastModified: r.root.lastModified}
	}
	e, ok := r.loggers[name]
	if !ok {
		return nil
	}
	return &loggerLevel{Level: r.effectiveLocked(name), LastModified: e.lastModified}
}

// all is Loggers.allLevels: the loggers with a level of their own.
func (r *loggerRegistry) all() map[string]loggerLevel {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]loggerLevel{}
	for n, e := range r.loggers {
		if e.level != "" {
			out[n] = loggerLevel{Level: e.level, LastModified: e.lastModified}
		}
	}
	out[rootLoggerName] = loggerLevel{Level: r.root.level, LastModified: r.root.lastModified}
	return out
}

// set is Loggers.setLevel: the namespace's logger (created if missing) and
// every current logger whose name starts with it, or all of them for
// "root". It returns the affected names, sorted.
func (r *loggerRegistry) set(namespace, level string, now time.Time) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	apply := func(e *loggerEntry, effective string) {
		if effective == level {
			return // Loggers skips loggers already at that level
		}
		e.level = level
		ms := now.UnixMilli()
		e.lastModified = &ms
	}
	var names []string
	if strings.EqualFold(namespace, rootLoggerName) {
		for n, e := range r.loggers {
			apply(e, r.effectiveLocked(n))
			names = append(names, n)
		}
		apply(&r.root, r.root.level)
		names = append(names, rootLoggerName)
		sort.Strings(names)
		return names
	}
	if _, ok := r.loggers[namespace]; !ok {
		r.loggers[namespace] = &loggerEntry{}
	}
	type target struct {
		name string
		eff  string
	}
	var targets []target
	for n := range r.loggers {
		if strings.HasPrefix(n, namespace) {
			targets = append(targets, target{n, r.effectiveLocked(n)})
		}
	}
	for _, t := range targets {
		apply(r.loggers[t.name], t.eff)
		names = append(names, t.name)
	}
	sort.Strings(names)
	return names
}

// levelGate is a slog.Handler that drops records below the level the
// registry gives its logger name.
type levelGate struct {
	h    slog.Handler
	reg  *loggerRegistry
	name string
}

func (g *levelGate) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= g.reg.slogLevel(g.name) && g.h.Enabled(ctx, l)
}

func (g *levelGate) Handle(ctx context.Context, rec slog.Record) error {
	if rec.Level < g.reg.slogLevel(g.name) {
		return nil
	}
	return g.h.Handle(ctx, rec)
}

func (g *levelGate) WithAttrs(as []slog.Attr) slog.Handler {
	return &levelGate{h: g.h.WithAttrs(as), reg: g.reg, name: g.name}
}

func (g *levelGate) WithGroup(n string) slog.Handler {
	return &levelGate{h: g.h.WithGroup(n), reg: g.reg, name: g.name}
}

// handleLoggers is GET /admin/loggers.
func (w *Worker) handleLoggers(rw http.ResponseWriter, _ *http.Request) {
	writeJSON(rw, http.StatusOK, w.loggers.all())
}

// handleLogger is GET /admin/loggers/{logger}.
func (w *Worker) handleLogger(rw http.ResponseWriter, r *http.Request) {
	name := r.PathValue("logger")
	l := w.loggers.level(name)
	if l == nil {
		writeError(rw, notFound("Logger "+name+" not found."))
		return
	}
	writeJSON(rw, http.StatusOK, l)
}

// handleSetLogger is PUT /admin/loggers/{logger}[?scope=worker|cluster].
func (w *Worker) handleSetLogger(rw http.ResponseWriter, r *http.Request) {
	namespace := r.PathValue("logger")
	var raw map[string]any
	if e := w.readJSON(rw, r, &raw); e != nil {
		writeError(rw, e)
		return
	}
	body, e := stringMap(raw)
	if e != nil {
		writeError(rw, e)
		return
	}
	levelString, ok := body["level"]
	if !ok {
		writeError(rw, badRequest("Desired 'level' parameter was not specified in request."))
		return
	}
	level := strings.ToUpper(levelString)
	if _, ok := log4jLevels[level]; !ok {
		writeError(rw, notFound("invalid log level '"+levelString+"'."))
		return
	}
	scope := "worker"
	if s := r.URL.Query()["scope"]; len(s) > 0 {
		scope = s[0]
	}
	if strings.EqualFold(scope, "cluster") {
		// DistributedHerder.setClusterLoggerLevel: a logger-cluster-<ns>
		// record in the config topic, applied by every running worker and
		// ignored by workers that start later (KafkaConfigBackingStore).
		if err := w.produceInternal(r.Context(), w.opts.configTopic, "logger-cluster-"+namespace,
			compactJSON(orderedMap{{"level", levelString}})); err != nil {
			writeError(rw, &restError{http.StatusInternalServerError, err.Error()})
			return
		}
		w.loggers.set(namespace, level, time.Now())
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	if !strings.EqualFold(scope, "worker") {
		w.log.Warn("Received invalid scope in request to adjust logging level; will default to worker", "scope", scope)
	}
	writeJSON(rw, http.StatusOK, w.loggers.set(namespace, level, time.Now()))
}
