package planner

import (
	"regexp"
	"strconv"

	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// generatedPrefix is the name of the columns ksqlDB names for their
// expressions, KSQL_COL_0, KSQL_COL_1 and on.
const generatedPrefix = "KSQL_COL"

// numberedName splits a column name into a name and the number after its
// last underscore, 0 without one (ColumnNames.NUMBERED_COLUMN_PATTERN).
var numberedName = regexp.MustCompile(`^(.*?)(?:_([0-9]+))?$`)

// aliasGenerator names the expressions of a projection that have no alias
// as ksqlDB's ColumnNames.columnAliasGenerator does: each name, less a
// trailing _n, counts up from 0, skipping the numbers the sources' columns
// already use with that name; KSQL_COL for any expression, a struct field's
// name for a dereference (its 0 left off: A, A_1, A_2).
type aliasGenerator struct {
	used map[string]map[int]bool
	next map[string]int
}

// newAliasGenerator is a generator that skips the names of cols.
func newAliasGenerator(cols []types.Column) *aliasGenerator {
	g := &aliasGenerator{used: map[string]map[int]bool{}, next: map[string]int{}}
	for _, c := range cols {
		name, n := splitNumbered(c.Name)
		if g.used[name] == nil {
			g.used[name] = map[int]bool{}
		}
		g.used[name][n] = true
	}
	return g
}

// splitNumbered is name's base and number (see numberedName).
func splitNumbered(name string) (string, int) {
	m := numberedName.FindStringSubmatch(name)
	if m[2] == "" {
		return m[1], 0
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return m[1], -1 // beyond any number generated
	}
	return m[1], n
}

// uniqueAliasFor is the name of an expression without one.
func (g *aliasGenerator) uniqueAliasFor(e sql.Expr) string {
	if d, ok := e.(*sql.Deref); ok {
		base, _ := splitNumbered(d.Field)
		return g.nextOf(base)
	}
	return g.nextOf(generatedPrefix)
}

// nextOf is the next name of base's sequence.
func (g *aliasGenerator) nextOf(base string) string {
	n := g.next[base]
	for g.used[base][n] {
		n++
	}
	g.next[base] = n + 1
	if n == 0 && base != generatedPrefix {
		return base
	}
	return base + "_" + strconv.Itoa(n)
}
