package connect

import (
	"strings"
	"testing"
)

// A connector written for the compose file names its database by the
// compose service (jdbc:postgresql://postgres:5432/cta), as Connect's
// container resolves it on the compose network. A worker given a host
// resolver (the embedded stack's, which maps the compose services to its
// own) reaches that database, and validation opens the connection too.
func TestConnectorNamingAComposeServiceReachesTheResolvedDatabase(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b, WithHostResolver(func(hostPort string) (string, bool) {
		if hostPort == "postgres:5432" {
			return db.srv.Addr(), true
		}
		return "", false
	}))
	cfg := referenceConfig(db)
	cfg["connection.url"] = "jdbc:postgresql://postgres:5432/" + db.name
	cfg["name"] = "stations"

	r := wk.do(t, "PUT", "/connector-plugins/JdbcSourceConnector/config/validate", cfg)
	if r.code != 200 || !strings.Contains(string(r.body), `"error_count":0`) {
		t.Fatalf("validate = %d, error_count not 0 (%d bytes)", r.code, len(r.body))
	}
	createStations(t, wk, cfg)
	waitStatus(t, wk, "stations", stateRunning)
	waitRecords(t, b, stationsTopic, 230)
}

// Without a resolver entry the name is looked up as usual: an unknown host
// fails validation with the connection error, and nothing is created.
func TestUnresolvedComposeServiceFailsValidation(t *testing.T) {
	db := newTestDB(t, sharedPostgres(t))
	b := startBroker(t)
	wk := startWorker(t, b, WithHostResolver(func(string) (string, bool) { return "", false }))
	cfg := referenceConfig(db)
	cfg["connection.url"] = "jdbc:postgresql://no-such-host.invalid:5432/" + db.name
	cfg["name"] = "stations"
	r := wk.do(t, "PUT", "/connector-plugins/JdbcSourceConnector/config/validate", cfg)
	if r.code != 200 || strings.Contains(string(r.body), `"error_count":0`) || !strings.Contains(string(r.body), "Couldn't open connection") {
		t.Fatalf("validate = %d, want an error naming the connection (%d bytes)", r.code, len(r.body))
	}
}
