package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/retry"
	"github.com/ctalab/ctalab/app/topic"

	"github.com/ctalab/ctalab/clientconf"
)

// GroupID is the transformer's consumer group, as the original Faust app's id.
const GroupID = "stations-stream"

// Config configures a Transformer.
type Config struct {
	// Brokers are the Kafka bootstrap addresses.
	Brokers []string
	// Client is how the clients reach the cluster: TLS, SASL and basic
	// auth (clientconf). The zero value is plaintext without credentials.
	Client clientconf.Config
	// Input is the topic Kafka Connect writes. Default: topic.Stations.
	Input string
	// Output is the transformed stations topic. Default: topic.StationsTable.
	Output string
	// GroupID is the consumer group. Default: GroupID.
	GroupID string
	// Logger receives the transformer's logs. Default: discard.
	Logger *slog.Logger
}

// Validate reports the first invalid setting.
func (c Config) Validate() error {
	if len(c.Brokers) == 0 {
		return errors.New("no Kafka brokers given: set Brokers (e.g. localhost:9092)")
	}
	return nil
}

func (c *Config) setDefaults() {
	if c.Input == "" {
		c.Input = topic.Stations
	}
	if c.Output == "" {
		c.Output = topic.StationsTable
	}
	if c.GroupID == "" {
		c.GroupID = GroupID
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
}

// Station is a row of table stations as Kafka Connect's JsonConverter writes
// it with schemas disabled.
type Station struct {
	StopID                 int    `json:"stop_id"`
	DirectionID            string `json:"direction_id"`
	StopName               string `json:"stop_name"`
	StationName            string `json:"station_name"`
	StationDescriptiveName string `json:"station_descriptive_name"`
	StationID              int    `json:"station_id"`
	Order                  *int   `json:"order"`
	Red                    bool   `json:"red"`
	Blue                   bool   `json:"blue"`
	Green                  bool   `json:"green"`
}

// TransformedStation is the transformer's output value.
type TransformedStation struct {
	StationID   int    `json:"station_id"`
	StationName string `json:"station_name"`
	Order       int    `json:"order"`
	Line        string `json:"line"`
}

// Key is the transformer's output key: one per (line, station).
type Key struct {
	Line      string `json:"line"`
	StationID int    `json:"station_id"`
}

// ErrNoLine marks a station row on none of the simulated lines.
var ErrNoLine = errors.New("station is on none of the blue, red and green lines")

// Transform maps a stations record value to its output key and value.
// The value is JSON as JsonConverter writes it, or the same JSON behind the
// Schema Registry wire-format header (magic byte 0, 4-byte schema id) as
// JsonSchemaConverter writes it; JSON itself never starts with a 0 byte.
func Transform(value []byte) (Key, TransformedStation, error) {
	if len(value) > 0 && value[0] == 0 {
		if len(value) < 5 {
			return Key{}, TransformedStation{}, errors.New("decode station: wire-format header shorter than 5 bytes")
		}
		value = value[5:]
	}
	var s Station
	dec := json.NewDecoder(bytes.NewReader(value))
	if err := dec.Decode(&s); err != nil {
		return Key{}, TransformedStation{}, fmt.Errorf("decode station: %w", err)
	}
	if s.StationID == 0 || s.StationName == "" {
		return Key{}, TransformedStation{}, errors.New("decode station: station_id or station_name missing")
	}
	line := ""
	switch {
	case s.Red:
		line = "red"
	case s.Blue:
		line = "blue"
	case s.Green:
		line = "green"
	default:
		return Key{}, TransformedStation{}, ErrNoLine
	}
	if s.Order == nil {
		return Key{}, TransformedStation{}, errors.New("decode station: order missing")
	}
	return Key{Line: line, StationID: s.StationID}, TransformedStation{StationID: s.StationID, StationName: s.StationName, Order: *s.Order, Line: line}, nil
}

// Stats are the transformer's counters.
type Stats struct {
	Consumed, Written, SkippedNoLine, SkippedMalformed int64
}

// Transformer turns stations into transformed stations.
type Transformer struct {
	cfg                                         Config
	dialer                                      *kafka.Dialer
	consumed, written, skippedNoLine, malformed atomic.Int64
}

// New returns a Transformer; Run starts it.
func New(cfg Config) (*Transformer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	dialer, err := cfg.Client.Kafka.Dialer()
	if err != nil {
		return nil, err
	}
	return &Transformer{cfg: cfg, dialer: dialer}, nil
}

// Stats returns the counters.
func (t *Transformer) Stats() Stats {
	return Stats{t.consumed.Load(), t.written.Load(), t.skippedNoLine.Load(), t.malformed.Load()}
}

// Run creates the output topic (compacted, one partition) when missing, then
// consumes until ctx ends, when it returns nil. Kafka going away, a failed
// write, a failed offset commit or a rebalance does not end it: it logs the
// outage, closes its reader and writer, and starts again from the group's
// committed offsets, so records read but not committed are transformed again
// (the output is keyed and compacted: a repeat replaces an equal record). It
// returns an error only when Kafka refuses in a way retrying does not fix.
func (t *Transformer) Run(ctx context.Context) error {
	log := t.cfg.Logger
	transport, err := t.cfg.Client.Kafka.Transport()
	if err != nil {
		return err
	}
	// The Transport's connection pools run metadata loops until closed.
	defer transport.CloseIdleConnections()
	addr := kafka.TCP(t.cfg.Brokers...)
	where := strings.Join(t.cfg.Brokers, ",")
	outage := retry.NewOutage(log, "Kafka", where)
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	err = retry.Do(ctx, nil, outage, 0, func(ctx context.Context) error {
		resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Addr: addr, Topics: []kafka.TopicConfig{{
			Topic: t.cfg.Output, NumPartitions: 1, ReplicationFactor: 1,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}},
		}}})
		if err == nil {
			if err = resp.Errors[t.cfg.Output]; errors.Is(err, kafka.TopicAlreadyExists) {
				err = nil
			}
		}
		if err != nil && !retry.TransientKafka(err) {
			return retry.Permanent(err)
		}
		return err
	})
	if ctx.Err() != nil {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create topic %s: %w (is Kafka reachable at %s?)", t.cfg.Output, err, where)
	}
	log.Info("transforming", "from", t.cfg.Input, "to", t.cfg.Output, "group", t.cfg.GroupID)
	var b retry.Backoff
	for {
		progressed, err := t.session(ctx, addr, transport)
		if ctx.Err() != nil {
			return nil
		}
		if progressed {
			b.Reset()
		}
		if retry.IsPermanent(err) {
			return err
		}
		outage.Fail(err, 0)
		log.Debug("restarting from the committed offsets", "err", err)
		if retry.Sleep(ctx, b.Next()) != nil {
			return nil
		}
		// The next session starts once the cluster answers again.
		err = retry.Do(ctx, &b, outage, 0, func(ctx context.Context) error {
			_, err := client.Metadata(ctx, &kafka.MetadataRequest{Addr: addr, Topics: []string{t.cfg.Input}})
			return err
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// session reads, transforms, writes and commits until an error; progressed
// says whether it committed any offset. An error marked permanent ends Run.
func (t *Transformer) session(ctx context.Context, addr net.Addr, transport *kafka.Transport) (progressed bool, err error) {
	log := t.cfg.Logger
	w := &kafka.Writer{Addr: addr, Transport: transport, Topic: t.cfg.Output, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, Balancer: &kafka.Murmur2Balancer{}}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: t.cfg.Brokers, GroupID: t.cfg.GroupID, Topic: t.cfg.Input,
		StartOffset: kafka.FirstOffset, MaxWait: 250 * time.Millisecond, Dialer: t.dialer,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) { log.Debug(fmt.Sprintf(msg, args...)) }),
	})
	// Readers close before writers, and both before the broker: a reader
	// left in its group stalls the next rebalance.
	defer func() {
		if err := r.Close(); err != nil {
			log.Debug("leaving the consumer group", "err", err)
		}
		if err := w.Close(); err != nil {
			log.Debug("closing the writer", "err", err)
		}
	}()
	classify := func(err error) error {
		if !retry.TransientKafka(err) {
			return retry.Permanent(err)
		}
		return err
	}
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			return progressed, classify(fmt.Errorf("fetch from %s: %w", t.cfg.Input, err))
		}
		t.consumed.Add(1)
		key, value, err := Transform(m.Value)
		switch {
		case errors.Is(err, ErrNoLine):
			t.skippedNoLine.Add(1)
		case err != nil:
			t.malformed.Add(1)
			log.Warn("skipping malformed station record", "topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "err", err)
		default:
			kb, _ := json.Marshal(key)
			vb, _ := json.Marshal(value)
			if err := w.WriteMessages(ctx, kafka.Message{Key: kb, Value: vb}); err != nil {
				return progressed, classify(fmt.Errorf("write to %s: %w", t.cfg.Output, err))
			}
			t.written.Add(1)
		}
		// A failed commit (a rebalance, a coordinator that moved) is never
		// permanent: the next session re-reads from the committed offset.
		if err := r.CommitMessages(ctx, m); err != nil {
			return progressed, fmt.Errorf("commit offset %d of %s: %w", m.Offset, t.cfg.Input, err)
		}
		progressed = true
	}
}
