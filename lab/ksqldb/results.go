package ksqldb

import (
	"bytes"
	"net/http"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// resultWriter writes a query's results in one of ksqlDB's response formats.
type resultWriter interface {
	// header starts the response with the query's id and output columns.
	header(queryID string, out types.Schema)
	row(vals []any, tombstone bool)
	// idle is called after a poll that produced no rows.
	idle()
	// end finishes the response; final is "Limit Reached", "Query Completed" or "".
	end(final string)
	flush()
}

func flusher(w http.ResponseWriter) func() {
	if f, ok := w.(http.Flusher); ok {
		return f.Flush
	}
	return func() {}
}

func jsonValues(vals []any) []byte {
	var b bytes.Buffer
	b.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			b.WriteByte(',')
		}
		formats.WriteJSONValue(&b, v)
	}
	b.WriteByte(']')
	return b.Bytes()
}

// streamedRows is the old /query format (JsonStreamedRowResponseWriter and
// QueryStreamWriter): one JSON array written incrementally, a header object,
// {"row":{"columns":[...]}} objects, an optional finalMessage, and a newline
// as keep-alive when a poll had nothing.
type streamedRows struct {
	w  http.ResponseWriter
	fl func()
}

func (s *streamedRows) header(queryID string, out types.Schema) {
	hdr, _ := formats.MarshalJSON(map[string]any{"header": map[string]any{"queryId": queryID, "schema": out.String()}})
	_, _ = s.w.Write([]byte("["))
	_, _ = s.w.Write(hdr)
	s.flush()
}

func (s *streamedRows) row(vals []any, tombstone bool) {
	var b bytes.Buffer
	b.WriteString(",\n{\"row\":{\"columns\":")
	b.Write(jsonValues(vals))
	if tombstone {
		b.WriteString(",\"tombstone\":true")
	}
	b.WriteString("}}")
	_, _ = s.w.Write(b.Bytes())
}

func (s *streamedRows) idle() { _, _ = s.w.Write([]byte("\n")) }

func (s *streamedRows) end(final string) {
	if final != "" {
		b, _ := formats.MarshalJSON(map[string]string{"finalMessage": final})
		_, _ = s.w.Write([]byte(",\n"))
		_, _ = s.w.Write(b)
	}
	_, _ = s.w.Write([]byte("]\n"))
	s.flush()
}

// queryMetadata is the first element of a /query-stream response (QueryResponseMetadata).
type queryMetadata struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

func metadataOf(queryID string, out types.Schema) []byte {
	md := queryMetadata{QueryID: queryID, ColumnNames: []string{}, ColumnTypes: []string{}}
	for _, c := range out.Cols {
		md.ColumnNames = append(md.ColumnNames, c.Name)
		md.ColumnTypes = append(md.ColumnTypes, c.Type.String())
	}
	b, _ := formats.MarshalJSON(md)
	return b
}

// delimitedRows is application/vnd.ksqlapi.delimited.v1
// (DelimitedQueryStreamResponseWriter): the metadata object and then one JSON
// array per row, each on its own line. Tombstones are dropped; nothing marks
// the end but the end of the response.
type delimitedRows struct {
	w  http.ResponseWriter
	fl func()
}

func (d *delimitedRows) header(queryID string, out types.Schema) {
	_, _ = d.w.Write(append(metadataOf(queryID, out), '\n'))
	d.flush()
}

func (d *delimitedRows) row(vals []any, tombstone bool) {
	if tombstone {
		return
	}
	_, _ = d.w.Write(append(jsonValues(vals), '\n'))
}

func (d *delimitedRows) idle()      {}
func (d *delimitedRows) end(string) { d.flush() }

// arrayRows is /query-stream's application/json (JsonQueryStreamResponseWriter):
// a single JSON array of the metadata object and one array per row.
type arrayRows struct {
	w  http.ResponseWriter
	fl func()
}

func (a *arrayRows) header(queryID string, out types.Schema) {
	_, _ = a.w.Write(append([]byte("["), metadataOf(queryID, out)...))
	a.flush()
}

func (a *arrayRows) row(vals []any, tombstone bool) {
	if tombstone {
		return
	}
	_, _ = a.w.Write(append([]byte(","), jsonValues(vals)...))
}

func (a *arrayRows) idle() {}

func (a *arrayRows) end(string) {
	_, _ = a.w.Write([]byte("]"))
	a.flush()
}

func (s *streamedRows) flush()  { s.fl() }
func (d *delimitedRows) flush() { d.fl() }
func (a *arrayRows) flush()     { a.fl() }
