package restproxy

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"unicode/utf8"
)

// A streamed v3 produce body that is not JSON, as kafka-rest v7.9.0's
// StreamingResponse answers it (response/StreamingResponse.java): its
// MappingIterator meets a refusal either looking for the next record
// (hasNext, which rethrows it as a RuntimeException: kafka-rest's
// BadRequestException "Error processing message: …" through
// V3ExceptionMapper, ending the stream) or binding one (nextValue: the
// JsonParseException, or databind's JsonMappingException wrapping it, put
// through jackson-jaxrs-base's mapper, 400 and the message's first line,
// which is Jackson's own message, unsanitised). After a record refused
// for its syntax, the next hasNext resyncs (jackson-databind 2.16
// MappingIterator._resync): the parser reads on from where it threw until
// the record's object closes, and the stream goes on from there, or ends
// with what it refuses on the way. The location a message names counts
// lines and columns from the stream's start.

// streamTape keeps what the reader has read of a stream since the end of
// the last record it took.
type streamTape struct {
	r      io.Reader
	buf    []byte
	base   int64 // stream offset of buf[0]
	origin syntaxOrigin
	start  int64 // stream offset where the current decoder began
	replay int   // bytes at the end of buf the decoder has yet to be given
	err    error // what ended r, once met outside the decoder
}

func (t *streamTape) Read(p []byte) (int, error) {
	if t.replay > 0 {
		n := copy(p, t.buf[len(t.buf)-t.replay:])
		t.replay -= n
		return n, nil
	}
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

// decoder reads the stream on from stream offset off.
func (t *streamTape) decoder(off int64) *json.Decoder {
	t.drop(off)
	t.start, t.replay = off, len(t.buf)
	return json.NewDecoder(t)
}

// readMore reads on past what the decoder was given; false at the end of
// the stream.
func (t *streamTape) readMore() bool {
	if t.err != nil {
		return false
	}
	t.replay = 0
	p := make([]byte, 4096)
	n, err := t.r.Read(p)
	t.buf = append(t.buf, p[:n]...)
	t.err = err
	return n > 0 || err == nil
}

// notJSON is the answer to the next record when Jackson refuses its
// syntax. err and raw are what the reader made of it; a number or literal
// it took may still run on into what Jackson refuses (jacksonSyntax). A
// member of the record mistyped before the refusal is answered first, as
// the record's own refusal, and the syntax error then ends the stream:
// MappingIterator's resync meets it reading past the record. A record
// refused for its syntax alone is answered with it, and resync says where
// the stream goes on (r).
func (t *streamTape) notJSON(err error, raw json.RawMessage) (answers []*apiError, r syntaxRefusal, resync bool) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) || err == nil && !isJSONScalar(raw) && utf8.Valid(raw) {
		return nil, r, false
	}
	r, ok := jacksonSyntaxAt(t.buf, t.origin)
	if !ok {
		return nil, r, false
	}
	if r.root {
		return []*apiError{streamEnds(r)}, r, false
	}
	if r.read != nil {
		var rec v3ProduceRecord
		if e := decodeV3Record(r.read, &rec); refusedBefore(e) {
			return []*apiError{e, streamEnds(r)}, r, false
		}
	}
	return []*apiError{newAPIError(http.StatusBadRequest, http.StatusBadRequest, "%s", r.msg)}, r, true
}

// streamEnds is hasNext's refusal r, which ends the stream.
func streamEnds(r syntaxRefusal) *apiError {
	return newAPIError(http.StatusBadRequest, http.StatusBadRequest, "Bad Request: Error processing message: %s", r.msg)
}

// resync reads on past the record refused with r as MappingIterator's
// resync does: the stream offset where its object closes, or the answer
// to what the parser refuses first, which ends the stream. The parser
// reads as far as it must to decide either, no further.
func (t *streamTape) resync(r syntaxRefusal) (int64, *apiError) {
	for r.next >= len(t.buf) && t.readMore() {
		if again, ok := jacksonSyntaxAt(t.buf, t.origin); ok {
			r = again
		}
	}
	for {
		end, ends, refused := jacksonResync(t.buf, t.origin, r)
		switch {
		case !refused && end >= 0:
			return t.base + int64(end), nil
		case refused && (ends.next < len(t.buf) || !t.readMore()):
			var tooBig *http.MaxBytesError
			if errors.As(t.err, &tooBig) {
				return -1, httpError(http.StatusRequestEntityTooLarge)
			}
			return -1, streamEnds(ends)
		case !refused:
			return -1, nil
		}
	}
}

// jacksonResync is MappingIterator._resync after the refusal r of body:
// the parser reads tokens on from r.next, skipping arrays and objects,
// until the last of r.frames closes (end, just past it), or refuses what
// it reads.
func jacksonResync(body []byte, origin syntaxOrigin, r syntaxRefusal) (end int, refusal syntaxRefusal, refused bool) {
	if len(r.frames) == 0 {
		return r.next, syntaxRefusal{}, false
	}
	// The record's failed nextValue cleared the current token.
	s := syntaxScan{body: body, pos: r.next, frames: slices.Clone(r.frames), curr: "null", origin: origin, resync: true, synced: -1}
	refusal, refused = s.refuse()
	return s.synced, refusal, refused
}
