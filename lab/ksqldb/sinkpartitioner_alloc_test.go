package ksqldb

import (
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Placing a windowed key by its base key costs no allocation: a HOPPING
// window's query places four records per input record this way.
func TestBaseKeyTopicPartitionerPlacesAKeyWithoutAllocating(t *testing.T) {
	p := baseKeyPartitioner{def: kgo.StickyKeyPartitioner(nil), parts: map[string]keyPart{"t": {suffix: 8}}}.ForTopic("t")
	r := &kgo.Record{Topic: "t", Key: []byte("station-40380\x00\x00\x01\x8c\x00\x00\x00\x00")}
	want := kgo.StickyKeyPartitioner(nil).ForTopic("t").Partition(&kgo.Record{Key: []byte("station-40380")}, 6)
	if got := p.Partition(r, 6); got != want {
		t.Fatalf("partition %d, want %d (the base key's)", got, want)
	}
	if allocs := testing.AllocsPerRun(100, func() { p.Partition(r, 6) }); allocs != 0 {
		t.Errorf("%v allocations per record", allocs)
	}
}
