package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/ctalab/ctalab/app/pipeline"
	"github.com/ctalab/ctalab/app/topic"
	"github.com/ctalab/ctalab/app/transform"
	"github.com/ctalab/ctalab/lab/topicname"
)

// runTransform is the transform command: the stations transformer, the role
// the original project's Faust worker had. Its topics and group are flags so
// that it can stand in for another solution's worker (e.g. one reading
// jdbc.stations and writing faust.stations.transformed).
func runTransform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("transform", flag.ContinueOnError)
	var ef endpointFlags
	ef.register(fs)
	from := fs.String("from", topic.Stations, "the `topic` Kafka Connect's JDBC source writes stations to (JSON, schemas disabled)")
	to := fs.String("to", topic.StationsTable, "the `topic` the transformed stations are written to (JSON)")
	group := fs.String("group", transform.GroupID, "the consumer group `id` the transformer reads as")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: go run ./app transform [flags]\n\n"+
			"Reads stations (Kafka Connect's output) and writes one transformed station per\n"+
			"(line, station): {station_id, station_name, order, line}. By default it reads\n"+
			"%s as group %s and writes %s.\n\nFlags:\n", topic.Stations, transform.GroupID, topic.StationsTable)
		fs.PrintDefaults()
	}
	if _, err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	for _, f := range []struct{ name, value string }{{"from", *from}, {"to", *to}} {
		if err := topicname.Validate(f.value); err != nil {
			return usageError{fmt.Errorf("-%s: %w", f.name, err)}
		}
	}
	if *group == "" {
		return usageError{fmt.Errorf("-group: the consumer group id must not be empty")}
	}
	log := newLogger(stderr, slog.LevelInfo)
	if err := ef.resolve(log); err != nil {
		return err
	}
	if err := ef.check(ctx); err != nil {
		return err
	}
	return pipeline.RunTransformerWith(ctx, transform.Config{
		Brokers: ef.brokerList(), Client: ef.cfg, Input: *from, Output: *to, GroupID: *group,
	}, log)
}
