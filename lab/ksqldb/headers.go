package ksqldb

import (
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// Header columns (ksqlDB 0.24+): a column marked HEADERS holds all of a
// record's headers as ARRAY<STRUCT<KEY STRING, VALUE BYTES>>, one marked
// HEADER('key') the value of the last header with that key as BYTES, NULL
// when there is none. They are read-only: INSERT VALUES and INSERT INTO
// refuse sources that have them, and a query that selects them writes
// plain value columns.

// headersType is the type a HEADERS column must have.
var headersType = types.ArrayOf(types.StructOf([]types.Field{{Name: "KEY", Type: types.String}, {Name: "VALUE", Type: types.Bytes}}))

// checkHeaderColumn refuses a header column of the wrong type with
// ksqlDB's messages (query-validation-tests/headers.json).
func checkHeaderColumn(c types.Column) error {
	switch {
	case !c.Header:
		return nil
	case c.OneHeader && c.Type != types.Bytes:
		return stmterr.Bad("Invalid type for HEADER('%s') column: expected BYTES, got %s", c.HeaderKey, c.Type)
	case !c.OneHeader && c.Type != headersType:
		return stmterr.Bad("Invalid type for HEADERS column: expected %s, got %s", headersType, c.Type)
	}
	return nil
}

// headerValue is header column c's value for a record with headers hs.
func headerValue(c types.Column, hs []kgo.RecordHeader) any {
	if c.OneHeader {
		for i := len(hs) - 1; i >= 0; i-- {
			if hs[i].Key == c.HeaderKey {
				return bytesOrNil(hs[i].Value)
			}
		}
		return nil
	}
	out := make([]any, len(hs))
	for i, h := range hs {
		out[i] = &types.StructVal{Type: headersType.Elem, Vals: []any{h.Key, bytesOrNil(h.Value)}}
	}
	return out
}

// bytesOrNil is a header value as a BYTES value: a null header is NULL.
func bytesOrNil(b []byte) any {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

// checkInsertHeaders refuses an INSERT VALUES that sets a header column,
// naming them, or that names no columns into a source that has some
// (InsertValuesExecutor.validateInsert).
func checkInsertHeaders(src *metastore.Source, columns []string) error {
	var named []string
	if len(columns) == 0 {
		for _, c := range src.Schema.Headers() {
			named = append(named, c.Name)
		}
	} else {
		for _, name := range columns {
			for _, c := range src.Schema.Headers() {
				if c.Name == name {
					named = append(named, name)
				}
			}
		}
	}
	if len(named) > 0 {
		return stmterr.Bad("Cannot insert into HEADER columns: %s", strings.Join(named, ", "))
	}
	return nil
}
