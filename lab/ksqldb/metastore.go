package ksqldb

import (
	"maps"
	"slices"

	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// source is a stream or table registered in the metastore.
type source struct {
	Name            string
	Table           bool
	Topic           string
	KeyFormat       string
	ValueFormat     string
	KeyDelimiter    rune   // KEY_DELIMITER of a DELIMITED key, 0 for ','
	ValueDelimiter  rune   // VALUE_DELIMITER of a DELIMITED value, 0 for ','
	ValueAvroName   string // VALUE_AVRO_SCHEMA_FULL_NAME, "" for ksqlDB's default record name
	Schema          types.Schema
	Partitions      int
	Replicas        int
	Statement       string // the CREATE statement text
	SourceOnly      bool
	CasTarget       bool        // created by CREATE ... AS SELECT (DataSource.isCasTarget)
	UnwrapValue     bool        // WRAP_SINGLE_VALUE=false: the single value column has no wrapper
	WrapValue       bool        // WRAP_SINGLE_VALUE=true on a single value column (SerdeFeature WRAP_SINGLES)
	Window          *windowInfo // a windowed key; nil otherwise
	Timestamp       string      // WITH (TIMESTAMP=...): the column that is the record time
	TimestampFormat string      // WITH (TIMESTAMP_FORMAT=...): how a STRING Timestamp column is parsed

	ValueSchemaID int // WITH (VALUE_SCHEMA_ID=...): values are written under this schema
	KeySchemaID   int // WITH (KEY_SCHEMA_ID=...): keys are written under this schema
}

func (s *source) kind() string {
	if s.Table {
		return "TABLE"
	}
	return "STREAM"
}

// queryInfo is the metastore's view of a persistent query.
type queryInfo struct {
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
	Inputs map[string]*source
	// Paused marks a query PAUSE stopped and RESUME has not started again
	Paused bool
	// Types are the custom types when the query was created: its statement
	// is parsed again with them wherever the query is planned
	Types map[string]types.Type
}

// metaStore holds sources and persistent queries; clone gives a sandbox.
type metaStore struct {
	sources map[string]*source
	queries map[string]*queryInfo
	types   map[string]types.Type // custom types (CREATE TYPE) by upper-cased name
}

func newMetaStore() *metaStore {
	return &metaStore{sources: map[string]*source{}, queries: map[string]*queryInfo{}, types: map[string]types.Type{}}
}

func (m *metaStore) clone() *metaStore {
	return &metaStore{sources: maps.Clone(m.sources), queries: maps.Clone(m.queries), types: maps.Clone(m.types)}
}

// readers and writers of a source, sorted by id.
func (m *metaStore) readersWriters(name string) (readers, writers []string) {
	for id, q := range m.queries {
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

func (m *metaStore) sortedQueries() []*queryInfo {
	qs := slices.Collect(maps.Values(m.queries))
	slices.SortFunc(qs, func(a, b *queryInfo) int {
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

func (m *metaStore) sortedSources(table bool) []*source {
	var out []*source
	for _, s := range m.sources {
		if s.Table == table {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *source) int {
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
