package recpool

import "testing"

// A slice put back is handed out again, cut to the length asked for, to a
// request it is large enough for; a request larger than the slices in the
// pool gets a new one. (sync.Pool may drop a slice, as the race detector's
// build does on purpose for some Puts: over many rounds most come back.)
func TestAPutSliceIsHandedOutAgainWhenLargeEnough(t *testing.T) {
	var p Pool
	for range 100 {
		s := p.GetRecords(8)
		p.PutRecords(s[:0:cap(s)])
		before := p.Reused()
		again := p.GetRecords(5)
		if len(again) != 5 {
			t.Fatalf("get 5: len %d", len(again))
		}
		if p.Reused() > before && cap(again) < 8 {
			t.Fatalf("a reused slice of capacity %d, want the 8 put back", cap(again))
		}
		p.PutRecords(again[:0:cap(again)])
	}
	if p.Reused() == 0 {
		t.Errorf("no slice was handed out again in 100 rounds")
	}
	if big := p.GetRecords(1 << 12); len(big) != 1<<12 {
		t.Errorf("large get: len %d", len(big))
	}
}
