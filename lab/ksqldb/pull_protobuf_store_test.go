package ksqldb

import (
	"strings"
	"testing"
)

// A pull query reads a table's rows back from its state store, which holds
// each value in the sink's value format: a PROTOBUF table's null scalar
// columns (without wrappers) read back as proto3's defaults, "" and 0,
// while a JSON table's stay null (rest-query-validation-tests
// pull-queries-against-materialized-table-table-joins.json "table table
// left join - PROTOBUF", "table table outer join - PROTOBUF";
// pull-queries-with-limit-clause.json "table table outer join - PROTOBUF").
func TestPullQueryReadsProtobufStoreNullsAsDefaults(t *testing.T) {
	for _, c := range []struct{ format, row string }{
		{"PROTOBUF", `[7,"seven",70,"",0]`},
		{"JSON", `[7,"seven",70,null,null]`},
	} {
		t.Run(c.format, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, `CREATE TABLE lefts (id BIGINT PRIMARY KEY, name STRING, n BIGINT) WITH (kafka_topic='lefts', value_format='`+c.format+`', partitions=1);
CREATE TABLE rights (id BIGINT PRIMARY KEY, f1 STRING, f2 BIGINT) WITH (kafka_topic='rights', value_format='`+c.format+`', partitions=1);
CREATE TABLE joined AS SELECT l.id, name, n, f1, f2 FROM lefts l LEFT JOIN rights r ON l.id = r.id;
INSERT INTO lefts (id, name, n) VALUES (7, 'seven', 70);`, earliest())
			waitFor(t, func() bool {
				_, rows, _ := pullRows(t, url, "SELECT * FROM joined;")
				return len(rows) == 1
			}, "JOINED holds the row")
			code, body := post(t, url, "/query", "SELECT * FROM joined;", nil)
			if code != 200 || !strings.Contains(string(body), `"columns":`+c.row) {
				t.Errorf("%d %s\nwant row %s", code, body, c.row)
			}
		})
	}
}
