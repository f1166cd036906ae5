package ksqldb

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// execAlter is ALTER STREAM|TABLE name ADD [COLUMN] col type [, ...], as
// ksqlDB 0.29 runs it (confluentinc/ksql v7.9.0: AlterSourceFactory,
// DdlCommandExec.executeAlterSource, KsqlStream.with and KsqlTable.with).
// The columns are value columns added after the existing ones; the stream
// or table keeps its topic and formats, and the statement DESCRIBE shows is
// the one it had, a newline, then the ALTER as written. Queries already
// running keep the columns they were planned with (queryInfo.Inputs); the
// ALTER is a command of the command topic, so a restart replays it.
//
// Refused with ksqlDB's messages: a source stream or table, a name that
// does not exist, the other kind, a stream or table a CREATE ... AS SELECT
// made, a value column that exists (or is added twice), a column named as
// a key column. Refused as not supported: a pseudo column's name, columns
// the value format cannot hold (ksqlDB accepts them and fails when a query
// reads the source), and sources whose values are written under a
// VALUE_SCHEMA_ID or unwrapped (WRAP_SINGLE_VALUE=false).
func (s *Server) execAlter(ctx context.Context, ec *execCtx, p sql.Parsed, st *sql.AlterSource) (any, error) {
	kind, noun := "STREAM", "Stream"
	if st.Table {
		kind, noun = "TABLE", "Table"
	}
	if err := checkAlterOfSource(ec.ms, st); err != nil {
		return nil, err
	}
	src := ec.ms.Sources[st.Name]
	if src == nil {
		return nil, stmterr.Bad("Source %s does not exist.", st.Name)
	}
	if src.Table != st.Table {
		return nil, stmterr.Bad("Incompatible data source type is %s, but statement was ALTER %s", src.Kind(), kind)
	}
	if src.CasTarget {
		return nil, stmterr.Bad("ALTER command is not supported for CREATE ... AS statements.")
	}
	altered, err := alteredSchema(src.Schema, st.Columns)
	if err != nil {
		return nil, err
	}
	if err := checkAlteredFormat(kind, src, altered); err != nil {
		return nil, err
	}
	// CommandIdAssigner names the source by its text, without quotes
	cmdID := strings.ToLower(kind) + "/" + st.Name + "/alter"
	seq, err := s.commit(ctx, ec, p, cmdID, false)
	if err != nil {
		return nil, err
	}
	next := *src
	next.Schema = altered
	next.Statement = src.Statement + "\n" + p.Text
	ec.ms.Sources[st.Name] = &next
	return status(p, cmdID, fmt.Sprintf("%s %s altered.", noun, st.Name), seq, ""), nil
}

// alteredSchema adds cols as value columns, as LogicalSchema.Builder
// does: each checked against the value columns so far, then the whole
// against the key columns (StructuredDataSource's constructor).
func alteredSchema(sch types.Schema, cols []sql.ColumnDef) (types.Schema, error) {
	out := types.Schema{Cols: slices.Clone(sch.Cols)}
	values := map[string]bool{}
	for _, c := range sch.Values() {
		values[c.Name] = true
	}
	for _, c := range cols {
		if reservedColumns[c.Name] {
			return types.Schema{}, stmterr.Unsupported("ALTER ... ADD COLUMN of the pseudo column name " + c.Name)
		}
		if values[c.Name] {
			return types.Schema{}, stmterr.Bad("Cannot add column `%s` to schema. A column with the same name already exists.", c.Name)
		}
		t, err := types.FromSQL(c.Type)
		if err != nil {
			return types.Schema{}, err
		}
		values[c.Name] = true
		out.Cols = append(out.Cols, types.Column{Name: c.Name, Type: t})
	}
	for _, k := range sch.Keys() {
		if values[k.Name] {
			return types.Schema{}, stmterr.Bad("Schema contains duplicate column names")
		}
	}
	return out, nil
}

// checkAlteredFormat refuses, as not supported, an ALTER whose columns the
// source's value format cannot carry.
func checkAlteredFormat(kind string, src *metastore.Source, altered types.Schema) error {
	switch {
	case src.ValueSchemaID != 0:
		return stmterr.Unsupported("ALTER " + kind + " of a source with VALUE_SCHEMA_ID")
	case src.UnwrapValue:
		return stmterr.Unsupported("ALTER " + kind + " of a source with WRAP_SINGLE_VALUE=false")
	}
	if err := formats.Check(src.ValueFormat, altered.Values(), false, nil); err != nil {
		return stmterr.Unsupported(fmt.Sprintf("ALTER %s adding columns the %s value format cannot hold", kind, src.ValueFormat))
	}
	return nil
}
