package connect

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"io"
	"log/slog"
	"time"
)

// Option configures a Worker.
type Option func(*options)

type options struct {
	log            *slog.Logger
	groupID        string
	configTopic    string
	offsetTopic    string
	statusTopic    string
	workerID       string
	converterProps map[string]string
	maxBody        int64
	exactlyOnce    bool
	offsetFlush    time.Duration
	resolver       HostResolver
	kafka          []kgo.Opt
}

func defaultOptions() options {
	return options{
		log:         slog.New(slog.NewTextHandler(io.Discard, nil)),
		groupID:     "connect-cluster",
		configTopic: "connect-configs",
		offsetTopic: "connect-offsets",
		statusTopic: "connect-status",
		workerID:    "127.0.0.1:8083",
		converterProps: map[string]string{
			"key.converter":                  jsonConverterClass,
			"value.converter":                jsonConverterClass,
			"key.converter.schemas.enable":   "true",
			"value.converter.schemas.enable": "true",
		},
		maxBody: 1 << 20,
	}
}

// WithLogger sets the logger. Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithGroupID sets the worker's group.id, which prefixes the tasks'
// transactional ids under exactly-once source support. Default: "connect-cluster" (Kafka's sample
// connect-distributed.properties).
func WithGroupID(id string) Option { return func(o *options) { o.groupID = id } }

// WithConfigTopic sets config.storage.topic. Default: "connect-configs".
func WithConfigTopic(t string) Option { return func(o *options) { o.configTopic = t } }

// WithOffsetTopic sets offset.storage.topic. Default: "connect-offsets".
func WithOffsetTopic(t string) Option { return func(o *options) { o.offsetTopic = t } }

// WithStatusTopic sets status.storage.topic. Default: "connect-status".
func WithStatusTopic(t string) Option { return func(o *options) { o.statusTopic = t } }

// WithWorkerID sets the worker_id reported in statuses, normally the
// worker's advertised REST host:port. Default: "127.0.0.1:8083".
func WithWorkerID(id string) Option { return func(o *options) { o.workerID = id } }

// WithWorkerConverters sets the worker-level key.converter /
// value.converter defaults (and their "key.converter.schemas.enable" style
// settings) used when a connector does not set its own. Default:
// JsonConverter with schemas enabled for both, as Kafka's sample worker
// configuration does.
func WithWorkerConverters(props map[string]string) Option {
	return func(o *options) {
		for k, v := range props {
			o.converterProps[k] = v
		}
	}
}

// WithMaxBodyBytes limits request bodies; larger ones get 413. Default: 1 MiB.
func WithMaxBodyBytes(n int64) Option { return func(o *options) { o.maxBody = n } }

// WithExactlyOnceSourceSupport sets the worker property
// exactly.once.source.support: true is "enabled", false "disabled". Default:
// disabled, as in Kafka 3.9. When enabled, each source task writes every
// batch of rows and its offset record in one Kafka transaction; when
// disabled, tasks write records without transactions and commit offsets
// after the records are acknowledged (at least once).
func WithExactlyOnceSourceSupport(enabled bool) Option {
	return func(o *options) { o.exactlyOnce = enabled }
}

// WithOffsetFlushInterval sets offset.flush.interval.ms, how often a task
// without exactly-once support commits the offsets of acknowledged records
// to the offset topic. Default: 0, which commits after every acknowledged
// batch (more often than Kafka's default of 60 s, which only narrows the
// window of records written again after a crash). Offsets are also
// committed when a task stops. It has no effect with exactly-once source
// support, where offsets are committed with each transaction.
func WithOffsetFlushInterval(d time.Duration) Option {
	return func(o *options) {
		if d >= 0 {
			o.offsetFlush = d
		}
	}
}
