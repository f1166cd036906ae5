package connect

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
)

// endOffsets returns the high watermark of every partition of a topic.
func endOffsets(t *testing.T, b *broker, topic string) map[int32]int64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cl, err := kgo.NewClient(kgo.SeedBrokers(b.addrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(ctx, topic)
	if err != nil {
		t.Fatalf("list end offsets of %s: %v", topic, err)
	}
	out := map[int32]int64{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err != nil {
			t.Fatalf("end offset of %s/%d: %v", topic, o.Partition, o.Err)
		}
		out[o.Partition] = o.Offset
	})
	return out
}

// controlRecords counts the transaction markers in a topic.
func controlRecords(t *testing.T, b *broker, topic string) int {
	t.Helper()
	remaining := map[int32]int64{}
	for p, end := range endOffsets(t, b, topic) {
		if end > 0 {
			remaining[p] = end
		}
	}
	n := 0
	scanTopic(t, b, topic, remaining, func(r *kgo.Record) {
		if r.Attrs.IsControl() {
			n++
		}
	})
	return n
}

// waitOffset waits until GET /connectors/stations/offsets reports want as
// the incrementing offset of the stations table.
func waitOffset(t *testing.T, wk *worker, want int) {
	t.Helper()
	body := `{"offsets":[{"partition":{"protocol":"1","table":"public.stations"},"offset":{"incrementing":` + strconv.Itoa(want) + `}}]}`
	eventually(t, "offset "+strconv.Itoa(want), func() string {
		r := wk.do(t, "GET", "/connectors/stations/offsets", nil)
		if r.code != 200 || string(r.body) != body {
			return strconv.Itoa(r.code) + " " + string(r.body)
		}
		return ""
	})
}

// The default worker (exactly.once.source.support=disabled) writes the data
// without transactions, so a kafka-go Reader, which hands transaction
// markers to the application as messages, sees exactly the 230 rows.
func TestDefaultWorkerWritesPlainRecordsForKafkaGo(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	createStations(t, wk, referenceConfig(db))
	waitStatus(t, wk, "stations", stateRunning)
	ids := stopIDs(t, waitRecords(t, b, stationsTopic, 230))
	// The offset is committed once the records are acknowledged.
	waitOffset(t, wk, ids[229])

	ends := endOffsets(t, b, stationsTopic)
	if len(ends) != 1 || ends[0] != 230 {
		t.Fatalf("end offsets of %s = %v, want only partition 0 ending at 230", stationsTopic, ends)
	}
	for _, topic := range []string{stationsTopic, "connect-offsets"} {
		if n := controlRecords(t, b, topic); n != 0 {
			t.Errorf("%s holds %d transaction markers, want none", topic, n)
		}
	}

	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:     b.addrs(),
		Topic:       stationsTopic,
		Partition:   0,
		StartOffset: kafka.FirstOffset,
		MaxWait:     200 * time.Millisecond,
	})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var msgs []kafka.Message
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				break
			}
			t.Fatalf("read message %d: %v", len(msgs), err)
		}
		msgs = append(msgs, m)
		if m.Offset >= ends[0]-1 {
			break
		}
	}
	if len(msgs) != 230 {
		t.Fatalf("kafka-go read %d messages, want 230", len(msgs))
	}
	vals := make([]string, len(msgs))
	for i, m := range msgs {
		if m.Offset != int64(i) {
			t.Errorf("message %d has offset %d", i, m.Offset)
		}
		if m.Key != nil {
			t.Errorf("message %d has key %q, want null", i, m.Key)
		}
		var row map[string]any
		if err := json.Unmarshal(m.Value, &row); err != nil {
			t.Fatalf("message %d at offset %d is not JSON (%v): %q", i, m.Offset, err, m.Value)
		}
		vals[i] = string(m.Value)
	}
	if vals[0] != austinJSON {
		t.Errorf("first message:\n got %s\nwant %s", vals[0], austinJSON)
	}
	stopIDs(t, vals)
}

// With a long offset.flush.interval.ms the offsets of acknowledged records
// wait for the next flush; stopping the worker flushes them.
func TestOffsetsFlushOnStop(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b, WithOffsetFlushInterval(time.Hour))
	cfg := referenceConfig(db)
	cfg["batch.max.rows"] = "50"
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	ids := stopIDs(t, waitRecords(t, b, stationsTopic, 230))

	if offs := readTopic(t, b, "connect-offsets"); len(offs) != 0 {
		t.Errorf("connect-offsets before the first flush = %d records, want none", len(offs))
	}
	if r := wk.do(t, "GET", "/connectors/stations/offsets", nil); string(r.body) != `{"offsets":[]}` {
		t.Errorf("GET offsets before the first flush = %s", r.body)
	}

	wk.close()
	offs := readTopic(t, b, "connect-offsets")
	if len(offs) != 1 {
		t.Fatalf("connect-offsets after stop = %d records, want 1 (one flush of the latest offset)", len(offs))
	}
	want := `{"incrementing":` + strconv.Itoa(ids[229]) + `}`
	if string(offs[0].Key) != `["stations",{"protocol":"1","table":"public.stations"}]` || string(offs[0].Value) != want {
		t.Errorf("offset record = %s => %s, want %s", offs[0].Key, offs[0].Value, want)
	}

	// A new worker resumes from the flushed offset.
	db.insertStation(t, 50000)
	wk = startWorker(t, b, WithOffsetFlushInterval(time.Hour))
	waitStatus(t, wk, "stations", stateRunning)
	if got := stopIDs(t, waitRecords(t, b, stationsTopic, 231)); got[230] != 50000 {
		t.Errorf("last = %d", got[230])
	}
}

// exactly.once.source.support=enabled keeps the transactional path: every
// batch and its offset record are one transaction.
func TestExactlyOnceSourceSupport(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b, WithExactlyOnceSourceSupport(true))
	cfg := referenceConfig(db)
	cfg["batch.max.rows"] = "50"
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	ids := stopIDs(t, waitRecords(t, b, stationsTopic, 230))
	waitOffset(t, wk, ids[229])

	// 230 rows in batches of 50: five transactions, five commit markers.
	if n := controlRecords(t, b, stationsTopic); n != 5 {
		t.Errorf("%s holds %d transaction markers, want 5", stationsTopic, n)
	}
	if ends := endOffsets(t, b, stationsTopic); ends[0] != 235 {
		t.Errorf("end offset = %d, want 235 (230 records and 5 markers)", ends[0])
	}
	if n := controlRecords(t, b, "connect-offsets"); n != 5 {
		t.Errorf("connect-offsets holds %d transaction markers, want 5", n)
	}

	// Restart worker and broker on the same data: no duplicate, no gap.
	wk.close()
	b.stop()
	db.insertStation(t, 50000)
	b.start()
	wk = startWorker(t, b, WithExactlyOnceSourceSupport(true))
	waitStatus(t, wk, "stations", stateRunning)
	if got := stopIDs(t, waitRecords(t, b, stationsTopic, 231)); got[230] != 50000 {
		t.Errorf("last = %d", got[230])
	}
}

// The herder checks exactly.once.support and transaction.boundary as a
// distributed worker does (DistributedHerder.validateSourceConnectorConfig).
// The JDBC source connector implements neither exactlyOnceSupport nor
// canDefineTransactionBoundaries.
func TestExactlyOnceConnectorConfigValidation(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	const (
		notEnabled = "This worker does not have exactly-once source support enabled."
		preflight  = `The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once semantics, and then consider reconfiguring the connector to use the value "requested" for this property (which will disable this preflight check and allow the connector to be created).`
		boundary   = "The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition."
	)
	cases := []struct {
		name   string
		eos    bool
		change map[string]string
		errs   []string
	}{
		{"requested, disabled worker", false, map[string]string{"exactly.once.support": "requested"}, nil},
		{"requested, enabled worker", true, map[string]string{"exactly.once.support": "REQUESTED"}, nil},
		{"required, disabled worker", false, map[string]string{"exactly.once.support": "required"}, []string{notEnabled, preflight}},
		{"required, enabled worker", true, map[string]string{"exactly.once.support": "Required"}, []string{preflight}},
		{"unknown level", false, map[string]string{"exactly.once.support": "always"}, []string{"Invalid value always for configuration exactly.once.support: String must be one of (case insensitive): requested, required"}},
		{"poll boundary", true, map[string]string{"transaction.boundary": "poll"}, nil},
		{"interval boundary", false, map[string]string{"transaction.boundary": "interval"}, nil},
		{"connector boundary", false, map[string]string{"transaction.boundary": "connector"}, []string{boundary}},
		{"connector boundary, enabled worker", true, map[string]string{"transaction.boundary": "CONNECTOR"}, []string{boundary}},
	}
	workers := map[bool]*worker{false: startWorker(t, b), true: startWorker(t, b, WithExactlyOnceSourceSupport(true))}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := referenceConfig(db)
			for k, v := range c.change {
				cfg[k] = v
			}
			cfg["name"] = "stations"
			wk := workers[c.eos]
			r := wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
			var ci configInfos
			r.json(t, &ci)
			if r.code != 200 || ci.ErrorCount != len(c.errs) || strings.Join(ci.errorMessages(), "\n") != strings.Join(c.errs, "\n") {
				t.Errorf("validate = %d, %d errors: %q, want %q", r.code, ci.ErrorCount, ci.errorMessages(), c.errs)
			}
		})
	}
}
