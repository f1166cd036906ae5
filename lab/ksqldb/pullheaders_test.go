package ksqldb

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

// SELECT * on a source table lists its columns in the header as ksqlDB's
// pull select-star schema does: keys, then header columns, marked as such
// (HEADER('key')), then values; the rows keep the table's column order
// (rest-query-validation-tests pull-queries-with-headers.json "select *
// against CST table with headers"). A stream's pull query, a push query
// and a projection mark no header column.
func TestPullSelectStarOnSourceTableListsHeaderColumnsAfterKeys(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE SOURCE TABLE notes (k INT PRIMARY KEY, text STRING, tag BYTES HEADER('tag')) WITH (kafka_topic='notes', value_format='DELIMITED', partitions=1);
CREATE STREAM note_log (k INT KEY, text STRING, tag BYTES HEADER('tag')) WITH (kafka_topic='notes', value_format='DELIMITED');`, earliest())
	r := &kgo.Record{Topic: "notes", Key: intKey(1), Value: []byte("hello"), Headers: []kgo.RecordHeader{{Key: "tag", Value: []byte("!")}}, Timestamp: time.UnixMilli(1)}
	if err := st.cl.ProduceSync(context.Background(), r).FirstErr(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM notes;")
		return len(rows) == 1
	}, "NOTES holds the row")
	code, body := post(t, url, "/query", "SELECT * FROM notes;", nil)
	if code != 200 || !strings.Contains(string(body), "\"schema\":\"`K` INTEGER KEY, `TAG` BYTES HEADER('tag'), `TEXT` STRING\"") ||
		!strings.Contains(string(body), `[1,"hello","IQ=="]`) {
		t.Errorf("select *: %d %s", code, body)
	}
	for _, c := range []struct{ query, schema string }{
		{"SELECT k, tag FROM notes;", "`K` INTEGER KEY, `TAG` BYTES"},
		{"SELECT * FROM note_log;", "`K` INTEGER, `TEXT` STRING, `TAG` BYTES"},
		{"SELECT * FROM note_log EMIT CHANGES LIMIT 1;", "`K` INTEGER, `TEXT` STRING, `TAG` BYTES"},
	} {
		code, body := post(t, url, "/query", c.query, earliest())
		if code != 200 || !strings.Contains(string(body), "\"schema\":\""+c.schema+"\"") {
			t.Errorf("%s: %d %s\nwant schema %s", c.query, code, body, c.schema)
		}
	}
}

// A pull query on a table takes a wildcard only alone
// (QueryProjectNode.isSelectStar).
func TestPullQueryWildcardMustStandAlone(t *testing.T) {
	url := countsByID(t, "STRING", []byte("a"))
	if code, msg := pullErr(t, url, "SELECT *, id AS again FROM counts;", nil); code != 400 || msg != "Pull queries only support wildcards in the projects if they are the only expression" {
		t.Errorf("%d %q", code, msg)
	}
}
