package ksqldb

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// Read-only sources: CREATE SOURCE STREAM and CREATE SOURCE TABLE
// (confluentinc/ksql 7.9.0, docs ksqldb-reference/create-stream.md "Source
// streams" and create-table.md "Source tables"). A source cannot be written
// to (INSERT INTO ... VALUES, INSERT INTO ... SELECT), its topic cannot be
// deleted with DROP ... DELETE TOPIC, and CREATE OR REPLACE touches none.
// A source table runs an internal persistent query, CST_<TABLE>_<id>, that
// materializes it for pull queries; the query has no sink, cannot be
// terminated and ends when the table is dropped.

// checkReplaceOfSource refuses CREATE OR REPLACE of or onto a source
// (CreateSourceFactory.throwIfCreateOrReplaceOnSourceStreamOrTable).
func checkReplaceOfSource(ms *metastore.Store, cs *sql.CreateSource) error {
	if !cs.OrReplace {
		return nil
	}
	existing := ms.Sources[cs.Name]
	if !cs.SourceOnly && (existing == nil || !existing.SourceOnly) {
		return nil
	}
	kind := "stream"
	if cs.Table {
		kind = "table"
	}
	return stmterr.Bad("Cannot add %s '%s': CREATE OR REPLACE is not supported on source %ss.", kind, cs.Name, kind)
}

// checkWritable refuses a persistent query writing into a source
// (EngineExecutor.execute).
func checkWritable(target *metastore.Source) error {
	if target.SourceOnly {
		return stmterr.Bad("Cannot insert into read-only %s: %s", strings.ToLower(target.Kind()), target.Name)
	}
	return nil
}

// checkAlterOfSource refuses ALTER of a source as ksqlDB does
// (AlterSourceFactory), naming the kind the statement names.
func checkAlterOfSource(ms *metastore.Store, st *sql.AlterSource) error {
	kind := "stream"
	if st.Table {
		kind = "table"
	}
	if src := ms.Sources[st.Name]; src != nil && src.SourceOnly {
		return stmterr.Bad("Cannot alter %s '%s': ALTER operations are not supported on source %ss.", kind, st.Name, kind)
	}
	return nil
}

// checkDropOfSource refuses deleting a source's topic (DropSourceFactory).
func checkDropOfSource(src *metastore.Source, deleteTopic bool) error {
	if src.SourceOnly && deleteTopic {
		return stmterr.Bad("Cannot delete topic for read-only source: %s", src.Name)
	}
	return nil
}

// sourceTableQueryID names a source table's query (QueryIdUtil.buildId):
// CST_, the table's name, then the id the command's offset gives.
func sourceTableQueryID(name string, seq int64) string {
	return "CST_" + strings.ToUpper(name) + "_" + strconv.FormatInt(seq, 10)
}

// addSourceTableQuery registers (and, live, starts) the query that
// materializes a source table; the caller holds s.mu.
func (s *Server) addSourceTableQuery(ec *execCtx, p sql.Parsed, src *metastore.Source, seq int64) (string, error) {
	id := sourceTableQueryID(src.Name, seq)
	qi := &metastore.Query{ID: id, Statement: p.Text, Sink: src.Name, Source: src.Name,
		Props: maps.Clone(ec.props), Seq: seq, Materialize: true, SourceTable: true}
	ec.ms.Queries[id] = qi
	if !ec.sandbox && !ec.replay {
		if err := s.startQuery(qi); err != nil {
			return "", err
		}
	}
	return id, nil
}

// sourceTableSelect is what a source table's query runs: every column of
// the table, as the table's topic holds it.
func sourceTableSelect(name string) (*sql.Query, error) {
	parsed, err := parseOne("SELECT * FROM " + sql.QuoteIdent(name) + " EMIT CHANGES;")
	if err != nil {
		return nil, fmt.Errorf("source table %s: %w", name, err)
	}
	return selectOf(parsed), nil
}

// queryOf is the SELECT a persistent query runs.
func queryOf(qi *metastore.Query) (*sql.Query, error) {
	if qi.SourceTable {
		return sourceTableSelect(qi.Sink)
	}
	parsed, err := parseOne(qi.Statement)
	if err != nil {
		return nil, err
	}
	resolveCustomTypes(parsed.Stmt, qi.Types)
	q := selectOf(parsed)
	if q == nil {
		return nil, fmt.Errorf("query %s: statement runs no query", qi.ID)
	}
	return q, nil
}

// checkTerminable refuses TERMINATE of a source table's query
// (ValidatedCommandFactory.createForTerminateQuery).
func checkTerminable(qi *metastore.Query) error {
	if qi.SourceTable {
		return stmterr.Bad("Cannot terminate query '%s' because it is linked to a source table.", qi.ID)
	}
	return nil
}
