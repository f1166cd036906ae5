package ksqldb

import (
	"strings"
	"testing"
	"time"
)

// The reference page "INSERT VALUES", its examples run as written on a
// stream foo with the schema the page gives, KEY_COL VARCHAR KEY,
// COL_A VARCHAR; each record is compared with the row the page's comment
// says it inserts. ROWTIME defaults to the local time; ROWPARTITION and
// ROWOFFSET are refused, as the page says, with GenericRecordFactory's
// message.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/insert-values/
func TestDocsInsertValuesExamplesInsertTheRowsTheirCommentsName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM foo (KEY_COL VARCHAR KEY, COL_A VARCHAR) WITH (kafka_topic='foo', partitions=1, value_format='JSON');", nil)
	before := time.Now().Add(-time.Second)
	mustKSQL(t, url, `-- inserts (ROWTIME:=1510923225000, KEY_COL:="key", COL_A:="A")
INSERT INTO foo (ROWTIME, KEY_COL, COL_A) VALUES (1510923225000, 'key', 'A');

-- also inserts (ROWTIME:=1510923225000, KEY_COL:="key", COL_A:="A")
INSERT INTO foo (COL_A, ROWTIME, KEY_COL) VALUES ('A', 1510923225000, 'key');

-- inserts (ROWTIME:=current_time(), KEY_COL:="key", COL_A:="A")
INSERT INTO foo VALUES ('key', 'A');

-- inserts (ROWTIME:=current_time(), KEY_COL:="key", COL_A:="A")
INSERT INTO foo (KEY_COL, COL_A) VALUES ('key', 'A');

-- inserts (ROWTIME:=current_time(), KEY_COL:="key", COL_A:=null)
INSERT INTO foo (KEY_COL) VALUES ('key');`, nil)
	after := time.Now().Add(time.Second)
	recs := st.consumeRecords("foo", 5)
	for i, want := range []string{`{"COL_A":"A"}`, `{"COL_A":"A"}`, `{"COL_A":"A"}`, `{"COL_A":"A"}`, `{"COL_A":null}`} {
		r := recs[i]
		if string(r.Key) != "key" || string(r.Value) != want {
			t.Errorf("record %d: key %q value %s, want key and %s", i, r.Key, r.Value, want)
		}
		ts := r.Timestamp
		if i < 2 && ts.UnixMilli() != 1510923225000 {
			t.Errorf("record %d: ROWTIME %d, want 1510923225000", i, ts.UnixMilli())
		}
		if i >= 2 && (ts.Before(before) || ts.After(after)) {
			t.Errorf("record %d: ROWTIME %v, want the current time", i, ts)
		}
	}
	for _, col := range []string{"ROWPARTITION", "ROWOFFSET"} {
		code, e := stmtErr(t, url, "INSERT INTO foo ("+col+", KEY_COL, COL_A) VALUES (0, 'key', 'A');")
		if msg, _ := e["message"].(string); code != 400 || !strings.Contains(msg, "Inserting into column `"+col+"` is not allowed.") {
			t.Errorf("%s: %d %q", col, code, msg)
		}
	}
}
