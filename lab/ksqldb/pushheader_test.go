package ksqldb

import (
	"encoding/json"
	"strings"
	"testing"
)

// A push query's header on /query lists every projected column as a value
// column: QueryStreamWriter.buildHeader copies the stored schema's value
// columns only, so a key shows no KEY marker (rest-query-validation-tests
// push-queries.json "non-windowed stream - STRING key": "`K` STRING, `ID`
// INTEGER"; "non-windowed GROUP BY - key in projection": "`ID` INTEGER,
// `COUNT` BIGINT").
func TestPushQueryHeaderMarksNoKeyColumns(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM parcels (depot STRING KEY, weight INT) WITH (kafka_topic='parcels', value_format='JSON', partitions=1);
CREATE TABLE depot_loads AS SELECT depot, COUNT(*) AS n FROM parcels GROUP BY depot;`, earliest())
	st.produce("parcels", kv{[]byte("north"), []byte(`{"WEIGHT":3}`)}, kv{[]byte("south"), []byte(`{"WEIGHT":5}`)})

	t.Run("stream key is a plain column", func(t *testing.T) {
		hdr, rows := rawPushRows(t, url, "SELECT * FROM parcels EMIT CHANGES LIMIT 2;", 2)
		if hdr != "`DEPOT` STRING, `WEIGHT` INTEGER" || strings.Join(rows, " ") != `["north",3] ["south",5]` {
			t.Errorf("header %q rows %v", hdr, rows)
		}
	})
	t.Run("table key is a plain column", func(t *testing.T) {
		hdr, _ := rawPushRows(t, url, "SELECT * FROM depot_loads EMIT CHANGES LIMIT 2;", 2)
		if hdr != "`DEPOT` STRING, `N` BIGINT" {
			t.Errorf("header %q", hdr)
		}
	})
}

// LIMIT 0 on a push query ends it before any row: the header, then "Limit
// Reached" (push-queries.json "zero limit").
func TestPushQueryZeroLimitSendsNoRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM parcels (depot STRING KEY, weight INT) WITH (kafka_topic='parcels', value_format='JSON', partitions=1);`, nil)
	st.produce("parcels", kv{[]byte("north"), []byte(`{"WEIGHT":3}`)})
	code, body := post(t, url, "/query", "SELECT * FROM parcels EMIT CHANGES LIMIT 0;", earliest())
	var out []map[string]any
	if err := json.Unmarshal(body, &out); code != 200 || err != nil || len(out) != 2 || out[0]["header"] == nil || out[1]["finalMessage"] != "Limit Reached" {
		t.Errorf("%d %s", code, body)
	}
}
