package connect

import (
	"strings"
	"testing"
)

// thingsConnector creates connector "things" copying a three-row table in
// incrementing mode and waits for its rows and its committed offset.
func thingsConnector(t *testing.T, wk *worker, b *broker) *testDB {
	t.Helper()
	db := newTestDB(t, sharedPostgres(t))
	db.exec(t, `CREATE TABLE things (id SERIAL PRIMARY KEY, label TEXT NOT NULL)`)
	db.exec(t, `INSERT INTO things (label) VALUES ('a'), ('b'), ('c')`)
	cfg := referenceConfig(db)
	cfg["table.whitelist"] = "things"
	cfg["incrementing.column.name"] = "id"
	cfg["topic.prefix"] = "t."
	r := wk.do(t, "POST", "/connectors", map[string]any{"name": "things", "config": cfg})
	if r.code != 201 {
		t.Fatalf("POST /connectors = %d %s", r.code, r.body)
	}
	waitRecords(t, b, "t.things", 3)
	waitLastOffset(t, b, `["things",{"protocol":"1","table":"public.things"}]`, `{"incrementing":3}`)
	return db
}

// The framework-managed outcome message of Worker.completeModifyOffsetsCallback
// (Kafka 3.9), for a connector whose alterOffsets returns false as
// SourceConnector's default does; JdbcSourceConnector does not override it.
func frameworkManaged(kind string) string {
	return `{"message":"The Connect framework-managed offsets for this connector have been ` + kind +
		` successfully. However, if this connector manages offsets externally, they will need to be manually ` + kind +
		` in the system that the connector uses."}`
}

// KIP-875 (ConnectorsResource.alterConnectorOffsets/resetConnectorOffsets and
// DistributedHerder.modifyConnectorOffsetsChecks in Kafka 3.9): offsets may
// only change while the connector is STOPPED.
func TestAlterOffsetsRefusedUnlessStopped(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	body := map[string]any{"offsets": []any{map[string]any{
		"partition": map[string]any{"protocol": "1", "table": "public.things"},
		"offset":    map[string]any{"incrementing": 1},
	}}}
	expectError(t, wk.do(t, "PATCH", "/connectors/nope/offsets", body), 404, "Connector nope not found")
	expectError(t, wk.do(t, "DELETE", "/connectors/nope/offsets", nil), 404, "Connector nope not found")
	expectError(t, wk.do(t, "PATCH", "/connectors/nope/offsets", map[string]any{"offsets": []any{}}), 400,
		"Partitions / offsets need to be provided for an alter offsets request")

	thingsConnector(t, wk, b)
	notStopped := "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/things/stop' endpoint"
	expectError(t, wk.do(t, "PATCH", "/connectors/things/offsets", body), 400, notStopped)
	expectError(t, wk.do(t, "DELETE", "/connectors/things/offsets", nil), 400, notStopped)
	if r := wk.do(t, "PUT", "/connectors/things/pause", nil); r.code != 202 {
		t.Fatalf("pause = %d %s", r.code, r.body)
	}
	expectError(t, wk.do(t, "PATCH", "/connectors/things/offsets", body), 400, notStopped)
}

// An altered offset is where the task resumes: rewinding "incrementing" to
// 1 makes the resumed connector copy rows 2 and 3 again.
func TestAlterOffsetsRewindsTheStoppedConnector(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	thingsConnector(t, wk, b)
	if r := wk.do(t, "PUT", "/connectors/things/stop", nil); r.code != 202 {
		t.Fatalf("stop = %d %s", r.code, r.body)
	}
	waitTasks(t, wk, "things", stateStopped, 0)

	nested := map[string]any{"offsets": []any{map[string]any{
		"partition": map[string]any{"protocol": "1", "table": "public.things"},
		"offset":    map[string]any{"incrementing": map[string]any{"x": 1}},
	}}}
	// OffsetUtils.validateFormat, surfaced as a 500 by ConnectExceptionMapper.
	expectError(t, wk.do(t, "PATCH", "/connectors/things/offsets", nested), 500,
		"Offsets may only contain primitive types as values, but field incrementing contains MAP")

	body := map[string]any{"offsets": []any{map[string]any{
		"partition": map[string]any{"protocol": "1", "table": "public.things"},
		"offset":    map[string]any{"incrementing": 1},
	}}}
	r := wk.do(t, "PATCH", "/connectors/things/offsets", body)
	if r.code != 200 || string(r.body) != frameworkManaged("altered") {
		t.Fatalf("PATCH offsets = %d %s", r.code, r.body)
	}
	r = wk.do(t, "GET", "/connectors/things/offsets", nil)
	if want := `{"offsets":[{"partition":{"protocol":"1","table":"public.things"},"offset":{"incrementing":1}}]}`; r.code != 200 || string(r.body) != want {
		t.Errorf("GET offsets = %d %s, want %s", r.code, r.body, want)
	}
	if r := wk.do(t, "PUT", "/connectors/things/resume", nil); r.code != 202 {
		t.Fatalf("resume = %d %s", r.code, r.body)
	}
	vals := waitRecords(t, b, "t.things", 5)
	if !strings.Contains(vals[3], `"id":2`) || !strings.Contains(vals[4], `"id":3`) {
		t.Errorf("after rewind: %s / %s", vals[3], vals[4])
	}
}

// Resetting writes a tombstone for every partition of the connector: the
// offsets are gone, also for a worker started afterwards, and the resumed
// connector copies the table from the start.
func TestResetOffsetsSurvivesRestart(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	thingsConnector(t, wk, b)
	if r := wk.do(t, "PUT", "/connectors/things/stop", nil); r.code != 202 {
		t.Fatalf("stop = %d %s", r.code, r.body)
	}
	r := wk.do(t, "DELETE", "/connectors/things/offsets", nil)
	if r.code != 200 || string(r.body) != frameworkManaged("reset") {
		t.Fatalf("DELETE offsets = %d %s", r.code, r.body)
	}
	offs := readTopic(t, b, "connect-offsets")
	if last := offs[len(offs)-1]; string(last.Key) != `["things",{"protocol":"1","table":"public.things"}]` || last.Value != nil {
		t.Errorf("last offset record = %s => %q, want a tombstone", last.Key, last.Value)
	}
	wk.close()

	wk2 := startWorker(t, b)
	r = wk2.do(t, "GET", "/connectors/things/offsets", nil)
	if r.code != 200 || string(r.body) != `{"offsets":[]}` {
		t.Errorf("GET offsets after restart = %d %s", r.code, r.body)
	}
	waitTasks(t, wk2, "things", stateStopped, 0)
	if r := wk2.do(t, "PUT", "/connectors/things/resume", nil); r.code != 202 {
		t.Fatalf("resume = %d %s", r.code, r.body)
	}
	waitRecords(t, b, "t.things", 6)
}
