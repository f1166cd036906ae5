package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/schema"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/app/turnstiles"
	"github.com/ctalab/ctalab/lab/embedded"
	"github.com/ctalab/ctalab/srclient"
)

// windowResult is one run of the windowed aggregation row.
type windowResult struct {
	Records   int     `json:"records"` // turnstile records in the topic
	Updates   int64   `json:"updates"` // rows the windowed table wrote
	Seconds   float64 `json:"seconds"` // CREATE TABLE to the last update
	PerSecond float64 `json:"records_per_s"`
}

// The windowed table of the row: turnstile entries per station and line in
// a one-hour window advancing by 15 minutes, so that each entry updates four
// windows.
const (
	windowTopic     = "bench_turnstile_hourly"
	windowsPerEntry = 4
	windowStatement = `CREATE TABLE bench_turnstile_hourly WITH (KAFKA_TOPIC='` + windowTopic + `', KEY_FORMAT='JSON', VALUE_FORMAT='JSON') AS
  SELECT station_id, line, COUNT(*) AS entries FROM turnstile
  WINDOW HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES) GROUP BY station_id, line EMIT CHANGES;`
)

// ksqlWindow loads the schedule's turnstile records into the turnstile topic
// of an embedded stack (without PostgreSQL; not timed), then times the
// embedded ksqlDB's hopping-window aggregation from CREATE TABLE until the
// table has written one update per record and window.
// A non-empty profile profiles the timed part (see profileRow).
func ksqlWindow(ctx context.Context, records []recordRun, n int, profile string, log *slog.Logger) (windowResult, error) {
	res := windowResult{Records: n}
	if n == 0 || len(records) == 0 {
		return res, errors.New("no turnstile records to aggregate")
	}
	st, stop, err := startStack(ctx, log, embedded.WithoutPostgres())
	if err != nil {
		return res, err
	}
	defer stop()
	e := st.Endpoints()
	reg, err := srclient.New(e.SchemaRegistry, nil)
	if err != nil {
		return res, err
	}
	id, err := reg.Register(ctx, topic.Turnstile+"-value", schema.TurnstileValue.Text)
	if err != nil {
		return res, fmt.Errorf("register the turnstile schema: %w", err)
	}
	if err := loadTurnstiles(ctx, e.Brokers, records, n, id); err != nil {
		return res, err
	}
	if err := ksqlPost(ctx, e.KSQLDB, turnstiles.CreateStream, nil); err != nil {
		return res, err
	}

	stopProfile, err := profileRow(profile)
	if err != nil {
		return res, err
	}
	defer func() { _ = stopProfile() }()
	begin := time.Now()
	if err := ksqlPost(ctx, e.KSQLDB, windowStatement, map[string]any{"ksql.streams.auto.offset.reset": "earliest"}); err != nil {
		return res, err
	}
	want := int64(n) * windowsPerEntry
	client := &kafka.Client{Addr: kafka.TCP(e.Brokers...), Timeout: 30 * time.Second}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	for {
		got, err := topicRecords(wctx, client, windowTopic)
		if err == nil && got >= want {
			res.Updates = got
			break
		}
		select {
		case <-wctx.Done():
			return res, fmt.Errorf("the windowed table wrote %d of %d updates: %w", got, want, wctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	res.Seconds = time.Since(begin).Seconds()
	res.PerSecond = float64(n) / res.Seconds
	if err := stopProfile(); err != nil {
		return res, err
	}
	if res.Updates != want {
		return res, fmt.Errorf("the windowed table wrote %d updates for %d records in %d windows each", res.Updates, n, windowsPerEntry)
	}
	return res, nil
}

// loadTurnstiles produces n records (the census runs, cycled) to a new
// one-partition turnstile topic, their values under schema id.
func loadTurnstiles(ctx context.Context, brokers []string, records []recordRun, n, id int) error {
	addr := kafka.TCP(brokers...)
	transport := &kafka.Transport{}
	defer transport.CloseIdleConnections()
	client := &kafka.Client{Addr: addr, Transport: transport, Timeout: 30 * time.Second}
	resp, err := client.CreateTopics(ctx, &kafka.CreateTopicsRequest{Addr: addr, Topics: []kafka.TopicConfig{{Topic: topic.Turnstile, NumPartitions: 1, ReplicationFactor: 1}}})
	if err != nil {
		return fmt.Errorf("create the turnstile topic: %w", err)
	}
	if err := resp.Errors[topic.Turnstile]; err != nil {
		return fmt.Errorf("create the turnstile topic: %w", err)
	}
	// the census encodes with a placeholder schema id: use the registered one
	values := make([][]byte, len(records))
	for i, r := range records {
		v := slices.Clone(r.Value)
		if len(v) < 5 || v[0] != 0 {
			return fmt.Errorf("census record %d is not in the Confluent wire format", i)
		}
		binary.BigEndian.PutUint32(v[1:5], uint32(id))
		values[i] = v
	}
	var failed atomic.Int64
	w := &kafka.Writer{Addr: addr, Transport: transport, Topic: topic.Turnstile, RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond, BatchSize: 1000, Async: true,
		Completion: func(msgs []kafka.Message, err error) {
			if err != nil {
				failed.Add(int64(len(msgs)))
			}
		}}
	batch := make([]kafka.Message, 0, 1000)
	sent, ri, left := 0, 0, records[0].N
	for sent < n {
		batch = batch[:0]
		for len(batch) < cap(batch) && sent < n {
			if left == 0 {
				ri = (ri + 1) % len(records)
				left = records[ri].N
			}
			batch = append(batch, kafka.Message{Key: records[ri].Key, Value: values[ri]})
			left--
			sent++
		}
		if err := w.WriteMessages(ctx, batch...); err != nil {
			_ = w.Close()
			return fmt.Errorf("produce the turnstile records: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("produce the turnstile records: %w", err)
	}
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("produce the turnstile records: %d of %d failed", f, n)
	}
	return nil
}

// topicRecords is the sum of a topic's partition end offsets (0 while it
// does not exist).
func topicRecords(ctx context.Context, client *kafka.Client, name string) (int64, error) {
	md, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: []string{name}})
	if err != nil || len(md.Topics) == 0 || md.Topics[0].Error != nil {
		return 0, err
	}
	var reqs []kafka.OffsetRequest
	for _, p := range md.Topics[0].Partitions {
		reqs = append(reqs, kafka.LastOffsetOf(p.ID))
	}
	resp, err := client.ListOffsets(ctx, &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{name: reqs}})
	if err != nil {
		return 0, err
	}
	var total int64
	for _, po := range resp.Topics[name] {
		if po.Error != nil {
			return 0, po.Error
		}
		total += po.LastOffset
	}
	return total, nil
}

// ksqlPost runs statements on /ksql and fails unless ksqlDB answers 200.
func ksqlPost(ctx context.Context, base, stmts string, props map[string]any) error {
	body, err := json.Marshal(map[string]any{"ksql": stmts, "streamsProperties": props})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/ksql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/vnd.ksql.v1+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("POST /ksql: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("POST /ksql: %d %s", resp.StatusCode, b)
	}
	return nil
}

// windowRows measures the windowed aggregation o.runs times: records/s and,
// when the broker rows ran, that rate as a share of raw produce.
func windowRows(ctx context.Context, o options, cen *census, rawProduce []float64, rep *report,
	progress func(string, ...any), fail func(string, error), log *slog.Logger) []tableRow {
	var rates, share []float64
	for i := range o.runs {
		r, err := ksqlWindow(ctx, cen.Records, cen.Turnstiles, rowProfile(o.cpuProfile, "ksqlwindow", i), log)
		if err != nil {
			fail("ksqlwindow", err)
			break
		}
		rep.Raw.Window = append(rep.Raw.Window, r)
		rates = append(rates, r.PerSecond)
		if i < len(rawProduce) {
			share = append(share, 100*r.PerSecond/rawProduce[i])
		}
		progress("ksqlDB window run %d/%d: %d records aggregated into %d window updates in %.2fs", i+1, o.runs, r.Records, r.Updates, r.Seconds)
	}
	name := "ksqlDB HOPPING (SIZE 1 HOUR, ADVANCE BY 15 MINUTES) count per station and line"
	rows := []tableRow{newRow(fmt.Sprintf("%s: %s turnstile records", name, thousands(int64(cen.Turnstiles))), "records/s", nil, rates)}
	if len(rawProduce) > 0 {
		rows = append(rows, newRow("ksqlDB windowed records/s as a share of raw produce", "%", atLeast(50), share))
	}
	return rows
}
