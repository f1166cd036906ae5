package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/lab/broker"
)

// brokerResult is one run of the raw broker ceiling.
type brokerResult struct {
	Records        int     `json:"records"`
	AvgRecordBytes float64 `json:"avg_record_bytes"` // key + value
	ProduceSeconds float64 `json:"produce_s"`        // first write to the last acknowledgement
	ProducePerSec  float64 `json:"produce_per_s"`
	ConsumeSeconds float64 `json:"consume_s"` // reader created (group join included) to the last record
	ConsumePerSec  float64 `json:"consume_per_s"`
	FirstRecordMS  float64 `json:"consume_first_record_ms"` // group join and first fetch
}

const rawTopic = "bench.raw.turnstile"

// rawBroker produces n records shaped like the replay's turnstile records
// (the same encoded keys and values, cycled) to an embedded broker with a
// data dir, as the lab runs it, with kafka-go's async Writer configured as
// the application's producer, then reads them back with a consumer group.
func rawBroker(ctx context.Context, n int, records []recordRun, avgBytes float64) (brokerResult, error) {
	res := brokerResult{Records: n, AvgRecordBytes: avgBytes}
	if n == 0 || len(records) == 0 {
		return res, errors.New("raw broker: no records to produce")
	}
	dir, err := os.MkdirTemp("", "ctalab-bench-broker-")
	if err != nil {
		return res, err
	}
	defer removeTemp(dir)
	b, err := broker.Start(ctx, broker.WithDataDir(dir))
	if err != nil {
		return res, err
	}
	defer func() { _ = b.Close() }()
	addr := kafka.TCP(b.Addrs()...)
	transport := &kafka.Transport{}
	defer transport.CloseIdleConnections()
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	// One partition, as the turnstile topic has.
	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Addr: addr, Topics: []kafka.TopicConfig{{Topic: rawTopic, NumPartitions: 1, ReplicationFactor: 1}}})
	if err != nil {
		return res, fmt.Errorf("create topic: %w", err)
	}
	if err := resp.Errors[rawTopic]; err != nil {
		return res, fmt.Errorf("create topic: %w", err)
	}

	var acked, failed atomic.Int64
	w := &kafka.Writer{
		Addr: addr, Transport: transport, Topic: rawTopic, Balancer: &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond, BatchSize: 1000, Async: true,
		Completion: func(msgs []kafka.Message, err error) {
			if err != nil {
				failed.Add(int64(len(msgs)))
				return
			}
			acked.Add(int64(len(msgs)))
		},
	}
	batch := make([]kafka.Message, 0, 1000)
	begin := time.Now()
	sent, ri, left := 0, 0, records[0].N
	for sent < n {
		batch = batch[:0]
		for len(batch) < cap(batch) && sent < n {
			if left == 0 {
				ri = (ri + 1) % len(records)
				left = records[ri].N
			}
			batch = append(batch, kafka.Message{Key: records[ri].Key, Value: records[ri].Value})
			left--
			sent++
		}
		if err := w.WriteMessages(ctx, batch...); err != nil {
			_ = w.Close()
			return res, fmt.Errorf("produce: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return res, fmt.Errorf("produce: %w", err)
	}
	res.ProduceSeconds = time.Since(begin).Seconds()
	if acked.Load() != int64(n) {
		return res, fmt.Errorf("produce: %d of %d records acknowledged, %d failed", acked.Load(), n, failed.Load())
	}
	res.ProducePerSec = float64(n) / res.ProduceSeconds

	begin = time.Now()
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers: b.Addrs(), GroupID: fmt.Sprintf("bench-raw-%d", time.Now().UnixNano()), Topic: rawTopic,
		MinBytes: 1, MaxBytes: 10 << 20, MaxWait: 100 * time.Millisecond, CommitInterval: time.Second, StartOffset: kafka.FirstOffset,
	})
	rctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for got := 0; got < n; got++ {
		if _, err := r.ReadMessage(rctx); err != nil {
			_ = r.Close()
			return res, fmt.Errorf("consume: %d of %d records: %w", got, n, err)
		}
		if got == 0 {
			res.FirstRecordMS = float64(time.Since(begin).Microseconds()) / 1000
		}
	}
	res.ConsumeSeconds = time.Since(begin).Seconds()
	res.ConsumePerSec = float64(n) / res.ConsumeSeconds
	// Readers close before the broker (see the embedded broker's notes).
	if err := r.Close(); err != nil {
		return res, fmt.Errorf("close the reader: %w", err)
	}
	return res, nil
}
