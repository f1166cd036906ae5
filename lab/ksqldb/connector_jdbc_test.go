package ksqldb

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ctalab/ctalab/lab/postgres"
	"github.com/ctalab/ctalab/lab/seed"
)

// The connector statements run against the lab's Kafka Connect worker and
// a JDBC source connector over the lab's seeded PostgreSQL, after
// create-connector.md's example (pointed at the lab's stations table),
// describe-connector.md, show-connectors.md and drop-connector.md.
func TestConnectorsJDBCSourceLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PostgreSQL")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	pg, err := postgres.Start(ctx)
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	t.Cleanup(func() {
		cctx, ccancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer ccancel()
		_ = pg.Close(cctx)
	})
	if _, err := seed.Apply(ctx, pg.SuperuserURL("postgres")); err != nil {
		t.Fatalf("seed: %v", err)
	}
	st := newStack(t)
	cu := st.serveConnect()
	_, url := st.serve(WithConnectURL(cu))
	jdbcURL := "jdbc:postgresql://" + pg.Addr() + "/" + seed.Database
	create := "CREATE SOURCE CONNECTOR `jdbc-connector` WITH (\n" +
		"    'connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector',\n" +
		"    'connection.url'='" + jdbcURL + "',\n" +
		"    'connection.user'='" + seed.Role + "',\n" +
		"    'connection.password'='" + seed.Password + "',\n" +
		"    'mode'='bulk',\n" +
		"    'topic.prefix'='jdbc-',\n" +
		"    'table.whitelist'='stations',\n" +
		"    'key'='stop_id');"
	masked := "CREATE SOURCE CONNECTOR `jdbc-connector` WITH ('connector.class'='io.confluent.connect.jdbc.JdbcSourceConnector', " +
		"'connection.url'='[string]', 'connection.user'='[string]', 'connection.password'='[string]', 'mode'='[string]', " +
		"'topic.prefix'='[string]', 'table.whitelist'='[string]', 'key'='[string]');"

	t.Run("CREATE SOURCE CONNECTOR answers connector_info with Connect's connector, its key template resolved and values masked", func(t *testing.T) {
		out := mustKSQL(t, url, create, nil)
		if len(out) != 1 || out[0]["@type"] != "connector_info" || out[0]["statementText"] != masked {
			t.Fatalf("got %v", out)
		}
		info := out[0]["info"].(map[string]any)
		cfg := info["config"].(map[string]any)
		want := map[string]any{
			"name": "jdbc-connector", "tasks.max": "1", "transforms": "ksqlCreateKey,ksqlExtractString",
			"transforms.ksqlCreateKey.type": "org.apache.kafka.connect.transforms.ValueToKey", "transforms.ksqlCreateKey.fields": "stop_id",
			"transforms.ksqlExtractString.type": "org.apache.kafka.connect.transforms.ExtractField$Key", "transforms.ksqlExtractString.field": "stop_id",
			"connection.password": seed.Password,
		}
		for k, v := range want {
			if cfg[k] != v {
				t.Errorf("config %s = %v, want %v", k, cfg[k], v)
			}
		}
		if _, ok := cfg["key"]; ok {
			t.Errorf("config keeps key: %v", cfg)
		}
		if info["name"] != "jdbc-connector" || info["type"] != "source" {
			t.Errorf("info %v", info)
		}
	})

	t.Run("CREATE of a name Connect has, in any case, is refused with 409", func(t *testing.T) {
		code, body := stmtErr(t, url, strings.Replace(create, "`jdbc-connector`", "`JDBC-Connector`", 1))
		wantGenericError(t, code, body, 409, "Connector JDBC-Connector already exists")
	})

	t.Run("CREATE IF NOT EXISTS of a name Connect has warns", func(t *testing.T) {
		out := mustKSQL(t, url, strings.Replace(create, "CONNECTOR", "CONNECTOR IF NOT EXISTS", 1), nil)
		want := `[{"@type":"warning_entity","message":"Connector jdbc-connector already exists","statementText":` +
			string(jsonString(strings.Replace(masked, "CONNECTOR", "CONNECTOR IF NOT EXISTS", 1))) + `,"warnings":[]}]`
		if got, _ := json.Marshal(out); string(got) != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
	})

	t.Run("SHOW CONNECTORS lists the connector's type, class and running tasks", func(t *testing.T) {
		want := `[{"name":"jdbc-connector","type":"source","className":"io.confluent.connect.jdbc.JdbcSourceConnector","state":"RUNNING (1/1 tasks RUNNING)"}]`
		var got []byte
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			// until the worker has written the connector's status, SHOW
			// CONNECTORS fails as ksqlDB's does, reading the absent status
			code, body := post(t, url, "/ksql", "SHOW CONNECTORS;", nil)
			var out []struct {
				Connectors json.RawMessage `json:"connectors"`
			}
			if code != 200 || json.Unmarshal(body, &out) != nil {
				got = body
				continue
			}
			if got = out[0].Connectors; string(got) == want {
				break
			}
		}
		if string(got) != want {
			t.Fatalf("got %s\nwant %s", got, want)
		}
		out := mustKSQL(t, url, "SHOW SINK CONNECTORS;", nil)
		if cs := out[0]["connectors"].([]any); len(cs) != 0 {
			t.Errorf("SHOW SINK CONNECTORS listed %v", cs)
		}
	})

	t.Run("DESCRIBE CONNECTOR shows the status, the active topics and the tables over them", func(t *testing.T) {
		var d map[string]any
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
			code, body := post(t, url, "/ksql", "DESCRIBE CONNECTOR `jdbc-connector`;", nil)
			var out []map[string]any
			if code != 200 || json.Unmarshal(body, &out) != nil {
				continue // no status yet
			}
			if d = out[0]; len(d["topics"].([]any)) > 0 {
				break
			}
		}
		if d["@type"] != "connector_description" || d["connectorClass"] != "io.confluent.connect.jdbc.JdbcSourceConnector" {
			t.Fatalf("got %v", d)
		}
		if got, _ := json.Marshal(d["topics"]); string(got) != `["jdbc-stations"]` {
			t.Fatalf("topics %s", got)
		}
		// ConnectorStateInfo writes Connect's status in Connect's own order
		_, status := connectBody(t, http.MethodGet, cu+"/connectors/jdbc-connector/status", nil)
		_, raw := post(t, url, "/ksql", "DESCRIBE CONNECTOR `jdbc-connector`;", nil)
		var rawOut []struct {
			Status json.RawMessage `json:"status"`
		}
		if err := json.Unmarshal(raw, &rawOut); err != nil || string(rawOut[0].Status) != status {
			t.Errorf("status %s\nConnect's %s", raw, status)
		}
		mustKSQL(t, url, "CREATE TABLE JDBC_CONNECTOR_STATIONS (STOP_ID INT PRIMARY KEY, STOP_NAME STRING) "+
			"WITH (KAFKA_TOPIC='jdbc-stations', KEY_FORMAT='JSON', VALUE_FORMAT='JSON');", nil)
		d = mustKSQL(t, url, "DESCRIBE CONNECTOR `jdbc-connector`;", nil)[0]
		srcs := d["sources"].([]any)
		if len(srcs) != 1 {
			t.Fatalf("sources %v", srcs)
		}
		src := srcs[0].(map[string]any)
		if src["name"] != "JDBC_CONNECTOR_STATIONS" || src["topic"] != "jdbc-stations" || src["type"] != "TABLE" ||
			src["partitions"] != float64(0) || src["replication"] != float64(0) {
			t.Errorf("source %v", src)
		}
	})

	t.Run("DROP CONNECTOR deletes it from Connect and answers drop_connector", func(t *testing.T) {
		out := mustKSQL(t, url, "DROP CONNECTOR `jdbc-connector`;", nil)
		want := `[{"@type":"drop_connector","connectorName":"jdbc-connector","statementText":"DROP CONNECTOR ` + "`jdbc-connector`" + `;","warnings":[]}]`
		if got, _ := json.Marshal(out); string(got) != want {
			t.Errorf("got %s\nwant %s", got, want)
		}
		if code, _ := connectBody(t, http.MethodGet, cu+"/connectors/jdbc-connector", nil); code != 404 {
			t.Errorf("Connect still has it: %d", code)
		}
	})
}
