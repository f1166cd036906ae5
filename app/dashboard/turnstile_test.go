package dashboard

import (
	"encoding/binary"
	"errors"
	"testing"
)

// decodeTurnstileJSON is decodeTurnstile without its fast path: the key as
// decodeTurnstile reads it, the value through encoding/json alone, the
// reference the fast path must agree with.
func decodeTurnstileJSON(key, value []byte) (int, *int64, error) {
	id, _, err := decodeTurnstile(key, nil) // the key alone
	if err != nil || value == nil {
		return id, nil, err
	}
	n, err := countJSON(value)
	if err != nil {
		return 0, nil, err
	}
	return id, n, nil
}

var turnstileValues = []string{
	`{"COUNT":1}`, `{"COUNT":0}`, `{"COUNT":-0}`, `{"COUNT":-17}`, `{"COUNT":123456789}`,
	`{"COUNT":9223372036854775807}`, `{"COUNT":-9223372036854775808}`,
	`{"COUNT":9223372036854775808}`, `{"COUNT":99999999999999999999}`,
	`{"COUNT":05}`, `{"COUNT":-}`, `{"COUNT":}`, `{"COUNT":1.0}`, `{"COUNT":1e3}`, `{"COUNT":"5"}`,
	`{"COUNT":null}`, `{"COUNT":true}`, `{}`, `null`, `[]`, `5`, ``, ` `, `{`, `{"COUNT":5`,
	` {"COUNT":5} `, "{\"COUNT\":5}\n", `{ "COUNT" : 5 }`, `{"count":5}`, `{"Count":5}`,
	`{"COUNT":5,"COUNT":6}`, `{"COUNT":5,"OTHER":1}`, `{"COUNT":5}x`, `{"COUNT":5}{}`, `{"COUNT":5}}`,
	`{"COUNT":5} {"COUNT":6}`, `{"COUN\u0054":5}`, `{"COUNT":+5}`, `{"COUNT":0x5}`, `{"COUNT":1 2}`,
}

// The fast path decodes exactly what encoding/json decodes, and refuses
// exactly what it refuses (a refused record counts as malformed).
func TestDecodeTurnstileAgreesWithEncodingJSON(t *testing.T) {
	key := binary.BigEndian.AppendUint32(nil, 40010)
	for _, v := range turnstileValues {
		checkTurnstileDecode(t, key, []byte(v))
	}
	checkTurnstileDecode(t, key, nil)
	checkTurnstileDecode(t, []byte{1, 2, 3}, []byte(`{"COUNT":1}`))
}

func checkTurnstileDecode(t *testing.T, key, value []byte) {
	t.Helper()
	id, n, err := decodeTurnstile(key, value)
	wid, wn, werr := decodeTurnstileJSON(key, value)
	var se *SkipError
	if (err == nil) != (werr == nil) || (err != nil && (!errors.As(err, &se) || se.Reason != reasonMalformed)) {
		t.Errorf("value %q: err %v, want %v", value, err, werr)
		return
	}
	if err != nil {
		return
	}
	if id != wid || (n == nil) != (wn == nil) || (n != nil && *n != *wn) {
		t.Errorf("value %q: station %d count %v, want %d %v", value, id, deref(n), wid, deref(wn))
	}
}

func deref(n *int64) any {
	if n == nil {
		return nil
	}
	return *n
}

func FuzzDecodeTurnstile(f *testing.F) {
	for _, v := range turnstileValues {
		f.Add([]byte(v))
	}
	key := binary.BigEndian.AppendUint32(nil, 40010)
	f.Fuzz(func(t *testing.T, value []byte) {
		checkTurnstileDecode(t, key, value)
	})
}

// BenchmarkDecodeTurnstile measures decoding a TURNSTILE_SUMMARY record as
// ksqlDB writes it.
func BenchmarkDecodeTurnstile(b *testing.B) {
	key := binary.BigEndian.AppendUint32(nil, 40010)
	value := []byte(`{"COUNT":12345}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := decodeTurnstile(key, value); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b)
}
