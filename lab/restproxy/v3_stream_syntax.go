package restproxy

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// A streamed v3 produce body that is not JSON, as kafka-rest v7.9.0's
// StreamingResponse answers it (response/StreamingResponse.java): its
// MappingIterator meets a refusal either looking for the next record
// (hasNext, which rethrows it as a RuntimeException: kafka-rest's
// BadRequestException "Error processing message: …" through
// V3ExceptionMapper, ending the stream) or binding one (nextValue: the
// JsonParseException, or databind's JsonMappingException wrapping it, put
// through jackson-jaxrs-base's mapper, 400 and the message's first line,
// which is Jackson's own message, unsanitised). The location a message
// names counts lines and columns from the stream's start.

// streamTape keeps what the reader has read of a stream since the end of
// the last record it took.
type streamTape struct {
	r      io.Reader
	buf    []byte
	base   int64 // stream offset of buf[0]
	origin syntaxOrigin
}

func (t *streamTape) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	return n, err
}

// drop forgets what precedes stream offset off.
func (t *streamTape) drop(off int64) {
	gone := int(off - t.base)
	t.origin = t.origin.advance(t.buf[:gone])
	t.buf = append(t.buf[:0], t.buf[gone:]...)
	t.base = off
}

// notJSON is the answer to the next record when Jackson refuses its
// syntax; the stream ends with it. err and raw are what the reader made
// of it; a number or literal it took may still run on into what Jackson
// refuses (jacksonSyntax). A member of the record mistyped before the
// refusal is answered first, as the record's own refusal, and the syntax
// error then ends the stream: MappingIterator's resync meets it reading
// past the record.
func (t *streamTape) notJSON(err error, raw json.RawMessage) []*apiError {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || err == nil && !isJSONScalar(raw) {
		return nil
	}
	r, ok := jacksonSyntaxAt(t.buf, t.origin)
	if !ok {
		return nil
	}
	ends := newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Bad Request: Error processing message: %s", r.msg)
	if r.root {
		return []*apiError{ends}
	}
	if r.read != nil {
		var rec v3ProduceRecord
		if e := decodeV3Record(r.read, &rec); boundAsRead(e) {
			return []*apiError{e, ends}
		}
	}
	return []*apiError{newAPIError(http.StatusBadRequest, http.StatusBadRequest, "%s", r.msg)}
}
