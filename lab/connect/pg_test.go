package connect

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ctalab/ctalab/lab/postgres"
	"github.com/ctalab/ctalab/lab/seed"
)

// The integration tests share one PostgreSQL server; each test gets its own
// copy of the seeded cta database.
var (
	pgOnce   sync.Once
	pgServer *postgres.Server
	pgErr    error
	dbSeq    atomic.Int64
)

func TestMain(m *testing.M) {
	code := m.Run()
	if pgServer != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_ = pgServer.Close(ctx)
		cancel()
	}
	os.Exit(code)
}

// sharedPostgres starts the shared server with the cta database seeded.
func sharedPostgres(t *testing.T) *postgres.Server {
	t.Helper()
	pgOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		pgServer, pgErr = startSeeded(ctx)
	})
	if pgErr != nil {
		t.Fatalf("start postgres: %v", pgErr)
	}
	return pgServer
}

func startSeeded(ctx context.Context) (*postgres.Server, error) {
	srv, err := postgres.Start(ctx)
	if err != nil {
		return nil, err
	}
	res, err := seed.Apply(ctx, srv.SuperuserURL("postgres"))
	if err != nil {
		_ = srv.Close(ctx)
		return nil, err
	}
	if res.Rows != 230 {
		_ = srv.Close(ctx)
		return nil, fmt.Errorf("seeded %d stations, want 230", res.Rows)
	}
	return srv, nil
}

// testDB is a private copy of the cta database.
type testDB struct {
	srv  *postgres.Server
	name string
}

func newTestDB(t *testing.T, srv *postgres.Server) *testDB {
	t.Helper()
	name := "cta_" + strconv.FormatInt(dbSeq.Add(1), 10)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, srv.SuperuserURL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE cta OWNER cta_admin"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return &testDB{srv: srv, name: name}
}

func (d *testDB) jdbcURL() string {
	return "jdbc:postgresql://" + d.srv.Addr() + "/" + d.name
}

func (d *testDB) exec(t *testing.T, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.srv.URL("cta_admin", "chicago", d.name))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func (d *testDB) count(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, d.srv.URL("cta_admin", "chicago", d.name))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM stations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// insertStation adds a row with the given stop_id.
func (d *testDB) insertStation(t *testing.T, stopID int) {
	t.Helper()
	d.exec(t, `INSERT INTO stations VALUES ($1, 'N', 'Test stop', 'Test', 'Test (Blue Line)', 49999, 99, false, true, false)`, stopID)
}

// referenceConfig is the original CTA pipeline's JDBC source connector
// config (incrementing on stop_id, topic prefix "org.chicago.cta.",
// schemaless JSON, batch.max.rows 500) pointed at db, with a short poll
// interval so that new rows show up quickly.
func referenceConfig(db *testDB) map[string]string {
	return map[string]string{
		"connector.class":                "io.confluent.connect.jdbc.JdbcSourceConnector",
		"key.converter":                  "org.apache.kafka.connect.json.JsonConverter",
		"key.converter.schemas.enable":   "false",
		"value.converter":                "org.apache.kafka.connect.json.JsonConverter",
		"value.converter.schemas.enable": "false",
		"batch.max.rows":                 "500",
		"connection.url":                 db.jdbcURL(),
		"connection.user":                "cta_admin",
		"connection.password":            "chicago",
		"table.whitelist":                "stations",
		"mode":                           "incrementing",
		"incrementing.column.name":       "stop_id",
		"topic.prefix":                   "org.chicago.cta.",
		"poll.interval.ms":               "200",
	}
}

// eventually polls f until it returns "" or the deadline passes.
func eventually(t *testing.T, what string, f func() string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		if last = f(); last == "" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: %s", what, last)
}

// waitStatus waits until the connector and its one task are in state.
func waitStatus(t *testing.T, wk *worker, name, state string) connectorStateInfo {
	t.Helper()
	return waitTasks(t, wk, name, state, 1)
}

// waitTasks waits until the connector and n tasks are in state.
func waitTasks(t *testing.T, wk *worker, name, state string, n int) connectorStateInfo {
	t.Helper()
	var st connectorStateInfo
	eventually(t, "status "+state, func() string {
		r := wk.do(t, "GET", "/connectors/"+name+"/status", nil)
		if r.code != 200 {
			return fmt.Sprintf("%d %s", r.code, r.body)
		}
		st = connectorStateInfo{}
		r.json(t, &st)
		if st.Connector.State != state || len(st.Tasks) != n {
			return string(r.body)
		}
		for _, task := range st.Tasks {
			if task.State != state {
				return string(r.body)
			}
		}
		return ""
	})
	return st
}

// waitRecords waits until the topic holds n records and returns them.
func waitRecords(t *testing.T, b *broker, topic string, n int) []string {
	t.Helper()
	var vals []string
	eventually(t, fmt.Sprintf("%d records in %s", n, topic), func() string {
		recs := readTopic(t, b, topic)
		vals = vals[:0]
		for _, r := range recs {
			if r.Key != nil {
				return fmt.Sprintf("record key %q, want null", r.Key)
			}
			vals = append(vals, string(r.Value))
		}
		if len(vals) != n {
			return fmt.Sprintf("have %d", len(vals))
		}
		return ""
	})
	return vals
}

// stopIDs extracts stop_id from schemaless JSON values and checks they are
// strictly increasing (which also rules out duplicates).
func stopIDs(t *testing.T, vals []string) []int {
	t.Helper()
	var ids []int
	for _, v := range vals {
		i := strings.Index(v, `"stop_id":`)
		if i < 0 {
			t.Fatalf("no stop_id in %s", v)
		}
		rest := v[i+len(`"stop_id":`):]
		j := strings.IndexAny(rest, ",}")
		id, err := strconv.Atoi(rest[:j])
		if err != nil {
			t.Fatalf("stop_id in %s: %v", v, err)
		}
		if len(ids) > 0 && id <= ids[len(ids)-1] {
			t.Fatalf("stop_id %d after %d: not in stop_id order or duplicated", id, ids[len(ids)-1])
		}
		ids = append(ids, id)
	}
	return ids
}
