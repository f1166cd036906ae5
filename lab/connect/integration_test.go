package connect

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	stationsTopic = "org.chicago.cta.stations"
	// austinJSON is the first record the original CTA pipeline's connector
	// writes: the Austin (O'Hare-bound) stop, schemas disabled.
	austinJSON = `{"stop_id":30001,"direction_id":"E","stop_name":"Austin (O'Hare-bound)","station_name":"Austin","station_descriptive_name":"Austin (Blue Line)","station_id":40010,"order":29,"red":false,"blue":true,"green":false}`
)

func createStations(t *testing.T, wk *worker, cfg map[string]string) {
	t.Helper()
	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg})
	if r.code != 201 {
		t.Fatalf("POST /connectors = %d %s", r.code, r.body)
	}
}

func TestReferenceConnector(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)

	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg})
	if r.code != 201 || r.header.Get("Location") != "/connectors/stations" {
		t.Fatalf("POST /connectors = %d %s (Location %q)", r.code, r.body, r.header.Get("Location"))
	}
	var info connectorInfo
	r.json(t, &info)
	if info.Name != "stations" || info.Config["name"] != "stations" || info.Type != "source" || len(info.Tasks) != 0 {
		t.Errorf("created = %s", r.body)
	}

	st := waitStatus(t, wk, "stations", stateRunning)
	if st.Tasks[0].ID != 0 || st.Connector.WorkerID == "" || st.Type != "source" {
		t.Errorf("status = %+v", st)
	}
	vals := waitRecords(t, b, stationsTopic, 230)
	if vals[0] != austinJSON {
		t.Errorf("first record:\n got %s\nwant %s", vals[0], austinJSON)
	}
	stopIDs(t, vals)

	// A new row shows up on the next poll.
	db.insertStation(t, 50000)
	vals = waitRecords(t, b, stationsTopic, 231)
	if ids := stopIDs(t, vals); ids[230] != 50000 {
		t.Errorf("last stop_id = %d", ids[230])
	}

	// The offset record has the connector's real format.
	waitLastOffset(t, b, `["stations",{"protocol":"1","table":"public.stations"}]`, `{"incrementing":50000}`)
	waitOffset(t, wk, 50000)

	r = wk.do(t, "GET", "/connectors/stations", nil)
	if r.code != 200 || !strings.Contains(string(r.body), `"tasks":[{"connector":"stations","task":0}]`) {
		t.Errorf("GET /connectors/stations = %d %s", r.code, r.body)
	}
	var tasks []taskInfo
	wk.do(t, "GET", "/connectors/stations/tasks", nil).json(t, &tasks)
	if len(tasks) != 1 || tasks[0].Config["tables"] != `"public"."stations"` || tasks[0].Config["task.class"] != jdbcTaskClass {
		t.Errorf("tasks = %+v", tasks)
	}
	var got map[string]string
	wk.do(t, "GET", "/connectors/stations/config", nil).json(t, &got)
	if got["connection.password"] != "chicago" || got["name"] != "stations" || len(got) != len(cfg)+1 {
		t.Errorf("config = %v", got)
	}
	var expanded map[string]map[string]json.RawMessage
	wk.do(t, "GET", "/connectors?expand=status&expand=info", nil).json(t, &expanded)
	if len(expanded["stations"]["status"]) == 0 || len(expanded["stations"]["info"]) == 0 {
		t.Errorf("expand = %v", expanded)
	}

	expectError(t, wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg}), 409, "Connector stations already exists")

	// Pause and resume.
	if r := wk.do(t, "PUT", "/connectors/stations/pause", nil); r.code != 202 {
		t.Fatalf("pause = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", statePaused)
	db.insertStation(t, 50001)
	if r := wk.do(t, "PUT", "/connectors/stations/resume", nil); r.code != 202 {
		t.Fatalf("resume = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", stateRunning)
	stopIDs(t, waitRecords(t, b, stationsTopic, 232))

	// PUT config on an existing connector is an update (200).
	cfg["batch.max.rows"] = "100"
	cfg["name"] = "stations"
	if r := wk.do(t, "PUT", "/connectors/stations/config", cfg); r.code != 200 {
		t.Fatalf("PUT config = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", stateRunning)
	db.insertStation(t, 50002)
	stopIDs(t, waitRecords(t, b, stationsTopic, 233))
}

func TestRestartResumesWithoutDuplicates(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["batch.max.rows"] = "50" // several transactions per poll
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	waitRecords(t, b, stationsTopic, 230)

	// Stop the worker and the broker, start both again on the same data.
	wk.close()
	b.stop()
	db.insertStation(t, 50000)
	b.start()
	wk = startWorker(t, b)
	waitStatus(t, wk, "stations", stateRunning)
	ids := stopIDs(t, waitRecords(t, b, stationsTopic, 231))
	if ids[230] != 50000 {
		t.Errorf("last = %d", ids[230])
	}

	// Deleting and re-creating the connector keeps its offsets.
	if r := wk.do(t, "DELETE", "/connectors/stations", nil); r.code != 204 {
		t.Fatalf("DELETE = %d %s", r.code, r.body)
	}
	expectError(t, wk.do(t, "GET", "/connectors/stations/status", nil), 404, "No status found for connector stations")
	db.insertStation(t, 50001)
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	stopIDs(t, waitRecords(t, b, stationsTopic, 232))
	// Nothing else arrives: a marker row inserted now is the next record.
	// Had the re-created connector started from scratch, its rows would
	// come before the marker, and out of stop_id order.
	db.insertStation(t, 50003)
	ids = stopIDs(t, waitRecords(t, b, stationsTopic, 233))
	if ids[231] != 50001 || ids[232] != 50003 {
		t.Errorf("last two = %v, want [50001 50003]", ids[231:])
	}
}

func TestInvalidConfigs(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	const tail = "\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`"
	cases := []struct {
		name   string
		change map[string]string
		drop   []string
		errs   []string
	}{
		{"missing mode", nil, []string{"mode"}, []string{"Query mode must be specified", "Query mode must be specified", "Query mode must be specified"}},
		{"unknown mode", map[string]string{"mode": "sometimes"}, nil, []string{"Invalid value sometimes for configuration mode: String must be one of: , bulk, timestamp, incrementing, timestamp+incrementing"}},
		{"bad url", map[string]string{"connection.url": "postgresql://" + db.srv.Addr() + "/" + db.name}, nil, []string{"Not a valid JDBC URL: postgresql://" + db.srv.Addr() + "/" + db.name}},
		{"wrong password", map[string]string{"connection.password": "nope"}, nil, []string{
			`Invalid value org.postgresql.util.PSQLException: FATAL: password authentication failed for user "cta_admin" for configuration Couldn't open connection to ` + db.jdbcURL(),
			`Invalid value org.postgresql.util.PSQLException: FATAL: password authentication failed for user "cta_admin" for configuration Couldn't open connection to ` + db.jdbcURL(),
		}},
		{"unknown converter", map[string]string{"key.converter": "org.example.Nope"}, nil, []string{"Invalid value org.example.Nope for configuration key.converter: Class org.example.Nope could not be found."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := referenceConfig(db)
			for k, v := range c.change {
				cfg[k] = v
			}
			for _, k := range c.drop {
				delete(cfg, k)
			}
			r := wk.do(t, "POST", "/connectors", map[string]any{"name": "stations", "config": cfg})
			want := "Connector configuration is invalid and contains the following " + strconv.Itoa(len(c.errs)) + " error(s):\n" + strings.Join(c.errs, "\n") + tail
			expectError(t, r, 400, want)

			cfg["name"] = "stations"
			r = wk.do(t, "PUT", "/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate", cfg)
			var ci configInfos
			r.json(t, &ci)
			if r.code != 200 || ci.ErrorCount != len(c.errs) || strings.Join(ci.errorMessages(), "\n") != strings.Join(c.errs, "\n") {
				t.Errorf("validate = %d, %d errors: %q", r.code, ci.ErrorCount, ci.errorMessages())
			}
		})
	}
	expectError(t, wk.do(t, "GET", "/connectors/stations", nil), 404, "Connector stations not found")
}

func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a private PostgreSQL server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := startSeeded(ctx)
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	db := newTestDB(t, srv)
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["connection.attempts"] = "2"
	cfg["connection.backoff.ms"] = "100"
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	waitRecords(t, b, stationsTopic, 230)

	if err := srv.Stop(ctx); err != nil {
		t.Fatalf("stop postgres: %v", err)
	}
	var trace string
	eventually(t, "task FAILED", func() string {
		var st connectorStateInfo
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if len(st.Tasks) != 1 || st.Tasks[0].State != stateFailed {
			return "connector " + st.Connector.State
		}
		trace = st.Tasks[0].Trace
		return ""
	})
	// Depending on when the task notices, PostgreSQL is shutting down or gone.
	if !strings.HasPrefix(trace, "org.apache.kafka.connect.errors.ConnectException: Failed to connect to "+db.jdbcURL()) ||
		!strings.Contains(trace, "Connection to "+srv.Addr()+" refused") && !strings.Contains(trace, "the database system is shutting down") {
		t.Errorf("trace does not say why: %s", trace)
	}
	if r := wk.do(t, "GET", "/", nil); r.code != 200 {
		t.Errorf("worker down: %d", r.code)
	}

	if err := srv.Start(ctx); err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	db.insertStation(t, 50000)
	db.insertStation(t, 50001)
	r := wk.do(t, "POST", "/connectors/stations/restart?includeTasks=true&onlyFailed=true", nil)
	var st connectorStateInfo
	r.json(t, &st)
	if r.code != 202 || st.Connector.State != stateRunning || st.Tasks[0].State != stateRestarting {
		t.Errorf("restart = %d %s", r.code, r.body)
	}
	waitStatus(t, wk, "stations", stateRunning)
	ids := stopIDs(t, waitRecords(t, b, stationsTopic, 232))
	if ids[230] != 50000 || ids[231] != 50001 {
		t.Errorf("tail = %v", ids[228:])
	}
}

func TestSchemasEnabledEnvelope(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	cfg := referenceConfig(db)
	cfg["value.converter.schemas.enable"] = "true"
	createStations(t, wk, cfg)
	vals := waitRecords(t, b, stationsTopic, 230)
	want := `{"schema":{"type":"struct","fields":[` +
		`{"type":"int32","optional":false,"field":"stop_id"},` +
		`{"type":"string","optional":false,"field":"direction_id"},` +
		`{"type":"string","optional":false,"field":"stop_name"},` +
		`{"type":"string","optional":false,"field":"station_name"},` +
		`{"type":"string","optional":false,"field":"station_descriptive_name"},` +
		`{"type":"int32","optional":false,"field":"station_id"},` +
		`{"type":"int32","optional":true,"field":"order"},` +
		`{"type":"boolean","optional":false,"field":"red"},` +
		`{"type":"boolean","optional":false,"field":"blue"},` +
		`{"type":"boolean","optional":false,"field":"green"}],` +
		`"optional":false,"name":"stations"},"payload":` + austinJSON + `}`
	if vals[0] != want {
		t.Errorf("first record:\n got %s\nwant %s", vals[0], want)
	}
}

func TestWhitelistInjectionIsHarmless(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b)
	// A table whose name is itself an injection attempt is copied like any other.
	weird := `x"; DROP TABLE stations; --`
	db.exec(t, `CREATE TABLE `+quoteIdent(weird)+` (id INTEGER PRIMARY KEY)`)
	db.exec(t, `INSERT INTO `+quoteIdent(weird)+` VALUES (1), (2)`)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = `stations"; DROP TABLE stations; --,` + weird
	cfg["incrementing.column.name"] = "id"
	cfg["topic.prefix"] = "inj."
	createStations(t, wk, cfg)
	eventually(t, "connector RUNNING", func() string {
		var st connectorStateInfo
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if st.Connector.State != stateRunning || len(st.Tasks) != 1 {
			return "connector " + st.Connector.State
		}
		return ""
	})
	var tasks []taskInfo
	r := wk.do(t, "GET", "/connectors/stations/tasks", nil)
	r.json(t, &tasks)
	if len(tasks) != 1 || tasks[0].Config["tables"] != `"public"."x""; DROP TABLE stations; --"` {
		t.Fatalf("tasks = %s; status %s", r.body, wk.do(t, "GET", "/connectors/stations/status", nil).body)
	}
	// The weird table's topic name is not a legal Kafka topic, so the task
	// fails when it creates it, as a real worker's producer would; the SQL
	// itself ran as written.
	var st connectorStateInfo
	eventually(t, "task FAILED", func() string {
		st = connectorStateInfo{}
		wk.do(t, "GET", "/connectors/stations/status", nil).json(t, &st)
		if len(st.Tasks) != 1 || st.Tasks[0].State != stateFailed {
			return "not failed yet"
		}
		return ""
	})
	if !strings.Contains(st.Tasks[0].Trace, "inj.x\"; DROP TABLE stations; --") {
		t.Errorf("trace = %s", st.Tasks[0].Trace)
	}
	if n := db.count(t); n != 230 {
		t.Errorf("stations has %d rows", n)
	}
}
