package ksqldb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
)

// Retention of the sink topics of CREATE ... AS SELECT, as ksqlDB 0.29's
// TopicCreateInjector.injectForCreateAsSelect and createTopic set it
// (confluentinc/ksql v7.9.0 ksqldb-engine/.../topic/TopicCreateInjector.java,
// TopicProperties.java, services/TopicValidationUtil.java) and
// create-table-as-select.md's pageviews_per_region example shows.

// topicConfigs is what DescribeConfigs answers for keys of topic.
func topicConfigs(t *testing.T, adm *kadm.Client, topic string, keys ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rcs, err := adm.DescribeTopicConfigs(ctx, topic)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, rc := range rcs {
		if rc.Err != nil {
			t.Fatalf("describe %s: %v", rc.Name, rc.Err)
		}
		for _, c := range rc.Configs {
			for _, k := range keys {
				if c.Key == k && c.Value != nil {
					out[k] = *c.Value
				}
			}
		}
	}
	return out
}

// RETENTION_MS on CREATE STREAM AS SELECT is the sink topic's retention.ms.
func TestRetentionMsIsTheStreamSinkTopicsRetention(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (id INT, name VARCHAR) WITH (kafka_topic='s1', value_format='JSON', partitions=1);
CREATE STREAM kept WITH (retention_ms=86400000) AS SELECT * FROM s1 EMIT CHANGES;`, nil)
	got := topicConfigs(t, st.adm, "KEPT", "retention.ms", "cleanup.policy")
	if got["retention.ms"] != "86400000" || got["cleanup.policy"] != "delete" {
		t.Errorf("KEPT configs %v", got)
	}
}

// The docs' pageviews_per_region: a windowed table's sink topic is
// compacted and deleted, with retention.ms the larger of RETENTION_MS and
// the window's RETENTION (here RETENTION_MS, seven days; with one hour,
// the window's two days).
func TestDocsWindowedTableRetentionIsTheLargerOfRetentionMsAndWindowRetention(t *testing.T) {
	st := newStack(t)
	_, url := st.serveLabRegistry()
	mustKSQL(t, url, `CREATE STREAM s1 (regionid VARCHAR, viewtime BIGINT) WITH (kafka_topic='s1', value_format='JSON', partitions=1);`, nil)
	mustKSQL(t, url, `CREATE TABLE pageviews_per_region
  WITH (kafka_topic='pageviews-per-region', format='avro', partitions=3, retention_ms=604800000)
  AS SELECT regionid, count(*) FROM s1
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 2 DAYS)
  GROUP BY regionid;`, nil)
	if got := topicConfigs(t, st.adm, "pageviews-per-region", "retention.ms", "cleanup.policy"); got["retention.ms"] != "604800000" || got["cleanup.policy"] != "compact,delete" {
		t.Errorf("pageviews-per-region configs %v", got)
	}
	mustKSQL(t, url, `CREATE TABLE hourly WITH (retention_ms=3600000) AS SELECT regionid, count(*) FROM s1
  WINDOW TUMBLING (SIZE 10 SECONDS, RETENTION 2 DAYS) GROUP BY regionid;`, nil)
	if got := topicConfigs(t, st.adm, "HOURLY", "retention.ms"); got["retention.ms"] != "172800000" {
		t.Errorf("HOURLY retention.ms %q, want the window's 172800000", got["retention.ms"])
	}
}

// A table without a window has a compacted topic and no retention:
// RETENTION_MS is refused with TopicCreateInjector's message.
func TestRetentionMsOnANonWindowedTableIsRefused(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (regionid VARCHAR) WITH (kafka_topic='s1', value_format='JSON', partitions=1);`, nil)
	code, body := post(t, url, "/ksql", `CREATE TABLE counts WITH (retention_ms=1000) AS SELECT regionid, count(*) FROM s1 GROUP BY regionid;`, nil)
	if code != 400 || !strings.Contains(string(body), "Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.") {
		t.Errorf("got %d %s", code, body)
	}
}

// A sink topic that exists with another retention.ms than RETENTION_MS is
// refused with TopicValidationUtil's message.
func TestRetentionMsOtherThanAnExistingSinkTopicsIsRefused(t *testing.T) {
	st := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := st.adm.CreateTopic(ctx, 1, 1, map[string]*string{"retention.ms": kadm.StringPtr("1000")}, "existing"); err != nil {
		t.Fatal(err)
	}
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (id INT) WITH (kafka_topic='s1', value_format='JSON', partitions=1);`, nil)
	code, body := post(t, url, "/ksql", `CREATE STREAM copy WITH (kafka_topic='existing', retention_ms=2000) AS SELECT * FROM s1;`, nil)
	want := "A Kafka topic with the name 'existing' already exists, with different partition/replica/retention configuration than required. KSQL expects 1 partitions (topic has 1), 1 replication factor (topic has 1), and 2000 retention (topic has 1000)."
	if code != 400 || !strings.Contains(string(body), want) {
		t.Errorf("got %d %s\nwant %s", code, body, want)
	}
}

// RETENTION_MS on a declared CREATE STREAM is the retention.ms of the
// topic it creates, and is checked against an existing topic's; a
// declared table's topic is compacted, so RETENTION_MS is refused for it
// (TopicCreateInjector.injectForCreateSource).
func TestRetentionMsOnADeclaredStreamsTopic(t *testing.T) {
	st := newStack(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := st.adm.CreateTopic(ctx, 1, 1, map[string]*string{"retention.ms": kadm.StringPtr("1000")}, "existing"); err != nil {
		t.Fatal(err)
	}
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s (id INT) WITH (kafka_topic='s', partitions=1, value_format='JSON', retention_ms=3600000);`, nil)
	if got := topicConfigs(t, st.adm, "s", "retention.ms"); got["retention.ms"] != "3600000" {
		t.Errorf("s retention.ms %q, want 3600000", got["retention.ms"])
	}
	mustKSQL(t, url, `CREATE STREAM same (id INT) WITH (kafka_topic='existing', value_format='JSON', retention_ms=1000);`, nil)
	code, body := post(t, url, "/ksql", `CREATE STREAM other (id INT) WITH (kafka_topic='existing', value_format='JSON', retention_ms=2000);`, nil)
	want := "A Kafka topic with the name 'existing' already exists, with different partition/replica/retention configuration than required. KSQL expects 1 partitions (topic has 1), 1 replication factor (topic has 1), and 2000 retention (topic has 1000)."
	if code != 400 || !strings.Contains(string(body), want) {
		t.Errorf("got %d %s\nwant %s", code, body, want)
	}
	code, body = post(t, url, "/ksql", `CREATE TABLE t (id INT PRIMARY KEY, v INT) WITH (kafka_topic='t', partitions=1, value_format='JSON', retention_ms=2000);`, nil)
	if code != 400 || !strings.Contains(string(body), "Invalid config variable in the WITH clause: RETENTION_MS. Non-windowed tables do not support retention.") {
		t.Errorf("table: got %d %s", code, body)
	}
}
