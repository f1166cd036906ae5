package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// MissingSource refuses a query that reads a source the metastore does not
// hold, the first such in the order written, as preparing the statement
// does: DataSourceExtractor (run by AstSanitizer) throws "<NAME> does not
// exist." with MetaStoreImpl.checkAlternatives's hint, and
// EngineContext.prepare wraps it as "Exception while preparing statement:
// ..." (confluentinc/ksql v7.9.0; sql-tests/test.sql "bad engine statement
// should fail"). The caller holds the metastore still.
func MissingSource(ms *metastore.Store, q *sql.Query) error {
	names := []string{q.From}
	for _, j := range q.Joins {
		names = append(names, j.Source)
	}
	for _, n := range names {
		if _, ok := ms.Sources[n]; !ok {
			return missingSource(ms, n)
		}
	}
	return nil
}

func missingSource(ms *metastore.Store, name string) error {
	return stmterr.Bad("Exception while preparing statement: %s does not exist.%s", name, ms.Alternatives(name, ""))
}

// StatementQuery is the query a statement holds, whose sources
// DataSourceExtractor looks up as the statement is prepared: a SELECT's, a
// CREATE ... AS SELECT's, an INSERT INTO ... SELECT's; nil for others.
func StatementQuery(st sql.Statement) *sql.Query {
	switch st := st.(type) {
	case *sql.QueryStatement:
		return st.Query
	case *sql.CreateSource:
		return st.Query
	case *sql.InsertInto:
		return st.Query
	}
	return nil
}
