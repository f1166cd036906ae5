package ksqldb

import (
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
)

// outArena hands out the records a query writes, and the bytes of their
// keys and values, from large blocks: a batch of results costs a few
// allocations rather than three per record. Nothing in a block is ever
// reused or written again: the producer holds a record until it is
// acknowledged, and a block lives as long as any record or bytes in it.
// It is used by one goroutine at a time (the processor's lock is held).
type outArena struct {
	recs []kgo.Record
	buf  []byte
}

const (
	arenaRecords = 256      // records per block
	arenaBlock   = 64 << 10 // bytes per block
	arenaRoom    = 1 << 10  // an encoding starts in a new block when the block has less room left
)

// record is a new, zero record.
func (a *outArena) record() *kgo.Record {
	if len(a.recs) == 0 {
		a.recs = make([]kgo.Record, arenaRecords)
	}
	r := &a.recs[0]
	a.recs = a.recs[1:]
	return r
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
	m := a.mark()
	var err error
	if a.buf, err = s.AppendEncode(a.buf, vals); err != nil {
		return nil, err
	}
	return a.since(m), nil
}
