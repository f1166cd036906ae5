package console

import (
	"context"
	"encoding/base64"
	"flag"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

type topicsOpts struct {
	partitions, replication int
	configs                 configList
}

// configList collects repeated --config k=v flags.
type configList map[string]*string

func (l configList) String() string { return "" }

func (l configList) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return fmt.Errorf("%q: want key=value", s)
	}
	l[k] = &v
	return nil
}

var _ flag.Value = configList{}

func (c *command) topicsFlags() (func(context.Context) error, string) {
	o := topicsOpts{configs: configList{}}
	c.fs.IntVar(&o.partitions, "partitions", -1, "create: the number of `partitions` (default: the broker's num.partitions)")
	c.fs.IntVar(&o.replication, "replication-factor", -1, "create: the replication `factor` (default: the broker's default.replication.factor)")
	c.fs.Var(o.configs, "config", "create: a topic config `key=value`, repeatable (for example cleanup.policy=compact)")
	return func(ctx context.Context) error { return c.topics(ctx, o) },
		"topics [list | describe TOPIC | create TOPIC [--partitions N] [--replication-factor 1] [--config k=v]... | delete TOPIC]"
}

// topics does what kafka-topics.sh --list, --describe, --create and
// --delete do, with the same output (Kafka 3.9's
// tools/src/main/java/org/apache/kafka/tools/TopicCommand.java).
func (c *command) topics(ctx context.Context, o topicsOpts) error {
	if len(c.args) == 0 {
		c.args = []string{"list"} // the default action
	}
	action := c.args[0]
	want := map[string]int{"list": 1, "describe": 2, "create": 2, "delete": 2}
	n, ok := want[action]
	if !ok {
		return usagef("unknown action %q: want list, describe, create or delete", action)
	}
	if action == "describe" && len(c.args) == 1 {
		n = 1 // describe every topic, as kafka-topics.sh --describe does
	}
	if len(c.args) != n {
		return usagef("%s takes %d argument(s) after it, got %d", action, n-1, len(c.args)-1)
	}
	if action != "create" && (o.partitions != -1 || o.replication != -1 || len(o.configs) > 0) {
		return usagef("--partitions, --replication-factor and --config go with create")
	}
	cl, err := kgo.NewClient(c.ep.kafka()...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	switch action {
	case "list":
		names, err := listTopics(ctx, cl)
		if err != nil {
			return err
		}
		for _, t := range names {
			fmt.Fprintln(c.stdout, t)
		}
		return nil
	case "describe":
		var names []string
		if n == 2 {
			names = []string{c.args[1]}
		}
		return c.describeTopics(ctx, cl, adm, names)
	case "create":
		// The checks TopicCommand makes before asking the broker.
		if o.replication == 0 || o.replication > 32767 || o.replication < -1 {
			return usagef("the replication factor must be between 1 and 32767 inclusive")
		}
		if o.partitions == 0 || o.partitions < -1 {
			return usagef("the partitions must be greater than 0")
		}
		topic := c.args[1]
		resp, err := adm.CreateTopic(ctx, int32(o.partitions), int16(o.replication), o.configs, topic)
		if err != nil {
			if resp.ErrMessage != "" {
				return fmt.Errorf("create topic %s: %w: %s", topic, err, resp.ErrMessage)
			}
			return fmt.Errorf("create topic %s: %w", topic, err)
		}
		fmt.Fprintf(c.stdout, "Created topic %s.\n", topic)
		return nil
	default: // delete
		topic := c.args[1]
		if err := requireTopic(ctx, cl, topic); err != nil {
			return err
		}
		resp, err := adm.DeleteTopic(ctx, topic)
		if err == nil {
			err = resp.Err
		}
		if err != nil {
			return fmt.Errorf("delete topic %s: %w", topic, err)
		}
		return nil
	}
}

// brokerTimeout bounds the first request to the brokers, so that a lab
// that is down gives an error rather than a silent wait.
const brokerTimeout = 15 * time.Second

// listTopics returns every topic name, internal ones included, sorted, as
// kafka-topics.sh --list prints them.
func listTopics(ctx context.Context, cl *kgo.Client) ([]string, error) {
	req := kmsg.NewPtrMetadataRequest()
	req.Topics = nil // all
	tctx, cancel := context.WithTimeout(ctx, brokerTimeout)
	defer cancel()
	resp, err := req.RequestWith(tctx, cl)
	if err != nil {
		if ctx.Err() != nil {
			return nil, errInterrupted
		}
		return nil, fmt.Errorf("list topics: %w (is the lab up? 'lab status' tells; --brokers or CTALAB_BROKERS point elsewhere)", err)
	}
	var names []string
	for _, t := range resp.Topics {
		if t.Topic != nil && t.ErrorCode == 0 {
			names = append(names, *t.Topic)
		}
	}
	sort.Strings(names)
	return names, nil
}

func requireTopic(ctx context.Context, cl *kgo.Client, topic string) error {
	names, err := listTopics(ctx, cl)
	if err != nil {
		return err
	}
	for _, t := range names {
		if t == topic {
			return nil
		}
	}
	return fmt.Errorf("topic '%s' does not exist as expected", topic)
}

// kafkaUUID formats a topic id as Kafka's Uuid.toString does: URL-safe
// base64 without padding.
func kafkaUUID(id kadm.TopicID) string { return base64.RawURLEncoding.EncodeToString(id[:]) }

func joinIDs(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.Itoa(int(id))
	}
	return strings.Join(s, ",")
}

// describeTopics prints, per topic, the summary line and one line per
// partition, laid out as TopicCommand's TopicDescription and
// PartitionDescription print them. Configs lists the values that are not
// the broker's defaults. Elr and LastKnownElr come from the
// DescribeTopicPartitions API, which this command does not call: it prints
// N/A, as TopicCommand does when the broker answers with Metadata only.
func (c *command) describeTopics(ctx context.Context, cl *kgo.Client, adm *kadm.Client, names []string) error {
	if len(names) == 1 {
		if err := requireTopic(ctx, cl, names[0]); err != nil {
			return err
		}
	}
	details, err := adm.ListTopicsWithInternal(ctx, names...)
	if err != nil {
		return fmt.Errorf("describe topics: %w", err)
	}
	for _, name := range details.Names() {
		td := details[name]
		if td.Err != nil {
			return fmt.Errorf("describe topic %s: %w", name, td.Err)
		}
		rcs, err := adm.DescribeTopicConfigs(ctx, name)
		if err != nil {
			return fmt.Errorf("describe the configs of topic %s: %w", name, err)
		}
		rc, err := rcs.On(name, nil)
		if err == nil {
			err = rc.Err
		}
		if err != nil {
			return fmt.Errorf("describe the configs of topic %s: %w", name, err)
		}
		// TopicCommand prints Admin's Config entries, a java.util.HashMap of
		// the topic's configs; that map iterates them in the broker's order,
		// which buckets them alike (broker/configs.go).
		var configs []string
		for _, cf := range rc.Configs {
			if cf.Source == kmsg.ConfigSourceDefaultConfig {
				continue
			}
			configs = append(configs, cf.Key+"="+cf.MaybeValue())
		}
		parts := td.Partitions.Sorted()
		rf := 0
		if len(parts) > 0 {
			rf = len(parts[0].Replicas)
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "Topic: %s", name)
		if td.ID != (kadm.TopicID{}) {
			fmt.Fprintf(&sb, "\tTopicId: %s", kafkaUUID(td.ID))
		}
		fmt.Fprintf(&sb, "\tPartitionCount: %d\tReplicationFactor: %d\tConfigs: %s\n", len(parts), rf, strings.Join(configs, ","))
		for _, p := range parts {
			leader := "none"
			if p.Leader >= 0 {
				leader = strconv.Itoa(int(p.Leader))
			}
			fmt.Fprintf(&sb, "\tTopic: %s\tPartition: %d\tLeader: %s\tReplicas: %s\tIsr: %s\tElr: N/A\tLastKnownElr: N/A\n",
				name, p.Partition, leader, joinIDs(p.Replicas), joinIDs(p.ISR))
		}
		if _, err := fmt.Fprint(c.stdout, sb.String()); err != nil {
			return err
		}
	}
	return nil
}
