package console

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
)

func (c *command) groupsFlags() (func(context.Context) error, string) {
	return c.groups, "groups [list | describe GROUP]"
}

// groups does what kafka-consumer-groups.sh --list and --describe --group
// do, with the same output (Kafka 3.9's
// tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java).
func (c *command) groups(ctx context.Context) error {
	action := "list"
	if len(c.args) > 0 {
		action = c.args[0]
	}
	switch {
	case action == "list" && len(c.args) <= 1:
	case action == "describe" && len(c.args) == 2:
	case action == "describe":
		return usagef("describe takes one GROUP, got %d arguments", len(c.args)-1)
	case action == "list":
		return usagef("list takes no argument, got %d", len(c.args)-1)
	default:
		return usagef("unknown action %q: want list or describe", action)
	}
	cl, err := kgo.NewClient(c.ep.kafka()...)
	if err != nil {
		return fmt.Errorf("kafka client: %w", err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	ctx, cancel := context.WithTimeout(ctx, brokerTimeout)
	defer cancel()
	if action == "list" {
		groups, err := adm.ListGroups(ctx)
		if err != nil {
			return fmt.Errorf("list groups: %w (is the lab up? 'lab status' tells)", err)
		}
		for _, g := range groups.Groups() {
			fmt.Fprintln(c.stdout, g)
		}
		return nil
	}
	return c.describeGroup(ctx, adm, c.args[1])
}

// groupRow is one line of kafka-consumer-groups.sh --describe.
type groupRow struct {
	topic                                     string
	partition                                 int32
	current, end, lag, consumer, host, client string
}

// describeGroup prints the group's partitions with their committed offset,
// log end offset and lag, and the member that consumes each, laid out as
// ConsumerGroupCommand's printOffsets does: a blank line, then header and
// rows in columns at least 15 wide ("-" where a value is missing), the
// notes on an empty or rebalancing group on stderr.
func (c *command) describeGroup(ctx context.Context, adm *kadm.Client, group string) error {
	lags, err := adm.Lag(ctx, group)
	if err != nil {
		return fmt.Errorf("describe group %s: %w", group, err)
	}
	gl, ok := lags[group]
	if !ok {
		return fmt.Errorf("consumer group '%s' does not exist", group)
	}
	if err := gl.Error(); err != nil {
		if errors.Is(err, kerr.GroupIDNotFound) {
			return fmt.Errorf("consumer group '%s' does not exist", group)
		}
		return fmt.Errorf("describe group %s: %w", group, err)
	}
	var rows []groupRow
	for _, parts := range gl.Lag {
		for _, l := range parts {
			r := groupRow{topic: l.Topic, partition: l.Partition, current: "-", end: "-", lag: "-", consumer: "-", host: "-", client: "-"}
			if l.Commit.At >= 0 && l.Commit.Topic != "" {
				r.current = strconv.FormatInt(l.Commit.At, 10)
			}
			if l.End.Err == nil {
				r.end = strconv.FormatInt(l.End.Offset, 10)
			}
			if l.Lag >= 0 && r.current != "-" {
				r.lag = strconv.FormatInt(l.Lag, 10)
			}
			if l.Member != nil {
				r.consumer, r.host, r.client = l.Member.MemberID, l.Member.ClientHost, l.Member.ClientID
			}
			rows = append(rows, r)
		}
	}
	switch gl.State {
	case "Dead":
		return fmt.Errorf("consumer group '%s' does not exist", group)
	case "Empty":
		fmt.Fprintf(c.stderr, "\nConsumer group '%s' has no active members.\n", group)
	case "PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling":
		fmt.Fprintf(c.stderr, "\nWarning: Consumer group '%s' is rebalancing.\n", group)
	}
	if len(rows) == 0 {
		if gl.State == "Stable" || gl.State == "Empty" {
			return nil
		}
		return fmt.Errorf("consumer group '%s' does not exist", group)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].topic != rows[j].topic {
			return rows[i].topic < rows[j].topic
		}
		return rows[i].partition < rows[j].partition
	})
	wGroup, wTopic, wConsumer, wHost := max(15, len(group)), 15, 15, 15
	for _, r := range rows {
		wTopic = max(wTopic, len(r.topic))
		wConsumer = max(wConsumer, len(r.consumer))
		wHost = max(wHost, len(r.host))
	}
	var sb strings.Builder
	line := func(cols ...string) {
		fmt.Fprintf(&sb, "\n%-*s %-*s %-10s %-15s %-15s %-15s %-*s %-*s %s",
			wGroup, cols[0], wTopic, cols[1], cols[2], cols[3], cols[4], cols[5], wConsumer, cols[6], wHost, cols[7], cols[8])
	}
	line("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID")
	for _, r := range rows {
		line(group, r.topic, strconv.Itoa(int(r.partition)), r.current, r.end, r.lag, r.consumer, r.host, r.client)
	}
	sb.WriteString("\n")
	_, err = fmt.Fprint(c.stdout, sb.String())
	return err
}
