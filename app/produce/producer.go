package produce

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/linkedin/goavro/v2"
	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// ErrClosed is returned by a Producer's sink methods after Close.
var ErrClosed = errors.New("producer closed")

// Counts are a Producer's delivery counters.
type Counts struct {
	Sent   int64 // handed to Kafka (or POSTed, for the weather)
	Acked  int64 // acknowledged by the broker (or the REST Proxy)
	Failed int64 // delivery failed
}

// Stats are a Producer's counters per kind of event.
type Stats struct {
	Arrivals, Turnstiles, Weather Counts
}

// Events returns the number of acknowledged events of every kind.
func (s Stats) Events() int64 { return s.Arrivals.Acked + s.Turnstiles.Acked + s.Weather.Acked }

type counters struct{ sent, acked, failed atomic.Int64 }

func (c *counters) snapshot() Counts {
	return Counts{Sent: c.sent.Load(), Acked: c.acked.Load(), Failed: c.failed.Load()}
}

// Producer is a sim.Sink that produces the simulation's events. It is not
// safe for concurrent use by several simulations.
type Producer struct {
	cfg     Config
	writer  *kafka.Writer // the turnstile topic: long runs of records
	arrived *kafka.Writer // the arrivals topics: a few records each per batch
	weather *weatherClient

	arrivalKey, arrivalValue, turnstileKey, turnstileValue encodeFunc

	slots    chan struct{} // one token per record in flight
	ctx      context.Context
	cancel   context.CancelFunc
	closeOne sync.Once
	closeErr error

	arrivals, turnstiles, weatherN counters
	failure                        atomic.Pointer[error]

	// pending records, handed to the writers in batches (see Flush)
	pending, pendingArrivals []kafka.Message
	// the last turnstile entry and its encoding: a tick's entries at one
	// station are identical records, encoded once
	lastEntry      sim.TurnstileEntry
	lastKey, lastV []byte
}

// batchRecords is how many records are handed to the writers in one call.
const batchRecords = 1000

// arrivalBatchSize is the arrivals writer's batch size. A batch reserves
// room for its full size up front, and an arrivals topic gets a few records
// per batch timeout, so the turnstile topic's size would waste most of it.
const arrivalBatchSize = 64

type encodeFunc = func(dst []byte, native any) ([]byte, error)

// New creates the simulation's topics, registers its schemas and returns a
// Producer ready to be the simulation's sink.
func New(ctx context.Context, cfg Config, lines []*sim.Line) (*Producer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	transport := &kafka.Transport{}
	addr := kafka.TCP(cfg.Brokers...)
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	if err := createTopics(ctx, client, addr, Topics(lines), cfg.Partitions); err != nil {
		return nil, fmt.Errorf("%w (is Kafka reachable at %s?)", err, strings.Join(cfg.Brokers, ","))
	}
	reg, err := schema.NewRegistry(cfg.SchemaRegistry, nil)
	if err != nil {
		return nil, err
	}
	serde := schema.NewSerde(reg)
	p := &Producer{cfg: cfg, slots: make(chan struct{}, cfg.MaxInFlight)}
	for _, e := range []struct {
		dst   *encodeFunc
		topic string
		key   bool
		s     *schema.Schema
	}{
		// Every arrivals topic has the same schemas; the subject follows the
		// topic, so each topic's subjects are registered as it is first used.
		{&p.turnstileKey, topic.Turnstile, true, schema.TurnstileKey},
		{&p.turnstileValue, topic.Turnstile, false, schema.TurnstileValue},
	} {
		if *e.dst, err = serde.Encoder(ctx, e.topic, e.key, e.s); err != nil {
			return nil, err
		}
	}
	if p.arrivalKey, p.arrivalValue, err = arrivalEncoders(ctx, serde, lines); err != nil {
		return nil, err
	}
	if p.weather, err = newWeatherClient(cfg.RESTProxy); err != nil {
		return nil, err
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	newWriter := func(batchSize int) *kafka.Writer {
		return &kafka.Writer{
			Addr:         addr,
			Transport:    transport,
			Balancer:     &kafka.Murmur2Balancer{},
			RequiredAcks: kafka.RequireAll,
			BatchTimeout: cfg.BatchTimeout,
			BatchSize:    batchSize,
			MaxAttempts:  cfg.MaxAttempts,
			Async:        true,
			Completion:   p.completed,
		}
	}
	p.writer, p.arrived = newWriter(1000), newWriter(arrivalBatchSize)
	return p, nil
}

// arrivalEncoders registers the arrival schemas under every arrivals topic's
// subjects (TopicNameStrategy) and returns encoders that pick the right id
// per topic.
func arrivalEncoders(ctx context.Context, serde *schema.Serde, lines []*sim.Line) (key, value encodeFunc, err error) {
	// All arrivals topics share the schemas, so they share the ids: register
	// each subject, and check the ids agree (they must: same schema).
	var keyEnc, valEnc encodeFunc
	for _, t := range Topics(lines) {
		if !strings.HasPrefix(t, topic.ArrivalsPrefix) {
			continue
		}
		if keyEnc, err = serde.Encoder(ctx, t, true, schema.ArrivalKey); err != nil {
			return nil, nil, err
		}
		if valEnc, err = serde.Encoder(ctx, t, false, schema.ArrivalValue); err != nil {
			return nil, nil, err
		}
	}
	return keyEnc, valEnc, nil
}

func (p *Producer) completed(msgs []kafka.Message, err error) {
	for i := range msgs {
		c := &p.arrivals
		if msgs[i].Topic == topic.Turnstile {
			c = &p.turnstiles
		}
		if err != nil {
			c.failed.Add(1)
		} else {
			c.acked.Add(1)
		}
		<-p.slots
	}
	if err != nil {
		e := fmt.Errorf("deliver %d records to %s: %w", len(msgs), msgs[0].Topic, err)
		p.failure.CompareAndSwap(nil, &e)
	}
}

// Err returns the first delivery error, if any.
func (p *Producer) Err() error {
	if e := p.failure.Load(); e != nil {
		return *e
	}
	return nil
}

// Stats returns the delivery counters.
func (p *Producer) Stats() Stats {
	return Stats{Arrivals: p.arrivals.snapshot(), Turnstiles: p.turnstiles.snapshot(), Weather: p.weatherN.snapshot()}
}

func (p *Producer) send(c *counters, t string, key, value []byte) error {
	if err := p.Err(); err != nil {
		return err
	}
	if p.ctx.Err() != nil {
		return ErrClosed
	}
	select {
	case p.slots <- struct{}{}: // a free slot: no need to wait
	default:
		select {
		case p.slots <- struct{}{}:
		case <-p.ctx.Done():
			return ErrClosed
		}
	}
	c.sent.Add(1)
	if c == &p.arrivals {
		p.pendingArrivals = append(p.pendingArrivals, kafka.Message{Topic: t, Key: key, Value: value})
	} else {
		p.pending = append(p.pending, kafka.Message{Topic: t, Key: key, Value: value})
	}
	if len(p.pending)+len(p.pendingArrivals) >= batchRecords {
		return p.Flush()
	}
	return nil
}

// Flush hands the buffered records to the writer, which sends them
// asynchronously; the simulation calls it at the end of every tick. Close
// waits for their acknowledgements.
func (p *Producer) Flush() error {
	terr := p.write(p.writer, &p.pending)
	aerr := p.write(p.arrived, &p.pendingArrivals)
	if terr != nil {
		return terr
	}
	if aerr != nil {
		return aerr
	}
	return p.Err()
}

// write hands the records in *pending to w and empties *pending.
func (p *Producer) write(w *kafka.Writer, pending *[]kafka.Message) error {
	batch := *pending
	if len(batch) == 0 {
		return nil
	}
	*pending = batch[:0] // the writer copies each record
	if err := w.WriteMessages(p.ctx, batch...); err != nil {
		for i := range batch {
			<-p.slots
			if batch[i].Topic == topic.Turnstile {
				p.turnstiles.failed.Add(1)
			} else {
				p.arrivals.failed.Add(1)
			}
		}
		e := fmt.Errorf("produce %d records: %w", len(batch), err)
		p.failure.CompareAndSwap(nil, &e)
		return e
	}
	return nil
}

func timestampKey(enc encodeFunc, t time.Time) ([]byte, error) {
	return enc(nil, map[string]any{"timestamp": t.UnixMilli()})
}

// Arrival produces an arrival to its station's arrivals topic.
func (p *Producer) Arrival(a sim.Arrival) error {
	key, err := timestampKey(p.arrivalKey, a.Time)
	if err != nil {
		return err
	}
	native := map[string]any{
		"station_id": a.StationID, "train_id": a.TrainID, "direction": a.Direction.String(),
		"line": a.Line.String(), "train_status": a.TrainStatus.String(),
		"prev_station_id": nil, "prev_direction": nil,
	}
	if a.PrevStationID != nil {
		native["prev_station_id"] = goavro.Union("int", *a.PrevStationID)
	}
	if a.PrevDirection != nil {
		native["prev_direction"] = goavro.Union("string", a.PrevDirection.String())
	}
	value, err := p.arrivalValue(nil, native)
	if err != nil {
		return err
	}
	return p.send(&p.arrivals, topic.Arrivals(a.StationName), key, value)
}

// Turnstile produces one turnstile entry.
func (p *Producer) Turnstile(e sim.TurnstileEntry) error {
	if p.lastKey == nil || e != p.lastEntry {
		key, err := timestampKey(p.turnstileKey, e.Time)
		if err != nil {
			return err
		}
		value, err := p.turnstileValue(nil, map[string]any{"station_id": e.StationID, "station_name": e.StationName, "line": e.Line.String()})
		if err != nil {
			return err
		}
		p.lastEntry, p.lastKey, p.lastV = e, key, value
	}
	// The writer never modifies a record's bytes, so equal records share them.
	return p.send(&p.turnstiles, topic.Turnstile, p.lastKey, p.lastV)
}

// Weather POSTs the weather report to the REST Proxy and waits for its answer.
func (p *Producer) Weather(w sim.WeatherReport) error {
	if err := p.Err(); err != nil {
		return err
	}
	p.weatherN.sent.Add(1)
	if err := p.weather.post(p.ctx, w); err != nil {
		p.weatherN.failed.Add(1)
		return err
	}
	p.weatherN.acked.Add(1)
	return nil
}

// Close flushes every record in flight and waits for its acknowledgement, as
// long as ctx allows, then stops the producer. It returns the first delivery
// error. It is safe to call more than once.
func (p *Producer) Close(ctx context.Context) error {
	p.closeOne.Do(func() {
		if err := p.Flush(); err != nil {
			p.closeErr = err
		}
		done := make(chan error, 1)
		go func() {
			arrived := make(chan error, 1)
			go func() { arrived <- p.arrived.Close() }()
			err := p.writer.Close()
			if aerr := <-arrived; err == nil {
				err = aerr
			}
			done <- err
		}()
		select {
		case err := <-done:
			if err != nil {
				p.closeErr = fmt.Errorf("flush producer: %w", err)
			}
		case <-ctx.Done():
			p.closeErr = fmt.Errorf("flush producer: %d records unacknowledged: %w", len(p.slots), ctx.Err())
		}
		p.cancel()
		if p.closeErr == nil {
			p.closeErr = p.Err()
		}
	})
	return p.closeErr
}
