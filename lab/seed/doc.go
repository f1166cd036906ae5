// Package seed prepares any PostgreSQL server for the CTA pipeline: the
// role cta_admin (password chicago), the database cta it owns, and the
// stations table loaded with the 230 rows of cta_stations.csv, exactly as
// the original project's load_stations.sql did. Apply is idempotent.
package seed
