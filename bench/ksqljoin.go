package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// ksqlJoinRun is one run of the stream-table join row.
type ksqlJoinRun struct {
	Input     int64   `json:"input_records"`  // turnstile records the join read
	Output    int64   `json:"output_records"` // joined records it wrote
	Stations  int     `json:"stations"`       // keys of the table side
	Seconds   float64 `json:"seconds"`        // statement sent to the last joined record written
	PerSecond float64 `json:"records_per_s"`  // Input / Seconds
}

// The join the row measures: every turnstile entry of the replay enriched
// with its station's name from a table built over the transformer's
// stations table topic. The turnstile stream keys nothing, so the join is on
// a value column (ksqlDB repartitions the stream by it). It is a LEFT JOIN so
// that every entry gives exactly one record: records are joined in
// timestamp order, and entries produced before the transformer wrote their
// station find no name.
const (
	ksqlJoinTable = `CREATE STREAM bench_station_changes (station_id INT, station_name STRING, line STRING)
  WITH (KAFKA_TOPIC='` + topic.StationsTable + `', VALUE_FORMAT='JSON');
CREATE TABLE bench_station_names AS
  SELECT station_id, LATEST_BY_OFFSET(station_name) AS station_name FROM bench_station_changes GROUP BY station_id EMIT CHANGES;`
	ksqlJoinStream = `CREATE STREAM bench_turnstile_named WITH (VALUE_FORMAT='JSON') AS
  SELECT t.station_id AS station_id, t.line, s.station_name
  FROM turnstile t LEFT JOIN bench_station_names s ON t.station_id = s.station_id
  EMIT CHANGES;`
	ksqlJoinSink  = "BENCH_TURNSTILE_NAMED"
	ksqlJoinNames = "BENCH_STATION_NAMES"
)

// ksqlJoin replays the schedule at max pace on a fresh embedded stack (not
// timed), builds the station-name table and waits for it, then times a
// stream-table join of the whole turnstile topic from its first record
// until the join has written a record for each.
// A non-empty profile profiles the timed part (see profileRow).
func ksqlJoin(ctx context.Context, sched sim.Schedule, profile string, log *slog.Logger) (ksqlJoinRun, error) {
	var res ksqlJoinRun
	st, stop, err := startStack(ctx, log)
	if err != nil {
		return res, err
	}
	defer stop()
	e := st.Endpoints()
	p, err := pipeline.New(pipeline.Config{
		Endpoints: pipeline.Endpoints{Brokers: e.Brokers, SchemaRegistry: e.SchemaRegistry, RESTProxy: e.RESTProxy, Connect: e.Connect, KSQLDB: e.KSQLDB, JDBCURL: e.PostgresFromConnect},
		Schedule:  sched, Pace: sim.Max, Dashboard: "127.0.0.1:0", Logger: log,
	})
	if err != nil {
		return res, err
	}
	runCtx, stopPipeline := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- p.Run(runCtx) }()
	defer func() {
		stopPipeline()
		if err := <-done; err != nil {
			log.Warn("the pipeline stopped with an error", "err", err)
		}
	}()
	select {
	case <-p.SimulationDone():
	case err := <-done:
		done <- err
		return res, fmt.Errorf("the pipeline stopped before the replay was done: %w", err)
	case <-ctx.Done():
		return res, ctx.Err()
	}

	cl, err := kgo.NewClient(kgo.SeedBrokers(e.Brokers...))
	if err != nil {
		return res, err
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	stations, err := distinctStations(ctx, e.Brokers)
	if err != nil {
		return res, err
	}
	res.Stations = stations
	if err := ksqlPost(ctx, e.KSQLDB, ksqlJoinTable, earliest); err != nil {
		return res, err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := awaitKeys(wctx, e.Brokers, ksqlJoinNames, stations); err != nil {
		return res, err
	}
	ends, err := adm.ListEndOffsets(ctx, topic.Turnstile)
	if err != nil {
		return res, fmt.Errorf("list end offsets of %s: %w", topic.Turnstile, err)
	}
	ends.Each(func(o kadm.ListedOffset) { res.Input += o.Offset })

	stopProfile, err := profileRow(profile)
	if err != nil {
		return res, err
	}
	defer func() { _ = stopProfile() }()
	begin := time.Now()
	if err := ksqlPost(ctx, e.KSQLDB, ksqlJoinStream, earliest); err != nil {
		return res, err
	}
	jctx, jcancel := context.WithTimeout(ctx, 10*time.Minute)
	defer jcancel()
	for {
		offs, err := adm.ListEndOffsets(jctx, ksqlJoinSink)
		if err == nil {
			var n int64
			offs.Each(func(o kadm.ListedOffset) {
				if o.Err == nil {
					n += o.Offset
				}
			})
			if n >= res.Input {
				res.Output = n
				break
			}
		}
		select {
		case <-jctx.Done():
			return res, fmt.Errorf("the join wrote fewer records than the %d turnstile records in time", res.Input)
		case <-time.After(20 * time.Millisecond):
		}
	}
	res.Seconds = time.Since(begin).Seconds()
	res.PerSecond = float64(res.Input) / res.Seconds
	if err := stopProfile(); err != nil {
		return res, err
	}
	if res.Output != res.Input {
		return res, fmt.Errorf("the join wrote %d records for %d turnstile records", res.Output, res.Input)
	}
	return res, nil
}

// earliest has a join read its inputs from the start.
var earliest = map[string]any{"ksql.streams.auto.offset.reset": "earliest"}

// distinctStations counts the station ids of the stations table topic.
func distinctStations(ctx context.Context, brokers []string) (int, error) {
	ids := map[int32]bool{}
	err := readAll(ctx, brokers, topic.StationsTable, func(r *kgo.Record) {
		var v struct {
			StationID int32 `json:"station_id"`
		}
		if r.Value != nil && json.Unmarshal(r.Value, &v) == nil {
			ids[v.StationID] = true
		}
	})
	return len(ids), err
}

// awaitKeys follows topic from the start until it holds n distinct keys.
func awaitKeys(ctx context.Context, brokers []string, name string, n int) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumeTopics(name),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchMaxWait(50*time.Millisecond),
		kgo.MetadataMinAge(50*time.Millisecond), kgo.MetadataMaxAge(250*time.Millisecond))
	if err != nil {
		return err
	}
	defer cl.Close()
	keys := map[string]bool{}
	for len(keys) < n {
		fs := cl.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("follow %s: %d of %d keys: %w", name, len(keys), n, err)
		}
		fs.EachRecord(func(r *kgo.Record) { keys[string(r.Key)] = true })
	}
	return nil
}

// readAll reads every record of a topic up to its end offsets at the call.
func readAll(ctx context.Context, brokers []string, name string, fn func(*kgo.Record)) error {
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		return err
	}
	adm := kadm.NewClient(cl)
	ends, err := adm.ListEndOffsets(ctx, name)
	cl.Close()
	if err != nil {
		return fmt.Errorf("list end offsets of %s: %w", name, err)
	}
	left := map[int32]int64{}
	start := map[int32]kgo.Offset{}
	ends.Each(func(o kadm.ListedOffset) {
		if o.Err == nil && o.Offset > 0 {
			left[o.Partition] = o.Offset
			start[o.Partition] = kgo.NewOffset().AtStart()
		}
	})
	if len(left) == 0 {
		return nil
	}
	rd, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{name: start}))
	if err != nil {
		return err
	}
	defer rd.Close()
	for len(left) > 0 {
		fs := rd.PollFetches(ctx)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("read %s: %w", name, err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			end, ok := left[r.Partition]
			if !ok || r.Offset >= end {
				return
			}
			fn(r)
			if r.Offset+1 >= end {
				delete(left, r.Partition)
			}
		})
	}
	return nil
}

// ksqlJoinRows measures the join o.runs times: its records/s and, when the
// raw broker was measured, that rate as a share of raw produce.
func ksqlJoinRows(ctx context.Context, o options, sched sim.Schedule, rawProduce []float64, rep *report,
	progress func(string, ...any), fail func(string, error), log *slog.Logger) []tableRow {
	var rates, share []float64
	for i := range o.runs {
		r, err := ksqlJoin(ctx, sched, rowProfile(o.cpuProfile, "ksqljoin", i), log)
		if err != nil {
			fail("ksqljoin", err)
			break
		}
		rep.Raw.KSQLJoin = append(rep.Raw.KSQLJoin, r)
		rates = append(rates, r.PerSecond)
		if i < len(rawProduce) {
			share = append(share, 100*r.PerSecond/rawProduce[i])
		}
		progress("ksqlDB stream-table join run %d/%d: %d turnstile records joined with %d stations in %.2fs, %.0f records/s", i+1, o.runs, r.Input, r.Stations, r.Seconds, r.PerSecond)
	}
	rows := []tableRow{newRow(sched.Name+" ksqlDB stream-table join: turnstile backlog enriched with station names", "records/s", nil, rates)}
	if len(rawProduce) > 0 {
		rows = append(rows, newRow("ksqlDB stream-table join records/s as a share of raw produce", "%", atLeast(50), share))
	}
	return rows
}

const ksqlJoinNote = "ksqlDB join: a fresh embedded stack per run replays the schedule at max pace (not timed); a table of station names is built over the transformer's stations table topic (not timed); then CREATE STREAM ... AS SELECT joins the whole turnstile topic with it (stream-table LEFT JOIN on a value column, from the earliest offset) and the time runs from sending the statement until the sink holds one record per turnstile record; the share compares with the raw broker's produce rate of the same run number."
