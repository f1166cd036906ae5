package main

import "testing"

// The watcher reads ksqlDB's COUNT values as encoding/json would.
func TestSummaryCountReadsWhatAJSONDecoderReads(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{`{"COUNT":42}`, 42, true},
		{`{"COUNT":0}`, 0, true},
		{`{ "COUNT" : 7 }`, 7, true},
		{`{"OTHER":1,"COUNT":9}`, 9, true},
		{`{"COUNT":null}`, 0, false},
		{`{"COUNT":"x"}`, 0, false},
		{`{"COUNT":1`, 0, false},
		{`not json`, 0, false},
	} {
		n, ok := summaryCount([]byte(tc.in))
		if n != tc.want || ok != tc.ok {
			t.Errorf("summaryCount(%s) = %d, %v; want %d, %v", tc.in, n, ok, tc.want, tc.ok)
		}
	}
}
