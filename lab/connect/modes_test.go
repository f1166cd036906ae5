package connect

import (
	"fmt"
	"strings"
	"testing"
)

// eventsDDL is a table with one column of every mapped type and one that
// is not mapped (an array), which the connector leaves out.
const eventsDDL = `CREATE TABLE events (
  id SERIAL PRIMARY KEY,
  updated_at TIMESTAMP NOT NULL,
  small SMALLINT,
  big BIGINT,
  price NUMERIC(10,2),
  ratio REAL,
  score DOUBLE PRECISION,
  day DATE,
  at_time TIME,
  doc JSONB,
  uid UUID,
  raw BYTEA,
  tags TEXT[],
  flag BOOLEAN
)`

const eventRow = `INSERT INTO events (updated_at, small, big, price, ratio, score, day, at_time, doc, uid, raw, tags, flag)
VALUES ('2024-01-02 03:04:05.123456', 7, 9000000000, 123.45, 1.5, 2.25, '2024-01-02', '03:04:05.5', '{"a": 1}',
        'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x0102', '{x}', true)`

func TestTypeMappingAndTimestampIncrementing(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, eventsDDL)
	db.exec(t, eventRow)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "public.events"
	cfg["mode"] = "timestamp+incrementing"
	cfg["incrementing.column.name"] = "id"
	cfg["timestamp.column.name"] = "updated_at"
	cfg["topic.prefix"] = "ti."
	cfg["value.converter.schemas.enable"] = "true"
	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "events", "config": cfg})
	if r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	vals := waitRecords(t, b, "ti.events", 1)
	want := `{"schema":{"type":"struct","fields":[` +
		`{"type":"int32","optional":false,"field":"id"},` +
		`{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"updated_at"},` +
		`{"type":"int16","optional":true,"field":"small"},` +
		`{"type":"int64","optional":true,"field":"big"},` +
		`{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"},` +
		`{"type":"float","optional":true,"field":"ratio"},` +
		`{"type":"double","optional":true,"field":"score"},` +
		`{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Date","version":1,"field":"day"},` +
		`{"type":"int32","optional":true,"name":"org.apache.kafka.connect.data.Time","version":1,"field":"at_time"},` +
		`{"type":"string","optional":true,"field":"doc"},` +
		`{"type":"string","optional":true,"field":"uid"},` +
		`{"type":"bytes","optional":true,"field":"raw"},` +
		`{"type":"boolean","optional":true,"field":"flag"}],` +
		`"optional":false,"name":"events"},"payload":{"id":1,"updated_at":1704164645123,"small":7,"big":9000000000,"price":"MDk=",` +
		`"ratio":1.5,"score":2.25,"day":19724,"at_time":11045500,"doc":"{\"a\": 1}","uid":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","raw":"AQI=","flag":true}}`
	if vals[0] != want {
		t.Errorf("record:\n got %s\nwant %s", vals[0], want)
	}
	waitLastOffset(t, b, `["events",{"protocol":"1","table":"public.events"}]`, `{"timestamp_nanos":123456000,"incrementing":1,"timestamp":1704164645123}`)

	// An update moves the timestamp: the row is read again; a new row too.
	// Both commit together: a poll between them would move the offset past
	// the new row's earlier timestamp, and the connector would never read it.
	db.exec(t, `UPDATE events SET updated_at = '2024-01-03 00:00:00', small = 8 WHERE id = 1; `+eventRow)
	vals = waitRecords(t, b, "ti.events", 3)
	if !strings.Contains(vals[1], `"payload":{"id":2,`) || !strings.Contains(vals[2], `"payload":{"id":1,"updated_at":1704240000000,"small":8`) {
		t.Errorf("after update:\n%s\n%s", vals[1], vals[2])
	}
}

func TestTimestampMode(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, eventsDDL)
	db.exec(t, eventRow)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "events"
	cfg["mode"] = "timestamp"
	delete(cfg, "incrementing.column.name")
	cfg["timestamp.column.name"] = "updated_at"
	cfg["topic.prefix"] = "ts."
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "ts", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	waitRecords(t, b, "ts.events", 1)
	db.exec(t, `UPDATE events SET updated_at = '2024-01-03 00:00:00' WHERE id = 1`)
	vals := waitRecords(t, b, "ts.events", 2)
	if !strings.HasPrefix(vals[1], `{"id":1,"updated_at":1704240000000,`) {
		t.Errorf("second = %s", vals[1])
	}
	waitLastOffset(t, b, `["ts",{"protocol":"1","table":"public.events"}]`, `{"timestamp_nanos":0,"timestamp":1704240000000}`)
}

func TestBulkModeSplitsTablesOverTasks(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE small_a (n INTEGER NOT NULL)`)
	db.exec(t, `CREATE TABLE small_b (n INTEGER NOT NULL)`)
	db.exec(t, `INSERT INTO small_a VALUES (1), (2)`)
	db.exec(t, `INSERT INTO small_b VALUES (3)`)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	delete(cfg, "table.whitelist")
	delete(cfg, "incrementing.column.name")
	cfg["table.blacklist"] = "stations"
	cfg["mode"] = "bulk"
	cfg["tasks.max"] = "2"
	cfg["topic.prefix"] = "bulk."
	if r := wk.do(t, "POST", "/connectors", map[string]any{"name": "bulk", "config": cfg}); r.code != 201 {
		t.Fatalf("POST = %d %s", r.code, r.body)
	}
	waitTasks(t, wk, "bulk", stateRunning, 2)
	var tasks []taskInfo
	wk.do(t, "GET", "/connectors/bulk/tasks", nil).json(t, &tasks)
	if len(tasks) != 2 || tasks[0].Config["tables"] != `"public"."small_a"` || tasks[1].Config["tables"] != `"public"."small_b"` {
		t.Errorf("tasks = %+v", tasks)
	}
	// Bulk mode copies the whole table on every poll and stores no offset.
	eventually(t, "repeated bulk copies", func() string {
		a := readTopic(t, b, "bulk.small_a")
		if len(a) < 4 || len(a)%2 != 0 {
			return fmt.Sprintf("%d records", len(a))
		}
		if string(a[0].Value) != `{"n":1}` || string(a[1].Value) != `{"n":2}` {
			return string(a[0].Value)
		}
		return ""
	})
	for _, r := range readTopic(t, b, "connect-offsets") {
		if strings.HasPrefix(string(r.Key), `["bulk"`) {
			t.Errorf("bulk mode stored an offset: %s", r.Key)
		}
	}
}

func TestPutConfigCreatesStopAndPlainRestart(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	r := wk.do(t, "PUT", "/connectors/stations/config", cfg)
	if r.code != 201 || r.header.Get("Location") != "/connectors/stations" {
		t.Fatalf("PUT create = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", stateRunning)
	waitRecords(t, b, stationsTopic, 230)
	if r := wk.do(t, "POST", "/connectors/stations/restart", nil); r.code != 204 {
		t.Errorf("restart = %d %s", r.code, r.body)
	}
	if r := wk.do(t, "PUT", "/connectors/stations/stop", nil); r.code != 202 {
		t.Fatalf("stop = %d %s", r.code, r.body)
	}
	eventually(t, "STOPPED", func() string {
		var st connectorStateInfo
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if st.Connector.State != stateStopped || len(st.Tasks) != 0 {
			return st.Connector.State
		}
		return ""
	})
	db.insertStation(t, 50000)
	if r := wk.do(t, "PUT", "/connectors/stations/resume", nil); r.code != 202 {
		t.Fatalf("resume = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", stateRunning)
	stopIDs(t, waitRecords(t, b, stationsTopic, 231))
}
