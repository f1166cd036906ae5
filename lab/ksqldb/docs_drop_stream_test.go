package ksqldb

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// The reference page "DROP STREAM", grammar only:
// DROP STREAM [IF EXISTS] stream_name [DELETE TOPIC]. Its promises: the
// stream is dropped; with DELETE TOPIC its topic is deleted and, for AVRO,
// PROTOBUF or JSON_SR, its schema too; with IF EXISTS a missing stream is
// no failure. Messages are DdlCommandExec's and DropSourceFactory's
// (confluentinc/ksql v7.9.0).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/drop-stream/

func TestDocsDropStreamKeepsTheTopicWithoutDeleteTopic(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');", nil)
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM pageviews;", nil)); msg != "Source `PAGEVIEWS` (topic: pageviews) was dropped." {
		t.Errorf("DROP: %q", msg)
	}
	if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 0 {
		t.Errorf("streams after DROP: %v", streams)
	}
	td, err := st.adm.ListTopics(context.Background(), "pageviews")
	if err != nil || !td.Has("pageviews") {
		t.Errorf("topic pageviews gone without DELETE TOPIC: %v", err)
	}
}

func TestDocsDropStreamDeleteTopicDeletesTheTopicAndTheSchema(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='AVRO');", nil)
	subjects := func() string {
		resp, err := http.Get(regURL + "/subjects")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if s := subjects(); !strings.Contains(s, `"pageviews-value"`) {
		t.Fatalf("subjects before DROP: %s", s)
	}
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM pageviews DELETE TOPIC;", nil)); msg != "Source `PAGEVIEWS` (topic: pageviews) was dropped." {
		t.Errorf("DROP ... DELETE TOPIC: %q", msg)
	}
	waitFor(t, func() bool {
		td, err := st.adm.ListTopics(context.Background(), "pageviews")
		return err == nil && !td.Has("pageviews")
	}, "topic pageviews deleted")
	if s := subjects(); strings.Contains(s, `"pageviews-value"`) {
		t.Errorf("subject pageviews-value survived DELETE TOPIC: %s", s)
	}
}

func TestDocsDropStreamIfExistsDoesNotFailOnAMissingStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM IF EXISTS nothing;", nil)); msg != "Source `NOTHING` does not exist." {
		t.Errorf("IF EXISTS: %q", msg)
	}
	code, e := stmtErr(t, url, "DROP STREAM nothing;")
	if code != 400 || e["message"] != "Stream NOTHING does not exist." {
		t.Errorf("without IF EXISTS: %d %v", code, e["message"])
	}
	mustKSQL(t, url, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR) WITH (kafka_topic='t', partitions=1, value_format='JSON');", nil)
	code, e = stmtErr(t, url, "DROP STREAM t;")
	if code != 400 || e["message"] != "Incompatible data source type is table, but statement was DROP stream" {
		t.Errorf("DROP STREAM of a table: %d %v", code, e["message"])
	}
}
