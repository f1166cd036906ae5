package connect

import (
	"encoding/json"
	"testing"
)

// ConnectorsResource (Kafka 3.9): PATCH /connectors/{name}/config merges
// the patch into the stored config, a null removing a key
// (ConnectUtils.patchConfig), and answers 200 with the ConnectorInfo; an
// unknown connector is 404 "Connector <name> not found".
func TestPatchConnectorConfig(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	expectError(t, wk.do(t, "PATCH", "/connectors/nope/config", map[string]any{"poll.interval.ms": "100"}), 404, "Connector nope not found")
	thingsConnector(t, wk, b)
	r := wk.do(t, "PATCH", "/connectors/things/config", map[string]any{"poll.interval.ms": 300, "batch.max.rows": nil})
	var info connectorInfo
	r.json(t, &info)
	if r.code != 200 || info.Name != "things" || info.Config["poll.interval.ms"] != "300" || info.Config["topic.prefix"] != "t." {
		t.Fatalf("PATCH = %d %s", r.code, r.body)
	}
	if _, ok := info.Config["batch.max.rows"]; ok {
		t.Errorf("batch.max.rows still set: %s", r.body)
	}
	var cfg map[string]string
	wk.do(t, "GET", "/connectors/things/config", nil).json(t, &cfg)
	if cfg["poll.interval.ms"] != "300" || cfg["batch.max.rows"] != "" {
		t.Errorf("stored config = %v", cfg)
	}
	// A patch that makes the config invalid is refused like a PUT.
	r = wk.do(t, "PATCH", "/connectors/things/config", map[string]any{"mode": "sometimes"})
	if r.code != 400 {
		t.Errorf("invalid patch = %d %s", r.code, r.body)
	}
}

// The deprecated GET /connectors/{name}/tasks-config keys task configs by
// ConnectorTaskId.toString ("<name>-<task>").
func TestTasksConfigAndExpand(t *testing.T) {
	b := startBroker(t)
	wk := startWorker(t, b)
	expectError(t, wk.do(t, "GET", "/connectors/nope/tasks-config", nil), 404, "Connector nope not found")
	thingsConnector(t, wk, b)
	var tc map[string]map[string]string
	r := wk.do(t, "GET", "/connectors/things/tasks-config", nil)
	r.json(t, &tc)
	if r.code != 200 || len(tc) != 1 || tc["things-0"]["tables"] != `"public"."things"` {
		t.Errorf("tasks-config = %d %s", r.code, r.body)
	}
	// expand values are matched exactly; unknown ones are ignored.
	var ex map[string]map[string]json.RawMessage
	wk.do(t, "GET", "/connectors?expand=STATUS&expand=info&expand=other", nil).json(t, &ex)
	if len(ex["things"]) != 1 || len(ex["things"]["info"]) == 0 {
		t.Errorf("expand = %v", ex)
	}
}
