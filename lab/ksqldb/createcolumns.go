package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkDuplicateColumns refuses a CREATE statement's columns when a name is
// given more than once, naming each such column in backticks as
// TableElements does when the statement is parsed (its order among several
// is a hash map's, here the order written).
func checkDuplicateColumns(cols []sql.ColumnDef) error {
	count := map[string]int{}
	var dups []string
	for _, c := range cols {
		if count[c.Name]++; count[c.Name] == 2 {
			dups = append(dups, "`"+c.Name+"`")
		}
	}
	if len(dups) > 0 {
		return stmterr.Bad("Duplicate column names: %s", strings.Join(dups, ", "))
	}
	return nil
}

// checkReservedColumns refuses a CREATE statement's column named as a
// system column, as CreateSourceFactory.buildSchema does.
func checkReservedColumns(cols []sql.ColumnDef) error {
	for _, c := range cols {
		if reservedColumns[c.Name] {
			return stmterr.Bad("'%s' is a reserved column name. You cannot use it as a name for a column.", c.Name)
		}
	}
	return nil
}
