package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// outArena hands out the records a query writes, and the bytes of their
// keys and values, from large blocks: a batch of results costs a few
// allocations rather than three per record. The producer holds a record
// until it is acknowledged; once every record handed out so far is (a
// flush or a transaction's end returned without error, which waits for
// every record the client buffered), reuse hands the record blocks out
// again, zeroed, instead of leaving them to the collector. Bytes are never
// reused: a block of them lives as long as any record that points into
// it. It is used by one goroutine at a time (the processor's lock is
// held).
type outArena struct {
	recs  []kgo.Record   // what is left of the block records come from
	spent [][]kgo.Record // the blocks records came from since the last reuse, that one included
	free  [][]kgo.Record // zeroed blocks to hand out again
	buf   []byte
}

const (
	arenaRecords = 256      // records per block
	arenaBlock   = 64 << 10 // bytes per block
	arenaRoom    = 1 << 10  // an encoding starts in a new block when the block has less room left
)

// record is a new, zero record.
func (a *outArena) record() *kgo.Record {
	if len(a.recs) == 0 {
		var b []kgo.Record
		if n := len(a.free); n > 0 {
			b, a.free = a.free[n-1], a.free[:n-1]
		} else {
			b = make([]kgo.Record, arenaRecords)
		}
		a.spent = append(a.spent, b)
		a.recs = b
	}
	r := &a.recs[0]
	a.recs = a.recs[1:]
	return r
}

// reuse makes the records handed out so far new records to hand out
// again. The caller vouches that nothing holds any of them: every one was
// acknowledged, or its producer failed and is gone.
func (a *outArena) reuse() {
	for _, b := range a.spent {
		clear(b)
		a.free = append(a.free, b)
	}
	clear(a.spent)
	a.spent, a.recs = a.spent[:0], nil
}

// trim leaves the blocks kept for reuse to the collector, for a query
// with nothing to do: an idle query holds no more than the records of
// the batch it is on.
func (a *outArena) trim() {
	clear(a.free)
	a.free = a.free[:0]
}

// mark is where the next bytes appended to a.buf begin; a longer encoding
// than the room left still works, as append moves a.buf to a larger array.
func (a *outArena) mark() int {
	if cap(a.buf)-len(a.buf) < arenaRoom {
		a.buf = make([]byte, 0, arenaBlock)
	}
	return len(a.buf)
}

// since is the bytes appended to a.buf from mark on, capped so that
// appending to them cannot reach into what follows.
func (a *outArena) since(mark int) []byte {
	return a.buf[mark:len(a.buf):len(a.buf)]
}

// copy is a copy of b in the arena (nil for nil).
func (a *outArena) copy(b []byte) []byte {
	if b == nil {
		return nil
	}
	m := a.mark()
	a.buf = append(a.buf, b...)
	return a.since(m)
}

// bytes is a copy of s in the arena.
func (a *outArena) bytes(s string) []byte {
	m := a.mark()
	a.buf = append(a.buf, s...)
	return a.since(m)
}

// encode is vals encoded by s: in the arena where s appends, else in bytes
// of their own.
func (a *outArena) encode(s *formats.Serde, vals []any) ([]byte, error) {
	if !s.Appends() {
		return s.Encode(vals)
	}
	if s.EncodesNull(vals) {
		return nil, nil
	}
	m := a.mark()
	var err error
	if a.buf, err = s.AppendEncode(a.buf, vals); err != nil {
		return nil, err
	}
	return a.since(m), nil
}
