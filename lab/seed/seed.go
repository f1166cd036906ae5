package seed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ctalab/ctalab/fixtures"
)

// The names the pipeline expects, as in the original project.
const (
	Role     = "cta_admin"
	Password = "chicago"
	Database = "cta"
	Table    = "stations"
)

// Result says what Apply did.
type Result struct {
	RoleCreated     bool // the role did not exist before
	DatabaseCreated bool // the database did not exist before
	TableCreated    bool // the table did not exist before
	RowsLoaded      int  // rows loaded by this call (0 when the table had rows)
	Rows            int  // rows in the table afterwards
}

type config struct {
	logger *slog.Logger
}

// Option configures Apply.
type Option func(*config)

// WithLogger sets the logger for what Apply does. The default discards.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// Apply connects with superuserURL (a postgres:// URL or keyword/value
// string for a superuser, any database) and makes sure that:
//
//   - role cta_admin exists, can log in, and has password chicago (the
//     password is reset when the role already exists);
//   - database cta exists and is owned by cta_admin;
//   - table stations exists in cta, created by cta_admin with the original
//     DDL; an existing table is never altered or dropped;
//   - the table holds the stations: the 230 fixture rows are loaded only
//     when the table is empty. A table that already has rows, whatever
//     they are, is left alone, so Apply never duplicates or overwrites
//     data and running it twice changes nothing.
func Apply(ctx context.Context, superuserURL string, opts ...Option) (Result, error) {
	cfg := config{logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range opts {
		o(&cfg)
	}
	var res Result
	stations, err := fixtures.Stations()
	if err != nil {
		return res, fmt.Errorf("seed: read stations: %w", err)
	}
	connCfg, err := pgx.ParseConfig(superuserURL)
	if err != nil {
		return res, fmt.Errorf("seed: parse superuser url: %w", err)
	}
	db, err := connectDatabase(ctx, connCfg, &res)
	if err != nil {
		return res, err
	}
	defer db.Close(context.Background())
	if err := loadStations(ctx, db, stations, &res); err != nil {
		return res, err
	}
	cfg.logger.Info("seeded PostgreSQL", "role_created", res.RoleCreated, "database_created", res.DatabaseCreated,
		"table_created", res.TableCreated, "rows_loaded", res.RowsLoaded, "rows", res.Rows)
	return res, nil
}

// connectDatabase connects as the superuser to the database Apply fills,
// with the role and the database made or checked first. A cluster that
// holds the database already (every copy of a seeded template) needs one
// connection: the role and database checks read shared catalogs, which
// every database sees. Otherwise the checks run on a connection to the
// database superuserURL names, which is then closed.
func connectDatabase(ctx context.Context, connCfg *pgx.ConnConfig, res *Result) (*pgx.Conn, error) {
	dbCfg := connCfg.Copy()
	dbCfg.Database = Database
	db, err := pgx.ConnectConfig(ctx, dbCfg)
	if err == nil {
		if res.RoleCreated, err = ensureRole(ctx, db); err == nil {
			res.DatabaseCreated, err = ensureDatabase(ctx, db)
		}
		if err != nil {
			_ = db.Close(context.Background())
			return nil, err
		}
		return db, nil
	}
	if !isCode(err, "3D000") { // invalid_catalog_name: no such database yet
		return nil, fmt.Errorf("seed: connect to database %s: %w", Database, err)
	}
	conn, err := pgx.ConnectConfig(ctx, connCfg)
	if err != nil {
		return nil, fmt.Errorf("seed: connect: %w", err)
	}
	defer conn.Close(context.Background())
	if res.RoleCreated, err = ensureRole(ctx, conn); err != nil {
		return nil, err
	}
	if res.DatabaseCreated, err = ensureDatabase(ctx, conn); err != nil {
		return nil, err
	}
	db, err = pgx.ConnectConfig(ctx, dbCfg)
	if err != nil {
		return nil, fmt.Errorf("seed: connect to database %s: %w", Database, err)
	}
	return db, nil
}

// TemplateName names what Apply makes on an empty cluster (the role, the
// database, the table's DDL and the fixture rows), for a cluster template
// that holds it (postgres.WithTemplateSeed): it changes whenever any of
// them does.
func TemplateName() (string, error) {
	stations, err := fixtures.Stations()
	if err != nil {
		return "", fmt.Errorf("seed: read stations: %w", err)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", Role, Password, Database, Table, createStations)
	for _, st := range stations {
		fmt.Fprintf(h, "%+v\n", st)
	}
	return "cta-" + hex.EncodeToString(h.Sum(nil))[:16], nil
}

// AdminURL returns the postgres:// URL for cta_admin on database cta at
// the same host, port and parameters as superuserURL.
func AdminURL(superuserURL string) (string, error) {
	u, err := url.Parse(superuserURL)
	if err != nil {
		return "", fmt.Errorf("admin url: %w", err)
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return "", fmt.Errorf("admin url: %q is not a postgres:// URL", redact(superuserURL))
	}
	u.User = url.UserPassword(Role, Password)
	u.Path, u.RawPath = "/"+Database, ""
	return u.String(), nil
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	if strings.Contains(s, "password") {
		return "(keyword/value string)"
	}
	return s
}

func ensureRole(ctx context.Context, conn *pgx.Conn) (created bool, err error) {
	var exists, canLogin bool
	if err := conn.QueryRow(ctx, "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", Role).Scan(&canLogin); err == nil {
		exists = true
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("seed: look up role %s: %w", Role, err)
	}
	if canLogin && hasPassword(ctx, conn, Role, Password) {
		return false, nil // as ALTER ROLE would leave it, without a commit
	}
	role := pgx.Identifier{Role}.Sanitize()
	if !exists {
		_, err := conn.Exec(ctx, "CREATE ROLE "+role+" LOGIN PASSWORD "+quoteLiteral(Password))
		if err == nil {
			return true, nil
		}
		if !isCode(err, "42710") { // duplicate_object: created concurrently
			return false, fmt.Errorf("seed: create role %s: %w", Role, err)
		}
	}
	if _, err := conn.Exec(ctx, "ALTER ROLE "+role+" WITH LOGIN PASSWORD "+quoteLiteral(Password)); err != nil {
		return false, fmt.Errorf("seed: alter role %s: %w", Role, err)
	}
	return false, nil
}

func ensureDatabase(ctx context.Context, conn *pgx.Conn) (created bool, err error) {
	var owner string
	err = conn.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", Database).Scan(&owner)
	db, role := pgx.Identifier{Database}.Sanitize(), pgx.Identifier{Role}.Sanitize()
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		_, err := conn.Exec(ctx, "CREATE DATABASE "+db+" OWNER "+role)
		if err == nil {
			return true, nil
		}
		if !isCode(err, "42P04") { // duplicate_database: created concurrently
			return false, fmt.Errorf("seed: create database %s: %w", Database, err)
		}
		return false, nil
	case err != nil:
		return false, fmt.Errorf("seed: look up database %s: %w", Database, err)
	case owner != Role:
		if _, err := conn.Exec(ctx, "ALTER DATABASE "+db+" OWNER TO "+role); err != nil {
			return false, fmt.Errorf("seed: give database %s to %s: %w", Database, Role, err)
		}
	}
	return false, nil
}

// loadStations creates the table as cta_admin when missing and loads the
// rows when it is empty, in one transaction that locks out concurrent
// writers.
func loadStations(ctx context.Context, db *pgx.Conn, stations []fixtures.Station, res *Result) error {
	tx, err := db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("seed: begin: %w", err)
	}
	defer func() { _ = tx.Rollback(context.Background()) }()

	if _, err := tx.Exec(ctx, "SET LOCAL ROLE "+pgx.Identifier{Role}.Sanitize()); err != nil {
		return fmt.Errorf("seed: set role %s: %w", Role, err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", Table).Scan(&exists); err != nil {
		return fmt.Errorf("seed: look up table %s: %w", Table, err)
	}
	if !exists {
		if _, err := tx.Exec(ctx, createStations); err != nil {
			return fmt.Errorf("seed: create table %s: %w", Table, err)
		}
		res.TableCreated = true
	}
	if _, err := tx.Exec(ctx, "LOCK TABLE "+Table+" IN SHARE ROW EXCLUSIVE MODE"); err != nil {
		return fmt.Errorf("seed: lock table %s: %w", Table, err)
	}
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+Table).Scan(&res.Rows); err != nil {
		return fmt.Errorf("seed: count rows: %w", err)
	}
	if res.Rows == 0 {
		rows := make([][]any, 0, len(stations))
		for _, s := range stations {
			rows = append(rows, []any{
				int32(s.StopID), s.DirectionID, s.StopName, s.StationName, s.StationDescriptiveName,
				int32(s.StationID), int32(s.Order), s.Red, s.Blue, s.Green,
			})
		}
		n, err := tx.CopyFrom(ctx, pgx.Identifier{Table}, stationColumns, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("seed: copy stations: %w", err)
		}
		res.RowsLoaded, res.Rows = int(n), int(n)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("seed: commit: %w", err)
	}
	return nil
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

func isCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}
