package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "TERMINATE", grammar only: TERMINATE query_id | ALL.
// Its promise: a persistent query runs until it is terminated. Observable
// here: the query leaves SHOW QUERIES, and the stream it wrote, which could
// not be dropped while it ran (DROP's "You need to terminate them" refusal),
// can be dropped after.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/terminate/

func queryIDs(t *testing.T, url string) []string {
	t.Helper()
	var ids []string
	for _, q := range mustKSQL(t, url, "SHOW QUERIES;", nil)[0]["queries"].([]any) {
		ids = append(ids, q.(map[string]any)["id"].(string))
	}
	return ids
}

func TestDocsTerminateEndsOnePersistentQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;
CREATE STREAM other AS SELECT * FROM pageviews;`, nil)
	id := queryWriting(t, url, "COPY")
	code, e := stmtErr(t, url, "DROP STREAM copy;")
	if msg, _ := e["message"].(string); code != 400 || !strings.Contains(msg, "You need to terminate them before dropping COPY.") {
		t.Errorf("DROP before TERMINATE: %d %q", code, msg)
	}
	if msg := commandMessage(t, mustKSQL(t, url, "TERMINATE "+id+";", nil)); msg != "Query terminated." {
		t.Errorf("TERMINATE %s: %q", id, msg)
	}
	if ids := queryIDs(t, url); len(ids) != 1 || ids[0] == id {
		t.Errorf("queries after TERMINATE %s: %v, want only OTHER's", id, ids)
	}
	if msg := commandMessage(t, mustKSQL(t, url, "DROP STREAM copy;", nil)); msg != "Source `COPY` (topic: COPY) was dropped." {
		t.Errorf("DROP after TERMINATE: %q", msg)
	}
}

func TestDocsTerminateAllEndsEveryPersistentQuery(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pageviews (userid VARCHAR) WITH (kafka_topic='pageviews', partitions=1, value_format='JSON');
CREATE STREAM copy AS SELECT * FROM pageviews;
CREATE TABLE per_user AS SELECT userid, COUNT(*) AS n FROM pageviews GROUP BY userid;`, nil)
	if ids := queryIDs(t, url); len(ids) != 2 {
		t.Fatalf("queries %v", ids)
	}
	if msg := commandMessage(t, mustKSQL(t, url, "TERMINATE ALL;", nil)); msg != "Query terminated." {
		t.Errorf("TERMINATE ALL: %q", msg)
	}
	if ids := queryIDs(t, url); len(ids) != 0 {
		t.Errorf("queries after TERMINATE ALL: %v", ids)
	}
}
