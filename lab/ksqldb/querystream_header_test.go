package ksqldb

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
)

// /query-stream asked for application/vnd.ksql.v1+json writes the old
// /query rows (JsonStreamedRowResponseWriter), whose header carries the
// metadata's schema. For a push query, and a pull query on a stream (run
// as a push query: QueryEndpoint gives it a KsqlQueryHandle), that schema is
// the query's value columns with no KEY marker
// (QueryStreamHandler.preparePushProjectionSchema); a pull query on a table
// keeps its key columns marked (RestApiTest.shouldExecutePushQueryAllEndpointsProto:
// "`COUNT` BIGINT, `USERID` STRING" on /query-stream;
// shouldExecutePullQueryAllEndpointsProto: "`COUNT` BIGINT, `USERID` STRING KEY";
// confluentinc/ksql v7.9.0).
func TestQueryStreamKSQLJSONHeaderMarksKeysOnlyForATablePullQuery(t *testing.T) {
	url := ordersStack(t)
	for _, c := range []struct{ stmt, schema string }{
		{"SELECT * FROM orders EMIT CHANGES LIMIT 0;", "`ID` INTEGER, `AMOUNT` INTEGER"},
		{"SELECT * FROM totals EMIT CHANGES LIMIT 0;", "`ID` INTEGER, `S` INTEGER"},
		{"SELECT s, id FROM totals EMIT CHANGES LIMIT 0;", "`S` INTEGER, `ID` INTEGER"},
		{"SELECT * FROM orders;", "`ID` INTEGER, `AMOUNT` INTEGER"},
		{"SELECT * FROM totals;", "`ID` INTEGER KEY, `S` INTEGER"},
	} {
		body, _ := json.Marshal(map[string]any{"sql": c.stmt, "properties": map[string]any{"auto.offset.reset": "earliest"}})
		r := do(t, http.DefaultClient, http.MethodPost, url+"/query-stream", string(body), map[string]string{"Accept": restapi.MediaKSQL})
		var rows []map[string]json.RawMessage
		if err := json.Unmarshal(r.body, &rows); err != nil || r.code != 200 || len(r.ct) != 1 || r.ct[0] != restapi.MediaKSQL || len(rows) == 0 {
			t.Errorf("%q: %d %v %s (%v)", c.stmt, r.code, r.ct, r.body, err)
			continue
		}
		var h struct{ QueryID, Schema string }
		if err := json.Unmarshal(rows[0]["header"], &h); err != nil || h.QueryID == "" || h.Schema != c.schema {
			t.Errorf("%q: header %v, want schema %q", c.stmt, h, c.schema)
		}
	}
}
