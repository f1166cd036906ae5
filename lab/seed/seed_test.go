package seed_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ctalab/ctalab/fixtures"
	"github.com/ctalab/ctalab/lab/postgres"
	"github.com/ctalab/ctalab/lab/seed"
)

func startServer(t *testing.T) (context.Context, *postgres.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	t.Cleanup(cancel)
	srv, err := postgres.Start(ctx)
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close(context.Background()) })
	return ctx, srv
}

func connectAdmin(ctx context.Context, t *testing.T, superuserURL string) *pgx.Conn {
	t.Helper()
	adminURL, err := seed.AdminURL(superuserURL)
	if err != nil {
		t.Fatalf("AdminURL: %v", err)
	}
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Fatalf("connect as %s: %v", seed.Role, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

func TestApplyCreatesRoleDatabaseTableAndRows(t *testing.T) {
	ctx, srv := startServer(t)
	su := srv.SuperuserURL("postgres")

	res, err := seed.Apply(ctx, su)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	want := seed.Result{RoleCreated: true, DatabaseCreated: true, TableCreated: true, RowsLoaded: 230, Rows: 230}
	if res != want {
		t.Fatalf("first Apply = %+v, want %+v", res, want)
	}

	conn := connectAdmin(ctx, t, su)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM stations").Scan(&n); err != nil {
		t.Fatalf("count: %v", err)
	}
	if n != 230 {
		t.Fatalf("rows = %d, want 230", n)
	}
	var tableOwner, dbOwner string
	if err := conn.QueryRow(ctx, "SELECT tableowner FROM pg_tables WHERE tablename = 'stations'").Scan(&tableOwner); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()").Scan(&dbOwner); err != nil {
		t.Fatal(err)
	}
	if tableOwner != seed.Role || dbOwner != seed.Role {
		t.Fatalf("owners: table %q, database %q; want %q", tableOwner, dbOwner, seed.Role)
	}

	// Column types and nullability as in the reference DDL.
	rows, err := conn.Query(ctx, `SELECT column_name, data_type, coalesce(character_maximum_length, 0), is_nullable
		FROM information_schema.columns WHERE table_name = 'stations' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		var name, typ, nullable string
		var length int
		if err := rows.Scan(&name, &typ, &length, &nullable); err != nil {
			t.Fatal(err)
		}
		col := name + " " + typ
		if length > 0 {
			col += "(" + strconv.Itoa(length) + ")"
		}
		if nullable == "NO" {
			col += " not null"
		}
		got = append(got, col)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	wantCols := []string{
		"stop_id integer not null",
		"direction_id character varying(1) not null",
		"stop_name character varying(70) not null",
		"station_name character varying(70) not null",
		"station_descriptive_name character varying(200) not null",
		"station_id integer not null",
		"order integer",
		"red boolean not null",
		"blue boolean not null",
		"green boolean not null",
	}
	if strings.Join(got, "\n") != strings.Join(wantCols, "\n") {
		t.Fatalf("columns:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantCols, "\n"))
	}
	var pk string
	if err := conn.QueryRow(ctx, `SELECT a.attname FROM pg_index i JOIN pg_attribute a
		ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = 'stations'::regclass AND i.indisprimary`).Scan(&pk); err != nil || pk != "stop_id" {
		t.Fatalf("primary key = %q (%v), want stop_id", pk, err)
	}

	// Every fixture row is stored with its values.
	stations, err := fixtures.Stations()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []fixtures.Station{stations[0], stations[len(stations)/2], stations[len(stations)-1]} {
		var dir, stop, name, desc string
		var stationID int
		var order *int
		var red, blue, green bool
		err := conn.QueryRow(ctx, `SELECT direction_id, stop_name, station_name, station_descriptive_name,
			station_id, "order", red, blue, green FROM stations WHERE stop_id = $1`, s.StopID).
			Scan(&dir, &stop, &name, &desc, &stationID, &order, &red, &blue, &green)
		if err != nil {
			t.Fatalf("stop %d: %v", s.StopID, err)
		}
		if dir != s.DirectionID || stop != s.StopName || name != s.StationName || desc != s.StationDescriptiveName ||
			stationID != s.StationID || order == nil || *order != s.Order || red != s.Red || blue != s.Blue || green != s.Green {
			t.Fatalf("stop %d stored differently from the fixture %+v", s.StopID, s)
		}
	}

	// Applying again changes nothing.
	res, err = seed.Apply(ctx, su)
	if err != nil {
		t.Fatalf("second Apply: %v", err)
	}
	if want := (seed.Result{Rows: 230}); res != want {
		t.Fatalf("second Apply = %+v, want %+v", res, want)
	}
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM stations").Scan(&n); err != nil || n != 230 {
		t.Fatalf("rows after second Apply = %d (%v), want 230", n, err)
	}
}

func TestApplyLeavesNonEmptyTableAlone(t *testing.T) {
	ctx, srv := startServer(t)
	su := srv.SuperuserURL("postgres")
	if _, err := seed.Apply(ctx, su); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	conn := connectAdmin(ctx, t, su)
	if _, err := conn.Exec(ctx, "DELETE FROM stations WHERE stop_id <> 30001"); err != nil {
		t.Fatal(err)
	}
	res, err := seed.Apply(ctx, su)
	if err != nil {
		t.Fatalf("Apply on a table with rows: %v", err)
	}
	if want := (seed.Result{Rows: 1}); res != want {
		t.Fatalf("Apply = %+v, want %+v", res, want)
	}
	// An emptied table is loaded again.
	if _, err := conn.Exec(ctx, "DELETE FROM stations"); err != nil {
		t.Fatal(err)
	}
	res, err = seed.Apply(ctx, su)
	if err != nil {
		t.Fatalf("Apply on an empty table: %v", err)
	}
	if want := (seed.Result{RowsLoaded: 230, Rows: 230}); res != want {
		t.Fatalf("Apply = %+v, want %+v", res, want)
	}
}

func TestAdminURL(t *testing.T) {
	got, err := seed.AdminURL("postgres://root:pw@db.example:6543/postgres?sslmode=disable&connect_timeout=5")
	if err != nil {
		t.Fatalf("AdminURL: %v", err)
	}
	u, err := url.Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := u.User.Password()
	if u.User.Username() != seed.Role || pw != seed.Password || u.Host != "db.example:6543" ||
		u.Path != "/"+seed.Database || u.Query().Get("sslmode") != "disable" || u.Query().Get("connect_timeout") != "5" {
		t.Fatalf("AdminURL = %q", got)
	}
	if _, err := seed.AdminURL("host=x user=y"); err == nil {
		t.Fatalf("AdminURL accepted a keyword/value string")
	}
}

// Apply gives cta_admin back its login and the fixture password when a
// user changed them, whether or not the role's stored verifier can be
// checked without a change.
func TestApplyRestoresTheRolesLoginAndPassword(t *testing.T) {
	ctx, srv := startServer(t)
	su := srv.SuperuserURL("postgres")
	if _, err := seed.Apply(ctx, su); err != nil {
		t.Fatalf("first Apply: %v", err)
	}
	super, err := pgx.Connect(ctx, su)
	if err != nil {
		t.Fatalf("connect as superuser: %v", err)
	}
	defer super.Close(context.Background())
	for _, change := range []string{
		"ALTER ROLE " + seed.Role + " WITH PASSWORD 'changed'",
		"ALTER ROLE " + seed.Role + " WITH NOLOGIN",
		"ALTER ROLE " + seed.Role + " WITH PASSWORD NULL",
	} {
		if _, err := super.Exec(ctx, change); err != nil {
			t.Fatalf("%s: %v", change, err)
		}
		if _, err := seed.Apply(ctx, su); err != nil {
			t.Fatalf("Apply after %q: %v", change, err)
		}
		adminURL, err := seed.AdminURL(su)
		if err != nil {
			t.Fatal(err)
		}
		conn, err := pgx.Connect(ctx, adminURL)
		if err != nil {
			t.Fatalf("after %q and Apply, %s cannot log in: %v", change, seed.Role, err)
		}
		_ = conn.Close(context.Background())
	}
}
