package planner

import (
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkByClausesAsWritten refuses what GroupBy.java and PartitionBy.java
// refuse while the statement is parsed: an empty list and an expression
// written twice the same way; and both clauses at once, as Query.java does.
func checkByClausesAsWritten(q *sql.Query) error {
	if q.HasGroupBy && len(q.GroupBy) == 0 {
		return stmterr.Bad("GROUP BY requires at least one expression")
	}
	if err := checkDuplicates("GROUP BY", q.GroupBy, nil); err != nil {
		return err
	}
	if q.HasPartitionBy && len(q.PartitionBy) == 0 {
		return stmterr.Bad("PARTITION BY requires at least one expression")
	}
	if err := checkDuplicates("PARTITION BY", q.PartitionBy, nil); err != nil {
		return err
	}
	// Query.java: the grammar takes both clauses, the AST does not
	if q.HasGroupBy && q.HasPartitionBy {
		return stmterr.Bad("Queries only support one of PARTITION BY and GROUP BY")
	}
	return nil
}

// checkByClausesQualified refuses GROUP BY or PARTITION BY expressions that
// are the same once their columns are qualified by their sources, as the
// AstSanitizer's rewrite rebuilds both clauses (StatementRewriter): GROUP BY
// DATA, TEST.DATA names TEST.DATA twice.
func checkByClausesQualified(q *sql.Query, qual func(*sql.ColumnRef) string) error {
	if err := checkDuplicates("GROUP BY", q.GroupBy, qual); err != nil {
		return err
	}
	return checkDuplicates("PARTITION BY", q.PartitionBy, qual)
}

// checkDuplicates refuses an expression of a clause's list that an earlier
// one equals, each rendered with its columns qualified by qual (as written
// for nil).
func checkDuplicates(clause string, exprs []sql.Expr, qual func(*sql.ColumnRef) string) error {
	seen := map[string]bool{}
	for _, e := range exprs {
		f := sql.FormatWith(e, qual)
		if seen[f] {
			return stmterr.Bad("Duplicate %s expression: %s", clause, f)
		}
		seen[f] = true
	}
	return nil
}

// columnQualifier qualifies a column reference as the AstSanitizer does:
// by the one source of a query, else by the one joined source that has the
// column ("" for none or several).
func columnQualifier(q *sql.Query, src *metastore.Source, jp *JoinPlan) func(*sql.ColumnRef) string {
	if jp != nil {
		return func(ref *sql.ColumnRef) string {
			if srcs := jp.sourcesHaving(ref.Name); len(srcs) == 1 {
				return srcs[0]
			}
			return ""
		}
	}
	qual := src.Name
	if q.FromAlias != "" {
		qual = q.FromAlias
	}
	return func(*sql.ColumnRef) string { return qual }
}
