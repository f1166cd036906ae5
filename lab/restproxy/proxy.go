package restproxy

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// Proxy is the embedded REST Proxy. It is an http.Handler; serve it with any
// http.Server. Create it with New and release it with Close.
type Proxy struct {
	cfg     config
	log     *slog.Logger
	client  *kgo.Client  // the producer: its metadata requests ask for auto-creation
	admin   *kadm.Client // lookups and admin calls: never auto-create
	adminCl *kgo.Client  // admin's client
	schemas *schemas
	mux     *http.ServeMux

	consumers *consumerManager
	life      context.Context    // ends when Close starts; in-flight consumer reads stop
	stop      context.CancelFunc // ends life
	janitor   chan struct{}

	closeOnce sync.Once
	mu        sync.RWMutex // guards closed against in-flight produce calls
	closed    bool
}

// New connects a Proxy to the Kafka brokers (host:port) and the Schema
// Registry at registryURL. It pings the brokers before returning. Whether a
// produce to a missing topic creates it is the broker's decision: like the
// Java producer, the proxy asks for auto-creation when it fetches metadata.
func New(ctx context.Context, brokers []string, registryURL string, opts ...Option) (*Proxy, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	if len(brokers) == 0 {
		return nil, errors.New("create rest proxy: no brokers given")
	}
	if _, err := url.ParseRequestURI(registryURL); err != nil {
		return nil, fmt.Errorf("create rest proxy: parse registry url: %w", err)
	}
	client, err := kgo.NewClient(kafkaOpts(cfg.kafka,
		kgo.SeedBrokers(brokers...),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerBatchCompression(kgo.NoCompression()), // Java producers' compression.type=none
		kgo.AllowAutoTopicCreation(),
		kgo.RecordPartitioner(newPartitioner()),
		kgo.ProducerLinger(0),
		// delivery.timeout.ms is each record's context (deliveryContext):
		// franz-go's RecordDeliveryTimeout counts from the record's
		// timestamp, which a v3 record may set years back
		kgo.MetadataMinAge(250*time.Millisecond),
	)...)
	if err != nil {
		return nil, fmt.Errorf("create kafka client: %w", err)
	}
	if err := client.Ping(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("ping brokers: %w", err)
	}
	// The Java REST Proxy looks topics up with an AdminClient, whose
	// metadata requests never ask the broker to create a topic; a lookup of
	// a missing topic must not create it.
	adminCl, err := kgo.NewClient(kafkaOpts(cfg.kafka, kgo.SeedBrokers(brokers...), kgo.MetadataMinAge(250*time.Millisecond))...)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("create kafka admin client: %w", err)
	}
	hc := cfg.registryHC
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	sch, err := newSchemas(registryURL, hc)
	if err != nil {
		client.Close()
		adminCl.Close()
		return nil, err
	}
	p := &Proxy{
		cfg:     cfg,
		log:     cfg.logger.With("component", "restproxy"),
		client:  client,
		admin:   kadm.NewClient(adminCl),
		adminCl: adminCl,
		schemas: sch,
	}
	p.consumers = newConsumerManager(brokers, p.admin, cfg.consumerInstanceTimeout, cfg.maxConsumerInstances, p.log)
	p.consumers.kafka = cfg.kafka
	p.mux = p.routes()
	p.life, p.stop = context.WithCancel(context.Background())
	p.janitor = make(chan struct{})
	go p.expireConsumers(p.life)
	return p, nil
}

// Close stops the Kafka client after in-flight requests finish. It is safe to
// call more than once; later requests are answered with 503.
func (p *Proxy) Close() error {
	p.closeOnce.Do(func() {
		// End waiting consumer reads first, so Close does not wait out a
		// client's consumer.request.timeout.ms; produce requests finish.
		p.stop()
		p.mu.Lock()
		p.closed = true
		p.mu.Unlock()
		<-p.janitor
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.consumers.closeAll(ctx)
		p.client.Close()
		p.adminCl.Close()
	})
	return nil
}

// expireConsumers destroys idle consumer instances until ctx ends, checking
// every second as kafka-rest's expiration thread does.
func (p *Proxy) expireConsumers(ctx context.Context) {
	defer close(p.janitor)
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			p.consumers.expire(ctx)
		}
	}
}
