package ksqldb

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/testtools"
)

// ksqldbClientRun is what testdata/node/ksqldbclient.js printed.
type ksqldbClientRun struct {
	CreateStream, CreateTable, DropTable, DropStream clientStatus
	CloseAgain, Missing                              clientStatus
	Inserts                                          []clientInsert
	Pull                                             struct {
		Status      int
		ColumnNames []string
		ColumnTypes []string
		Rows        []map[string]any
	}
	Push struct {
		Metadata struct {
			ColumnNames []string
			ColumnTypes []string
		}
		Rows        [][]any
		CloseStatus int
		EndStatus   int
	}
	Streams, Tables  [][]string
	Queries          [][]any
	QueriesAfterDrop int
	Describe         struct {
		Name, Type string
		Fields     [][]any
	}
}

// clientInsert is one insertInto's answer: the acknowledgements of the
// inserts stream.
type clientInsert struct {
	Status int
	Rows   []struct {
		Seq    int
		Status string
	}
}

type clientStatus struct {
	Status int
	Error  *struct {
		Code    int
		Message string
	}
}

// A ksqlDB client we did not write, the npm package ksqldb-client, which
// speaks HTTP/2 without TLS to /ksql, /query-stream, /inserts-stream and
// /close-query, runs a word count against the server: statements with
// session variables and properties, rows inserted through the insert
// stream, a pull query, a push query it closes, the listings, DESCRIBE,
// and DROP of the table while its query runs. The answers are those of
// ksqlDB 7.9 (confluentinc/ksql v7.9.0): an insert is acknowledged as
// {"seq": n, "status": "ok"} (InsertsStreamEndpoint), closing an unknown
// push query is a 400 with 40000 "No query with id ..." (CloseQueryHandler),
// dropping a table terminates the query that writes it
// (EngineContext.maybeTerminateCreateAsQuery).
func TestTheKsqldbClientPackageRunsAWordCount(t *testing.T) {
	node, modules := testtools.NodeModule(t, "ksqldb-client")
	st := newStack(t)
	_, srvURL := st.serve()
	u, err := url.Parse(srvURL)
	if err != nil {
		t.Fatal(err)
	}
	out := runOutsideTool(t, []string{"NODE_PATH=" + modules}, node, "testdata/node/ksqldbclient.js", u.Hostname(), u.Port())
	var run ksqldbClientRun
	if err := json.Unmarshal(out, &run); err != nil {
		t.Fatalf("ksqldbclient.js printed %q: %v", out, err)
	}
	for name, s := range map[string]clientStatus{"CREATE STREAM": run.CreateStream, "CREATE TABLE AS": run.CreateTable, "DROP TABLE": run.DropTable, "DROP STREAM": run.DropStream} {
		if s.Status != 200 || s.Error != nil {
			t.Errorf("%s: %+v", name, s)
		}
	}
	if len(run.Inserts) != 3 {
		t.Fatalf("inserts: %+v", run.Inserts)
	}
	for i, in := range run.Inserts {
		// each insertInto is a request of its own: its one row is seq 0
		if in.Status != 200 || len(in.Rows) != 1 || in.Rows[0].Seq != 0 || in.Rows[0].Status != "ok" {
			t.Errorf("insert %d: %+v", i, in)
		}
	}
	cols, types := []string{"WORD", "N"}, []string{"STRING", "BIGINT"}
	if p := run.Pull; p.Status != 200 || !reflect.DeepEqual(p.ColumnNames, cols) || !reflect.DeepEqual(p.ColumnTypes, types) ||
		!reflect.DeepEqual(p.Rows, []map[string]any{{"WORD": "tree", "N": 2.0}}) {
		t.Errorf("pull query: %+v", p)
	}
	// the push query saw each word's count grow to its total, whatever
	// updates it was shown on the way
	last := map[string]float64{}
	for _, r := range run.Push.Rows {
		last[r[0].(string)] = r[1].(float64)
	}
	if p := run.Push; !reflect.DeepEqual(p.Metadata.ColumnNames, cols) || !reflect.DeepEqual(p.Metadata.ColumnTypes, types) ||
		!reflect.DeepEqual(last, map[string]float64{"tree": 2, "wind": 1}) || p.CloseStatus != 200 || p.EndStatus != 200 {
		t.Errorf("push query: %+v", p)
	}
	if c := run.CloseAgain; c.Status != 400 || c.Error == nil || c.Error.Code != 40000 || !strings.HasPrefix(c.Error.Message, "No query with id transient_COUNTS_") {
		t.Errorf("closing the closed push query again: %+v", c)
	}
	if m := run.Missing; m.Status != 400 || m.Error == nil || m.Error.Code != 40001 || !strings.HasPrefix(m.Error.Message, "Exception while preparing statement: NOTHING_HERE does not exist.") {
		t.Errorf("pull query of a missing source: %+v", m)
	}
	wantStreams := [][]string{{"WORDS", "words_topic", "KAFKA", "JSON"}}
	if !reflect.DeepEqual(run.Streams, wantStreams) {
		t.Errorf("streams %v, want %v", run.Streams, wantStreams)
	}
	if want := [][]string{{"COUNTS", "COUNTS", "KAFKA", "JSON"}}; !reflect.DeepEqual(run.Tables, want) {
		t.Errorf("tables %v, want %v", run.Tables, want)
	}
	if want := [][]any{{"PERSISTENT", []any{"COUNTS"}}}; !reflect.DeepEqual(run.Queries, want) {
		t.Errorf("queries %v, want %v", run.Queries, want)
	}
	if d := run.Describe; d.Name != "COUNTS" || d.Type != "TABLE" || !reflect.DeepEqual(d.Fields, [][]any{{"WORD", "STRING", "KEY"}, {"N", "BIGINT", nil}}) {
		t.Errorf("describe: %+v", d)
	}
	if run.QueriesAfterDrop != 0 {
		t.Errorf("%d queries after DROP TABLE counts, want its query terminated", run.QueriesAfterDrop)
	}
}
