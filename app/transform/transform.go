package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/topic"
)

// GroupID is the transformer's consumer group, as the original Faust app's id.
const GroupID = "stations-stream"

// Config configures a Transformer.
type Config struct {
	// Brokers are the Kafka bootstrap addresses.
	Brokers []string
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
func Transform(value []byte) (Key, TransformedStation, error) {
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
	consumed, written, skippedNoLine, malformed atomic.Int64
}

// New returns a Transformer; Run starts it.
func New(cfg Config) (*Transformer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &Transformer{cfg: cfg}, nil
}

// Stats returns the counters.
func (t *Transformer) Stats() Stats {
	return Stats{t.consumed.Load(), t.written.Load(), t.skippedNoLine.Load(), t.malformed.Load()}
}

// Run creates the output topic (compacted, one partition) when missing, then
// consumes until ctx ends. It returns nil when ctx ends and an error when
// Kafka fails in a way retrying does not fix.
func (t *Transformer) Run(ctx context.Context) error {
	log := t.cfg.Logger
	transport := &kafka.Transport{}
	addr := kafka.TCP(t.cfg.Brokers...)
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Addr: addr, Topics: []kafka.TopicConfig{{
		Topic: t.cfg.Output, NumPartitions: 1, ReplicationFactor: 1,
		ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "compact"}},
	}}})
	if err != nil {
		return fmt.Errorf("create topic %s: %w (is Kafka reachable at %s?)", t.cfg.Output, err, strings.Join(t.cfg.Brokers, ","))
	}
	if err := resp.Errors[t.cfg.Output]; err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
		return fmt.Errorf("create topic %s: %w", t.cfg.Output, err)
	}
	w := &kafka.Writer{Addr: addr, Transport: transport, Topic: t.cfg.Output, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, Balancer: &kafka.Murmur2Balancer{}}
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: t.cfg.Brokers, GroupID: t.cfg.GroupID, Topic: t.cfg.Input,
		StartOffset: kafka.FirstOffset, MaxWait: 250 * time.Millisecond,
		ErrorLogger: kafka.LoggerFunc(func(msg string, args ...any) { log.Debug(fmt.Sprintf(msg, args...)) }),
	})
	// Readers close before writers, and both before the broker: a reader
	// left in its group stalls the next rebalance.
	defer w.Close()
	defer r.Close()
	log.Info("transforming", "from", t.cfg.Input, "to", t.cfg.Output, "group", t.cfg.GroupID)
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("fetch from %s: %w", t.cfg.Input, err)
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
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("write to %s: %w", t.cfg.Output, err)
			}
			t.written.Add(1)
		}
		if err := r.CommitMessages(ctx, m); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("commit offset %d of %s: %w", m.Offset, t.cfg.Input, err)
		}
	}
}
