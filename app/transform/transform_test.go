package transform

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/ctalab/ctalab/fixtures"
)

// connectJSON renders a stations row as Kafka Connect's JsonConverter does
// with schemas disabled.
func connectJSON(t *testing.T, s fixtures.Station) []byte {
	b, err := json.Marshal(Station{s.StopID, s.DirectionID, s.StopName, s.StationName, s.StationDescriptiveName, s.StationID, &s.Order, s.Red, s.Blue, s.Green})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTransformMapsARowToItsLine(t *testing.T) {
	k, v, err := Transform([]byte(`{"stop_id":30001,"direction_id":"E","stop_name":"Austin (O'Hare-bound)","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}`))
	if err != nil {
		t.Fatal(err)
	}
	if k != (Key{"blue", 40010}) || v != (TransformedStation{40010, "Austin", 29, "blue"}) {
		t.Errorf("got %+v %+v", k, v)
	}
	if _, _, err := Transform([]byte(`{"stop_id":30001,"station_name":"Kimball","station_id":41290,"order":0,"red":false,"blue":false,"green":false}`)); !errors.Is(err, ErrNoLine) {
		t.Errorf("brown-only station: %v, want ErrNoLine", err)
	}
	for _, bad := range []string{`not json`, `{"station_id":"x"}`, `{}`, `{"station_id":1,"station_name":"a","red":true}`} {
		if _, _, err := Transform([]byte(bad)); err == nil || errors.Is(err, ErrNoLine) {
			t.Errorf("%s: %v, want a decoding error", bad, err)
		}
	}
}

func TestTransformerWritesEveryLineStationOnceKeyedByLine(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.AllowAutoTopicCreation(), kfake.DefaultNumPartitions(1), kfake.GroupMinSessionTimeout(time.Second),
		// The input topic exists before the first write: a write that auto-creates
		// it can fail while the new topic is not yet in the metadata.
		kfake.SeedTopics(1, "org.chicago.cta.stations"))
	if err != nil {
		t.Fatal(err)
	}
	defer cluster.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rows, _ := fixtures.Stations()
	w := &kafka.Writer{Addr: kafka.TCP(cluster.ListenAddrs()...), Topic: "org.chicago.cta.stations", RequiredAcks: kafka.RequireAll, BatchTimeout: time.Millisecond, AllowAutoTopicCreation: true}
	var msgs []kafka.Message
	for i, r := range rows {
		msgs = append(msgs, kafka.Message{Value: connectJSON(t, r)})
		if i == 10 {
			msgs = append(msgs, kafka.Message{Value: []byte(`{"stop_id": oops`)})
		}
	}
	if err := w.WriteMessages(ctx, msgs...); err != nil {
		t.Fatal(err)
	}
	w.Close()

	tr, err := New(Config{Brokers: cluster.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx) }()
	// Consumed counts a record before its offset is committed: wait for
	// the commit of the last one, which is what a restart resumes from.
	client := &kafka.Client{Addr: kafka.TCP(cluster.ListenAddrs()...)}
	committed := func() int64 {
		off, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: GroupID, Topics: map[string][]int{"org.chicago.cta.stations": {0}}})
		if err != nil || len(off.Topics["org.chicago.cta.stations"]) == 0 {
			return -1
		}
		return off.Topics["org.chicago.cta.stations"][0].CommittedOffset
	}
	for committed() < int64(len(msgs)) {
		select {
		case err := <-done:
			t.Fatalf("Run ended early: %v", err)
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			t.Fatalf("consumed %d of %d, committed up to %d", tr.Stats().Consumed, len(msgs), committed())
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if st := tr.Stats(); st.Written != 188 || st.SkippedNoLine != 42 || st.SkippedMalformed != 1 {
		t.Errorf("stats %+v, want 188 written, 42 without a line, 1 malformed", st)
	}

	r := kafka.NewReader(kafka.ReaderConfig{Brokers: cluster.ListenAddrs(), Topic: "org.chicago.cta.stations.table.v1", MaxWait: 50 * time.Millisecond})
	defer r.Close()
	latest := map[Key]TransformedStation{}
	for range 188 {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var k Key
		var v TransformedStation
		if err := json.Unmarshal(m.Key, &k); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(m.Value, &v); err != nil {
			t.Fatal(err)
		}
		latest[k] = v
	}
	perLine := map[string]int{}
	for k := range latest {
		perLine[k.Line]++
	}
	if perLine["blue"] != 33 || perLine["green"] != 28 || perLine["red"] != 33 {
		t.Errorf("(line, station) pairs per line: %v, want blue 33, green 28, red 33", perLine)
	}
	// Clark/Lake is on two lines and keeps both.
	if latest[Key{"blue", 40380}].Order != 16 || latest[Key{"green", 40380}].Order != 14 {
		t.Errorf("Clark/Lake: blue %+v green %+v", latest[Key{"blue", 40380}], latest[Key{"green", 40380}])
	}
	// The group committed its offsets.
	off, err := client.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: GroupID, Topics: map[string][]int{"org.chicago.cta.stations": {0}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := off.Topics["org.chicago.cta.stations"][0].CommittedOffset; got != int64(len(msgs)) {
		t.Errorf("committed offset %d, want %d", got, len(msgs))
	}
}

func TestRunWithoutKafkaSaysWhereItLooksAndKeepsTryingUntilStopped(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var logs logBuffer
	tr, err := New(Config{Brokers: []string{addr}, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- tr.Run(runCtx) }()
	waitFor(t, ctx, done, "the outage's Warn line", func() bool {
		return strings.Contains(logs.String(), `level=WARN msg="Kafka unreachable at `+addr+`, retrying"`)
	})
	stop()
	if err := <-done; err != nil {
		t.Fatalf("Run stopped by its context = %v, want nil", err)
	}
}

// Kafka Connect's JsonSchemaConverter (io.confluent.connect.json) writes the
// same JSON behind the Confluent wire-format header: magic byte 0 and the
// 4-byte schema id (docs.confluent.io/platform/7.9/schema-registry/fundamentals/
// serdes-develop/index.html#wire-format). A solution whose connector uses it
// reads the same stations.
func TestTransformReadsJSONBehindTheSchemaRegistryWireFormat(t *testing.T) {
	row := `{"stop_id":30001,"direction_id":"E","stop_name":"Austin (O'Hare-bound)","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}`
	k, v, err := Transform(append([]byte{0, 0, 0, 0, 7}, row...))
	if err != nil {
		t.Fatal(err)
	}
	if k != (Key{"blue", 40010}) || v != (TransformedStation{40010, "Austin", 29, "blue"}) {
		t.Errorf("got %+v %+v", k, v)
	}
	// A header alone, or a magic byte 0 with fewer than 4 id bytes, is malformed.
	for _, bad := range [][]byte{{0, 0, 0, 0, 7}, {0, 1}} {
		if _, _, err := Transform(bad); err == nil || errors.Is(err, ErrNoLine) {
			t.Errorf("Transform(% x) = %v, want a decode error", bad, err)
		}
	}
}
