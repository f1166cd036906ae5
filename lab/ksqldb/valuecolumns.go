package ksqldb

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// valueColumns is s with every column a value column, marked neither KEY
// nor HEADER. ksqlDB's /query header for a push query copies the stored
// schema's value columns only (QueryStreamWriter.buildHeader), and a pull
// query on a stream has no key columns either, so neither header shows a
// marker.
func valueColumns(s types.Schema) types.Schema {
	out := types.Schema{Cols: make([]types.Column, len(s.Cols))}
	for i, c := range s.Cols {
		c.Key, c.Header, c.OneHeader, c.HeaderKey = false, false, false, ""
		out.Cols[i] = c
	}
	return out
}
