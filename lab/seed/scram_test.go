package seed

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ctalab/ctalab/lab/postgres"
)

// The verifier PostgreSQL stores for a password set with ALTER ROLE (its
// own SCRAM-SHA-256 code, with a random salt) matches that password and no
// other: the expectation is PostgreSQL's, not this package's.
func TestSCRAMVerifierOfPostgreSQLMatchesItsPasswordOnly(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	srv, err := postgres.Start(ctx)
	if err != nil {
		t.Fatalf("start postgres: %v", err)
	}
	defer func() { _ = srv.Close(context.Background()) }()
	conn, err := pgx.Connect(ctx, srv.SuperuserURL("postgres"))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	for _, pw := range []string{"pencil", "chicago", "a longer pass phrase with spaces"} {
		if _, err := conn.Exec(ctx, "DROP ROLE IF EXISTS verifier_check"); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, "CREATE ROLE verifier_check LOGIN PASSWORD "+quoteLiteral(pw)); err != nil {
			t.Fatal(err)
		}
		var verifier string
		if err := conn.QueryRow(ctx, "SELECT rolpassword FROM pg_authid WHERE rolname = 'verifier_check'").Scan(&verifier); err != nil {
			t.Fatal(err)
		}
		if !scramVerifierMatches(verifier, pw) {
			t.Errorf("PostgreSQL's verifier %q does not match its password %q", verifier, pw)
		}
		if scramVerifierMatches(verifier, pw+"x") {
			t.Errorf("PostgreSQL's verifier %q matches %q, not its password", verifier, pw+"x")
		}
		if !hasPassword(ctx, conn, "verifier_check", pw) {
			t.Errorf("hasPassword(verifier_check, %q) = false", pw)
		}
	}
	if scramVerifierMatches("md5"+"0123456789abcdef0123456789abcdef", "pencil") {
		t.Error("an MD5 hash counts as a SCRAM verifier")
	}
}
