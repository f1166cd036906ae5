package ksqldb

import "github.com/ctalab/ctalab/lab/ksqldb/types"

// valueColumns is s with no column marked KEY. ksqlDB's /query header for a
// push query copies the stored schema's value columns only
// (QueryStreamWriter.buildHeader), and a pull query on a stream has no key
// columns either, so neither header shows a KEY marker.
func valueColumns(s types.Schema) types.Schema {
	out := types.Schema{Cols: make([]types.Column, len(s.Cols))}
	for i, c := range s.Cols {
		c.Key = false
		out.Cols[i] = c
	}
	return out
}
