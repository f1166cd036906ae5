package connect

import (
	"fmt"
	"strings"
	"testing"
)

// Custom query mode of kafka-connect-jdbc 10.8 (JdbcSourceTask,
// TimestampIncrementingTableQuerier, BulkTableQuerier, and the
// source connector configuration reference: "the full name of the topic
// to publish to" is topic.prefix): the WHERE clause of an incremental mode
// is appended to the query, the partition is {"query":"query"}, and the
// value schema has no name because there is no table.

const pricedDDL = `CREATE TABLE priced (
  id SERIAL PRIMARY KEY,
  label TEXT NOT NULL,
  doc JSONB,
  price NUMERIC(30,2)
)`

func queryConfig(db *testDB, query string) map[string]string {
	cfg := referenceConfig(db)
	delete(cfg, "table.whitelist")
	cfg["query"] = query
	cfg["incrementing.column.name"] = "id"
	cfg["topic.prefix"] = "q.priced"
	return cfg
}

func TestQueryModeIncrementingAppendsWhere(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, pricedDDL)
	db.exec(t, `INSERT INTO priced (label, doc, price) VALUES ('a', '{"k": 1}', 1.50), ('b', NULL, NULL), ('c', '[]', 3)`)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := queryConfig(db, `SELECT id, label, doc FROM priced`)
	cfg["value.converter.schemas.enable"] = "true"
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "q", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	vals := waitRecords(t, b, "q.priced", 3)
	// pgjdbc reports the NOT NULL of a column read straight from a table;
	// the struct schema has no name in query mode.
	want := `{"schema":{"type":"struct","fields":[` +
		`{"type":"int32","optional":false,"field":"id"},` +
		`{"type":"string","optional":false,"field":"label"},` +
		`{"type":"string","optional":true,"field":"doc"}],"optional":false},` +
		`"payload":{"id":1,"label":"a","doc":"{\"k\": 1}"}}`
	if vals[0] != want {
		t.Errorf("first record:\n got %s\nwant %s", vals[0], want)
	}
	var tasks []taskInfo
	wk.do(t, "GET", "/connectors/q/tasks", nil).json(t, &tasks)
	if len(tasks) != 1 || tasks[0].Config["tables"] != "" || tasks[0].Config["query"] != `SELECT id, label, doc FROM priced` {
		t.Errorf("tasks = %+v", tasks)
	}
	waitLastOffset(t, b, `["q",{"query":"query"}]`, `{"incrementing":3}`)
	db.exec(t, `INSERT INTO priced (label) VALUES ('d')`)
	vals = waitRecords(t, b, "q.priced", 4)
	if !strings.Contains(vals[3], `"payload":{"id":4,"label":"d","doc":null}`) {
		t.Errorf("fourth = %s", vals[3])
	}
}

func TestQueryModeBulkWithSuffix(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, pricedDDL)
	db.exec(t, `INSERT INTO priced (label) VALUES ('a'), ('b'), ('c')`)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := queryConfig(db, `SELECT label FROM priced ORDER BY id`)
	cfg["mode"] = "bulk"
	cfg["query.suffix"] = "LIMIT 2"
	delete(cfg, "incrementing.column.name")
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "qb", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	eventually(t, "repeated bulk query results", func() string {
		recs := readTopic(t, b, "q.priced")
		if len(recs) < 4 || len(recs)%2 != 0 {
			return fmt.Sprintf("%d records", len(recs))
		}
		for i, r := range recs[:4] {
			if want := []string{`{"label":"a"}`, `{"label":"b"}`}[i%2]; string(r.Value) != want {
				return fmt.Sprintf("record %d = %s, want %s", i, r.Value, want)
			}
		}
		return ""
	})
	for _, r := range readTopic(t, b, "connect-offsets") {
		if strings.HasPrefix(string(r.Key), `["qb"`) {
			t.Errorf("bulk mode stored an offset: %s", r.Key)
		}
	}
}

// JdbcSourceConnector.start (10.8.4) refuses table filters next to a
// query, and a white- and blacklist together; the connector goes FAILED.
func TestExclusiveTableSettingsFailTheConnector(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cases := map[string]struct {
		cfg   map[string]string
		trace string
	}{
		"query-and-whitelist": {func() map[string]string {
			c := queryConfig(db, `SELECT 1 AS id`)
			c["table.whitelist"] = "stations"
			return c
		}(), "org.apache.kafka.connect.errors.ConnectException: query may not be combined with whole-table copying settings."},
		"white-and-black": {func() map[string]string {
			c := referenceConfig(db)
			c["table.blacklist"] = "other"
			return c
		}(), "org.apache.kafka.connect.errors.ConnectException: table.whitelist and table.blacklist are exclusive."},
	}
	for name, c := range cases {
		if r := wk.do(t, "POST", "/connectors", map[string]any{"name": name, "config": c.cfg}); r.code != 201 {
			t.Fatalf("%s: POST = %d %s", name, r.code, r.body)
		}
		eventually(t, name+" FAILED", func() string {
			var st connectorStateInfo
			wk.do(t, "GET", "/connectors/"+name+"/status", nil).json(t, &st)
			if st.Connector.State != stateFailed || !strings.HasPrefix(st.Connector.Trace, c.trace) {
				return st.Connector.State + " " + st.Connector.Trace
			}
			return ""
		})
	}
}

// GenericDatabaseDialect.addFieldToSchema (10.8.4): best_fit keeps a
// NUMERIC wider than 18 digits as Decimal; best_fit_eager_double maps any
// NUMERIC with a scale to FLOAT64. The option is an EnumRecommender:
// lower or upper case only.
func TestNumericMappingBestFitEagerDouble(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, pricedDDL)
	db.exec(t, `INSERT INTO priced (label, price) VALUES ('a', 12.25)`)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "priced"
	cfg["incrementing.column.name"] = "id"
	cfg["topic.prefix"] = "n."
	cfg["numeric.mapping"] = "Best_Fit"
	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "n", "config": cfg})
	expectError(t, r, 400, "Connector configuration is invalid and contains the following 1 error(s):\n"+
		"Invalid value Best_Fit for configuration numeric.mapping: Invalid enumerator\n"+
		"You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`")
	cfg["numeric.mapping"] = "BEST_FIT_EAGER_DOUBLE"
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "n", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	vals := waitRecords(t, b, "n.priced", 1)
	if want := `{"id":1,"label":"a","doc":null,"price":12.25}`; vals[0] != want {
		t.Errorf("record = %s, want %s", vals[0], want)
	}
}

// With timestamp+incrementing, the appended criteria name the columns
// without a table (ColumnId with no TableId), so they may come from a join;
// the offsets endpoint shows the query partition.
func TestQueryModeTimestampIncrementing(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE ev (id SERIAL PRIMARY KEY, kind_id INT NOT NULL, at TIMESTAMP NOT NULL)`)
	db.exec(t, `CREATE TABLE kind (kid INT PRIMARY KEY, label TEXT NOT NULL)`)
	db.exec(t, `INSERT INTO kind VALUES (1, 'arrival'), (2, 'departure')`)
	db.exec(t, `INSERT INTO ev (kind_id, at) VALUES (1, '2024-01-02 03:04:05'), (2, '2024-01-02 03:04:06')`)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := queryConfig(db, `SELECT * FROM (SELECT ev.id, ev.at, kind.label FROM ev JOIN kind ON kind.kid = ev.kind_id) AS j`)
	cfg["mode"] = "timestamp+incrementing"
	cfg["timestamp.column.name"] = "at"
	cfg["topic.prefix"] = "q.ev"
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "qt", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	vals := waitRecords(t, b, "q.ev", 2)
	if vals[0] != `{"id":1,"at":1704164645000,"label":"arrival"}` || vals[1] != `{"id":2,"at":1704164646000,"label":"departure"}` {
		t.Errorf("records = %v", vals)
	}
	waitLastOffset(t, b, `["qt",{"query":"query"}]`, `{"timestamp_nanos":0,"incrementing":2,"timestamp":1704164646000}`)
	if r := wk.do(t, "PUT", "/connectors/qt/stop", nil); r.code != 202 {
		t.Fatalf("stop = %d %s", r.code, r.body)
	}
	r := wk.do(t, "GET", "/connectors/qt/offsets", nil)
	// The offset map keeps the stored record's key order, which is Java
	// HashMap order for these three keys (as the worker writes them).
	if want := `{"offsets":[{"partition":{"query":"query"},"offset":{"timestamp_nanos":0,"incrementing":2,"timestamp":1704164646000}}]}`; string(r.body) != want {
		t.Errorf("offsets = %s, want %s", r.body, want)
	}
}
