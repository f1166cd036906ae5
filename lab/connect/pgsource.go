package connect

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// tableID names a table by schema and name (pgjdbc reports no catalog).
type tableID struct {
	OID    uint32
	Schema string
	Name   string
}

// fqn is the unquoted "schema.table" used in offset partitions.
func (t tableID) fqn() string { return t.Schema + "." + t.Name }

// quoted is the identifier as the SQL sees it: "schema"."table".
func (t tableID) quoted() string { return quoteIdent(t.Schema) + "." + quoteIdent(t.Name) }

// quoteIdent quotes an identifier, doubling embedded quotes, so no name can
// change the statement around it.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// relkinds maps JDBC table types to pg_class.relkind values.
var relkinds = map[string][]string{
	"TABLE":             {"r", "p"},
	"PARTITIONED TABLE": {"p"},
	"VIEW":              {"v"},
	"MATERIALIZED VIEW": {"m"},
}

// listTables is TableMonitorThread.updateTables: the tables of the
// configured types, minus system schemas, filtered by the white- or
// blacklist matched against "schema.table", "\"schema\".\"table\"" or the
// bare table name. List entries are only compared, never put into SQL.
func listTables(ctx context.Context, conn *pgx.Conn, cfg *jdbcConfig) ([]tableID, error) {
	var kinds []string
	for _, t := range cfg.TableTypes {
		kinds = append(kinds, relkinds[strings.ToUpper(t)]...)
	}
	var schemaPattern any
	if cfg.SchemaPattern != "" {
		schemaPattern = cfg.SchemaPattern
	}
	rows, err := conn.Query(ctx, `
SELECT c.oid, n.nspname, c.relname
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind::text = ANY($1::text[])
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\_toast%'
  AND n.nspname NOT LIKE 'pg\_temp\_%'
  AND ($2::text IS NULL OR n.nspname LIKE $2::text)
ORDER BY n.nspname, c.relname`, kinds, schemaPattern)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var all []tableID
	for rows.Next() {
		var t tableID
		if err := rows.Scan(&t.OID, &t.Schema, &t.Name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("list tables: %w", err)
		}
		all = append(all, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	match := func(list []string, t tableID) bool {
		for _, e := range list {
			if e == t.fqn() || e == t.quoted() || e == t.Name {
				return true
			}
		}
		return false
	}
	var out []tableID
	for _, t := range all {
		switch {
		case len(cfg.Whitelist) > 0:
			if match(cfg.Whitelist, t) {
				out = append(out, t)
			}
		case len(cfg.Blacklist) > 0:
			if !match(cfg.Blacklist, t) {
				out = append(out, t)
			}
		default:
			out = append(out, t)
		}
	}
	return out, nil
}

// parseTableList reads the task's "tables" property back: a comma list of
// "schema"."table" identifiers (quotes doubled inside names).
func parseTableList(s string) ([]tableID, error) {
	var out []tableID
	i := 0
	readIdent := func() (string, error) {
		if i >= len(s) || s[i] != '"' {
			return "", fmt.Errorf("parse tables %q: expected quoted identifier at %d", s, i)
		}
		i++
		var b strings.Builder
		for i < len(s) {
			if s[i] == '"' {
				if i+1 < len(s) && s[i+1] == '"' {
					b.WriteByte('"')
					i += 2
					continue
				}
				i++
				return b.String(), nil
			}
			b.WriteByte(s[i])
			i++
		}
		return "", fmt.Errorf("parse tables %q: unterminated identifier", s)
	}
	for i < len(s) {
		schema, err := readIdent()
		if err != nil {
			return nil, err
		}
		if i >= len(s) || s[i] != '.' {
			return nil, fmt.Errorf("parse tables %q: expected '.' at %d", s, i)
		}
		i++
		name, err := readIdent()
		if err != nil {
			return nil, err
		}
		out = append(out, tableID{Schema: schema, Name: name})
		if i < len(s) {
			if s[i] != ',' {
				return nil, fmt.Errorf("parse tables %q: expected ',' at %d", s, i)
			}
			i++
		}
	}
	return out, nil
}
