package ksqldb

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Kafka Streams commits each input partition's offset with metadata
// (apache/kafka 3.9 StreamTask.committableOffsetsAndMetadata,
// TopicPartitionMetadata.encode, ProcessorMetadata.serialize): Base64 of
// the magic byte 2, the partition's time (the largest record time its
// task took from it, RecordQueue.partitionTime; -1 before any) as 8
// big-endian bytes, then the task's processor metadata, when it holds
// any, as its entry count (4 bytes) and each entry as a 4-byte key
// length, the UTF-8 key and an 8-byte value. The one processor metadata a
// ksqlDB query has is an EMIT FINAL aggregation's close time of its last
// final emit, under its store's name
// (AbstractKStreamTimeWindowAggregateProcessor and
// KStreamSessionWindowAggregate's maybeForwardFinalResult), which is the
// task's own: partition p of each input topic is task p's, and carries
// task p's close time; a restarted task reads both back from the committed
// offsets of its partitions, taking the largest value of each key over
// them (StreamTask.initializeTaskTimeAndProcessorMetadata).
//
// A query's main stream thread writes it so; its partition times are those
// of the records it read, and a batch's commit carries the partitions the
// batch read (Kafka Streams also commits the task's other input partitions
// again when the processor metadata changed).

// streamsMetadataMagic is TopicPartitionMetadata.LATEST_MAGIC_BYTE.
const streamsMetadataMagic = 2

// unknownPartitionTime is RecordQueue.UNKNOWN.
const unknownPartitionTime = -1

// emitFinalStore is the name of the aggregation's store, the key of its
// last emit close time in the processor metadata.
const emitFinalStore = "Aggregate-Aggregate-Materialize"

// topicPartition names one input partition.
type topicPartition struct {
	topic     string
	partition int32
}

// partitionTimes are the partition times of a query's input partitions.
type partitionTimes map[topicPartition]int64

// observe notes a record the query took from a partition, with its time.
func (pt *partitionTimes) observe(topic string, partition int32, ts int64) {
	if *pt == nil {
		*pt = partitionTimes{}
	}
	tp := topicPartition{topic, partition}
	if t, ok := (*pt)[tp]; !ok || ts > t {
		(*pt)[tp] = ts
	}
}

// time is the partition's time, unknownPartitionTime before any record.
func (pt partitionTimes) time(topic string, partition int32) int64 {
	if t, ok := pt[topicPartition{topic, partition}]; ok {
		return t
	}
	return unknownPartitionTime
}

// encodeOffsetMetadata is TopicPartitionMetadata.encode of a partition
// time and the processor metadata of an EMIT FINAL aggregation whose last
// emit closed at lastEmit (none before its first emit, or without EMIT
// FINAL: lastEmit < 0).
func encodeOffsetMetadata(partitionTime, lastEmit int64) string {
	b := make([]byte, 0, 1+8+4+4+len(emitFinalStore)+8)
	b = append(b, streamsMetadataMagic)
	b = binary.BigEndian.AppendUint64(b, uint64(partitionTime))
	if lastEmit >= 0 {
		b = binary.BigEndian.AppendUint32(b, 1)
		b = binary.BigEndian.AppendUint32(b, uint32(len(emitFinalStore)))
		b = append(b, emitFinalStore...)
		b = binary.BigEndian.AppendUint64(b, uint64(lastEmit))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// decodeOffsetMetadata is TopicPartitionMetadata.decode: the partition
// time and the processor metadata. Metadata Kafka Streams did not write
// (another client's, an unknown version) reads as an unknown time and no
// processor metadata, as decode logs it and goes on.
func decodeOffsetMetadata(s string) (int64, map[string]int64) {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) < 9 || (b[0] != 1 && b[0] != streamsMetadataMagic) {
		return unknownPartitionTime, nil
	}
	partitionTime := int64(binary.BigEndian.Uint64(b[1:9]))
	if b[0] == 1 {
		return partitionTime, nil
	}
	meta, err := decodeProcessorMetadata(b[9:])
	if err != nil {
		// decode's catch: the whole metadata is dropped
		return unknownPartitionTime, nil
	}
	return partitionTime, meta
}

// decodeProcessorMetadata is ProcessorMetadata.deserialize.
func decodeProcessorMetadata(b []byte) (map[string]int64, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if len(b) < 4 {
		return nil, fmt.Errorf("processor metadata of %d bytes", len(b))
	}
	n := int(binary.BigEndian.Uint32(b))
	b = b[4:]
	out := map[string]int64{}
	for range n {
		if len(b) < 4 {
			return nil, fmt.Errorf("processor metadata entry cut short")
		}
		kl := int(binary.BigEndian.Uint32(b))
		if kl < 0 || len(b) < 4+kl+8 {
			return nil, fmt.Errorf("processor metadata entry cut short")
		}
		out[string(b[4:4+kl])] = int64(binary.BigEndian.Uint64(b[4+kl:]))
		b = b[4+kl+8:]
	}
	return out, nil
}

// offsetMetadataContext is ctx carrying the metadata of the batch's offset
// commit, transactional or not: each partition's time and the last emit
// close time of an EMIT FINAL aggregation's task of that partition. The
// caller is the main stream thread, between batches.
func (q *runningQuery) offsetMetadataContext(ctx context.Context) context.Context {
	var lastEmits map[int32]int64
	if w := q.plan.Agg; w != nil && w.Window != nil && w.Window.Final {
		q.proc.Mu.Lock()
		lastEmits = q.proc.LastEmits()
		q.proc.Mu.Unlock()
	}
	times := q.partTimes
	meta := func(topic string, partition int32) *string {
		lastEmit, ok := lastEmits[partition]
		if !ok {
			lastEmit = -1
		}
		s := encodeOffsetMetadata(times.time(topic, partition), lastEmit)
		return &s
	}
	ctx = kgo.PreTxnCommitFnContext(ctx, func(req *kmsg.TxnOffsetCommitRequest) error {
		for i := range req.Topics {
			t := &req.Topics[i]
			for j := range t.Partitions {
				t.Partitions[j].Metadata = meta(t.Topic, t.Partitions[j].Partition)
			}
		}
		return nil
	})
	return kgo.PreCommitFnContext(ctx, func(req *kmsg.OffsetCommitRequest) error {
		for i := range req.Topics {
			t := &req.Topics[i]
			for j := range t.Partitions {
				t.Partitions[j].Metadata = meta(t.Topic, t.Partitions[j].Partition)
			}
		}
		return nil
	})
}

// restoreOffsetMetadata reads the query's committed offset metadata back:
// the partition times, and each task's EMIT FINAL last emit close time,
// the largest over the task's partitions. The caller holds q.proc.Mu.
func (q *runningQuery) restoreOffsetMetadata(ctx context.Context) error {
	offs, err := q.committed(ctx)
	if err != nil {
		return fmt.Errorf("fetch committed offsets of %s: %w", q.appID, err)
	}
	times := partitionTimes{}
	for _, o := range offs.Sorted() {
		if o.Err != nil {
			continue
		}
		pt, meta := decodeOffsetMetadata(o.Metadata)
		if pt != unknownPartitionTime {
			times[topicPartition{o.Topic, o.Partition}] = pt
		}
		if t, ok := meta[emitFinalStore]; ok {
			q.proc.RestoreLastEmit(o.Partition, t)
		}
	}
	q.partTimes = times
	return nil
}
