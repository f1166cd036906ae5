package metastore

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Source is a stream or table registered in the metastore.
type Source struct {
	Name           string
	Table          bool
	Topic          string
	KeyFormat      string
	ValueFormat    string
	KeyDelimiter   rune   // KEY_DELIMITER of a DELIMITED key, 0 for ','
	ValueDelimiter rune   // VALUE_DELIMITER of a DELIMITED value, 0 for ','
	ValueAvroName  string // VALUE_AVRO_SCHEMA_FULL_NAME, "" for ksqlDB's default record name
	// KeyFullName and ValueFullName are KEY_SCHEMA_FULL_NAME and
	// VALUE_SCHEMA_FULL_NAME: the AVRO record or PROTOBUF message a source
	// reads or a sink writes, "" for the default (an AVRO value's
	// VALUE_SCHEMA_FULL_NAME is its ValueAvroName too)
	KeyFullName, ValueFullName string
	Schema                     types.Schema
	Partitions                 int
	Replicas                   int
	Statement                  string // the CREATE statement text
	SourceOnly                 bool
	CasTarget                  bool        // created by CREATE ... AS SELECT (DataSource.isCasTarget)
	UnwrapValue                bool        // WRAP_SINGLE_VALUE=false: the single value column has no wrapper
	WrapValue                  bool        // WRAP_SINGLE_VALUE=true on a single value column (SerdeFeature WRAP_SINGLES)
	Window                     *WindowInfo // a windowed key; nil otherwise
	Timestamp                  string      // WITH (TIMESTAMP=...): the column that is the record time
	TimestampFormat            string      // WITH (TIMESTAMP_FORMAT=...): how a STRING Timestamp column is parsed

	ValueSchemaID int // WITH (VALUE_SCHEMA_ID=...): values are written under this schema
	KeySchemaID   int // WITH (KEY_SCHEMA_ID=...): keys are written under this schema

	KeyProtoNullable   string // KEY_PROTOBUF_NULLABLE_REPRESENTATION: "", OPTIONAL or WRAPPER
	ValueProtoNullable string // VALUE_PROTOBUF_NULLABLE_REPRESENTATION: "", OPTIONAL or WRAPPER

	// References are the sources the query of a CREATE ... AS SELECT
	// reads (MetaStoreImpl.addSourceReferences): none of them can be
	// dropped while this source exists, whether or not its query still
	// runs. A CREATE OR REPLACE adds to them.
	References []string
}

// Kind is STREAM or TABLE.
func (s *Source) Kind() string {
	if s.Table {
		return "TABLE"
	}
	return "STREAM"
}

// Query is the metastore's view of a persistent query.
type Query struct {
	ID          string
	Statement   string
	Sink        string
	SinkTopic   string
	Source      string
	Props       map[string]string
	Seq         int64
	Insert      bool
	Materialize bool     // result is a table held in state (pull-queryable)
	Joined      []string // a join's other sources, which it reads too
	// SourceTable marks a source table's query (CST_): it materializes
	// the table named by Sink and Source, writes no topic and is not
	// terminable
	SourceTable bool
	// Inputs are the sources the query reads as they were when it was
	// created or last upgraded: a replaced declaration leaves its plan alone
	Inputs map[string]*Source
	// Paused marks a query PAUSE stopped and RESUME has not started again
	Paused bool
	// Types are the custom types when the query was created: its statement
	// is parsed again with them wherever the query is planned
	Types map[string]types.Type
}

// Store holds sources, persistent queries and custom types; Clone gives a
// sandbox.
type Store struct {
	Sources map[string]*Source
	Queries map[string]*Query
	Types   map[string]types.Type // custom types (CREATE TYPE) by upper-cased name
}

// NewStore is an empty Store.
func NewStore() *Store {
	return &Store{Sources: map[string]*Source{}, Queries: map[string]*Query{}, Types: map[string]types.Type{}}
}

// Clone is a copy of m whose maps a sandbox can change.
func (m *Store) Clone() *Store {
	return &Store{Sources: maps.Clone(m.Sources), Queries: maps.Clone(m.Queries), Types: maps.Clone(m.Types)}
}

// ReadersWriters are the readers and writers of a source, sorted by id.
func (m *Store) ReadersWriters(name string) (readers, writers []string) {
	return m.readersWriters(name, func(*Query) bool { return true })
}

// InsertReadersWriters are the INSERT INTO queries that read or write a
// source, sorted by id: as long as there are any, the source cannot be
// dropped (EngineContext.throwIfInsertQueriesExist).
func (m *Store) InsertReadersWriters(name string) (readers, writers []string) {
	return m.readersWriters(name, func(q *Query) bool { return q.Insert })
}

func (m *Store) readersWriters(name string, keep func(*Query) bool) (readers, writers []string) {
	for id, q := range m.Queries {
		if !keep(q) {
			continue
		}
		if q.Source == name || slices.Contains(q.Joined, name) {
			readers = append(readers, id)
		}
		if q.Sink == name && !q.SourceTable {
			writers = append(writers, id)
		}
	}
	slices.Sort(readers)
	slices.Sort(writers)
	return readers, writers
}

// Constraints are the sources whose References name source name, sorted:
// name cannot be dropped before them (MetaStoreImpl.getSourceConstraints).
// The references are kept by the referring source, so a source dropped
// and created again is held by them again, as MetaStoreImpl.putSource
// rebuilds its constraints.
func (m *Store) Constraints(name string) []string {
	var by []string
	for other, src := range m.Sources {
		if slices.Contains(src.References, name) {
			by = append(by, other)
		}
	}
	slices.Sort(by)
	return by
}

// Alternatives is what ksqlDB adds to its message when no source is
// called name (MetaStoreImpl.checkAlternatives): the sources whose names
// differ from it in letter case only, of the given kind ("" for any),
// sorted by name, with a hint; "" when there are none.
func (m *Store) Alternatives(name, kind string) string {
	var match []*Source
	for other, src := range m.Sources {
		if strings.EqualFold(other, name) && (kind == "" || src.Kind() == kind) {
			match = append(match, src)
		}
	}
	slices.SortFunc(match, func(a, b *Source) int { return strings.Compare(a.Name, b.Name) })
	switch {
	case len(match) == 0:
		return ""
	case len(match) == 1 && strings.ToUpper(match[0].Name) == match[0].Name:
		return "\nDid you mean " + match[0].Name + "? Hint: try removing double quotes from the source name."
	case len(match) == 1:
		return "\nDid you mean \"" + match[0].Name + "\"? Hint: wrap the source name in double quotes to make it case-sensitive."
	}
	var b strings.Builder
	b.WriteString("\nDid you mean ")
	for i, src := range match {
		fmt.Fprintf(&b, "\"%s\" (%s)", src.Name, src.Kind())
		switch {
		case i < len(match)-2:
			b.WriteString(", ")
		case i == len(match)-2 && i == 0:
			b.WriteString(" or ")
		case i == len(match)-2:
			b.WriteString(", or ")
		default:
			b.WriteString("? ")
		}
	}
	b.WriteString("Hint: wrap the source name in double quotes to make it case-sensitive.")
	return b.String()
}

// CreateAsQueryOf is the id of the query that creates source name: its
// CREATE ... AS SELECT or, for a source table, the query materializing
// it (QueryRegistryImpl.getCreateAsQuery); "" if there is none.
func (m *Store) CreateAsQueryOf(name string) string {
	if id := m.WriterOf(name); id != "" {
		return id
	}
	return m.SourceTableQueryOf(name)
}

// SortedQueries are the persistent queries in the order they were created.
func (m *Store) SortedQueries() []*Query {
	qs := slices.Collect(maps.Values(m.Queries))
	slices.SortFunc(qs, func(a, b *Query) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	return qs
}

// SortedSources are the streams (table false) or tables, by name.
func (m *Store) SortedSources(table bool) []*Source {
	var out []*Source
	for _, s := range m.Sources {
		if s.Table == table {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *Source) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

// WindowInfo is what a windowed source records about its key
// (ksqldb-common WindowInfo): the type, and the size of time windows.
type WindowInfo struct {
	Type string
	Size int64 // milliseconds; 0 for SESSION
}

// ResolveType is the custom type called name, if there is one.
func (m *Store) ResolveType(name string) (types.Type, bool) {
	t, ok := m.Types[strings.ToUpper(name)]
	return t, ok
}

// WriterOf is the id of the query that created source name (CREATE ... AS
// SELECT), or "": INSERT INTO queries and source tables' queries are not
// its writer.
func (m *Store) WriterOf(name string) string {
	for id, q := range m.Queries {
		if q.Sink == name && !q.Insert && !q.SourceTable {
			return id
		}
	}
	return ""
}

// PlanStore is ms with the query's sources as they were when it was
// created or last upgraded.
func (qi *Query) PlanStore(ms *Store) *Store {
	changed := false
	for name, src := range qi.Inputs {
		if ms.Sources[name] != src {
			changed = true
		}
	}
	if !changed {
		return ms
	}
	pinned := &Store{Sources: maps.Clone(ms.Sources), Queries: ms.Queries}
	for name, src := range qi.Inputs {
		pinned.Sources[name] = src
	}
	return pinned
}

// SourceTableQueryOf is the id of the query materializing source table
// name, or "".
func (m *Store) SourceTableQueryOf(name string) string {
	for id, q := range m.Queries {
		if q.SourceTable && q.Sink == name {
			return id
		}
	}
	return ""
}
