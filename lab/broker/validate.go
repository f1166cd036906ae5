package broker

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kmsg"
)

// Checking the records of every produced batch, as Kafka's LogValidator
// does before it appends (apache/kafka 3.9
// storage/src/main/java/org/apache/kafka/storage/internals/log/LogValidator.java):
// kfake checks a batch's header and CRC but not the records inside, so a
// client could store records no consumer can read. Every record of a
// batch must parse (DefaultRecord.readFrom), the batch must hold as many
// as it declares, and a compacted topic takes no record without a key
// (validateKey). Timestamps are not checked: Kafka checks them only when a
// topic sets message.timestamp.before/after.max.ms, whose defaults allow
// any.

// keylessRecords is the refusal of a batch with records a compacted topic
// cannot take: their indexes in the batch.
type keylessRecords struct {
	indexes []int32
}

func (k *keylessRecords) Error() string {
	return fmt.Sprintf("%d records without a key for a compacted topic", len(k.indexes))
}

func (k *keylessRecords) Unwrap() error { return errInvalidRecord }

// keylessNoter collects the indexes of records without a key, when asked to.
type keylessNoter struct {
	note    func(int32) // nil: keys are not checked
	indexes []int32
}

// noteKeyless returns a noter whose note is nil unless keyed.
func noteKeyless(keyed bool) *keylessNoter {
	k := &keylessNoter{}
	if keyed {
		k.note = func(i int32) { k.indexes = append(k.indexes, i) }
	}
	return k
}

// err is the refusal of the noted records, or nil.
func (k *keylessNoter) err() error {
	if len(k.indexes) == 0 {
		return nil
	}
	return &keylessRecords{indexes: k.indexes}
}

// batchHeader is what the record walk needs of a batch's header.
type batchHeader struct {
	attrs      uint16
	codec      int8
	numRecords int32
}

// readBatchHeader reads the header of a single v2 data batch; ok is false
// for what kfake judges by the header alone (too short, another magic, a
// length that is not the whole, a control batch, an unknown codec).
func readBatchHeader(batch []byte) (h batchHeader, ok bool) {
	if len(batch) < batchHeaderLen || batch[batchMagicAt] != 2 {
		return h, false
	}
	if int(int32(binary.BigEndian.Uint32(batch[batchLengthAt:])))+12 != len(batch) {
		return h, false // one batch per partition; kfake refuses the rest
	}
	h.attrs = binary.BigEndian.Uint16(batch[batchAttributesAt:])
	h.codec = int8(h.attrs & 0x07)
	if h.attrs&0x20 != 0 || h.codec > 4 {
		return h, false
	}
	h.numRecords = int32(binary.BigEndian.Uint32(batch[batchHeaderLen-4:]))
	return h, true
}

// keylessMessage is what Kafka says of a record without a key for a
// compacted topic (LogValidator.validateKey).
func keylessMessage(topic string, partition int32) string {
	return "Compacted topic cannot accept message without key in topic partition " + topic + "-" + strconv.Itoa(int(partition))
}

// refusal fills in what Kafka answers for err on a partition: the error
// message and the record errors of a RecordValidationException
// (LogValidator.processRecordErrors, ProduceResponse.RecordError.toString);
// other refusals carry no message, as ReplicaManager answers them.
func refusal(topic string, partition int32, err error) refusedBatch {
	r := refusedBatch{topic: topic, partition: partition, code: errorCode(err)}
	var k *keylessRecords
	if !errors.As(err, &k) {
		return r
	}
	msg := keylessMessage(topic, partition)
	shown := make([]string, 0, 3)
	for i, idx := range k.indexes {
		m := msg
		r.recordErrors = append(r.recordErrors, kmsg.ProduceResponseTopicPartitionErrorRecord{RelativeOffset: idx, ErrorMessage: &m})
		if i < 3 {
			shown = append(shown, fmt.Sprintf("RecordError(batchIndex=%d, message='%s')", idx, msg))
		}
	}
	text := fmt.Sprintf("One or more records have been rejected due to %d record errors in total, and only showing the first three errors at most: [%s]",
		len(k.indexes), strings.Join(shown, ", "))
	r.message = &text
	return r
}

// checkBatch walks the records of batch, a v2 batch whose header kfake
// will judge, reading at most maxRecords decompressed bytes; keyed asks
// that every record have a key. A batch kfake refuses by its header (a
// wrong length, magic, codec or CRC, a control batch) is left to kfake.
func checkBatch(batch []byte, maxRecords int64, keyed bool) error {
	h, ok := readBatchHeader(batch)
	if !ok {
		return nil
	}
	k := noteKeyless(keyed)
	var err error
	if h.codec == 0 {
		err = walkPlainRecords(batch[batchHeaderLen:], h.numRecords, k.note)
	} else {
		_, err = rewriteRecordsNoting(batch[batchHeaderLen:], h.codec, -1, h.numRecords, maxRecords, 0, k.note)
	}
	if err == nil {
		err = k.err()
	}
	// Kafka checks the CRC before the records (analyzeAndValidateRecords):
	// bytes the CRC does not vouch for are kfake's CORRUPT_MESSAGE, not a
	// record error. Only a refused batch pays for the CRC here; kfake
	// checks every batch's.
	if err != nil && binary.BigEndian.Uint32(batch[batchCRCAt:]) != crc32.Checksum(batch[batchAttributesAt:], crc32c) {
		return nil
	}
	return err
}

// walkPlainRecords is walkRecord over uncompressed records in memory: the
// hot path of every produce, so it reads the slice directly.
func walkPlainRecords(b []byte, numRecords int32, nullKey func(int32)) error {
	if numRecords < 0 {
		return fmt.Errorf("%w: record count %d", errInvalidRecord, numRecords)
	}
	for i := int32(0); i < numRecords; i++ {
		size, n := plainVarint(b)
		if n <= 0 {
			return fmt.Errorf("record %d: %w: premature end of the records", i, errInvalidRecord)
		}
		b = b[n:]
		if size < 0 || int64(size) > int64(len(b)) {
			return fmt.Errorf("record %d: %w: record size %d, %d bytes left", i, errInvalidRecord, size, len(b))
		}
		keyless, err := plainRecordBody(b[:size])
		if err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
		if keyless && nullKey != nil {
			nullKey(i)
		}
		b = b[size:]
	}
	if len(b) > 0 {
		return fmt.Errorf("%w: incorrect declared batch size, records still remaining", errInvalidRecord)
	}
	return nil
}

// plainRecordBody checks one record's body (after its length), as
// DefaultRecord.readFrom reads it.
func plainRecordBody(b []byte) (keyless bool, err error) {
	if len(b) < 1 {
		return false, errBodyUnderflow
	}
	b = b[1:] // attributes
	if n := plainVarlongLen(b); n <= 0 {
		return false, errBodyUnderflow // timestampDelta
	} else {
		b = b[n:]
	}
	if _, n := plainVarint(b); n <= 0 { // offsetDelta
		return false, errBodyUnderflow
	} else {
		b = b[n:]
	}
	for i := range 2 { // key, value; a negative length is null
		l, n := plainVarint(b)
		if n <= 0 {
			return false, errBodyUnderflow
		}
		b = b[n:]
		if i == 0 {
			keyless = l < 0
		}
		if l > 0 {
			if int64(l) > int64(len(b)) {
				return false, errBodyUnderflow
			}
			b = b[l:]
		}
	}
	headers, n := plainVarint(b)
	if n <= 0 {
		return false, errBodyUnderflow
	}
	b = b[n:]
	if headers < 0 || int64(headers) > int64(len(b)) {
		return false, fmt.Errorf("%w: invalid number of record headers %d", errInvalidRecord, headers)
	}
	for range headers {
		l, n := plainVarint(b)
		if n <= 0 {
			return false, errBodyUnderflow
		}
		if l < 0 {
			return false, fmt.Errorf("%w: invalid negative header key size %d", errInvalidRecord, l)
		}
		b = b[n:]
		if int64(l) > int64(len(b)) {
			return false, errBodyUnderflow
		}
		b = b[l:]
		if l, n = plainVarint(b); n <= 0 {
			return false, errBodyUnderflow
		}
		b = b[n:]
		if l > 0 {
			if int64(l) > int64(len(b)) {
				return false, errBodyUnderflow
			}
			b = b[l:]
		}
	}
	if len(b) != 0 {
		return false, fmt.Errorf("%w: %d bytes left over in a record", errInvalidRecord, len(b))
	}
	return keyless, nil
}

// plainVarint decodes a zig-zag varint of at most 5 bytes (Kafka's
// ByteUtils.readVarint) from the front of b; n is the bytes read, 0 when b
// ends first or the varint is too long.
func plainVarint(b []byte) (v int32, n int) {
	var u uint32
	for i := 0; i < 5 && i < len(b); i++ {
		u |= uint32(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return int32(u>>1) ^ -int32(u&1), i + 1
		}
	}
	return 0, 0
}

// plainVarlongLen is the length of the varlong (at most 10 bytes) at the
// front of b, 0 when b ends first or it is too long.
func plainVarlongLen(b []byte) int {
	for i := 0; i < 10 && i < len(b); i++ {
		if b[i] < 0x80 {
			return i + 1
		}
	}
	return 0
}
