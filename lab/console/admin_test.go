package console

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// lab topics create, describe, list and delete answer as kafka-topics.sh
// does (Kafka 3.9 TopicCommand): "Created topic T.", the describe lines
// with tab-separated fields and the non-default configs, one name per line.
func TestTopicsCreateDescribeListDeleteAsKafkaTopics(t *testing.T) {
	topic := fmt.Sprintf("console.topics.%d", topicSeq.Add(1))
	ctx := timeout(t)
	stdout, stderr, code := runLab(t, ctx, "", "topics", "create", topic, "--partitions", "2", "--replication-factor", "1", "--config", "cleanup.policy=compact")
	if code != 0 || stdout != "Created topic "+topic+".\n" {
		t.Fatalf("create: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	stdout, stderr, code = runLab(t, ctx, "", "topics", "describe", topic)
	if code != 0 {
		t.Fatalf("describe: exit %d, stderr %q", code, stderr)
	}
	// TopicCommand lists the configs whose source is not DEFAULT_CONFIG;
	// the compose file's KAFKA_MIN_INSYNC_REPLICAS makes min.insync.replicas
	// a STATIC_BROKER_CONFIG one (ConfigHelper.createTopicConfigEntry). It
	// lists them in the order of Admin's Config, a java.util.HashMap of the
	// topic's 36 configs (64 buckets; apache/kafka 3.9 TopicCommand,
	// clients/admin/Config.java): min.insync.replicas's bucket, 10, comes
	// before cleanup.policy's, 18.
	want := regexp.MustCompile(`^Topic: ` + regexp.QuoteMeta(topic) + `\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 2\tReplicationFactor: 1\tConfigs: min.insync.replicas=1,cleanup.policy=compact\n` +
		`\tTopic: ` + regexp.QuoteMeta(topic) + `\tPartition: 0\tLeader: \d+\tReplicas: \d+\tIsr: \d+\tElr: N/A\tLastKnownElr: N/A\n` +
		`\tTopic: ` + regexp.QuoteMeta(topic) + `\tPartition: 1\tLeader: \d+\tReplicas: \d+\tIsr: \d+\tElr: N/A\tLastKnownElr: N/A\n$`)
	if !want.MatchString(stdout) {
		t.Errorf("describe:\n%s\nwant to match %s", stdout, want)
	}
	stdout, _, code = runLab(t, ctx, "", "topics", "list")
	if code != 0 || !strings.Contains("\n"+stdout, "\n"+topic+"\n") {
		t.Errorf("list: exit %d, stdout:\n%s\nwant %s on a line of its own", code, stdout, topic)
	}
	// With no action, topics lists, as its usage shows list as the default.
	if bare, stderr, code := runLab(t, ctx, "", "topics"); code != 0 || !strings.Contains("\n"+bare, "\n"+topic+"\n") {
		t.Errorf("topics with no action: exit %d, stdout:\n%s\nstderr %q; want the list", code, bare, stderr)
	}
	if stdout, stderr, code = runLab(t, ctx, "", "topics", "delete", topic); code != 0 || stdout != "" {
		t.Fatalf("delete: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	_, stderr, code = runLab(t, ctx, "", "topics", "describe", topic)
	if code != 1 || !strings.Contains(stderr, "topic '"+topic+"' does not exist as expected") {
		t.Errorf("describe after delete: exit %d, stderr %q", code, stderr)
	}
}

// lab groups describe shows, per partition, the committed offset, the log
// end offset and the lag, in kafka-consumer-groups.sh's columns; the group
// with no member left is said to have no active members, on stderr.
func TestGroupsDescribeShowsCommittedOffsetEndOffsetAndLag(t *testing.T) {
	topic := newTopic(t)
	var recs []*kgo.Record
	for i := range 5 {
		recs = append(recs, &kgo.Record{Value: []byte(fmt.Sprint(i))})
	}
	produceRaw(t, topic, recs...)
	group := "console-group-" + topic
	ctx := timeout(t)
	if _, stderr, code := runLab(t, ctx, "", "consume", topic, "--group", group, "--from-beginning", "--max", "2"); code != 0 {
		t.Fatalf("consume: exit %d: %s", code, stderr)
	}
	stdout, stderr, code := runLab(t, ctx, "", "groups", "describe", group)
	if code != 0 {
		t.Fatalf("describe: exit %d: %s", code, stderr)
	}
	// Columns as ConsumerGroupCommand's printOffsetFormat lays them out:
	// group and topic at least 15 wide, then 10, 15, 15, 15, consumer id
	// and host at least 15.
	want := "\n" + fmt.Sprintf("%-*s %-*s %-10s %-15s %-15s %-15s %-15s %-15s %s", len(group), "GROUP", len(topic), "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID") +
		"\n" + fmt.Sprintf("%-*s %-*s %-10s %-15s %-15s %-15s %-15s %-15s %s", len(group), group, len(topic), topic, "0", "2", "5", "3", "-", "-", "-") + "\n"
	if stdout != want {
		t.Errorf("describe:\n%q\nwant:\n%q", stdout, want)
	}
	if !strings.Contains(stderr, "Consumer group '"+group+"' has no active members.") {
		t.Errorf("stderr %q, want the no-active-members note", stderr)
	}
	stdout, _, code = runLab(t, ctx, "", "groups", "list")
	if code != 0 || !strings.Contains("\n"+stdout, "\n"+group+"\n") {
		t.Errorf("list: exit %d:\n%s", code, stdout)
	}
	_, stderr, code = runLab(t, ctx, "", "groups", "describe", "no-such-group")
	if code != 1 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("unknown group: exit %d, stderr %q", code, stderr)
	}
}

// Help asked for goes to stdout, exit 0; a lab that does not answer is one
// error line, exit 1, not a silent wait.
func TestConsoleHelpOnStdoutAndUnreachableBrokerIsAnError(t *testing.T) {
	for _, name := range Commands {
		var out, errb syncBuffer
		if code := Main(context.Background(), name, []string{"--help"}, strings.NewReader(""), &out, &errb); code != 0 || !strings.Contains(out.String(), "Usage: lab "+name) || errb.String() != "" {
			t.Errorf("%s --help: exit %d, stdout %q, stderr %q", name, code, out.String(), errb.String())
		}
	}
	var out, errb syncBuffer
	code := Main(timeout(t), "topics", []string{"list", "--brokers", "127.0.0.1:1"}, strings.NewReader(""), &out, &errb)
	if code != 1 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "lab topics: list topics:") {
		t.Errorf("unreachable broker: exit %d, stderr %q", code, errb.String())
	}
}
