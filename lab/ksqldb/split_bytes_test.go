package ksqldb

import "testing"

// SPLIT of BYTES follows BytesUtils.split: an empty input is one empty
// piece, whatever the delimiter; an empty delimiter splits into single
// bytes. query-validation-tests split.json, the case splitting all
// characters by an empty delimiter.
func TestSplitBytesOfEmptyInputIsOneEmptyPiece(t *testing.T) {
	checkDocsCalls(t, []docsCall{
		{`SPLIT(TO_BYTES('', 'utf8'), TO_BYTES('', 'utf8'))`, `[""]`},
		{`SPLIT(TO_BYTES('', 'utf8'), TO_BYTES('-', 'utf8'))`, `[""]`},
		{`SPLIT(TO_BYTES('xy', 'utf8'), TO_BYTES('', 'utf8'))`, `["eA==","eQ=="]`},
	})
}
