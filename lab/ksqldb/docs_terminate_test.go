package ksqldb

import (
	"testing"
	"time"
)

// The reference page "TERMINATE", grammar only: TERMINATE query_id | ALL.
// Its promise: a persistent query runs until it is terminated. Observable
// here: the query leaves SHOW QUERIES and its sink takes in nothing more,
// while the stream stays (in ksqlDB 7.9 DROP terminates the query that
// writes a stream, so TERMINATE is no longer needed before DROP;
// drop_constraints_test.go).
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
CREATE STREAM other AS SELECT * FROM pageviews;`, earliest())
	id := queryWriting(t, url, "COPY")
	st.produce("pageviews", kv{value: []byte(`{"userid": "u1"}`)})
	waitFor(t, func() bool { return st.endOffset("COPY") > 0 }, "COPY's first record")
	copied := st.endOffset("COPY")
	if msg := commandMessage(t, mustKSQL(t, url, "TERMINATE "+id+";", nil)); msg != "Query terminated." {
		t.Errorf("TERMINATE %s: %q", id, msg)
	}
	if ids := queryIDs(t, url); len(ids) != 1 || ids[0] == id {
		t.Errorf("queries after TERMINATE %s: %v, want only OTHER's", id, ids)
	}
	// the other query takes the next record in; the terminated one does not
	otherBefore := st.endOffset("OTHER")
	st.produce("pageviews", kv{value: []byte(`{"userid": "u2"}`)})
	waitFor(t, func() bool { return st.endOffset("OTHER") > otherBefore }, "OTHER's second record")
	time.Sleep(500 * time.Millisecond)
	if n := st.endOffset("COPY"); n != copied {
		t.Errorf("COPY's end offset went from %d to %d after its query was terminated", copied, n)
	}
	if streams := mustKSQL(t, url, "SHOW STREAMS;", nil)[0]["streams"].([]any); len(streams) != 3 {
		t.Errorf("streams after TERMINATE: %v, want PAGEVIEWS, COPY and OTHER still there", streams)
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
