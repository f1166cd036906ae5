package restapi

import (
	"bytes"
	"net/http"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// ResultWriter writes a query's results in one of ksqlDB's response formats.
type ResultWriter interface {
	// Header starts the response with the query's id and output columns.
	Header(queryID string, out types.Schema)
	Row(vals []any, tombstone bool)
	// Idle is called after a poll that produced no rows.
	Idle()
	// End finishes the response; final is "Limit Reached", "Query Completed" or "".
	End(final string)
	// Fail finishes the response of a query that failed after its header:
	// a push query whose Kafka Streams app died, a pull query whose
	// routing failed (see QueryFailure).
	Fail(f QueryFailure)
	Flush()
}

// QueryFailure is what a query's endpoint tells the client when the query
// fails after its header: a push query's Kafka Streams app dies, a pull
// query's routing fails. /query-stream's QuerySubscriber.handleError writes
// the throwable's toString (Thrown), the old /query's
// QueryStreamWriter.outputException (a push query) or
// PullQueryStreamWriter.outputException (a pull query, Pull) its
// ErrorMessageUtil.buildErrorMessage (Chain), each as a KsqlErrorMessage
// with code 50000.
type QueryFailure struct {
	Thrown, Chain string
	Pull          bool
}

func serverError(msg string) GenericError {
	return GenericError{Type: "generic_error", ErrorCode: 50000, Message: msg}
}

func Flusher(w http.ResponseWriter) func() {
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

// StreamedRows is the old /query format (JsonStreamedRowResponseWriter and
// QueryStreamWriter): one JSON array written incrementally, a header object,
// {"row":{"columns":[...]}} objects, an optional finalMessage, and a newline
// as keep-alive when a poll had nothing.
type StreamedRows struct {
	W       http.ResponseWriter
	FlushFn func()
	// OldAPI: the old /query's QueryStreamWriter, not /query-stream's
	// JsonStreamedRowResponseWriter
	OldAPI bool
}

func (s *StreamedRows) Header(queryID string, out types.Schema) {
	hdr, _ := jsonwire.Marshal(map[string]any{"header": map[string]any{"queryId": queryID, "schema": out.String()}})
	_, _ = s.W.Write([]byte("["))
	_, _ = s.W.Write(hdr)
	s.Flush()
}

func (s *StreamedRows) Row(vals []any, tombstone bool) {
	var b bytes.Buffer
	b.WriteString(",\n{\"row\":{\"columns\":")
	b.Write(jsonValues(vals))
	if tombstone {
		b.WriteString(",\"tombstone\":true")
	}
	b.WriteString("}}")
	_, _ = s.W.Write(b.Bytes())
}

func (s *StreamedRows) Idle() { _, _ = s.W.Write([]byte("\n")) }

// Fail writes a StreamedRow.error. QueryStreamWriter writes a newline, the
// error and ",\n" after the rows' ",\n", and closes the response with the
// array left open; PullQueryStreamWriter writes ",\n", the error and "]\n";
// JsonStreamedRowResponseWriter writes it as its last row and ends the
// array.
func (s *StreamedRows) Fail(f QueryFailure) {
	if s.OldAPI {
		before, after := ",\n\n", ",\n" // QueryStreamWriter's
		if f.Pull {
			before, after = ",\n", "]\n" // PullQueryStreamWriter's
		}
		b, _ := jsonwire.Marshal(map[string]any{"errorMessage": serverError(f.Chain)})
		_, _ = s.W.Write([]byte(before))
		_, _ = s.W.Write(b)
		_, _ = s.W.Write([]byte(after))
		s.Flush()
		return
	}
	b, _ := jsonwire.Marshal(map[string]any{"errorMessage": serverError(f.Thrown)})
	_, _ = s.W.Write([]byte(",\n"))
	_, _ = s.W.Write(b)
	s.End("")
}

func (s *StreamedRows) End(final string) {
	if final != "" {
		b, _ := jsonwire.Marshal(map[string]string{"finalMessage": final})
		_, _ = s.W.Write([]byte(",\n"))
		_, _ = s.W.Write(b)
	}
	_, _ = s.W.Write([]byte("]\n"))
	s.Flush()
}

// QueryMetadata is the first element of a /query-stream response (QueryResponseMetadata).
type QueryMetadata struct {
	QueryID     string   `json:"queryId"`
	ColumnNames []string `json:"columnNames"`
	ColumnTypes []string `json:"columnTypes"`
}

func metadataOf(queryID string, out types.Schema) []byte {
	md := QueryMetadata{QueryID: queryID, ColumnNames: []string{}, ColumnTypes: []string{}}
	for _, c := range out.Cols {
		md.ColumnNames = append(md.ColumnNames, c.Name)
		md.ColumnTypes = append(md.ColumnTypes, c.Type.String())
	}
	b, _ := jsonwire.Marshal(md)
	return b
}

// DelimitedRows is application/vnd.ksqlapi.delimited.v1
// (DelimitedQueryStreamResponseWriter): the metadata object and then one JSON
// array per row, each on its own line. Tombstones are dropped; nothing marks
// the end but the end of the response. Like ArrayRows, it flushes each row:
// ksqlDB writes each row to the response on its own, so over HTTP/2 every
// row is a DATA frame, and clients (the npm ksqldb-client) parse each
// frame they receive as one JSON value.
type DelimitedRows struct {
	W       http.ResponseWriter
	FlushFn func()
}

func (d *DelimitedRows) Header(queryID string, out types.Schema) {
	_, _ = d.W.Write(append(metadataOf(queryID, out), '\n'))
	d.Flush()
}

func (d *DelimitedRows) Row(vals []any, tombstone bool) {
	if tombstone {
		return
	}
	_, _ = d.W.Write(append(jsonValues(vals), '\n'))
	d.Flush()
}

func (d *DelimitedRows) Idle()      {}
func (d *DelimitedRows) End(string) { d.Flush() }

// Fail writes the error on its own line (DelimitedQueryStreamResponseWriter.writeError).
func (d *DelimitedRows) Fail(f QueryFailure) {
	b, _ := jsonwire.Marshal(serverError(f.Thrown))
	_, _ = d.W.Write(append(b, '\n'))
	d.End("")
}

// ArrayRows is /query-stream's application/json (JsonQueryStreamResponseWriter):
// a single JSON array of the metadata object and one array per row.
type ArrayRows struct {
	W       http.ResponseWriter
	FlushFn func()
}

func (a *ArrayRows) Header(queryID string, out types.Schema) {
	_, _ = a.W.Write(append([]byte("["), metadataOf(queryID, out)...))
	a.Flush()
}

func (a *ArrayRows) Row(vals []any, tombstone bool) {
	if tombstone {
		return
	}
	_, _ = a.W.Write(append([]byte(","), jsonValues(vals)...))
	a.Flush()
}

func (a *ArrayRows) Idle() {}

func (a *ArrayRows) End(string) {
	_, _ = a.W.Write([]byte("]"))
	a.Flush()
}

// Fail writes the error as the array's last element
// (JsonQueryStreamResponseWriter.writeError, then end).
func (a *ArrayRows) Fail(f QueryFailure) {
	b, _ := jsonwire.Marshal(serverError(f.Thrown))
	_, _ = a.W.Write(append([]byte(","), b...))
	a.End("")
}

func (s *StreamedRows) Flush()  { s.FlushFn() }
func (d *DelimitedRows) Flush() { d.FlushFn() }
func (a *ArrayRows) Flush()     { a.FlushFn() }
