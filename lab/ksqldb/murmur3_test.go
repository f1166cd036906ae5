package ksqldb

import "testing"

// Kafka Streams hashes a foreign-key join's left values with its own
// Murmur3.hash128 (org.apache.kafka.streams.state.internals.Murmur3,
// apache/kafka 3.9.0): the x64 128-bit variant, two longs. The cases are
// Murmur3Test.testMurmur3_128's, seed 123 (apache/kafka 3.9.0-rc3,
// streams/src/test/java/org/apache/kafka/streams/state/internals/Murmur3Test.java).
func TestMurmur3Hash128IsKafkaStreamsHash(t *testing.T) {
	for in, want := range map[string][2]int64{
		"21":                         {5857341059704281894, -5288187638297930763},
		"foobar":                     {-351361463397418609, 8959716011862540668},
		"a-little-bit-long-string":   {8836256500583638442, -198172363548498523},
		"a-little-bit-longer-string": {1838346159335108511, 8794688210320490705},
		"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": {-4024021876037397259, -1482317706335141238},
		"abc": {1489494923063836066, -5440978547625122829},
	} {
		if got := murmur3Hash128([]byte(in), 123); got != want {
			t.Errorf("hash128(%q) = %v, want %v", in, got, want)
		}
	}
}
