package containers

import (
	"context"
	"fmt"

	"github.com/ctalab/ctalab/lab/seed"
)

// seedPostgres creates the cta_admin role, the cta database and the loaded
// stations table on the PostgreSQL the host reaches at addr.
func seedPostgres(ctx context.Context, addr string) (seed.Result, error) {
	res, err := seed.Apply(ctx, superuserURL(addr))
	if err != nil {
		return res, fmt.Errorf("seed postgres: %w", err)
	}
	return res, nil
}

// superuserURL is the image superuser's URL; the postgres image serves no
// TLS, hence sslmode=disable.
func superuserURL(addr string) string {
	return postgresURL(postgresSuperuser, postgresSuperPassword, addr, "postgres") + "?sslmode=disable"
}
