package broker

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/s2"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// Reading the records of a compressed batch, as Kafka's LogValidator does
// when it validates a batch or rewrites it in another codec: the records
// are decompressed as a stream and walked one by one, never inflated whole,
// so that a small batch that expands hugely costs no memory. What Kafka
// answers for each failure (apache/kafka 3.9):
//
//   - the codec cannot decode the bytes: the codec's wrapForInput or the
//     record iterator wraps the IOException in a KafkaException
//     (clients/src/main/java/org/apache/kafka/common/compress/*Compression.java,
//     DefaultRecordBatch.StreamRecordIterator), which Errors.forException
//     answers as UNKNOWN_SERVER_ERROR;
//   - the decompressed bytes are not the declared number of well-formed
//     records: InvalidRecordException ("Found invalid record structure",
//     "Invalid record size", "Incorrect declared batch size", in
//     DefaultRecord.readFrom and DefaultRecordBatch.RecordIterator),
//     answered as INVALID_RECORD;
//   - the rewritten batch is larger than the topic's max.message.bytes:
//     RecordTooLargeException (UnifiedLog.append), MESSAGE_TOO_LARGE.
//
// Kafka reads the records of a batch into its heap whatever their size.
// The broker here stops at socket.request.max.bytes of decompressed
// records, the most one request could carry uncompressed, and answers
// MESSAGE_TOO_LARGE beyond it.
var (
	errUndecodable   = errors.New("records cannot be decompressed")
	errInvalidRecord = errors.New("invalid record")
	errTooLarge      = errors.New("batch too large")
)

// Error codes of apache/kafka 3.9
// clients/src/main/java/org/apache/kafka/common/protocol/Errors.java.
const (
	kerrUnknownServerError int16 = -1
	kerrMessageTooLarge    int16 = 10
	kerrInvalidRecord      int16 = 87
)

// errorCode is the Kafka error code answered for an error of rewriteRecords.
func errorCode(err error) int16 {
	switch {
	case errors.Is(err, errTooLarge):
		return kerrMessageTooLarge
	case errors.Is(err, errInvalidRecord):
		return kerrInvalidRecord
	default:
		return kerrUnknownServerError
	}
}

// zstdMaxWindow is the largest zstd window accepted: zstd's own default
// limit, ZSTD_WINDOWLOG_LIMIT_DEFAULT (27), which zstd-jni in Kafka keeps.
const zstdMaxWindow = 1 << 27

// recordsReader returns a stream of the decompressed records of a batch in
// codec, and a function that releases it.
func recordsReader(codec int8, src []byte, maxBytes int64) (io.Reader, func(), error) {
	nop := func() {}
	switch codec {
	case 0:
		return bytes.NewReader(src), nop, nil
	case 1:
		zr, err := gzip.NewReader(bytes.NewReader(src))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: gzip: %w", errUndecodable, err)
		}
		return zr, nop, nil
	case 2:
		if len(src) >= 16 && bytes.HasPrefix(src, xerialMagic) {
			return &xerialReader{src: src[16:], left: maxBytes}, nop, nil
		}
		// A bare snappy block states its decoded length up front.
		n, err := s2.DecodedLen(src)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: snappy: %w", errUndecodable, err)
		}
		if int64(n) > maxBytes {
			return nil, nil, fmt.Errorf("%w: snappy block of %d bytes", errTooLarge, n)
		}
		raw, err := s2.Decode(nil, src)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: snappy: %w", errUndecodable, err)
		}
		return bytes.NewReader(raw), nop, nil
	case 3:
		return lz4.NewReader(bytes.NewReader(src)), nop, nil
	case 4:
		zr, err := zstd.NewReader(bytes.NewReader(src),
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderMaxMemory(uint64(maxBytes)))
		if err != nil {
			return nil, nil, fmt.Errorf("%w: zstd: %w", errUndecodable, err)
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("%w: compression codec %d", errUndecodable, codec)
}

// xerialMagic opens snappy in the framing of the Java snappy library
// (SnappyOutputStream), which Kafka's Java clients write: the magic, a
// version and a compatible version (4 bytes each), then blocks, each a
// 4-byte big-endian length and a bare snappy block.
var xerialMagic = []byte{0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0}

// xerialBlock is the Java library's default block size.
const xerialBlock = 32 << 10

type xerialReader struct {
	src  []byte
	buf  []byte
	out  []byte
	left int64 // decoded bytes still allowed
}

func (x *xerialReader) Read(p []byte) (int, error) {
	for len(x.out) == 0 {
		if len(x.src) == 0 {
			return 0, io.EOF
		}
		if len(x.src) < 4 {
			return 0, fmt.Errorf("%w: snappy: truncated block length", errUndecodable)
		}
		size := int64(binary.BigEndian.Uint32(x.src))
		if size > int64(len(x.src)-4) {
			return 0, fmt.Errorf("%w: snappy: block of %d bytes past the end", errUndecodable, size)
		}
		block := x.src[4 : 4+size]
		x.src = x.src[4+size:]
		n, err := s2.DecodedLen(block)
		if err != nil {
			return 0, fmt.Errorf("%w: snappy: %w", errUndecodable, err)
		}
		if int64(n) > x.left {
			return 0, fmt.Errorf("%w: snappy blocks beyond %d bytes", errTooLarge, x.left)
		}
		x.left -= int64(n)
		if x.out, err = s2.Decode(x.buf[:cap(x.buf)], block); err != nil {
			return 0, fmt.Errorf("%w: snappy: %w", errUndecodable, err)
		}
		x.buf = x.out
	}
	n := copy(p, x.out)
	x.out = x.out[n:]
	return n, nil
}

// xerialWriter writes snappy in the Java library's framing, one block per
// xerialBlock bytes of input.
type xerialWriter struct {
	w       io.Writer
	pending []byte
	started bool
}

func (x *xerialWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		take := min(xerialBlock-len(x.pending), len(p))
		x.pending = append(x.pending, p[:take]...)
		p = p[take:]
		if len(x.pending) == xerialBlock {
			if err := x.flush(); err != nil {
				return 0, err
			}
		}
	}
	return n, nil
}

func (x *xerialWriter) flush() error {
	var out []byte
	if !x.started {
		out = append(out, xerialMagic...)
		out = binary.BigEndian.AppendUint32(out, 1) // version
		out = binary.BigEndian.AppendUint32(out, 1) // compatible version
		x.started = true
	}
	if len(x.pending) > 0 {
		block := s2.EncodeSnappy(nil, x.pending)
		out = binary.BigEndian.AppendUint32(out, uint32(len(block)))
		out = append(out, block...)
		x.pending = x.pending[:0]
	}
	_, err := x.w.Write(out)
	return err
}

func (x *xerialWriter) Close() error { return x.flush() }

type nopWriteCloser struct{ io.Writer }

func (nopWriteCloser) Close() error { return nil }

// recordsWriter compresses into w in codec.
func recordsWriter(codec int8, w io.Writer) (io.WriteCloser, error) {
	switch codec {
	case 0:
		return nopWriteCloser{w}, nil
	case 1:
		return gzip.NewWriter(w), nil
	case 2:
		return &xerialWriter{w: w}, nil
	case 3:
		return lz4.NewWriter(w), nil
	case 4:
		zw, err := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		if err != nil {
			return nil, fmt.Errorf("zstd writer: %w", err)
		}
		return zw, nil
	}
	return nil, fmt.Errorf("compression codec %d", codec)
}

// cappedBuffer keeps what is written up to max bytes and then only notes
// that more came, so that a writer in front of it runs to the end.
type cappedBuffer struct {
	buf      []byte
	max      int
	overflow bool
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if !c.overflow && len(c.buf)+len(p) <= c.max {
		c.buf = append(c.buf, p...)
	} else {
		c.overflow, c.buf = true, nil
	}
	return len(p), nil
}

// boundedReader fails with errTooLarge once more than left bytes come.
type boundedReader struct {
	r    io.Reader
	left int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, fmt.Errorf("%w: records decompress to more than the broker reads in a request", errTooLarge)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// codecReadError classifies an error from the decompressing stream: the end
// of the stream inside a record is an invalid record; errors already
// classified stay as they are; anything else is the codec failing.
func codecReadError(err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: premature end of the records", errInvalidRecord)
	case errors.Is(err, errTooLarge), errors.Is(err, errInvalidRecord), errors.Is(err, errUndecodable):
		return err
	}
	return fmt.Errorf("%w: %w", errUndecodable, err)
}

// rewriteRecords decompresses records (in codec from), checks that they are
// numRecords well-formed v2 records and nothing more, and returns them
// compressed in codec to (nil when to is negative: only checked). At most
// maxIn decompressed bytes are read, and the result may not exceed maxOut.
func rewriteRecords(records []byte, from, to int8, numRecords int32, maxIn int64, maxOut int) ([]byte, error) {
	return rewriteRecordsNoting(records, from, to, numRecords, maxIn, maxOut, nil)
}

// rewriteRecordsNoting is rewriteRecords, calling nullKey (when not nil)
// with the index of each record that has a null key.
func rewriteRecordsNoting(records []byte, from, to int8, numRecords int32, maxIn int64, maxOut int, nullKey func(int32)) ([]byte, error) {
	if numRecords < 0 {
		return nil, fmt.Errorf("%w: record count %d", errInvalidRecord, numRecords)
	}
	in, release, err := recordsReader(from, records, maxIn)
	if err != nil {
		return nil, err
	}
	defer release()
	out := &cappedBuffer{max: maxOut}
	sink := io.Discard
	var zw io.WriteCloser
	if to >= 0 {
		if zw, err = recordsWriter(to, out); err != nil {
			return nil, err
		}
		sink = zw
	}
	r := bufio.NewReaderSize(io.TeeReader(&boundedReader{r: in, left: maxIn}, sink), 32<<10)
	for i := int32(0); i < numRecords; i++ {
		keyless, err := walkRecord(r)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		if keyless && nullKey != nil {
			nullKey(i)
		}
	}
	if _, err := r.ReadByte(); err == nil {
		return nil, fmt.Errorf("%w: incorrect declared batch size, records still remaining", errInvalidRecord)
	} else if !errors.Is(err, io.EOF) {
		return nil, codecReadError(err)
	}
	if zw == nil {
		return nil, nil
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	if out.overflow {
		return nil, fmt.Errorf("%w: rewritten batch larger than max.message.bytes", errTooLarge)
	}
	return out.buf, nil
}

// walkRecord reads one record ("Record" in
// https://kafka.apache.org/39/documentation/#record) the way
// DefaultRecord.readFrom does, skipping over keys, values and headers; it
// reports whether the record's key is null.
func walkRecord(r *bufio.Reader) (keyless bool, err error) {
	size, err := readVarint(r)
	if err != nil {
		return false, codecReadError(err)
	}
	if size < 0 {
		return false, fmt.Errorf("%w: negative record size %d", errInvalidRecord, size)
	}
	body := &recordBody{r: r, left: size}
	if _, err := body.ReadByte(); err != nil { // attributes
		return false, body.fail(err)
	}
	if err := skipVarlong(body); err != nil { // timestampDelta
		return false, body.fail(err)
	}
	if _, err := readVarint(body); err != nil { // offsetDelta
		return false, body.fail(err)
	}
	for i := range 2 { // key, value; a negative length is null
		n, err := readVarint(body)
		if err != nil {
			return false, body.fail(err)
		}
		if i == 0 {
			keyless = n < 0
		}
		if err := body.skip(int64(n)); err != nil {
			return false, body.fail(err)
		}
	}
	headers, err := readVarint(body)
	if err != nil {
		return false, body.fail(err)
	}
	if headers < 0 || int64(headers) > int64(body.left) {
		return false, fmt.Errorf("%w: invalid number of record headers %d", errInvalidRecord, headers)
	}
	for range headers {
		n, err := readVarint(body)
		if err != nil {
			return false, body.fail(err)
		}
		if n < 0 {
			return false, fmt.Errorf("%w: invalid negative header key size %d", errInvalidRecord, n)
		}
		if err := body.skip(int64(n)); err != nil {
			return false, body.fail(err)
		}
		if n, err = readVarint(body); err != nil {
			return false, body.fail(err)
		}
		if err := body.skip(int64(n)); err != nil {
			return false, body.fail(err)
		}
	}
	if body.left != 0 {
		return false, fmt.Errorf("%w: record size %d, %d bytes left over", errInvalidRecord, size, body.left)
	}
	return keyless, nil
}

// readVarint reads a zig-zag varint of at most 5 bytes, as Kafka's
// ByteUtils.readVarint does.
func readVarint(r io.ByteReader) (int32, error) {
	var u uint32
	for i := 0; i < 5; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		u |= uint32(b&0x7f) << (7 * i)
		if b < 0x80 {
			return int32(u>>1) ^ -int32(u&1), nil
		}
	}
	return 0, fmt.Errorf("%w: varint is too long", errInvalidRecord)
}

// skipVarlong reads a varlong of at most 10 bytes, as Kafka's
// ByteUtils.readVarlong does.
func skipVarlong(r io.ByteReader) error {
	for range 10 {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		if b < 0x80 {
			return nil
		}
	}
	return fmt.Errorf("%w: varlong is too long", errInvalidRecord)
}

// recordBody reads at most left bytes of one record's body.
type recordBody struct {
	r    *bufio.Reader
	left int32
}

var errBodyUnderflow = fmt.Errorf("%w: invalid record structure", errInvalidRecord)

func (b *recordBody) ReadByte() (byte, error) {
	if b.left <= 0 {
		return 0, errBodyUnderflow
	}
	c, err := b.r.ReadByte()
	if err == nil {
		b.left--
	}
	return c, err
}

func (b *recordBody) skip(n int64) error {
	if n <= 0 {
		return nil
	}
	if n > int64(b.left) {
		return errBodyUnderflow
	}
	got, err := b.r.Discard(int(n))
	b.left -= int32(got)
	return err
}

// fail classifies an error met inside a record body.
func (b *recordBody) fail(err error) error {
	if errors.Is(err, errInvalidRecord) {
		return err
	}
	return codecReadError(err)
}
