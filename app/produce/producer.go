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

	"github.com/ctalab/ctalab/app/retry"
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
	Failed int64 // delivery failed for good (a permanent error)
	Resent int64 // sent again after a failed attempt; each may be a duplicate
}

// Stats are a Producer's counters per kind of event.
type Stats struct {
	Arrivals, Turnstiles, Weather Counts
}

// Events returns the number of acknowledged events of every kind.
func (s Stats) Events() int64 { return s.Arrivals.Acked + s.Turnstiles.Acked + s.Weather.Acked }

type counters struct{ sent, acked, failed, resent atomic.Int64 }

func (c *counters) snapshot() Counts {
	return Counts{Sent: c.sent.Load(), Acked: c.acked.Load(), Failed: c.failed.Load(), Resent: c.resent.Load()}
}

// Producer is a sim.Sink that produces the simulation's events. It is not
// safe for concurrent use by several simulations.
//
// A record the Producer accepted is kept until Kafka acknowledges it: the
// senders retry a request in place while the broker is away, and records
// whose delivery fails with a transient error are handed to them again, for
// as long as the context given to New lives. The senders are not
// idempotent producers, so a request whose acknowledgement was lost is
// stored twice; the Resent counters say how many records may have been.
type Producer struct {
	cfg    Config
	runCtx context.Context // New's context: ends every retry
	// turnstileOut sends the turnstile topic's long runs of records,
	// arrivalOut the arrivals topics' few records each per tick.
	turnstileOut, arrivalOut *recordSender
	// transport is the senders' and the admin client's; Close closes its
	// connection pools.
	transport *kafka.Transport
	weather   *weatherClient

	kafkaOutage, proxyOutage *retry.Outage
	ackedSignal              chan struct{} // a record was acknowledged or failed
	resendMu                 sync.Mutex
	resend                   []record // failed transiently, to send again
	resendSignal             chan struct{}
	resenderDone             chan struct{}
	weatherQ                 chan sim.WeatherReport // reports for weatherSender, in order
	weatherDone              chan struct{}

	arrivalKey, arrivalValue, turnstileKey, turnstileValue encodeFunc

	slots    chan struct{} // one token per record in flight
	ctx      context.Context
	cancel   context.CancelFunc
	closeOne sync.Once
	closeErr error

	arrivals, turnstiles, weatherN counters
	failure                        atomic.Pointer[error]

	// pending records, handed to the senders in batches (see Flush)
	pending, pendingArrivals []record
	// the last turnstile entry and its encoding: a tick's entries at one
	// station are identical records, encoded once
	lastEntry      sim.TurnstileEntry
	lastKey, lastV []byte
}

// maxRequestRecords and maxRequestBytes bound what a sender puts in one
// produce request: 10,000 turnstile entries are about 450 KB, and a
// partition's batch must stay under the broker's message.max.bytes (1 MB
// by default). recordOverhead is what a record adds to its key and value
// in a batch, at most (its length, attributes, offset and timestamp
// deltas, key and value lengths and header count, as varints).
const (
	maxRequestRecords = 10_000
	maxRequestBytes   = 512 << 10
	recordOverhead    = 21
)

type encodeFunc = func(dst []byte, native any) ([]byte, error)

// New creates the simulation's topics, registers its schemas and returns a
// Producer ready to be the simulation's sink.
func New(ctx context.Context, cfg Config, lines []*sim.Line) (*Producer, error) {
	cfg.setDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	transport, err := cfg.Client.Kafka.Transport()
	if err != nil {
		return nil, err
	}
	addr := kafka.TCP(cfg.Brokers...)
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	brokers := strings.Join(cfg.Brokers, ",")
	p := &Producer{
		cfg: cfg, runCtx: ctx, slots: make(chan struct{}, cfg.MaxInFlight), transport: transport,
		kafkaOutage: retry.NewOutage(cfg.Logger, "Kafka", brokers),
		proxyOutage: retry.NewOutage(cfg.Logger, "REST Proxy", cfg.RESTProxy),
		ackedSignal: make(chan struct{}, 1), resendSignal: make(chan struct{}, 1), resenderDone: make(chan struct{}),
		weatherQ: make(chan sim.WeatherReport, weatherQueue), weatherDone: make(chan struct{}),
	}
	err = retry.Do(ctx, nil, p.kafkaOutage, 0, func(ctx context.Context) error {
		err := createTopics(ctx, client, addr, Topics(lines), cfg.Partitions)
		if err != nil && !retry.TransientKafka(err) {
			return retry.Permanent(err)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("%w (is Kafka reachable at %s?)", err, brokers)
	}
	regHC, err := cfg.Client.SchemaRegistry.HTTPClient(10 * time.Second)
	if err != nil {
		return nil, err
	}
	reg, err := schema.NewRegistry(cfg.SchemaRegistry, regHC)
	if err != nil {
		return nil, err
	}
	serde := schema.NewSerde(reg)
	if err := p.registerSchemas(ctx, serde, lines); err != nil {
		return nil, err
	}
	proxyHC, err := cfg.Client.RESTProxy.HTTPClient(15 * time.Second)
	if err != nil {
		return nil, err
	}
	if p.weather, err = newWeatherClient(cfg.RESTProxy, proxyHC); err != nil {
		return nil, err
	}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	p.turnstileOut = newRecordSender(p, addr, transport, maxRequestRecords)
	p.arrivalOut = newRecordSender(p, addr, transport, maxRequestRecords)
	// A tick's arrivals go first, with a lead.
	p.turnstileOut.after, p.turnstileOut.lead = p.arrivalOut, arrivalsLead
	go p.turnstileOut.run()
	go p.arrivalOut.run()
	go p.resender()
	go p.weatherSender()
	return p, nil
}

// registerSchemas registers the turnstile and arrival schemas, retrying
// while the Schema Registry is away. An answer the user must act on (409: an
// incompatible schema under the subject; 422: an invalid schema) fails at
// once.
func (p *Producer) registerSchemas(ctx context.Context, serde *schema.Serde, lines []*sim.Line) error {
	o := retry.NewOutage(p.cfg.Logger, "Schema Registry", p.cfg.SchemaRegistry)
	err := retry.Do(ctx, nil, o, 0, func(ctx context.Context) error {
		err := p.encoders(ctx, serde, lines)
		var re *schema.RegistryError
		if errors.As(err, &re) && !retry.TransientStatus(re.StatusCode) {
			return retry.Permanent(err)
		}
		return err
	})
	var re *schema.RegistryError
	if errors.As(err, &re) && (re.StatusCode == 409 || re.StatusCode == 422) {
		return fmt.Errorf("%w (the registry holds schemas of these subjects that the simulation's cannot follow: delete the subjects, or start from an empty stack)", err)
	}
	return err
}

func (p *Producer) encoders(ctx context.Context, serde *schema.Serde, lines []*sim.Line) (err error) {
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
			return err
		}
	}
	p.arrivalKey, p.arrivalValue, err = arrivalEncoders(ctx, serde, lines)
	return err
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

func (p *Producer) counters(t string) *counters {
	if t == topic.Turnstile {
		return &p.turnstiles
	}
	return &p.arrivals
}

// completed is where the senders report each record's outcome. A transient failure hands
// the batch to the resender and keeps its slots; a permanent one fails it.
func (p *Producer) completed(msgs []record, err error) {
	if len(msgs) == 0 {
		return
	}
	if err != nil && !retry.IsPermanent(err) && retry.TransientKafka(err) && p.runCtx.Err() == nil && p.ctx.Err() == nil {
		p.kafkaOutage.Fail(err, int64(len(p.slots)))
		p.resendMu.Lock()
		p.resend = append(p.resend, msgs...)
		p.resendMu.Unlock()
		select {
		case p.resendSignal <- struct{}{}:
		default:
		}
		return
	}
	for i := range msgs {
		c := p.counters(msgs[i].topic)
		if err != nil {
			c.failed.Add(1)
		} else {
			c.acked.Add(1)
		}
		<-p.slots
	}
	if err != nil {
		e := fmt.Errorf("deliver %d records to %s: %w", len(msgs), msgs[0].topic, err)
		if !retry.IsPermanent(err) && !retry.TransientKafka(err) {
			e = fmt.Errorf("%w (Kafka refused the records: check the topic's and the broker's configuration)", e)
		}
		p.failure.CompareAndSwap(nil, &e)
	} else {
		p.kafkaOutage.Recover(int64(len(p.slots) + len(msgs)))
	}
	select {
	case p.ackedSignal <- struct{}{}:
	default:
	}
}

// resender writes again the batches whose delivery failed transiently,
// with a backoff between rounds, until the producer stops.
func (p *Producer) resender() {
	defer close(p.resenderDone)
	var b retry.Backoff
	for {
		select {
		case <-p.resendSignal:
		case <-p.ctx.Done():
			return
		}
		if !p.kafkaOutage.Active() {
			b.Reset()
		}
		if retry.Sleep(p.ctx, b.Next()) != nil {
			return
		}
		p.resendMu.Lock()
		batch := p.resend
		p.resend = nil
		p.resendMu.Unlock()
		var turnstiles, arrivals []record
		for _, m := range batch {
			p.counters(m.topic).resent.Add(1)
			if m.topic == topic.Turnstile {
				turnstiles = append(turnstiles, m)
			} else {
				arrivals = append(arrivals, m)
			}
		}
		if len(arrivals) > 0 {
			p.arrivalOut.hand(arrivals)
		}
		if len(turnstiles) > 0 {
			p.turnstileOut.hand(turnstiles)
		}
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

// takeSlot takes a slot for an event about to be handed over, waiting
// while MaxInFlight events are unacknowledged; it fails once the producer
// has failed or is closed, or New's context ends.
func (p *Producer) takeSlot() error {
	if err := p.Err(); err != nil {
		return err
	}
	if p.ctx.Err() != nil {
		return ErrClosed
	}
	select {
	case p.slots <- struct{}{}: // a free slot: no need to wait
		return nil
	default:
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-p.ctx.Done():
		return ErrClosed
	case <-p.runCtx.Done():
		return p.runCtx.Err()
	}
}

func (p *Producer) send(c *counters, t string, key, value []byte) error {
	if err := p.takeSlot(); err != nil {
		return err
	}
	c.sent.Add(1)
	if c == &p.arrivals {
		p.pendingArrivals = append(p.pendingArrivals, record{topic: t, key: key, value: value})
	} else {
		p.pending = append(p.pending, record{topic: t, key: key, value: value})
	}
	// A tick is handed over whole at its end (Flush), so that its arrivals
	// go first; a tick larger than half of MaxInFlight is handed over in
	// parts, or it would wait for slots its own records hold.
	if len(p.pending)+len(p.pendingArrivals) >= max(p.cfg.MaxInFlight/2, 1) {
		return p.Flush()
	}
	return nil
}

// Flush hands the buffered records to the senders, which send them
// asynchronously; the simulation calls it at the end of every tick. Close
// waits for their acknowledgements. Arrivals go first: the dashboard shows
// them, and a tick's turnstile entries are thousands to encode and send.
func (p *Producer) Flush() error {
	for _, q := range []struct {
		s       *recordSender
		pending *[]record
	}{{p.arrivalOut, &p.pendingArrivals}, {p.turnstileOut, &p.pending}} {
		if len(*q.pending) > 0 {
			q.s.hand(*q.pending)
			*q.pending = (*q.pending)[:0] // hand copied them
		}
	}
	return p.Err()
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
	// The senders never modify a record's bytes, so equal records share them.
	return p.send(&p.turnstiles, topic.Turnstile, p.lastKey, p.lastV)
}

// weatherQueue is how many weather reports may wait for the REST Proxy
// before Weather waits for room; a simulated day has 24.
const weatherQueue = 64

// Weather hands the weather report to the producer's weather sender, which
// POSTs the reports to the REST Proxy one after another, in order, while
// the simulation goes on. While the proxy (or the Kafka cluster behind it)
// is away the sender posts again, with a backoff, until the proxy
// acknowledges the report or the context given to New ends; an answer the
// request cannot change (a 4xx such as a schema the registry refuses) fails
// the report at once. A failed report fails the producer as a Kafka
// delivery failure does: the next event and Close return the error. Close
// waits for every report handed over.
func (p *Producer) Weather(w sim.WeatherReport) error {
	if err := p.takeSlot(); err != nil { // as a record's: Close waits for it
		return err
	}
	p.weatherN.sent.Add(1)
	select {
	case p.weatherQ <- w:
		return nil
	case <-p.ctx.Done():
		p.weatherDropped()
		return ErrClosed
	case <-p.runCtx.Done():
		p.weatherDropped()
		return p.runCtx.Err()
	}
}

// weatherSender posts the queued weather reports until Close stops the
// producer; what is still queued then counts as failed.
func (p *Producer) weatherSender() {
	defer close(p.weatherDone)
	for {
		select {
		case w := <-p.weatherQ:
			p.postWeather(w)
		case <-p.ctx.Done():
			for {
				select {
				case <-p.weatherQ:
					p.weatherDropped()
				default:
					return
				}
			}
		}
	}
}

// weatherDropped counts a report handed over but never posted.
func (p *Producer) weatherDropped() {
	p.weatherN.failed.Add(1)
	p.released()
}

// released gives a record's slot back and wakes Close.
func (p *Producer) released() {
	<-p.slots
	select {
	case p.ackedSignal <- struct{}{}:
	default:
	}
}

// postWeather posts one report until the proxy acknowledges it, refuses it,
// or the producer's contexts end.
func (p *Producer) postWeather(w sim.WeatherReport) {
	defer p.released()
	ctx, stop := context.WithCancel(p.runCtx)
	defer stop()
	defer context.AfterFunc(p.ctx, stop)()
	attempt := 0
	err := retry.Do(ctx, nil, p.proxyOutage, 1, func(ctx context.Context) error {
		if attempt++; attempt > 1 {
			p.weatherN.resent.Add(1)
		}
		return p.weather.post(ctx, w)
	})
	if err != nil {
		p.weatherN.failed.Add(1)
		if ctx.Err() == nil {
			err = fmt.Errorf("%w (the REST Proxy refused the weather report: check the weather schemas and the subjects' compatibility)", err)
		}
		err = fmt.Errorf("weather report of %s: %w", w.Time.UTC().Format(time.RFC3339), err)
		p.failure.CompareAndSwap(nil, &err)
		return
	}
	p.weatherN.acked.Add(1)
}

// Close flushes every record in flight and waits for its acknowledgement, as
// long as ctx allows (resending through an outage), then stops the
// producer. It returns the first delivery error, or says how many records
// were left unacknowledged when ctx ended first. It is safe to call more
// than once.
func (p *Producer) Close(ctx context.Context) error {
	p.closeOne.Do(func() {
		if err := p.Flush(); err != nil {
			p.closeErr = err
		}
		waitErr := p.waitAcked(ctx)
		// Stopping ends the senders' retries: records still unacknowledged
		// after ctx are left, and counted as failed.
		p.cancel()
		<-p.resenderDone
		<-p.weatherDone
		<-p.turnstileOut.done
		<-p.arrivalOut.done
		// The Transport's connection pools run metadata loops, redialing
		// the brokers, until their idle connections are closed.
		p.transport.CloseIdleConnections()
		if waitErr != nil {
			p.closeErr = errors.Join(p.closeErr, waitErr)
			return
		}
		if p.closeErr == nil {
			p.closeErr = p.Err()
		}
	})
	return p.closeErr
}

// waitAcked waits until no record is in flight or ctx ends.
func (p *Producer) waitAcked(ctx context.Context) error {
	for len(p.slots) > 0 {
		select {
		case <-p.ackedSignal:
		case <-ctx.Done():
			return fmt.Errorf("flush producer: %d records unacknowledged: %w", len(p.slots), ctx.Err())
		}
	}
	return nil
}
