package ksqldb

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"testing"
)

// streamsOffsetMetadata is the metadata Kafka Streams commits with an
// input partition's offset (apache/kafka 3.9 TopicPartitionMetadata.encode,
// ProcessorMetadata.serialize): Base64 of the magic byte 2, the partition
// time as 8 big-endian bytes, then, when the task holds processor
// metadata, its entry count and each entry as a 4-byte key length, the
// UTF-8 key and an 8-byte value.
func streamsOffsetMetadata(partitionTime int64, entries ...any) string {
	b := append([]byte{2}, binary.BigEndian.AppendUint64(nil, uint64(partitionTime))...)
	if len(entries) > 0 {
		b = binary.BigEndian.AppendUint32(b, uint32(len(entries)/2))
		for i := 0; i < len(entries); i += 2 {
			k := entries[i].(string)
			b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
			b = append(b, k...)
			b = binary.BigEndian.AppendUint64(b, uint64(entries[i+1].(int64)))
		}
	}
	return base64.StdEncoding.EncodeToString(b)
}

// A query commits its input offsets with Kafka Streams' metadata: the
// partition's time (the largest record time it read), and for an EMIT
// FINAL aggregation the close time of its last final emit under its
// store's name, which the windowed aggregate processor keeps as processor
// metadata (AbstractKStreamTimeWindowAggregateProcessor.
// maybeForwardFinalResult, StreamTask.committableOffsetsAndMetadata 3.9).
func TestQueriesCommitKafkaStreamsOffsetMetadata(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, clicksStream+`
CREATE TABLE finals AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 0 SECONDS) GROUP BY user_id EMIT FINAL;
CREATE TABLE changes AS SELECT user_id, COUNT(*) AS n FROM clicks
  WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY user_id EMIT CHANGES;`, emitEveryRecord())
	st.produceTimed("clicks", timed{intKey(1), `{}`, 1_000}, timed{intKey(1), `{}`, 16_000}, timed{intKey(1), `{}`, 12_000})
	st.consumeWindowed("FINALS", 1) // [0,10) closed at 16 s
	for sink, want := range map[string]string{
		// the close time of the last emit is stream time less grace
		"FINALS":  streamsOffsetMetadata(16_000, "Aggregate-Aggregate-Materialize", int64(16_000)),
		"CHANGES": streamsOffsetMetadata(16_000),
	} {
		group := queryTopic(queryWriting(t, url, sink), "")
		var got string
		waitFor(t, func() bool {
			offs, err := st.adm.FetchOffsets(context.Background(), group)
			o, ok := offs.Lookup("clicks", 0)
			if err != nil || !ok || o.Err != nil || o.At < 3 {
				return false
			}
			got = o.Metadata // the commit after the third record
			return true
		}, sink+" committing its third record")
		if got != want {
			t.Errorf("%s: metadata %q, want %q", sink, got, want)
		}
	}
}

// A restarted query reads the metadata back as TopicPartitionMetadata.
// decode does: the partition time and the processor metadata of magic
// byte 2, the time alone of magic byte 1, and nothing from metadata
// another client wrote (a franz-go member id, which is no Base64 of a
// known version).
func TestOffsetMetadataReadsBackAsKafkaStreamsDecodes(t *testing.T) {
	pt, meta := decodeOffsetMetadata(streamsOffsetMetadata(16_000, "Aggregate-Aggregate-Materialize", int64(12_000)))
	if pt != 16_000 || len(meta) != 1 || meta["Aggregate-Aggregate-Materialize"] != 12_000 {
		t.Errorf("version 2: %d %v", pt, meta)
	}
	v1 := base64.StdEncoding.EncodeToString(append([]byte{1}, binary.BigEndian.AppendUint64(nil, 7)...))
	if pt, meta := decodeOffsetMetadata(v1); pt != 7 || meta != nil {
		t.Errorf("version 1: %d %v", pt, meta)
	}
	if pt, meta := decodeOffsetMetadata("kgo-796b92a6176e743b25bae17275849dc7"); pt != -1 || meta != nil {
		t.Errorf("member id: %d %v", pt, meta)
	}
}
