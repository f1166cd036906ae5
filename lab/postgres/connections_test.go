package postgres

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// labSessions is how many sessions a lab may hold at once as an ordinary
// role: the JDBC source connector's table lookup and one session per task
// (confluentinc/kafka-connect-jdbc's JdbcSourceConnector and
// JdbcSourceTask each open their own connection), the seed's, and room for
// specs that run several connectors side by side.
const labSessions = 16

// The server is sized for a lab's few clients, but each of them still gets
// its session: PostgreSQL keeps superuser_reserved_connections of
// max_connections for superusers (PostgreSQL 15 docs,
// runtime-config-connection.html), and an ordinary role must still be able
// to open every session a lab holds at once.
func TestTheLabsPostgreSQLAcceptsEverySessionALabHoldsAtOnce(t *testing.T) {
	ctx := testContext(t)
	s, err := Start(ctx)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	execSQL(ctx, t, s.SuperuserURL("postgres"), "CREATE ROLE lab_client LOGIN PASSWORD 'lab-client'")
	url := s.URL("lab_client", "lab-client", "postgres")

	conns := make([]*pgx.Conn, labSessions)
	errs := make([]error, labSessions)
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			c, err := pgx.Connect(ctx, url)
			if err == nil {
				var one int
				err = c.QueryRow(ctx, "SELECT 1").Scan(&one)
			}
			conns[i], errs[i] = c, err
		})
	}
	wg.Wait()
	for i, c := range conns {
		if c != nil {
			defer c.Close(context.Background())
		}
		if errs[i] != nil {
			t.Errorf("session %d of %d: %v", i+1, labSessions, errs[i])
		}
	}
}
