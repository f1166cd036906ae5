package ksqldb

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// pullRows runs a pull query on /query and returns its header schema, the
// rows' columns (none when the query found no row) and the final message.
// A table whose query is still restoring its store (just created or
// restarted) is asked again, as ksqlDB's answer then asks a client to
// (pullNotRunning).
func pullRows(t *testing.T, url, sql string) (string, []string, string) {
	t.Helper()
	var out []map[string]any
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		code, body := post(t, url, "/query", sql, nil)
		if code != 200 {
			t.Fatalf("%s: %d %s", sql, code, body)
		}
		out = nil
		if err := json.Unmarshal(body, &out); err != nil || len(out) < 1 {
			t.Fatalf("%s: body %v %s", sql, err, body)
		}
		failed, _ := out[len(out)-1]["errorMessage"].(map[string]any)
		if failed == nil {
			break
		}
		if msg, _ := failed["message"].(string); !strings.Contains(msg, "The query was not in a running state.") || time.Now().After(deadline) {
			t.Fatalf("%s: %s", sql, body)
		}
	}
	hdr := out[0]["header"].(map[string]any)["schema"].(string)
	var rows []string
	var final string
	for _, o := range out[1:] {
		if f, ok := o["finalMessage"].(string); ok {
			final = f
			continue
		}
		rows = append(rows, fmt.Sprint(o["row"].(map[string]any)["columns"]))
	}
	return hdr, rows, final
}

// A pull query on a stream (ksqlDB 0.23+) reads the stream's topic from the
// start up to the end offsets at query start and completes; the header lists
// no KEY columns (rest-query-validation-tests/pull-queries-against-streams.json
// "simple", "select key", "project expression", "where clause", "empty
// response on empty stream"; docs reference/sql/select-pull-query/).
func TestPullQueryOnStreamScansToTheEnd(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM EMPTY (MYKEY INT KEY, MYVALUE INT) WITH (KAFKA_TOPIC='empty_topic', PARTITIONS=3, VALUE_FORMAT='JSON');`, nil)
	for i := int32(0); i < 4; i++ {
		st.produce("test_topic", kv{[]byte{0, 0, 0, byte(10 + i)}, []byte(fmt.Sprintf(`{"myvalue":%d}`, i+1))})
	}
	cases := []struct{ sql, hdr, rows, final string }{
		{"SELECT * FROM S1;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "[10 1] [11 2] [12 3] [13 4]", "Query Completed"},
		{"SELECT MYKEY FROM S1;", "`MYKEY` INTEGER", "[10] [11] [12] [13]", "Query Completed"},
		{"SELECT MYKEY, MYVALUE * 2 AS DOUBLEVALUE FROM S1;", "`MYKEY` INTEGER, `DOUBLEVALUE` INTEGER", "[10 2] [11 4] [12 6] [13 8]", "Query Completed"},
		{"SELECT * FROM S1 WHERE MYVALUE >= 2 AND MYVALUE < 4;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "[11 2] [12 3]", "Query Completed"},
		{"SELECT * FROM EMPTY;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "", "Query Completed"},
		// pull-queries-with-limit-clause.json
		{"SELECT * FROM S1 LIMIT 2;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "[10 1] [11 2]", "Limit Reached"},
		{"SELECT * FROM S1 LIMIT 0;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "", "Limit Reached"},
		{"SELECT * FROM S1 LIMIT 25;", "`MYKEY` INTEGER, `MYVALUE` INTEGER", "[10 1] [11 2] [12 3] [13 4]", "Query Completed"},
	}
	for _, c := range cases {
		hdr, rows, final := pullRows(t, url, c.sql)
		if hdr != c.hdr || strings.Join(rows, " ") != c.rows || final != c.final {
			t.Errorf("%s\n got %q %q %q\nwant %q %q %q", c.sql, hdr, strings.Join(rows, " "), final, c.hdr, c.rows, c.final)
		}
	}
}

// A transaction's commit marker sits after the last record: the scan still
// ends at the end offset, with the committed records and without the
// aborted ones.
func TestPullQueryOnStreamEndsAfterTransactionMarkers(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (KAFKA_TOPIC='tx_topic', PARTITIONS=2, VALUE_FORMAT='JSON');`, nil)
	cl, err := kgo.NewClient(kgo.SeedBrokers(st.brokers...), kgo.TransactionalID("pull-spec"), kgo.DefaultProduceTopic("tx_topic"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ctx := context.Background()
	for _, commit := range []kgo.TransactionEndTry{kgo.TryCommit, kgo.TryAbort} {
		if err := cl.BeginTransaction(); err != nil {
			t.Fatal(err)
		}
		v := 1
		if !commit {
			v = 2
		}
		for k := byte(0); k < 4; k++ {
			if err := cl.ProduceSync(ctx, &kgo.Record{Key: []byte{0, 0, 0, k}, Value: []byte(fmt.Sprintf(`{"MYVALUE":%d}`, v))}).FirstErr(); err != nil {
				t.Fatal(err)
			}
		}
		if err := cl.EndTransaction(ctx, commit); err != nil {
			t.Fatal(err)
		}
	}
	_, rows, final := pullRows(t, url, "SELECT MYVALUE FROM S1;")
	if strings.Join(rows, " ") != "[1] [1] [1] [1]" || final != "Query Completed" {
		t.Errorf("rows %v final %q", rows, final)
	}
}

// The clauses a pull query refuses, with ksqlDB's messages
// (PullQueryValidator; pull-queries-against-streams.json).
func TestPullQueryOnStreamRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM S2 (MYKEY2 INT KEY, MYVALUE2 INT) WITH (KAFKA_TOPIC='test_topic2', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	const help = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."
	cases := []struct{ sql, msg string }{
		{"SELECT * FROM S1 GROUP BY MYKEY;", "Pull queries don't support GROUP BY clauses." + help},
		{"SELECT * FROM S1 WINDOW TUMBLING (SIZE 1 SECOND);", "Pull queries don't support WINDOW clauses." + help},
		{"SELECT * FROM S1 JOIN S2 WITHIN 10 SECONDS ON MYKEY = MYKEY2;", "Pull queries don't support JOIN clauses." + help},
		{"SELECT * FROM S1 PARTITION BY MYVALUE;", "Pull queries don't support PARTITION BY clauses." + help},
		{"SELECT mykey, myvalue, ROWOFFSET FROM S1;", "Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`\n" + help},
		{"SELECT * FROM S1 WHERE mykey < 1 AND ROWPARTITION != 2;", "Pull queries don't support the following columns in WHERE clauses: `ROWPARTITION`\n" + help},
	}
	for _, c := range cases {
		code, body := post(t, url, "/query", c.sql, nil)
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 400 || e["message"] != c.msg || e["error_code"] != float64(40001) {
			t.Errorf("%s:\n got %d %q\nwant %q", c.sql, code, e["message"], c.msg)
		}
	}
}

// /query-stream answers a stream's pull query too: the metadata line, a
// JSON array per row, and the end of the response.
func TestPullQueryOnStreamOverQueryStream(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S1 (MYKEY INT KEY, MYVALUE INT) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');`, nil)
	st.produce("test_topic", kv{[]byte{0, 0, 0, 10}, []byte(`{"myvalue":1}`)}, kv{[]byte{0, 0, 0, 11}, []byte(`{"myvalue":2}`)})
	_, rd, _ := openQueryStream(t, http.DefaultClient, url, "SELECT * FROM S1 WHERE MYVALUE > 1;")
	rest, err := io.ReadAll(rd)
	if err != nil || strings.TrimSpace(string(rest)) != "[11,2]" {
		t.Errorf("rows %q %v", rest, err)
	}
}

// A pull query on a table is refused the same clauses (PullQueryValidator).
func TestPullQueryOnTableRefusesClausesAsOnStreams(t *testing.T) {
	_, url := turnstileTable(t)
	const help = " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push query."
	for sql, msg := range map[string]string{
		"SELECT * FROM TURNSTILE_SUMMARY PARTITION BY COUNT;":  "Pull queries don't support PARTITION BY clauses." + help,
		"SELECT * FROM TURNSTILE_SUMMARY HAVING COUNT > 1;":    "Pull queries don't support HAVING clauses." + help,
		"SELECT STATION_ID, ROWOFFSET FROM TURNSTILE_SUMMARY;": "Pull queries don't support the following columns in SELECT clauses: `ROWOFFSET`\n" + help,
		"SELECT * FROM TURNSTILE_SUMMARY GROUP BY STATION_ID;": "Pull queries don't support GROUP BY clauses." + help,
	} {
		code, body := post(t, url, "/query", sql, nil)
		var e map[string]any
		_ = json.Unmarshal(body, &e)
		if code != 400 || e["message"] != msg {
			t.Errorf("%s:\n got %d %q\nwant %q", sql, code, e["message"], msg)
		}
	}
}
