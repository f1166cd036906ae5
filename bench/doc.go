// Command bench is the lab's benchmark harness (make bench). It measures,
// in one invocation and -runs times each (the table shows the median and
// checks it against its target):
//
//   - the lab CLI's `serve` started cold as a child process on free offset
//     ports with a fresh data dir: time until every endpoint answers, and its
//     RSS after a few seconds idle (its PostgreSQL processes not counted);
//   - a full weekday replay through the whole pipeline in a child process:
//     wall time from the pipeline's start until TURNSTILE_SUMMARY counts
//     every turnstile entry, events/s, and the peak RSS of the process tree;
//   - the raw kafka-go produce and group-consume ceiling of the same kind of
//     embedded broker, for as many records of the turnstile records' size;
//   - the embedded ksqlDB's windowed aggregation (a HOPPING count per
//     station and line) over the weekday's turnstile records: records/s, and
//     that rate as a share of raw produce when the broker rows ran too;
//   - a ksqlDB stream-table join after a weekday replay: the whole turnstile
//     topic enriched with station names, records/s and its share of raw
//     produce (ksqljoin.go);
//   - the latency from an arrival's hand-off to the producer until the
//     dashboard's /events stream shows that train at that station, at
//     realtime pace;
//   - the simulation core alone, into sim.Discard;
//   - the scenario suite's wall time, as `make scenarios` runs it (a few
//     minutes a run: leave it out with -rows for a quick look).
//
// The table, the raw samples (JSON) and an SVG plot of events/s over the
// replay are written under -out (results/ by default).
//
//	go run ./bench                                  # every row, 3 runs each
//	go run ./bench -runs 1 -rows replay,broker      # some rows
//	go run ./bench -rows latency -push-interval 20ms
//	go run ./bench -rows replay -cpuprofile results/replay   # CPU profiles of the replays
//	go tool pprof -top results/replay-1.pprof
//	go run ./bench -rows ksqlwindow -runs 1 -cpuprofile results/p   # CPU and allocations of the timed part
//	go tool pprof -sample_index=alloc_space -base results/p-ksqlwindow-1.allocs-start.pprof results/p-ksqlwindow-1.allocs.pprof
package main
