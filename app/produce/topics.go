package produce

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/segmentio/kafka-go"

	"github.com/ctalab/ctalab/app/sim"
	"github.com/ctalab/ctalab/app/topic"
)

// Topics returns the topics the simulation produces to: one arrivals topic
// per station name (78 for the CTA data), the turnstile topic and the
// weather topic.
func Topics(lines []*sim.Line) []string {
	seen := map[string]bool{}
	var out []string
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, l := range lines {
		for _, s := range l.Stations {
			add(topic.Arrivals(s.Name))
		}
	}
	add(topic.Turnstile)
	add(topic.Weather)
	return out
}

// createTopics creates the topics that do not exist yet, with replication
// factor 1 (a single-broker lab) and deletion-based retention.
func createTopics(ctx context.Context, client *kafka.Client, addr net.Addr, names []string, partitions int) error {
	req := &kafka.CreateTopicsRequest{Addr: addr}
	for _, n := range names {
		req.Topics = append(req.Topics, kafka.TopicConfig{
			Topic: n, NumPartitions: partitions, ReplicationFactor: 1,
			ConfigEntries: []kafka.ConfigEntry{{ConfigName: "cleanup.policy", ConfigValue: "delete"}},
		})
	}
	resp, err := client.CreateTopics(ctx, req)
	if err != nil {
		return fmt.Errorf("create topics: %w", err)
	}
	var errs []error
	for name, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafka.TopicAlreadyExists) {
			errs = append(errs, fmt.Errorf("create topic %s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}
