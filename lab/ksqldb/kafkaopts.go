package ksqldb

import "github.com/twmb/franz-go/pkg/kgo"

// WithKafkaOptions adds franz-go options to every Kafka client this
// service makes: the TLS and SASL settings of a secured cluster, as the
// real service's own producer, consumer and admin properties would.
func WithKafkaOptions(opts ...kgo.Opt) Option {
	return func(c *config) { c.kafka = append(c.kafka, opts...) }
}

// kafkaOpts returns the options of one client: sec, then opts, in a new
// slice.
func kafkaOpts(sec []kgo.Opt, opts ...kgo.Opt) []kgo.Opt {
	return append(append(make([]kgo.Opt, 0, len(sec)+len(opts)), sec...), opts...)
}
