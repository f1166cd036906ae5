package ksqldb

import (
	"regexp"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// INSERT INTO ... WITH (QUERY_ID = '...') SELECT names the query it starts,
// as ksqlDB 0.29 does (InsertIntoConfigs, QueryIdUtil.buildId): the id is
// upper-cased, must not start with a reserved prefix and may hold only
// letters, digits and '_'; an id already running is refused
// (EngineExecutor). QUERY_ID is the only property INSERT INTO takes.

var validQueryID = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

var reservedQueryIDPrefixes = []string{"INSERTQUERY_", "CTAS_", "CSAS_", "CST_"}

// insertQueryID returns the QUERY_ID of an INSERT INTO's WITH clause,
// upper-cased, or "" when it has none.
func insertQueryID(props []sql.Property, running map[string]*metastore.Query) (string, error) {
	var invalid []string
	id := ""
	for _, p := range props {
		if p.Name != "QUERY_ID" {
			invalid = append(invalid, p.Name)
			continue
		}
		lit, ok := p.Value.(*sql.Literal)
		if !ok || lit.Kind == sql.NullLit {
			return "", stmterr.Bad("Invalid value %s for property QUERY_ID", sql.Format(p.Value))
		}
		id = strings.ToUpper(lit.Text)
	}
	if len(invalid) > 0 {
		slices.Sort(invalid)
		return "", stmterr.Bad("Failed to prepare statement: Invalid config variable(s) in the WITH clause: %s", strings.Join(invalid, ","))
	}
	if id == "" {
		return "", nil
	}
	for _, prefix := range reservedQueryIDPrefixes {
		if strings.HasPrefix(id, prefix) {
			return "", stmterr.Bad("Query IDs must not start with a reserved query ID prefix (%s). Got '%s'.", strings.Join(reservedQueryIDPrefixes, ", "), id)
		}
	}
	if !validQueryID.MatchString(id) {
		return "", stmterr.Bad("Query IDs may contain only alphanumeric characters and '_'. Got: '%s'", id)
	}
	if _, ok := running[id]; ok {
		return "", stmterr.Bad("Query ID '%s' already exists.", id)
	}
	return id, nil
}
