package ksqldb

import (
	"github.com/ctalab/ctalab/lab/ksqldb/restapi"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

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

// pushHeader is out with the header of a push query: its value columns
// only, as both QueryStreamWriter.buildHeader (/query) and
// QueryStreamHandler.preparePushProjectionSchema (/query-stream, and /query
// migrated to it) build it.
func pushHeader(out queryOutput) queryOutput {
	open := out.open
	out.open = func(queryID string, sch types.Schema) restapi.ResultWriter {
		return open(queryID, valueColumns(sch))
	}
	return out
}
